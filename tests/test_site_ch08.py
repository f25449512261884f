"""Chapter 8's network tracer on the built site, in Chromium: its in-page formulas agree with
cnnlab.summary on the presets and on random stacks, and a reader can add a layer, read the
table, trigger and fix an error and load a preset with the keyboard alone."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import models, summary

PAGE = "notebooks/08_shapes.html"
COLUMNS = ("output_size", "num_params", "mult_adds")


@pytest.fixture(scope="module")
def page(site_url, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + PAGE)
    page.wait_for_selector(".cnnlab-tracer[data-ready]")
    yield page
    page.close()
    assert errors == []


def python_trace(spec: dict) -> dict:
    """What the page must show for ``spec``: cnnlab.summary's rows up to the first layer that
    cannot run, and that layer's index (None when every layer runs)."""
    found = models.find_error(spec)
    stop = len(spec["layers"]) if found is None else found[0]
    rows = []
    if stop > 0:
        prefix = {"input": spec["input"], "layers": spec["layers"][:stop]}
        table = summary(models.build(prefix), models.input_shape(prefix), col_names=COLUMNS)
        rows = [[r.name, list(r.output_shape), r.params, r.mult_adds] for r in table]
    return {"rows": rows, "error": None if found is None else found[0]}


def page_trace(page, specs: list[dict]) -> list[dict]:
    results = page.evaluate("specs => specs.map(s => window.cnnlabTracer.trace(s))", specs)
    return [{"rows": [[r["name"], r["shape"], r["params"], r["macs"]] for r in res["rows"]],
             "error": None if res["error"] is None else res["error"]["index"]} for res in results]


def test_page_and_summary_agree_on_every_preset(page):
    specs = list(models.PRESETS.values())
    assert page_trace(page, specs) == [python_trace(s) for s in specs]


