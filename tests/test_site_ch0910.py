"""Chapters 9 and 10 on the built site, in Chromium: the backward animations step and
answer the keyboard; the exercises check in the page; the progress bar's static note shows."""

from __future__ import annotations

import pytest


@pytest.fixture()
def chapter10(site_url, browser):
    page = browser.new_page()
    page.goto(site_url + "notebooks/10_training.html")
    yield page
    page.close()


def test_chapter10_exercises_check_in_the_page(chapter10):
    forms = chapter10.locator(".cnnlab-ex[data-ready]")
    assert forms.count() == 6
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
    assert "final test accuracy: 0.986" in body
    assert "import torch" in body            # the PyTorch version, shown as text
