"""A JupyterHub classroom on one machine, and nbgitpuller links that hand out the chapters.

    python3 dev.py classroom --students names.txt [--ip 0.0.0.0] [--port 8000]
    python3 dev.py link --hub https://hub.example.org/ --repo https://github.com/me/cnnlab-student --chapter 3

``classroom`` writes everything it needs under ``_build/classroom/`` (or ``--dir``):

- ``cnnlab-student/``: a git repository of the student edition (``student_edition.py``),
  with a new commit whenever the edition changed, served read-only by ``git daemon`` on
  127.0.0.1 for nbgitpuller (the students' servers run on this machine);
- ``passwords.json`` (readable by its owner only) and ``slips.txt``: one password per
  student and for the teacher (four different words of EFF's 7,776-word list, 51.7 bits),
  to print and cut into slips; a restart keeps them;
- ``homes/<name>/``: each student's home folder, where nbgitpuller puts the notebooks;
- ``jupyterhub.sqlite``, ``jupyterhub_cookie_secret``: the hub's state.

It then starts JupyterHub (``jupyterhub_config.py`` beside this file) on ``--ip:--port``
and prints each chapter's link. Ctrl-C, SIGTERM (what systemd, Docker and ``kill`` send) and
SIGHUP (the terminal closing) all stop the hub, every student's server, the proxy and the
git server, the same way.

``link`` prints the link nbgitpuller's own link generator builds for a JupyterLab user:
``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=lab/tree/<folder>/notebooks/<chapter>``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
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

from xkcdpass import xkcd_password

sys.path.insert(0, str(Path(__file__).resolve().parent))
import student_edition  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().with_name("jupyterhub_config.py")
PROXY = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
REPO = "cnnlab-student"
TEACHER = "teacher"
NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
WORDS = xkcd_password.generate_wordlist(xkcd_password.locate_wordfile(), min_length=1, max_length=99)  # EFF's long list
_WORD_SET = frozenset(WORDS)
PASSWORD_WORDS = 4
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def password_bits(words: int = PASSWORD_WORDS) -> float:
    """The strength of a password of ``words`` different words drawn at random from ``WORDS``."""
    return math.log2(math.perm(len(WORDS), words))


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


def new_password() -> str:
    """Four different words from ``WORDS``, chosen by the operating system's secure random source."""
    return "-".join(secrets.SystemRandom().sample(WORDS, PASSWORD_WORDS))


def strong(password: str) -> bool:
    """Whether ``password`` is one that :func:`new_password` could have made."""
    words = password.split("-")
    return len(words) == len(set(words)) == PASSWORD_WORDS and all(w in _WORD_SET for w in words)



