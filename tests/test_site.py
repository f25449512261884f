"""Build the book, serve it on 127.0.0.1 and drive every page in headless Chromium.

Checks what a reader with no internet would meet: pages load without console errors,
math is typeset by the MathJax copy inside the site, the sliding-kernel animation
steps when clicked, played or driven by the keyboard, and no request leaves 127.0.0.1.
Chromium is Debian's ``chromium`` package (``dev.py test`` installs it); Playwright only
drives it and never downloads a browser.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
PAGES = ["book/intro.html", "notebooks/03_convolution.html", "book/bibliography.html", "search.html"]
CHAPTER = "notebooks/03_convolution.html"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `python3 dev.py test`, which installs it.")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1100, "height": 900},
        )
        yield context
        context.close()


class Visit:
    """One page load with its console errors and the requests that left 127.0.0.1."""

    def __init__(self, context, url: str):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        if self.page.evaluate("typeof MathJax !== 'undefined'"):
            self.page.wait_for_function("MathJax.startup && MathJax.startup.promise")
            self.page.evaluate("MathJax.startup.promise")

    def _route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture(scope="module")
def visits(site_url, browser):
    result = {page: Visit(browser, site_url + page) for page in PAGES}
    yield result
    for visit in result.values():
        visit.page.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_console_errors(visits, page):
    visit = visits[page]
    assert visit.errors == [], f"console errors on {page}"
    assert visit.outside == [], f"{page} requested something outside 127.0.0.1"
    assert visit.page.title()


def test_front_page_leads_to_the_introduction(browser, site_url):
    page = browser.new_page()
    page.goto(site_url)
    page.wait_for_url("**/book/intro.html")
    page.close()


@pytest.mark.parametrize("page", ["book/intro.html", CHAPTER])
def test_math_is_typeset(visits, page):
    page_ = visits[page].page
    counts = page_.evaluate(
        """() => ({
            math: document.querySelectorAll('.math').length,
            raw: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
            errors: document.querySelectorAll('mjx-merror').length,
        })"""
    )
    assert counts["math"] > 0, "no math found on the page"
    assert counts["raw"] == 0 and counts["errors"] == 0, counts


def _animation_state(anim) -> dict:
    return anim.evaluate(
        """a => ({
            expr: a.querySelector('.cnnlab-expr').textContent,
            window: [...a.querySelectorAll('.cnnlab-in td')].map(td => td.classList.contains('win') ? 1 : 0).join(''),
            filled: a.querySelectorAll('.cnnlab-out td.filled').length,
            slider: a.querySelector('input[type=range]').value,
        })"""
    )


def test_animation_steps_when_clicked(visits):
    anim = visits[CHAPTER].page.locator(".cnnlab-anim").first
    before = _animation_state(anim)
    assert before["expr"].startswith("out[0, 0] = 8×0 + 8×0 + 8×1") and before["expr"].endswith("= 1")
    anim.locator("button[data-action=next]").click()
    after = _animation_state(anim)
    assert after["window"] != before["window"]
    assert after["expr"] != before["expr"] and after["expr"].startswith("out[0, 1] =")
    assert after["filled"] == before["filled"] + 1 == 2
    anim.locator("button[data-action=back]").click()
    assert _animation_state(anim) == before


def test_animation_plays_and_answers_the_keyboard(visits):
    page = visits[CHAPTER].page
    anim = page.locator(".cnnlab-anim").first
    anim.locator("button[data-action=first]").click()
    anim.locator("button[data-action=play]").click()
    page.wait_for_function(
        "a => a.querySelectorAll('.cnnlab-out td.filled').length >= 3", arg=anim.element_handle()
    )
    anim.locator("button[data-action=play]").click()  # pause
    paused = _animation_state(anim)
    anim.focus()
    page.keyboard.press("End")
    last = _animation_state(anim)
    assert last["filled"] > paused["filled"] and last["expr"].startswith("out[3, 3] =")
    page.keyboard.press("ArrowLeft")
    assert _animation_state(anim)["expr"].startswith("out[3, 2] =")


def test_explorer_has_a_static_preview(visits):
    page = visits[CHAPTER].page
    assert page.locator(".cnnlab-explorer-static table").count() >= 2


def test_readers_choose_kernel_size_stride_and_padding_without_a_kernel(visits):
    anim = visits[CHAPTER].page.locator(".cnnlab-anim").nth(1)
    anim.locator("select[data-choice=stride]").select_option(label="2")
    anim.locator("select[data-choice=padding]").select_option(label="1")
    shape = anim.evaluate(
        """a => ({
            input: a.querySelectorAll('.cnnlab-in tr').length,
            pads: a.querySelectorAll('.cnnlab-in td.pad').length,
            out: [a.querySelectorAll('.cnnlab-out tr').length, a.querySelector('.cnnlab-out tr').cells.length],
        })"""
    )
    assert shape == {"input": 8, "pads": 8 * 8 - 6 * 6, "out": [3, 3]}  # floor((6 + 2 - 3) / 2) + 1 = 3
    assert _animation_state(anim)["expr"].startswith("out[0, 0] = 0×0 + 0×0 + 0×1 + 0×(−1) + 8×1")
    anim.locator("select[data-choice=kernel]").select_option(index=2)  # the 1x1 kernel
    anim.locator("button[data-action=last]").click()
    assert _animation_state(anim)["expr"] == "out[3, 3] = 3×2 = 6"  # floor((8 - 1) / 2) + 1 = 4
