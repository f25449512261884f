"""Every chapter live in JupyterLab, in the student edition as students get it (no
solutions; each answer cell asks for an answer): run all its cells in a real JupyterLab
driven by Chromium, with no error output, every widget's script run, nothing requested off
127.0.0.1, and what a reader sees first right: no news pop-up and no console error (the
environment's settings, written by ``dev.py``'s ``quiet_jupyterlab``), citations that read
as author and year that lead to the chapter's references cell (no "No target for internal
reference" in the console), and terms tables that render. A chapter with live elements adds its checks to LIVE_CHECKS.

In the static site the animation runs from the stored output; in JupyterLab its script
runs once the cell has been executed (JupyterLab does not run scripts of untrusted stored
outputs), and the explorer needs the live kernel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from book_paths import NOTEBOOKS, ROOT
from browser import RAN_ALL, launch, wait_until_serving

sys.path.insert(0, str(ROOT / "book" / "tools"))
import classroom  # noqa: E402
import student_edition  # noqa: E402



@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    student_edition.write_notebooks(work)
    port = classroom.free_port()
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
    wait_until_serving(url + "api", lab)
    yield url
    lab.terminate()
    lab.wait(timeout=20)


@pytest.fixture(scope="module")
def lab_browser():
    browser = launch()
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
    form.locator("input[type=text]").fill("-1")  # exercise 3.1: conv2d(x, k.T)[2, 1]
    form.locator("button[data-action=check]").click()
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."
    citation = page.locator("a[href='#lecun1998gradient']").first
    assert citation.inner_text() == "LeCun et al., 1998"
    citation.click()  # leads to the chapter's references cell
    page.get_by_role("feed", name="Cells").get_by_text("Gradient-based learning applied to document recognition").wait_for()

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


def _calculator(page):
    calc = page.locator(".cnnlab-calc").first
    return calc, (lambda name: calc.locator(f"input[data-field={name}]")), calc.locator(".cnnlab-calc-result")


def check_chapter4(page) -> None:
    """The shape calculator recomputes as the reader types; the padded animation steps."""
    calc, field, result = _calculator(page)
    assert result.inner_text() == "Output: 40 × 50 (from 40 × 50)"
    field("padding").fill("0")
    assert result.inner_text() == "Output: 38 × 48 (from 40 × 50)"
    field("padding").focus()
    page.keyboard.press("ArrowUp")
    assert result.inner_text() == "Output: 40 × 50 (from 40 × 50)"
    anim = page.locator(".cnnlab-anim").first
    assert anim.locator(".cnnlab-in td.pad").count() == 8 * 8 - 6 * 6
    anim.locator("button[data-action=next]").click()
    assert anim.locator(".cnnlab-expr").inner_text().startswith("out[0, 1] = 0×0 + 0×0 + 0×1")


def check_chapter5(page) -> None:
    """The calculator names the unread row; the dilated animation spreads its taps."""
    calc, field, result = _calculator(page)
    assert result.inner_text() == "Output: 3 × 3 (from 8 × 8)"
    assert "Row 7 and column 7 are never read" in calc.locator(".cnnlab-calc-notes").inner_text()
    field("stride").fill("1")
    assert result.inner_text() == "Output: 6 × 6 (from 8 × 8)"
    dilated = page.locator(".cnnlab-anim").nth(1)
    assert dilated.locator(".cnnlab-in td.gap").count() == 5
    dilated.locator("select[data-choice=dilation]").select_option(label="1")
    assert dilated.locator(".cnnlab-in td.gap").count() == 0


def check_chapter6(page) -> None:
    """The multi-channel animation steps through the channels; the block diagram recomputes."""
    anim = page.locator(".cnnlab-anim").first
    expr = anim.locator(".cnnlab-expr")
    assert expr.inner_text() == "channel 0: 1×1 + 2×0 + 0×0 + 1×1 = 2"
    anim.locator("button[data-action=next]").click()
    anim.locator("button[data-action=next]").click()
    assert expr.inner_text() == "out[0, 0, 0] = 2 + (−1) + 1 = 2"
    blocks = page.locator(".cnnlab-blocks").first
    blocks.locator("select[data-choice=FN]").select_option("10")
    assert blocks.locator(".cnnlab-status").inner_text() == "Input 1×3×32×32, filters 10×3×5×5, output 1×10×28×28."


def check_chapter7(page) -> None:
    """The pooling animation marks the arg-max, and shows the mean when switched to average."""
    anim = page.locator(".cnnlab-anim").first
    assert anim.locator("td.best").count() == 1
    assert anim.locator(".cnnlab-expr").inner_text().startswith("out[0, 0] = max of the window = ")
    anim.locator("select[data-choice=mode]").select_option(label="average")
    assert " / 4 = " in anim.locator(".cnnlab-expr").inner_text()
    anim.locator("button[data-action=last]").click()
    assert anim.locator(".cnnlab-out td.filled").count() == 9


def check_chapter8(page) -> None:
    """The tracer recomputes live: a larger input breaks the first Linear layer, with the fix;
    an exercise checks in the page."""
    tracer = page.locator(".cnnlab-tracer").first
    assert "61,706" in tracer.locator("tfoot").inner_text()
    for axis in ("H", "W"):
        tracer.get_by_label(f"input {axis}", exact=True).fill("36")
    assert tracer.locator("tr.cnnlab-tr-error").inner_text().startswith(
        "Layer 8: Linear was built for in = 400 features but 576 arrive. Fix: set in to 576")
    form = page.locator(".cnnlab-ex[data-ready]").first
    form.locator("input[type=text]").fill("12832")
    form.locator("button[data-action=check]").click()
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."


def check_chapter9(page) -> None:
    """The dx animation steps after Run All; an exercise checks in the page."""
    anim = page.locator(".cnnlab-bp").first
    expr = anim.locator(".cnnlab-expr")
    assert expr.inner_text().startswith("dx[0, 0] += ")
    anim.locator("button[data-action=next]").click()
    assert expr.inner_text().startswith("dx[0, 1] += ")
    form = page.locator(".cnnlab-ex[data-ready]").first
    form.locator("input[type=text]").fill("1")
    form.locator("button[data-action=check]").click()
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."


def check_chapter10(page) -> None:
    """The training progress bar filled live, and an exercise checks in the page."""
    bar = page.locator(".widget-hprogress, .widget-progress").first
    bar.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.widget-label, .widget-label-basic')]"
        ".some(el => el.textContent.includes('epoch 12/12'))", timeout=30_000
    )
    form = page.locator(".cnnlab-ex[data-ready]").first
    form.locator("input[type=text]").fill("2.303")
    form.locator("button[data-action=check]").click()
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."


LIVE_CHECKS = {
    "01_neurons": check_chapter1, "02_images": check_chapter2, "03_convolution": check_chapter3,
    "04_padding": check_chapter4, "05_stride": check_chapter5, "06_channels": check_chapter6,
    "07_pooling": check_chapter7, "08_shapes": check_chapter8, "09_backprop": check_chapter9,
    "10_training": check_chapter10,
}


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
    console: list[str] = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda e: console.append(f"{e}\n{e.stack}"))
    # One workspace per notebook: JupyterLab otherwise restores the tabs of the chapters run
    # before, whose stored outputs (untrusted, never run) hold widgets that never get ready.
    page.goto(lab_url + f"lab/workspaces/{notebook.stem}/tree/" + notebook.name)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)  # the kernel is up
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # A widget is ready only once its cell has run in this session (the stored outputs'
    # scripts never run), and every chapter ends with its exercises' widgets: wait for them
    # first, since the prompts below may still show the stored counts while cells run.
    page.wait_for_function(
        "[...document.querySelectorAll('.cnnlab-w')].every(w => w.hasAttribute('data-ready'))", timeout=180_000
    )
    page.wait_for_function(RAN_ALL, timeout=180_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()
    assert page.get_by_text("Citation Not Found").count() == 0
    assert page.get_by_text("{term}").count() == 0  # the terms table renders its links
    assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0, "a pop-up covers the notebook"
    if notebook.stem in LIVE_CHECKS:
        LIVE_CHECKS[notebook.stem](page)
    page.close()
    assert outside == [], "JupyterLab requested something outside 127.0.0.1"
    errors = sorted({line for m in console for line in m.splitlines()})
    assert errors == [], "console errors in JupyterLab:\n" + "\n".join(errors)