def passwords(folder: Path, names: list[str]) -> dict[str, str]:
    """One password per name, kept in ``passwords.json`` across restarts; a kept password
    that :func:`new_password` could not have made (an older, weaker kind) is replaced."""
    store = folder / "passwords.json"
    known = json.loads(store.read_text()) if store.exists() else {}
    wanted = {n: known[n] if strong(known.get(n, "")) else new_password() for n in [TEACHER, *names]}
    renewed = sorted(n for n in known if n in wanted and known[n] != wanted[n])
    if renewed:
        print(f"New passwords for {', '.join(renewed)}: the old ones were too weak to keep. Hand out the new slips.")
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


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` of 127.0.0.1 now."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def git_port(folder: Path, asked: int | None) -> int:
    """The git server's port: ``asked`` if given (and free), else the port of this classroom's
    last run if it is still free (so the links of the last run keep working), else a free one."""
    if asked is not None:
        if not port_is_free(asked):
            raise SystemExit(f"Port {asked} on 127.0.0.1 is taken (another classroom, or a git daemon of the "
                             "system's?). Leave out --git-port to let the classroom pick a free one.")
        return asked
    with contextlib.suppress(OSError, ValueError, KeyError):
        last = json.loads((folder / "classroom.json").read_text())["git_port"]
        if port_is_free(last):
            return last
    return free_port()


def prepare(folder: Path, names: list[str], ip: str, port: int, git_port: int,
            lockout: float = 60, idle_minutes: float = 60) -> dict:
    """Everything the hub needs, under ``folder``; returns the settings that
    ``jupyterhub_config.py`` reads (also written to ``folder/classroom.json``).

    ``lockout``: seconds a name (or a client address) is refused after too many wrong
    passwords; ``idle_minutes``: a student's server that has been idle this long is stopped
    (0: never)."""
    if not PROXY.exists():
        raise SystemExit(f"JupyterHub's proxy is missing ({PROXY}); `python3 dev.py classroom` installs it.")
    folder.mkdir(parents=True, exist_ok=True)
    publish_edition(folder)
    settings = {
        "ip": ip, "port": port, "students": names, "teacher": TEACHER,
        "folder": str(folder), "proxy": str(PROXY), "git_port": git_port,
        "repo": f"git://127.0.0.1:{git_port}/{REPO}",
        "hub_port": free_port(), "proxy_api_port": free_port(),
        "lockout": lockout, "idle_seconds": round(idle_minutes * 60),
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
    # Its own session too: no signal of the terminal's reaches it, so that it gets exactly one,
    # from stop(). (A Ctrl-C that reached it with the classroom, followed by stop()'s SIGTERM,
    # started JupyterHub's shutdown twice, and the two cancelled each other's tasks; a SIGHUP
    # ends JupyterHub without stopping the students' servers.)
    hub = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)], cwd=folder,
                           env=env, start_new_session=True)
    return hub, daemon


class Stop(Exception):
    """A stop signal (Ctrl-C, SIGTERM or SIGHUP) reached the classroom."""


def _raise_stop(signum: int, frame) -> None:
    raise Stop(signal.Signals(signum).name)


def stop(hub: subprocess.Popen, daemon: subprocess.Popen, timeout: float = 60) -> None:
    """End the hub and the git server: SIGTERM the hub (JupyterHub then stops every
    student's server and the proxy) and the git server's whole process group; SIGKILL
    whatever of either is left ``timeout`` seconds later."""
    if hub.poll() is None:
        hub.terminate()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(daemon.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
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
    parser.add_argument("--git-port", type=int, help="port of the git server on 127.0.0.1 (it is in the "
                        "links; by default the last run's port if free, else any free port)")
    parser.add_argument("--lockout", type=float, default=60, help="seconds a name is refused after 5 wrong "
                        "passwords in a row, and a client address after 20 (default 60)")
    parser.add_argument("--idle-minutes", type=float, default=60, help="stop a student's server after this "
                        "many minutes without activity, freeing its memory; work is kept (0: never; default 60)")
    parser.add_argument("--dir", type=Path, default=ROOT / "_build" / "classroom")
    args = parser.parse_args(argv)
    names = read_students(args.students)
    folder = args.dir.resolve()
    settings = prepare(folder, names, args.ip, args.port, git_port(folder, args.git_port), args.lockout,
                       args.idle_minutes)
    hub = args.url or f"http://{args.ip}:{args.port}/"
    slips = write_slips(args.dir, hub, passwords(args.dir, names), settings["repo"])
    print(f"\nCNN Lab classroom for {len(names)} students at {hub}")
    print(f"Passwords to hand out: {slips} (the teacher logs in as '{TEACHER}').")
    print("Links that put a chapter into each student's home and open it:")
    for path in chapters():
        print(f"  {path.stem}: {nbgitpuller_link(hub, settings['repo'], f'notebooks/{path.name}')}")
    print("Ctrl-C (or SIGTERM, or SIGHUP) stops the hub, the students' servers and the git server.\n", flush=True)
    for s in STOP_SIGNALS:
        signal.signal(s, _raise_stop)
    hub_process, daemon = start(settings)
    try:
        hub_process.wait()
    except Stop as why:
        print(f"\n{why}: stopping the students' servers, the hub and the git server.", flush=True)
    finally:
        for s in STOP_SIGNALS:  # a second Ctrl-C must not cut the stop short
            signal.signal(s, signal.SIG_IGN)
        stop(hub_process, daemon)


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
