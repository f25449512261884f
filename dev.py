"""Set up, build and test CNN Lab with one command each. Needs only Python 3.11+.

    python3 dev.py book      build the book into _build/html
    python3 dev.py test      run every test (unit tests, notebooks, the site in Chromium)
    python3 dev.py lab       open the notebooks in JupyterLab
    python3 dev.py refresh   re-execute the notebooks, store their outputs, check them under other BLAS kernels
    python3 dev.py student   build the student edition (no solutions) into _build/student
    python3 dev.py classroom --students alice,bob   a JupyterHub for a class on this machine
    python3 dev.py link --hub URL --repo URL --chapter 3   a chapter's nbgitpuller link

Each command first creates ``.venv`` and installs ``requirements.txt`` into it when
that file changed since the last install. ``test`` also installs Debian's ``chromium``
when it is missing (as root, with apt-get); ``test`` and ``classroom`` install JupyterHub's
proxy from npm into ``.venv/node``. Extra arguments go to the underlying tool.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".requirements.sha256"
BUILD = ROOT / "_build" / "html"
PROXY = "configurable-http-proxy@5.3.0"  # JupyterHub's proxy; only npm ships it


def run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def ensure_venv() -> None:
    """Create .venv and install the pinned requirements when they changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"CNN Lab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(
        (ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    quiet_jupyterlab()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-r", "requirements.txt")
    STAMP.write_text(wanted)


def quiet_jupyterlab() -> None:
    """JupyterLab settings for every user of the venv (the classroom's students included):
    no "Jupyter news" question and no update check on first start (each pops up over the
    notebook), and every cell rendered when a notebook opens (windowing mode "none").

    With JupyterLab 4.6's default windowing, markdown cells off screen are not rendered yet
    when "Run All" reaches them, and the cell toolbar, measuring whether it overlaps the
    active cell, reads the missing rendering: ``TypeError: Cannot read properties of
    undefined (reading 'node')`` in ``_markdownOverlapsToolbar``. The chapters are short
    enough to render whole.
    """
    overrides = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps({
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    }, indent=1) + "\n")


def apt_install(*packages: str, why: str) -> None:
    """Install Debian ``packages`` with apt-get when running as root; otherwise exit with
    ``why`` (what needs them and how to install them)."""
    if not (shutil.which("apt-get") and os.geteuid() == 0):
        sys.exit(why)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", *packages, env=env)


def ensure_chromium() -> None:
    """Install Debian's chromium package if no Chromium is on PATH."""
    if os.environ.get("CHROMIUM") or shutil.which("chromium"):
        return
    apt_install("chromium", why="The site test needs Chromium. Install Debian's package (sudo apt-get install "
                "chromium), or set CHROMIUM=/path/to/chromium.")


def ensure_proxy() -> None:
    """Install JupyterHub's proxy (``PROXY``, from npm) into ``.venv/node`` unless it is there."""
    package = VENV / "node" / "node_modules" / "configurable-http-proxy" / "package.json"
    if package.exists() and PROXY.endswith("@" + json.loads(package.read_text())["version"]):
        return
    if not shutil.which("npm"):
        apt_install("nodejs", "npm", why="JupyterHub's proxy needs Node.js and npm: install them "
                    "(sudo apt-get install nodejs npm).")
    run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", VENV / "node", PROXY)


def book(args: list[str]) -> None:
    run(BIN / "jupyter-book", "build", ".", "-W", "-n", "--keep-going", *args)
    print(
        f"\nThe book is in {BUILD}. Open {BUILD / 'index.html'} in a browser, or serve it:\n"
        f"    python3 -m http.server --directory {BUILD.relative_to(ROOT)} 8000\n"
        "and visit http://127.0.0.1:8000/"
    )


def test(args: list[str]) -> None:
    ensure_chromium()
    ensure_proxy()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    sys.exit(subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT).returncode)


def lab(args: list[str]) -> None:
    # JupyterLab refuses to start as root (in a container, say) unless told it may.
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    run(BIN / "jupyter", "lab", "notebooks", *as_root, *args)


def refresh(args: list[str]) -> None:
    """Bring each notebook's references cell up to date, re-execute the notebooks and store
    their outputs, then check that those outputs also hold under the other BLAS kernels that
    ``dev.py test`` tries (``tests/portability.py``)."""
    notebooks = args or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    run(BIN / "python", "book/tools/references_cell.py", *notebooks)
    run(
        BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
        # No timestamps in the cells' metadata; the widgets' saved state holds random
        # model ids and nothing the site uses.
        "--ExecutePreprocessor.record_timing=False",
        "--ExecutePreprocessor.store_widget_state=False",
        *notebooks,
    )
    check = subprocess.run([str(BIN / "python"), "tests/portability.py", *notebooks], cwd=ROOT)
    if check.returncode:
        sys.exit("The outputs are stored, but `dev.py test` will fail on other processors until those "
                 "cells print only the digits that every BLAS kernel gives.")


def student(args: list[str]) -> None:
    run(BIN / "python", "book/tools/student_edition.py", *args)


def classroom_tool(command: str, args: list[str]) -> None:
    """Become ``book/tools/classroom.py command args`` (no wrapper process: Ctrl-C reaches
    the classroom itself, which stops what it started)."""
    os.execv(BIN / "python", [str(BIN / "python"), str(ROOT / "book" / "tools" / "classroom.py"), command, *args])


def classroom(args: list[str]) -> None:
    ensure_proxy()
    classroom_tool("classroom", args)


def link(args: list[str]) -> None:
    classroom_tool("link", args)


COMMANDS = {
    "book": book, "test": test, "lab": lab, "refresh": refresh, "student": student,
    "classroom": classroom, "link": link,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_venv()
    COMMANDS[sys.argv[1]](sys.argv[2:])
