"""Every chapter live in JupyterLab: run all its cells in a real JupyterLab driven by
Chromium, with no error output, every widget's script run, nothing requested off 127.0.0.1,
and what a reader sees first right: no news pop-up (the environment's settings override,
written by dev.py), citations that read as author and year, not "Citation Not Found", and
terms tables that render. A chapter with live elements adds its checks to LIVE_CHECKS.

In the static site the animation runs from the stored output; in JupyterLab its script
runs once the cell has been executed (JupyterLab does not run scripts of untrusted stored
outputs), and the explorer needs the live kernel.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, work)
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell, not only those on screen, so the test can reach all outputs.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port = _free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work),
        "JUPYTER_CONFIG_DIR": str(work / "config"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
    }
    lab = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
            f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
            f"--ServerApp.root_dir={work}",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "api", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    lab.terminate()
    lab.wait(timeout=20)


@pytest.fixture(scope="module")
def lab_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def check_chapter3(page) -> None:
    """The animation steps, an exercise checks in the page, the explorer recomputes live."""
    anim = page.locator(".cnnlab-anim").first
    expr = anim.locator(".cnnlab-expr")
    assert expr.inner_text().startswith("out[0, 0] = 8×0")
    anim.locator("button[data-action=next]").click()
    assert expr.inner_text().startswith("out[0, 1] = 8×0 + 8×0 + 7×1")

    form = page.locator(".cnnlab-ex[data-ready]").first
    form.locator("input[type=text]").fill("4")
    form.locator("button[data-action=check]").click()
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."
    assert page.get_by_text("LeCun et al., 1998").count() >= 1

    # The explorer is a live widget: moving the stride slider recomputes the map.
    view = page.locator(".widget-vbox .widget-html-content").first
    page.wait_for_function(
        "el => el.textContent.includes('/ 1⌋ + 1 = 4')", arg=view.element_handle(), timeout=60_000
    )
    page.locator(".widget-vbox .widget-slider").first.locator(".noUi-handle, .ui-slider-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "el => el.textContent.includes('/ 2⌋ + 1 = 2')", arg=view.element_handle(), timeout=30_000
    )


def check_chapter1(page) -> None:
    """The decision-line explorer answers the keyboard: ten steps of the bias turn AND into OR."""
    widget = page.locator(".cnnlab-perceptron").first
    status = widget.locator(".cnnlab-status")
    assert status.inner_text().endswith("Matches AND on 4 of 4 inputs.")
    widget.locator("input[data-param=b]").focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    outputs = widget.evaluate("w => [...w.querySelectorAll('g.pt')].map(g => g.getAttribute('data-output')).join('')")
    assert outputs == "0111" and "b = −0.5" in status.inner_text()


def check_chapter2(page) -> None:
    """The pixel inspector answers the arrow keys with the pixel's values."""
    widget = page.locator(".cnnlab-pixels").first
    widget.locator("button.cnnlab-px").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert widget.locator(".cnnlab-status").inner_text().startswith("Row 1, column 1: (r, g, b) = (")


LIVE_CHECKS = {"01_neurons": check_chapter1, "02_images": check_chapter2, "03_convolution": check_chapter3}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_runs_live_in_jupyterlab(lab_url, lab_browser, notebook):
    page = lab_browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.route("**/*", route)
    # ?reset: a fresh workspace, or JupyterLab reopens the chapters of earlier tests in hidden
    # tabs, whose stored widgets never run and whose cells the checks below would count.
    page.goto(lab_url + "lab/tree/" + notebook.name + "?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)  # the kernel is up
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(  # every code cell has run: its prompt shows a number, not [*] or [ ]
        "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every(p => /\\[\\d+\\]/.test(p.textContent))",
        timeout=180_000,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()
    # The prompts above may still show the stored counts while cells run; a widget is ready only
    # once its cell has run again in this session, so on a busy machine this wait is the long one.
    page.wait_for_function(
        "[...document.querySelectorAll('.cnnlab-w')].every(w => w.hasAttribute('data-ready'))", timeout=180_000
    )
    assert page.get_by_text("Citation Not Found").count() == 0
    assert page.get_by_text("{term}").count() == 0  # the terms table renders its links
    assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0, "a pop-up covers the notebook"
    if notebook.stem in LIVE_CHECKS:
        LIVE_CHECKS[notebook.stem](page)
    page.close()
    assert outside == [], "JupyterLab requested something outside 127.0.0.1"
