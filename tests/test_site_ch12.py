"""Chapters 1 and 2 on the built site, in Chromium with no kernel: the decision-line explorer
answers its sliders and keyboard (the line slides with the bias, turns with the weights, and
the four inputs are recoloured), and the pixel inspector shows a focused pixel's values."""

from __future__ import annotations

import math

CH1 = "notebooks/01_neurons.html"
CH2 = "notebooks/02_images.html"


def _explorer_state(widget) -> dict:
    return widget.evaluate(
        """w => { const l = w.querySelector('line.boundary');
                  return {line: l && ['x1', 'y1', 'x2', 'y2'].map(a => parseFloat(l.getAttribute(a))),
                          outputs: [...w.querySelectorAll('g.pt')].map(g => g.getAttribute('data-output')).join(''),
                          on: w.querySelectorAll('g.pt.on').length,
                          status: w.querySelector('.cnnlab-status').textContent}; }"""
    )


def _direction(line):
    x1, y1, x2, y2 = line
    angle = math.atan2(y2 - y1, x2 - x1) % math.pi  # a line's direction, either way along it
    return round(angle, 6)


def _distance_from_corner(line):
    """Signed distance of the line from the SVG's corner (0, 0): a fixed point, so the
    distance changes when the line slides."""
    x1, y1, x2, y2 = line
    return ((x2 - x1) * (y1 - 0) - (y2 - y1) * (x1 - 0)) / math.hypot(x2 - x1, y2 - y1)


def _open(browser, url: str):
    """A new tab on ``url`` and the list that collects its script errors."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def test_the_bias_slides_the_line_and_the_weights_turn_it(browser, site_url):
    page, errors = _open(browser, site_url + CH1)
    widget = page.locator(".cnnlab-perceptron").first
    start = _explorer_state(widget)
    assert start["outputs"] == "0001" and start["on"] == 1
    assert start["status"] == "w1 = 1, w2 = 1, b = −1.5: outputs 0, 0, 0, 1. Matches AND on 4 of 4 inputs."

    bias = widget.locator("input[data-param=b]")
    bias.focus()
    for _ in range(10):  # ten steps of 0.1: b = -0.5, the OR neuron
        page.keyboard.press("ArrowRight")
    slid = _explorer_state(widget)
    assert bias.get_attribute("aria-valuetext") == "b = −0.5"
    assert slid["outputs"] == "0111" and slid["on"] == 3
    assert _direction(slid["line"]) == _direction(start["line"])  # parallel: not turned
    assert _distance_from_corner(slid["line"]) != _distance_from_corner(start["line"])
    assert "Matches AND on 2 of 4 inputs" in slid["status"]
    widget.locator("select[data-choice=gate]").select_option("OR")
    assert "Matches OR on 4 of 4 inputs" in _explorer_state(widget)["status"]

    weight = widget.locator("input[data-param=w1]")
    weight.focus()
    page.keyboard.press("ArrowLeft")  # w1 = 0.9
    turned = _explorer_state(widget)
    assert _direction(turned["line"]) != _direction(slid["line"])
    weight.fill("-10")  # w1 = -1: only (0, 1) fires, b + w2 = 0.5
    weight.dispatch_event("input")
    assert _explorer_state(widget)["outputs"] == "0100"

    widget.locator("button[data-preset=AND]").click()
    assert _explorer_state(widget) == start
    assert errors == []
    page.close()


def test_the_explorer_is_keyboard_operable_with_visible_focus(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + CH1)
    widget = page.locator(".cnnlab-perceptron").first
    for control in widget.locator("input, select, button").all():
        control.focus()
        state = control.evaluate(
            """e => { const s = getComputedStyle(e); return {ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                      height: e.getBoundingClientRect().height}; }""")
        assert state["ring"] and state["height"] >= 24, control.evaluate("e => e.outerHTML.slice(0, 80)")
    page.close()


def test_focusing_a_pixel_shows_its_values_and_indices(browser, site_url):
    page, errors = _open(browser, site_url + CH2)
    widget = page.locator(".cnnlab-pixels").first
    status = widget.locator(".cnnlab-status")
    assert status.inner_text().startswith("Row 0, column 0: (r, g, b) = (")
    widget.locator("button.cnnlab-px").first.focus()  # the grid's one tab stop
    for key in ["ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight"]:
        page.keyboard.press(key)
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "pixel row 2, column 5"
    text = status.inner_text()
    # crop = rgb[88:100, 190:202] of the china photo: the notebook prints crop[2, 5] = [186 194 147]
    assert text == ("Row 2, column 5: (r, g, b) = (186, 194, 147). (H, W, C): crop[2, 5, 0 to 2], positions 87 to 89, "
                    "side by side. (C, H, W): to_chw(crop)[0 to 2, 2, 5]; in a contiguous copy, positions 29, 173, 317, 144 apart "
                    "(in the view that to_chw returns, still side by side).")
    rows = widget.locator("table.cnnlab-readout tr").all_inner_texts()
    assert rows[2].split("\t") == ["1 green", "194", "[2, 5, 1]", "88", "[1, 2, 5]", "173"]
    ring = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; })()")
    assert ring
    page.keyboard.press("End")
    assert status.inner_text().startswith("Row 2, column 11:")
    widget.locator("button.cnnlab-px").nth(0).hover()  # hovering shows a pixel too
    assert status.inner_text().startswith("Row 0, column 0:")
    assert widget.evaluate("w => w.querySelectorAll('button.cnnlab-px[tabindex=\"0\"]').length") == 1
    assert errors == []
    page.close()
