"""JupyterHub for a CNN Lab class on one machine; started by ``python3 dev.py classroom``
(book/tools/classroom.py), which writes the settings this file reads (``$CNNLAB_CLASSROOM``).

- Users: the students named on the command line and ``teacher`` (an admin). Each logs in
  with the password on their slip (``passwords.json``); nobody else can log in.
- Servers: JupyterLab from the book's environment, one per student, each in its own home
  folder (``homes/<name>``), all running as the account that started the hub.
- Proxy: configurable-http-proxy from npm (dev.py installs it into .venv/node).
"""

import hmac
import json
import os
import sys
from pathlib import Path

from jupyterhub.auth import Authenticator

c = get_config()  # noqa: F821 (JupyterHub defines get_config)
settings = json.loads(Path(os.environ["CNNLAB_CLASSROOM"]).read_text())
folder = Path(settings["folder"])


class SlipAuthenticator(Authenticator):
    """Each name logs in with its own password, read from ``passwords.json`` at every login
    (so new slips take effect without a restart)."""

    async def authenticate(self, handler, data):
        known = json.loads((folder / "passwords.json").read_text())
        name = self.normalize_username(data["username"])
        expected = known.get(name)
        if expected is not None and hmac.compare_digest(expected.encode(), data["password"].encode()):
            return name
        return None


c.JupyterHub.authenticator_class = SlipAuthenticator
c.Authenticator.allowed_users = set(settings["students"])
c.Authenticator.admin_users = {settings["teacher"]}
c.Authenticator.allow_existing_users = False  # a name taken off the list can no longer log in

c.JupyterHub.ip = settings["ip"]
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]  # only the proxy and the servers talk to the hub
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.JupyterHub.db_url = f"sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(folder / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # Ctrl-C stops every student's server too

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(folder / "homes" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
if os.geteuid() == 0:  # JupyterLab refuses to run as root without being told it may
    c.Spawner.args = ["--allow-root"]
