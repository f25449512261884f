"""Chapters 6 and 7 on the built site, in Chromium: the multi-channel animation and the
pooling animation step by click and keyboard and follow the reader's choices; the block
diagram updates its labels when a shape changes, and its in-page formula agrees with
``cnnlab.conv_output_size`` on a grid of cases. The generic checks (axe, console, alt text,
offline) run on these pages in ``test_site.py``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F

CH6 = "notebooks/06_channels.html"
CH7 = "notebooks/07_pooling.html"


@pytest.fixture(scope="module")
def pages(site_url, browser):
    opened = {}
    for name in (CH6, CH7):
        page = browser.new_page()
        page.goto(site_url + name, wait_until="load")
        page.wait_for_function("[...document.querySelectorAll('.cnnlab-w')].every(w => w.hasAttribute('data-ready'))")
        opened[name] = page
    yield opened
    for page in opened.values():
        page.close()


def _text(anim, selector: str) -> str:
    return anim.locator(selector).first.inner_text()


def test_channel_animation_shows_each_channel_then_the_sum(pages):
    anim = pages[CH6].locator(".cnnlab-anim").first
    assert _text(anim, ".cnnlab-expr") == "channel 0: 1×1 + 2×0 + 0×0 + 1×1 = 2"
    anim.locator("button[data-action=next]").click()
    assert _text(anim, ".cnnlab-expr") == "channel 1: 0×0 + 1×1 + 2×(−1) + 0×0 = −1"
    anim.locator("button[data-action=next]").click()
    assert _text(anim, ".cnnlab-expr") == "out[0, 0, 0] = 2 + (−1) + 1 = 2"
    assert anim.locator(".cnnlab-out td.filled").count() == 1
    assert "out[0, 0, 0] = 2" in _text(anim, ".cnnlab-status")
    anim.focus()
    pages[CH6].keyboard.press("End")  # the second filter's last cell: 4, its map complete
    assert _text(anim, ".cnnlab-expr").startswith("out[1, 1, 1] = ")
    assert _text(anim, ".cnnlab-expr").endswith("= 4")
    assert anim.locator(".cnnlab-out td.filled").count() == 8  # two 2x2 maps
    pages[CH6].keyboard.press("ArrowLeft")
    assert _text(anim, ".cnnlab-expr").startswith("channel 1: ")
    pages[CH6].keyboard.press("Home")
    assert _text(anim, ".cnnlab-expr").startswith("channel 0: ")


def test_channel_animation_follows_stride_and_padding(pages):
    anim = pages[CH6].locator(".cnnlab-anim").first
    anim.locator("select[data-choice=padding]").select_option(label="1")
    assert "output of shape 2×4×4" in anim.get_attribute("aria-label")
    assert anim.locator(".cnnlab-out").count() == 2
    assert anim.locator(".cnnlab-in td.pad").count() == 2 * (25 - 9)  # a border on each channel
    anim.locator("select[data-choice=stride]").select_option(label="2")
    assert "output of shape 2×2×2" in anim.get_attribute("aria-label")
    anim.locator("select[data-choice=padding]").select_option(label="0")
    anim.locator("select[data-choice=stride]").select_option(label="1")


def test_block_diagram_formula_agrees_with_cnnlab(pages):
    cases = list(itertools.product([1, 2, 5, 7, 28, 32, 224], [1, 2, 3, 5, 7, 11], [1, 2, 3, 4], [0, 1, 2, 3]))
    got = pages[CH6].evaluate(
        "cases => cases.map(c => window.cnnlabBlocks.outSize(c[0], c[1], c[2], c[3]))", cases)
    for (n, k, s, p), js in zip(cases, got):
        try:
            expected = cnnlab.conv_output_size(n, k, s, p)
        except ValueError:
            expected = None
        assert js == expected, (n, k, s, p)


def test_block_diagram_labels_follow_the_controls(pages):
    page = pages[CH6]
    blocks = page.locator(".cnnlab-blocks").first
    status = blocks.locator(".cnnlab-status")
    assert status.inner_text() == "Input 1×3×32×32, filters 4×3×5×5, output 1×4×28×28."
    blocks.locator("select[data-choice=C]").select_option("64")
    assert status.inner_text() == "Input 1×64×32×32, filters 4×64×5×5, output 1×4×28×28."
    blocks.locator("select[data-choice=FN]").select_option("10")
    blocks.locator("select[data-choice=N]").select_option("8")
    blocks.locator("select[data-choice=S]").select_option("2")
    blocks.locator("select[data-choice=P]").select_option("2")
    assert status.inner_text() == "Input 8×64×32×32, filters 10×64×5×5, output 8×10×16×16."
    assert "= 16. Parameters: FN·(C·FH·FW + 1) = 10·(64·5·5 + 1) = 16010." in blocks.locator(".cnnlab-formula").inner_text()
    svg_text = blocks.locator("svg").text_content()
    assert "C = 64" in svg_text and "FN = 10" in svg_text and "8×10×16×16" in svg_text
    # by keyboard: focus the kernel menu and move down one option (5 -> 7)
    kernel = blocks.locator("select[data-choice=K]")
    kernel.focus()
    page.keyboard.press("ArrowDown")
    assert "filters 10×64×7×7, output 8×10×15×15" in status.inner_text()
    blocks.locator("select[data-choice=H]").select_option("5")
    blocks.locator("select[data-choice=P]").select_option("0")
    assert "output none" in status.inner_text()
    assert "larger than the padded input" in blocks.locator("svg").text_content()


def _grid() -> np.ndarray:
    return np.random.default_rng(7).integers(0, 10, size=(6, 6))  # the chapter's 6x6 map


def test_pool_animation_marks_the_winner_and_shows_the_mean(pages):
    anim = pages[CH7].locator(".cnnlab-anim").first
    grid = _grid()
    top = int(F.max_pool2d(grid, 2)[0, 0])
    assert _text(anim, ".cnnlab-expr") == f"out[0, 0] = max of the window = {top}"
    best = anim.locator("td.best")
    assert best.count() == 1 and best.inner_text() == str(top)
    anim.locator("button[data-action=next]").click()
    assert _text(anim, ".cnnlab-expr") == f"out[0, 1] = max of the window = {int(F.max_pool2d(grid, 2)[0, 1])}"
    anim.locator("select[data-choice=mode]").select_option(label="average")
    total = int(grid[:2, :2].sum())
    assert _text(anim, ".cnnlab-expr") == f"out[0, 0] = mean of the window = {total} / 4 = {viz_mean(total / 4)}"
    assert anim.locator("td.best").count() == 0
    anim.focus()
    pages[CH7].keyboard.press("End")
    assert _text(anim, ".cnnlab-expr").startswith("out[2, 2] = mean")
    assert anim.locator(".cnnlab-out td.filled").count() == 9


def viz_mean(v: float) -> str:
    from cnnlab.viz import format_number
    return format_number(round(v, 2))


def test_pool_animation_strikes_out_what_no_window_reads(pages):
    anim = pages[CH7].locator(".cnnlab-anim").first
    anim.locator("select[data-choice=mode]").select_option(label="max")
    anim.locator("select[data-choice=setting]").select_option(label="3×3, stride 2")
    assert anim.locator("td.unread").count() == 11  # row 5 and column 5 of the 6x6 map
    assert anim.locator(".cnnlab-out tbody td").count() == 4
    anim.locator("select[data-choice=setting]").select_option(label="3×3, stride 2, padding 1")
    assert anim.locator("td.unread").count() == 0
    assert anim.locator(".cnnlab-in td.pad").first.inner_text() == "−∞"  # padding never wins a max
    assert anim.locator(".cnnlab-out tbody td").count() == 9
