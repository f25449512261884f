"""Fixtures shared by the tests that drive the built book in Chromium: one build, one
server and one browser for the whole run (``test_site.py`` and each chapter's site tests)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browser import chromium

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url():
    """Build the book (warnings are errors) and serve ``_build/html`` on a free local port."""
    book = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run(
        [str(book), "build", str(ROOT), "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
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