def random_spec(rng: np.random.Generator) -> dict:
    """A stack that usually runs (channels and features mostly follow what arrives) and
    sometimes breaks: kernels too large, wrong channel or feature counts, groups that do not
    divide, pooling padding over half the window, layers in the wrong order, zero sizes."""
    c, h, w = (int(v) for v in rng.integers([1, 4, 4], [5, 41, 41]))
    c0 = c
    layers = []
    for _ in range(int(rng.integers(0, 6))):
        kind = rng.choice(["conv", "conv", "maxpool", "avgpool", "relu"])
        if kind == "conv":
            groups = int(rng.choice([1, 1, 1, 2, 3]))
            c_in = c if rng.random() < 0.85 else int(rng.integers(1, 7))
            c_out = int(rng.integers(1, 5)) * (groups if rng.random() < 0.8 else 1)
            layers.append(models.conv(c_in, c_out, int(rng.integers(1, 6)), int(rng.choice([1, 1, 2, 3])),
                                      int(rng.integers(0, 3)), groups))
            c = c_out
        elif kind == "relu":
            layers.append(models.RELU)
        else:
            k = int(rng.integers(1, 5))
            layers.append(models.pool(k, int(rng.integers(1, 3)), int(rng.choice([0, 0, 0, k // 2, k // 2 + 1])), kind))
    if rng.random() < 0.85:
        layers.append(models.FLATTEN)
        flat = python_trace({"input": [c0, h, w], "layers": layers})["rows"]
        n = int(np.prod(flat[-1][1][1:])) if flat else c * h * w
        for _ in range(int(rng.integers(0, 3))):
            n_in = n if rng.random() < 0.85 else int(rng.integers(1, 500))
            n = int(rng.integers(1, 20))
            layers += [models.linear(n_in, n), models.RELU]
    if rng.random() < 0.1:  # a layer in the wrong place, or a zero
        layers.insert(int(rng.integers(0, len(layers) + 1)),
                      rng.choice([models.linear(4, 2), models.pool(2), models.conv(c, 2, 0)]))
    return {"input": [c0 if rng.random() < 0.97 else 0, h, w], "layers": layers}


def test_page_and_summary_agree_on_random_stacks(page):
    rng = np.random.default_rng(8)
    specs = [random_spec(rng) for _ in range(300)]
    expected = [python_trace(s) for s in specs]
    errors = sum(e["error"] is not None for e in expected)
    assert 40 < errors < 260  # both sound and broken networks are covered
    assert page_trace(page, specs) == expected


def test_tracer_shows_lenet5_and_its_total(page):
    tracer = page.locator(".cnnlab-tracer").first
    assert tracer.locator("tr.cnnlab-tr-layer").count() == 12
    last = tracer.locator("tr.cnnlab-tr-layer").last
    assert last.locator("td").nth(2).inner_text() == "(-1, 10)"
    assert "61,706" in tracer.locator("tfoot").inner_text()
    assert tracer.locator(".cnnlab-tr-status").inner_text().startswith("12 layers, output (-1, 10), 61,706 parameters")


def test_keyboard_adds_a_layer_triggers_and_fixes_an_error(page):
    tracer = page.locator(".cnnlab-tracer").first
    selects = tracer.locator("select")
    selects.nth(1).focus()  # the new layer's type
    page.keyboard.type("Linear")
    page.keyboard.press("Tab")  # "at": the end
    page.keyboard.press("Tab")  # Add layer
    page.keyboard.press("Enter")
    rows = tracer.locator("tr.cnnlab-tr-layer")
    assert rows.count() == 13
    new = rows.last
    assert new.locator("th").inner_text() == "Linear"
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "layer 13 in"  # focus moved to the new layer's first setting
    assert new.locator("td").nth(2).inner_text() == "(-1, 10)"
    assert "61,816" in tracer.locator("tfoot").inner_text()  # 61,706 + (10 + 1) * 10

    page.keyboard.press("ArrowUp")  # in = 11: now 10 features arrive for a layer built for 11
    error = tracer.locator("tr.cnnlab-tr-error")
    assert error.count() == 1
    assert error.inner_text() == ("Layer 13: Linear was built for in = 11 features but 10 arrive. "
                                  "Fix: set in to 10, or change the layers before so that 11 features arrive.")
    assert "bad" in new.get_attribute("class") and new.locator("td").nth(2).inner_text() == "error"
    assert tracer.locator(".cnnlab-tr-status").inner_text().startswith("Layer 13 (Linear) cannot run")
    page.keyboard.press("ArrowDown")
    assert error.count() == 0

    new.locator("button[data-action=remove]").focus()
    page.keyboard.press("Enter")
    assert rows.count() == 12 and "61,706" in tracer.locator("tfoot").inner_text()


def test_a_larger_input_breaks_the_first_linear_layer(page):
    tracer = page.locator(".cnnlab-tracer").first
    for axis in ("H", "W"):
        field = tracer.get_by_label(f"input {axis}", exact=True)
        field.fill("36")
    message = tracer.locator("tr.cnnlab-tr-error").inner_text()
    assert message.startswith("Layer 8: Linear was built for in = 400 features but 576 arrive.")
    assert tracer.locator("tr.cnnlab-tr-layer").nth(6).locator("td").nth(2).inner_text() == "(-1, 576)"
    assert tracer.locator("tr.cnnlab-tr-layer.after").count() == 4  # the layers after it are greyed out
    tracer.get_by_label("layer 6 kernel", exact=True).fill("40")  # a pooling window larger than its input
    assert tracer.locator("tr.cnnlab-tr-error").inner_text().startswith(
        "Layer 6: the 40×40 kernel is larger than the padded input (12 + 2×0 = 12)")
    for axis in ("H", "W"):
        tracer.get_by_label(f"input {axis}", exact=True).fill("32")
    tracer.get_by_label("layer 6 kernel", exact=True).fill("2")
    assert tracer.locator("tr.cnnlab-tr-error").count() == 0


def test_keyboard_loads_a_preset(page):
    tracer = page.locator(".cnnlab-tracer").first
    tracer.locator("select").first.focus()
    page.keyboard.type("VGG")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert tracer.locator("tr.cnnlab-tr-layer").count() == len(models.VGG16["layers"])
    assert "138,357,544" in tracer.locator("tfoot").inner_text()
    assert "15,483,821,032" in tracer.locator("tfoot").inner_text()
    tracer.locator("select").first.focus()
    page.keyboard.type("LeNet")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert tracer.locator("tr.cnnlab-tr-layer").count() == 12


def test_tracer_controls_are_large_and_show_their_focus(page):
    tracer = page.locator(".cnnlab-tracer").first
    heights = tracer.evaluate(
        "w => [...w.querySelectorAll('button, select, input')].map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 24
    tracer.locator("select").first.focus()
    missing = []
    for _ in range(12):
        page.keyboard.press("Tab")
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; }""")
        if not ring:
            missing.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert missing == []


def test_tracer_turns_dark_with_the_theme(page):
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    colours = page.evaluate(
        """() => { const w = document.querySelector('.cnnlab-tracer');
                   const lum = c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (r + g + b) / 765; };
                   const input = w.querySelector('input');
                   return [lum(getComputedStyle(w).backgroundColor), lum(getComputedStyle(input).color)]; }""")
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    assert colours[0] < 0.2 and colours[1] > 0.8


def test_a_find_the_bug_exercise_is_checked_on_the_page(page):
    form = page.locator(".cnnlab-ex").filter(has_text="Exercise 8.3").first
    check_a, check_b = (form.get_by_role("button", name=f"Check ({p})") for p in "ab")
    verdict_a, verdict_b = form.locator(".cnnlab-ex-verdict").nth(0), form.locator(".cnnlab-ex-verdict").nth(1)
    form.get_by_label("Flatten()", exact=True).check()
    check_a.click()
    assert "Flatten takes any volume" in verdict_a.inner_text()
    form.locator("input[type=text]").fill("784")
    check_b.click()
    assert "16·7·7 assumes padding 1" in verdict_b.inner_text()
    form.get_by_label("Linear(784, 10)", exact=True).check()
    check_a.click()
    form.locator("input[type=text]").fill("400")
    check_b.click()
    assert verdict_a.inner_text() == verdict_b.inner_text() == "Correct."
