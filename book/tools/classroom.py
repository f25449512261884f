"""A JupyterHub classroom on one machine, and nbgitpuller links that hand out the chapters.

    python3 dev.py classroom --students names.txt [--ip 0.0.0.0] [--port 8000]
    python3 dev.py link --hub https://hub.example.org/ --repo https://github.com/me/cnnlab-student --chapter 3

``classroom`` writes everything it needs under ``_build/classroom/`` (or ``--dir``):

- ``cnnlab-student/``: a git repository of the student edition (``student_edition.py``),
  with a new commit whenever the edition changed, served read-only by ``git daemon`` on
  127.0.0.1 for nbgitpuller (the students' servers run on this machine);
- ``passwords.json`` (readable by its owner only) and ``slips.txt``: one password per
  student and for the teacher, to print and cut into slips; a restart keeps them;
- ``homes/<name>/``: each student's home folder, where nbgitpuller puts the notebooks;
- ``jupyterhub.sqlite``, ``jupyterhub_cookie_secret``: the hub's state.

It then starts JupyterHub (``jupyterhub_config.py`` beside this file) on ``--ip:--port``
and prints each chapter's link. Ctrl-C stops the hub, every student's server, the proxy and
the git server.

``link`` prints the link nbgitpuller's own link generator builds for a JupyterLab user:
``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=lab/tree/<folder>/notebooks/<chapter>``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import student_edition  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().with_name("jupyterhub_config.py")
PROXY = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
REPO = "cnnlab-student"
TEACHER = "teacher"
NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
WORDS = "amber basil cedar delta ember fjord garnet harbor iris juniper kelp lumen maple nectar onyx pepper quartz raven sierra tundra umber violet willow yarrow zephyr".split()


def chapters() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def chapter_file(chapter: str | int) -> str:
    """The notebook of ``chapter`` (3, "03" or "03_convolution"), as a path in the repository."""
    number = f"{int(chapter):02d}" if str(chapter).isdigit() else str(chapter)[:2]
    for path in chapters():
        if path.name.startswith(number + "_"):
            return f"notebooks/{path.name}"
    names = ", ".join(p.stem for p in chapters())
    raise SystemExit(f"There is no chapter {chapter!r}; the chapters are {names}.")


def _encode(value: str) -> str:
    """Percent-encode as a browser's ``URLSearchParams`` does (what nbgitpuller's page uses)."""
    return quote_plus(value, safe="*").replace("~", "%7E")


def nbgitpuller_link(hub: str, repo: str, path: str, branch: str = "main") -> str:
    """The link that pulls ``repo`` (branch ``branch``) into the user's home and opens ``path``
    (relative to the repository) in JupyterLab.

    ``hub`` is the hub's address, with or without a trailing slash. The folder nbgitpuller
    clones into is the repository's last path component, which is what ``urlpath`` opens.
    """
    if urlsplit(hub).scheme not in ("http", "https"):
        raise SystemExit(f"The hub's address must start with http:// or https://; got {hub!r}.")
    folder = repo.rstrip("/").split("/")[-1]
    query = [("repo", repo), ("branch", branch), ("urlpath", f"lab/tree/{folder}/{path}")]
    return hub.rstrip("/") + "/hub/user-redirect/git-pull?" + "&".join(f"{k}={_encode(v)}" for k, v in query)


def read_students(spec: str) -> list[str]:
    """Names from a file (one per line, ``#`` comments) or a comma-separated list."""
    text = Path(spec).read_text() if Path(spec).is_file() else spec.replace(",", "\n")
    names = [line.split("#")[0].strip().lower() for line in text.splitlines()]
    names = [n for n in names if n]
    bad = [n for n in names if not NAME.fullmatch(n) or n == TEACHER]
    if bad:
        raise SystemExit(
            f"These student names cannot be user names: {', '.join(map(repr, bad))}. A name starts "
            f"with a letter and has up to 32 lower-case letters, digits, '-' or '_' "
            f"('{TEACHER}' is the teacher's own account)."
        )
    if not names:
        raise SystemExit("No student names: give --students alice,bob or a file with one name per line.")
    return sorted(set(names))


def passwords(folder: Path, names: list[str]) -> dict[str, str]:
    """One password per name (four words), kept in ``passwords.json`` across restarts."""
    store = folder / "passwords.json"
    known = json.loads(store.read_text()) if store.exists() else {}
    wanted = {n: known.get(n) or "-".join(secrets.choice(WORDS) for _ in range(4)) for n in [TEACHER, *names]}
    write_private(store, json.dumps(wanted, indent=1))
    return wanted


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable and writable by its owner only."""
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(text)


def publish_edition(folder: Path) -> Path:
    """Write the student edition into the git repository ``folder/cnnlab-student`` (created on
    first use, branch ``main``) and commit it when it changed since the last commit."""
    repo = folder / REPO
    git = ["git", "-C", str(repo), "-c", "user.name=CNN Lab classroom", "-c", "user.email=classroom@localhost"]
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for name, path in student_edition.walk(student_edition.kit(repo)):
        if not path.is_relative_to(repo):  # cnnlab's source and the set-up files
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, repo / name)
    subprocess.run([*git, "add", "-A"], check=True)
    if subprocess.run([*git, "diff", "--cached", "--quiet"]).returncode:
        subprocess.run([*git, "commit", "-q", "-m", "The student edition of CNN Lab"], check=True)
    return repo


def free_port() -> int:
    """A port that nothing listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, names: list[str], ip: str, port: int, git_port: int) -> dict:
    """Everything the hub needs, under ``folder``; returns the settings that
    ``jupyterhub_config.py`` reads (also written to ``folder/classroom.json``)."""
    if not PROXY.exists():
        raise SystemExit(f"JupyterHub's proxy is missing ({PROXY}); `python3 dev.py classroom` installs it.")
    folder.mkdir(parents=True, exist_ok=True)
    publish_edition(folder)
    settings = {
        "ip": ip, "port": port, "students": names, "teacher": TEACHER,
        "folder": str(folder), "proxy": str(PROXY), "git_port": git_port,
        "repo": f"git://127.0.0.1:{git_port}/{REPO}",
        "hub_port": free_port(), "proxy_api_port": free_port(),
    }
    (folder / "classroom.json").write_text(json.dumps(settings, indent=1))
    (folder / "homes").mkdir(exist_ok=True)
    return settings


