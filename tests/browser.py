"""Headless Chromium for the tests: Debian's ``chromium`` driven by Playwright, offline.

``dev.py test`` installs the package; Playwright only drives it and never downloads a browser.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# For JupyterLab after "Run All Cells": every code cell has run, its prompt showing a number,
# not [*] or [ ]. A checker cell's source is folded away (jupyter.source_hidden), and the
# placeholder that stands for it has an empty prompt of its own, which is not looked at.
RAN_ALL = ("[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)')]"
           ".every(p => /\\[\\d+\\]/.test(p.textContent))")

def wait_until_serving(url: str, process, seconds: float = 60, log: Path | None = None) -> None:
    """Return once ``url`` answers; fail with the server's output (its stdout pipe, or the
    ``log`` file it writes to) if ``process`` exits first."""
    for _ in range(int(seconds * 4)):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                output = log.read_text(errors="replace") if log else process.stdout.read() if process.stdout else ""
                pytest.fail(f"the server at {url} exited with code {process.returncode}:\n{output[-3000:]}")
            time.sleep(0.25)
    pytest.fail(f"nothing answered at {url} within {seconds} s")


@functools.cache
def playwright():
    """The process's one Playwright (its sync API allows one at a time per thread: a second
    ``sync_playwright()`` while another runs fails), stopped when the process exits."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    atexit.register(driver.stop)
    return driver


def executable() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `python3 dev.py test`, which installs it.")
    return CHROMIUM


def launch():
    """A new headless Chromium (Debian's) with the offline flags; close it when done."""
    return playwright().chromium.launch(executable_path=executable(), headless=True, args=FLAGS)


@contextmanager
def chromium(viewport=(1100, 900)):
    """A fresh Chromium profile, as a Playwright browser context."""
    with tempfile.TemporaryDirectory() as profile:
        context = playwright().chromium.launch_persistent_context(
            profile, executable_path=executable(), headless=True, args=FLAGS,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        try:
            yield context
        finally:
            context.close()
