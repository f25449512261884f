"""Chapters 4 and 5 on the built site, in Chromium with no kernel: the shape calculator
answers the keyboard and agrees with cnnlab; the padded, strided and dilated animations
draw what F.conv2d computed. (tests/test_site.py covers the generic checks of every page.)"""

from __future__ import annotations

import pytest

import cnnlab
from cnnlab import data, viz
from cnnlab import functional as F

CH4, CH5 = "notebooks/04_padding.html", "notebooks/05_stride.html"


@pytest.fixture(scope="module")
def pages(site_url, browser):
    opened = {}
    for name in (CH4, CH5):
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto(site_url + name)
        opened[name] = (page, errors)
    yield opened
    for page, _ in opened.values():
        page.close()


def _calc(page):
    calc = page.locator(".cnnlab-calc").first
    return calc, (lambda name: calc.locator(f"input[data-field={name}]")), calc.locator(".cnnlab-calc-result")


def test_chapter4_calculator_keeps_40_by_50_and_follows_the_keyboard(pages):
    page, errors = pages[CH4]
    calc, field, result = _calc(page)
    assert result.inner_text() == "Output: 40 × 50 (from 40 × 50)"
    field("kernel").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")                      # 5x5 kernel, padding 1
    want = cnnlab.conv_output_size((40, 50), 5, padding=1)
    assert result.inner_text() == f"Output: {want[0]} × {want[1]} (from 40 × 50)"
    field("padding").fill("same")
    assert result.inner_text() == "Output: 40 × 50 (from 40 × 50)"
    field("kernel").fill("4")
    assert "1 before and 2 after" in calc.locator(".cnnlab-calc-notes").inner_text()
    rows = calc.locator(".cnnlab-conv-table tbody tr")
    assert rows.nth(2).inner_text().split("\t")[1].startswith("40 (pads 1 + 2)")   # TensorFlow 'SAME'
    assert errors == []


def test_chapter4_animation_draws_the_padding(pages):
    page, _ = pages[CH4]
    anim = page.locator(".cnnlab-anim").first
    counts = anim.evaluate("a => [a.querySelectorAll('.cnnlab-in td.pad').length,"
                           " a.querySelectorAll('.cnnlab-out tbody tr').length]")
    assert counts == [8 * 8 - 6 * 6, 6]
    first = viz.conv_steps(data.worked_image(), data.worked_kernel(), padding=1)[0]
    assert anim.locator(".cnnlab-expr").inner_text() == "out[0, 0] = " + first.expression
    anim.locator("select[data-choice=padding]").select_option(label="2")   # full padding
    assert anim.evaluate("a => a.querySelectorAll('.cnnlab-out tbody tr').length") == 8


def test_chapter5_calculator_names_the_unread_row_and_refuses_same_with_a_stride(pages):
    page, errors = pages[CH5]
    calc, field, result = _calc(page)
    assert result.inner_text() == "Output: 3 × 3 (from 8 × 8)"
    notes = calc.locator(".cnnlab-calc-notes")
    assert "Row 7 and column 7 are never read" in notes.inner_text()
    assert calc.locator("td.unread").count() == 8 + 8 - 1
    field("stride").focus()
    page.keyboard.press("ArrowUp")                      # stride 3: (8 - 3) / 3 leaves 2 cells
    assert result.inner_text() == "Output: 2 × 2 (from 8 × 8)"
    assert cnnlab.unread_positions(8, 3, 3) == [6, 7]
    assert "Rows 6 and 7 and columns 6 and 7 are never read" in notes.inner_text()
    field("padding").fill("same")
    assert "refuses padding='same' with stride 3" in result.inner_text()
    assert f"ceil(8 / 3) = {cnnlab.tf_output_size(8, 3, 3)}" in notes.inner_text()
    field("padding").fill("0")
    field("kernel").fill("9")
    assert "kernel is larger than the padded input" in result.inner_text()
    assert errors == []


def test_chapter5_animations_stride_and_dilate_as_conv2d_does(pages):
    page, _ = pages[CH5]
    stroke_anim = page.locator(".cnnlab-anim").first
    stroke_anim.locator("select[data-choice=stride]").select_option(label="2")
    cells = stroke_anim.evaluate("a => [...a.querySelectorAll('.cnnlab-out tbody td')].map(t => t.textContent)")
    assert len(cells) == 4
    stroke_anim.locator("button[data-action=last]").click()
    assert stroke_anim.locator(".cnnlab-expr").inner_text().endswith("= 0")

    dilated = page.locator(".cnnlab-anim").nth(1)     # dilation 2 first
    taps = dilated.evaluate("a => [a.querySelectorAll('.cnnlab-in td.win').length,"
                            " a.querySelectorAll('.cnnlab-in td.gap').length]")
    assert taps == [4, 5]                              # 2x2 taps spread over a 3x3 window
    dilated.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")                  # window (0, 2): taps (0, 2) and (2, 0) hit the stroke
    want = F.conv2d(data.anti_diagonal(5), [[0, 1], [1, 0]], dilation=2)[0, 2]
    assert dilated.locator(".cnnlab-expr").inner_text() == f"out[0, 2] = 0×0 + 1×1 + 1×1 + 0×0 = {want}"
    assert "taps 2 cells apart" in dilated.locator(".cnnlab-status").inner_text()
    dilated.locator("select[data-choice=dilation]").select_option(label="1")
    assert dilated.evaluate("a => a.querySelectorAll('.cnnlab-in td.gap').length") == 0