def write_slips(folder: Path, hub: str, secret: dict[str, str], repo: str) -> Path:
    first = nbgitpuller_link(hub, repo, chapter_file(1))
    slips = [f"CNN Lab\n  address:  {hub}\n  name:     {n}\n  password: {p}\n  chapter 1: {first}\n" for n, p in secret.items()]
    path = folder / "slips.txt"
    write_private(path, ("-" * 72 + "\n").join(slips))
    return path


def start(settings: dict) -> tuple[subprocess.Popen, subprocess.Popen]:
    """Start the git server and the hub; returns both processes."""
    folder = Path(settings["folder"])
    # Its own process group, which stop() signals as a whole and waits for: in one test run
    # the daemon outlived a Ctrl-C that reached it with the rest of the classroom. It forks
    # a child for every pull; the timeouts end a child whose client went away.
    daemon = subprocess.Popen([
        "git", "daemon", "--reuseaddr", "--export-all", f"--base-path={folder}", "--init-timeout=10",
        "--timeout=120", "--listen=127.0.0.1", f"--port={settings['git_port']}", str(folder),
    ], start_new_session=True)
    env = dict(os.environ, CNNLAB_CLASSROOM=str(folder / "classroom.json"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}")
    hub = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)], cwd=folder, env=env)
    return hub, daemon


def stop(hub: subprocess.Popen, daemon: subprocess.Popen, grace: float = 0) -> None:
    """End the hub and the git server: give the hub ``grace`` seconds to exit on its own,
    then SIGTERM it; SIGTERM the git server's whole process group; SIGKILL whatever of
    either is left 30 seconds later.

    After Ctrl-C, the terminal has already sent SIGINT to the hub (it shares the terminal's
    process group), so the hub is stopping the students' servers: a SIGTERM on top would
    start JupyterHub's shutdown a second time, and the two cancel each other's tasks, which
    can leave students' servers running.
    """
    try:
        hub.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        hub.terminate()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(daemon.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (hub.poll() is None or _group_alive(daemon)):
        time.sleep(0.1)
    if hub.poll() is None:
        hub.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(daemon.pid, signal.SIGKILL)
    hub.wait()
    daemon.wait()


def _group_alive(leader: subprocess.Popen) -> bool:
    """Whether any process of ``leader``'s process group is still running (``leader`` is
    reaped first, so that it does not count once it has exited)."""
    leader.poll()
    try:
        os.killpg(leader.pid, 0)
    except ProcessLookupError:
        return False
    return True


def classroom(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dev.py classroom", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", required=True, help="a file with one name per line, or alice,bob,...")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (0.0.0.0: every network)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--url", help="the address students type, if not http://IP:PORT/ (a host name, or https "
                        "behind a TLS proxy)")
    parser.add_argument("--git-port", type=int, default=9418, help="port of the git server on 127.0.0.1 "
                        "(in the links: keep it when you restart)")
    parser.add_argument("--dir", type=Path, default=ROOT / "_build" / "classroom")
    args = parser.parse_args(argv)
    names = read_students(args.students)
    settings = prepare(args.dir.resolve(), names, args.ip, args.port, args.git_port)
    hub = args.url or f"http://{args.ip}:{args.port}/"
    slips = write_slips(args.dir, hub, passwords(args.dir, names), settings["repo"])
    print(f"\nCNN Lab classroom for {len(names)} students at {hub}")
    print(f"Passwords to hand out: {slips} (the teacher logs in as '{TEACHER}').")
    print("Links that put a chapter into each student's home and open it:")
    for path in chapters():
        print(f"  {path.stem}: {nbgitpuller_link(hub, settings['repo'], f'notebooks/{path.name}')}")
    print("Ctrl-C stops the hub, the students' servers and the git server.\n", flush=True)
    hub_process, daemon = start(settings)
    interrupted = False
    try:
        hub_process.wait()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stop(hub_process, daemon, grace=30 if interrupted else 0)


def link(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dev.py link", description="Print the nbgitpuller link to a chapter.")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.org/")
    parser.add_argument("--repo", required=True, help="the repository with the notebooks (the student edition)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--chapter", required=True, help="3, 03 or 03_convolution")
    args = parser.parse_args(argv)
    print(nbgitpuller_link(args.hub, args.repo, chapter_file(args.chapter), args.branch))


if __name__ == "__main__":
    {"classroom": classroom, "link": link}[sys.argv[1]](sys.argv[2:])
