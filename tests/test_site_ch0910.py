"""Chapters 9 and 10 on the built site, in Chromium: the backward animations step and
answer the keyboard; the exercises check in the page; the progress bar's static note shows."""

from __future__ import annotations

import pytest


@pytest.fixture()
def open_chapter(site_url, browser):
    """``open_chapter("09_backprop")`` opens that chapter's built page; closed after the test."""
    pages = []

    def open_page(name: str):
        pages.append(browser.new_page())
        pages[-1].goto(site_url + f"notebooks/{name}.html")
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture()
def chapter10(open_chapter):
    return open_chapter("10_training")


@pytest.fixture()
def chapter9(open_chapter):
    return open_chapter("09_backprop")


def test_chapter10_exercises_check_in_the_page(chapter10):
    forms = chapter10.locator(".cnnlab-ex[data-ready]")
    assert forms.count() == 7
    first = forms.nth(0)
    first.locator("input[type=text]").fill("0.1")
    first.locator("button[data-action=check]").click()
    assert "probability of the true class" in first.locator(".cnnlab-ex-verdict").inner_text()
    first.locator("input[type=text]").fill("2.303")
    first.locator("input[type=text]").press("Enter")
    assert first.locator(".cnnlab-ex-verdict").inner_text() == "Correct."
    pair = forms.nth(1)
    pair.locator("input[type=text]").fill("(0.7, -0.7)")
    pair.locator("button[data-action=check]").click()
    assert pair.locator(".cnnlab-ex-verdict").inner_text() == "Correct."


def test_chapter10_progress_bar_reads_without_a_kernel(chapter10):
    note = chapter10.locator(".cnnlab-progress-static")
    assert note.count() == 1
    assert "Progress bar: 12 epochs" in note.inner_text()
    body = chapter10.locator("main").inner_text()
    assert "final test accuracy: 0.975" in body
    assert "import torch" in body            # the PyTorch version, shown as text


def test_chapter9_dx_animation_steps_by_click_keyboard_and_choices(chapter9):
    anims = chapter9.locator(".cnnlab-bp[data-ready]")
    assert anims.count() == 3
    dx = anims.nth(0)
    expr, status = dx.locator(".cnnlab-expr"), dx.locator(".cnnlab-status")
    assert expr.inner_text().startswith("dx[0, 0] += ")
    dx.locator("button[data-action=next]").click()
    assert expr.inner_text().startswith("dx[0, 1] += ")
    assert status.inner_text().startswith("Step 2 of 5: g[0, 1]")
    dx.focus()
    chapter9.keyboard.press("End")
    assert "done: dx is the sum" in status.inner_text()
    chapter9.keyboard.press("Home")
    assert status.inner_text().startswith("Step 1 of 5")
    # stride 2 without padding: row 3 and column 3 are never read, the status says so
    dx.locator("select[data-choice=stride]").select_option(label="2")
    dx.locator("button[data-action=last]").click()
    assert "no window read get 0" in status.inner_text()
    assert "stride 2, padding 0" in dx.get_attribute("aria-label")
    # padding 1: the hatched border's share is dropped
    dx.locator("select[data-choice=padding]").select_option(label="1")
    dx.locator("button[data-action=last]").click()
    assert "padding's share is dropped" in status.inner_text()
    assert dx.locator("td.pad").count() > 0


def test_chapter9_dw_and_pooling_animations(chapter9):
    anims = chapter9.locator(".cnnlab-bp[data-ready]")
    dw = anims.nth(1)
    assert dw.locator(".cnnlab-expr").inner_text().startswith("dW[0, 0] += 1×1")
    assert dw.locator("td.win").count() == 9 and dw.locator("td.src").count() == 1
    pool = anims.nth(2)
    assert "dx[1, 0] += 1" in pool.locator(".cnnlab-expr").inner_text()
    assert pool.locator("td.add").count() == 1          # max: one cell receives the gradient
    pool.locator("select[data-choice=pool]").select_option(label="average")
    assert "/ 4 = 0.25" in pool.locator(".cnnlab-expr").inner_text()
    assert pool.locator("td.add").count() == 4          # average: the whole window


def test_chapter9_exercises_check_in_the_page(chapter9):
    form = chapter9.locator(".cnnlab-ex[data-ready]").first
    form.locator("input[type=text]").fill("2")
    form.locator("button[data-action=check]").click()
    assert "dL/dw_0" in form.locator(".cnnlab-ex-verdict").inner_text()
    form.locator("input[type=text]").fill("1")
    form.locator("input[type=text]").press("Enter")
    assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."
