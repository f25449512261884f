"""JupyterHub for a CNN Lab class on one machine; started by ``python3 dev.py classroom``
(book/tools/classroom.py), which writes the settings this file reads (``$CNNLAB_CLASSROOM``).

- Users: the students named on the command line and ``teacher`` (an admin). Each logs in
  with the password on their slip (``passwords.json``); nobody else can log in.
- Servers: JupyterLab from the book's environment, one per student, each in its own home
  folder (``homes/<name>``), all running as the account that started the hub.
- Proxy: configurable-http-proxy from npm (dev.py installs it into .venv/node).
- Idle servers: jupyterhub-idle-culler stops a server idle for ``settings["idle_seconds"]``
  (the teacher's ``--idle-minutes``), which frees its kernels' memory; the work is on disk.
"""

import hmac
import json
import math
import os
import sys
import time
from pathlib import Path

from jupyterhub.auth import Authenticator
from tornado import web

c = get_config()  # noqa: F821 (JupyterHub defines get_config)
settings = json.loads(Path(os.environ["CNNLAB_CLASSROOM"]).read_text())
folder = Path(settings["folder"])


class SlipAuthenticator(Authenticator):
    """Each name logs in with its own password, read from ``passwords.json`` at every login
    (so new slips take effect without a restart).

    Guessing is throttled: after ``NAME_FAILURES`` wrong passwords in a row for one name, or
    ``ADDRESS_FAILURES`` from one client address, every attempt for that name (or from that
    address) is refused unread for ``settings["lockout"]`` seconds, and again after each
    further failure. A right password resets the counts. The counts live in the hub's memory
    (a restart clears them); the address is the one the proxy reports."""

    NAME_FAILURES, ADDRESS_FAILURES = 5, 20

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.failures = {}  # ("name", n) or ("address", a) -> [failures in a row, refused until]

    async def authenticate(self, handler, data):
        known = json.loads((folder / "passwords.json").read_text())
        name = self.normalize_username(data["username"])
        keys = {("address", handler.request.remote_ip): self.ADDRESS_FAILURES}
        if name in known:  # unknown names are counted by address only
            keys[("name", name)] = self.NAME_FAILURES
        now = time.monotonic()
        waits = {kind: self.failures.get((kind, value), (0, now))[1] - now for kind, value in keys}
        if max(waits.values()) > 0:
            who = "this name" if waits.get("name", 0) >= waits["address"] else "this computer"
            raise web.HTTPError(429, "Too many wrong passwords for %s: try again in %d s, with the password "
                                "on your slip.", who, math.ceil(max(waits.values())))
        expected = known.get(name)
        if expected is not None and hmac.compare_digest(expected.encode(), data["password"].encode()):
            for key in keys:
                self.failures.pop(key, None)
            return name
        if len(self.failures) > 10_000:  # made-up addresses must not fill the memory: keep the locks only
            self.failures = {key: entry for key, entry in self.failures.items() if entry[1] > now}
        for key, allowed in keys.items():
            count = self.failures.get(key, (0, now))[0] + 1
            self.failures[key] = (count, now + settings["lockout"] if count >= allowed else now)
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

if settings["idle_seconds"] > 0:
    c.JupyterHub.services = [{"name": "idle-culler", "command": [
        sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={settings['idle_seconds']}",
        f"--cull-every={max(1, min(60, settings['idle_seconds'] // 4))}"]}]
    c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
