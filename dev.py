"""Set up, build and test CNN Lab with one command each. Needs only Python 3.11+.

    python3 dev.py book      build the book into _build/html
    python3 dev.py test      run every test (unit tests, notebooks, the site in Chromium)
    python3 dev.py lab       open the notebooks in JupyterLab
    python3 dev.py refresh   re-execute the notebooks and store their new outputs
    python3 dev.py student   build the student edition (no solutions) into _build/student

Each command first creates ``.venv`` and installs ``requirements.txt`` into it when
that file changed since the last install. ``test`` also installs Debian's ``chromium``
when it is missing (as root, with apt-get). Extra arguments go to the underlying tool.
"""

from __future__ import annotations

import hashlib
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
    """JupyterLab settings for this environment: no "Jupyter news" question and no update
    check on first start (each pops up over the notebook), for every user of the venv."""
    overrides = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(
        '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}\n'
    )


def ensure_chromium() -> None:
    """Install Debian's chromium package if no Chromium is on PATH."""
    if os.environ.get("CHROMIUM") or shutil.which("chromium"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
        return
    sys.exit(
        "The site test needs Chromium. Install Debian's package (sudo apt-get install chromium), "
        "or set CHROMIUM=/path/to/chromium."
    )


def forget_stale_outputs() -> None:
    """Drop the book's execution cache when cnnlab changed since the last build.

    Jupyter Book reuses a notebook's cached outputs while its code cells are unchanged, so
    a change to cnnlab (a widget's script, a figure) would not reach the site otherwise.
    """
    package = sorted((ROOT / "src" / "cnnlab").rglob("*"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in package if p.is_file() and "__pycache__" not in p.parts))
    stamp = ROOT / "_build" / ".cnnlab.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(digest.hexdigest())


def book(args: list[str]) -> None:
    forget_stale_outputs()
    run(BIN / "jupyter-book", "build", ".", "-W", "-n", "--keep-going", *args)
    print(
        f"\nThe book is in {BUILD}. Open {BUILD / 'index.html'} in a browser, or serve it:\n"
        f"    python3 -m http.server --directory {BUILD.relative_to(ROOT)} 8000\n"
        "and visit http://127.0.0.1:8000/"
    )


def test(args: list[str]) -> None:
    ensure_chromium()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    sys.exit(subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT).returncode)


def lab(args: list[str]) -> None:
    # JupyterLab refuses to start as root (in a container, say) unless told it may.
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    run(BIN / "jupyter", "lab", "notebooks", *as_root, *args)


def refresh(args: list[str]) -> None:
    notebooks = args or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    run(
        BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
        # No timestamps in the cells' metadata; the widgets' saved state holds random
        # model ids and nothing the site uses.
        "--ExecutePreprocessor.record_timing=False",
        "--ExecutePreprocessor.store_widget_state=False",
        *notebooks,
    )


def student(args: list[str]) -> None:
    run(BIN / "python", "book/tools/student_edition.py", *args)


COMMANDS = {"book": book, "test": test, "lab": lab, "refresh": refresh, "student": student}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_venv()
    COMMANDS[sys.argv[1]](sys.argv[2:])
