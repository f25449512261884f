"""Fixtures shared by the tests that drive the built book in Chromium: one build, one
server and one browser for the whole run (``test_site.py`` and each chapter's site tests)."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from book_paths import HTML, ROOT
from browser import chromium
from portability import plan


def pytest_report_header(config) -> list[str]:
    """Under which BLAS kernels ``test_portability.py`` re-runs the notebooks, and why not the others."""
    return [f"OpenBLAS kernel {kernel}: " + ("notebooks re-run under it" if reason is None else f"not used: {reason}")
            for kernel, reason in plan().items()]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def build_site_once() -> None:
    """Build the book into ``_build/html``, once per test run.

    The run has three workers (pytest-xdist, ``-n 3 --dist loadfile`` in pyproject.toml), and
    each may need the site: the first to get here builds it while holding a lock, and the
    others then find this run's id in the stamp and uses that build.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    HTML.parent.mkdir(exist_ok=True)
    stamp = HTML.parent / ".site-test-run"
    with open(HTML.parent / ".site-test-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if run and stamp.exists() and stamp.read_text() == run:
            return
        book = Path(sys.executable).with_name("jupyter-book")
        build = subprocess.run(
            [str(book), "build", str(ROOT), "-W", "-n", "--keep-going"],
            cwd=ROOT, capture_output=True, text=True,
        )
        assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
        stamp.write_text(run)


@pytest.fixture(scope="session")
def site_url():
    """Build the book (warnings are errors) and serve ``_build/html`` on a free local port."""
    build_site_once()
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with chromium() as context:
        yield context


