"""Chapter 8's second edition: the receptive-field column and the training-memory estimate
of cnnlab.tables, each against an independent reference, and the network tracer's in-page
formulas for both against them, and its layout on a phone, in Chromium on a standalone page
(not the built site: the site's own test is tests/test_site_ch08.py)."""

from __future__ import annotations

import numpy as np
import pytest

from browser import chromium
from cnnlab import Conv2d, Flatten, MaxPool2d, ReLU, Sequential, models, summary
from cnnlab.tables import training_memory
from cnnlab.viz import network_tracer
from test_site_ch08 import random_spec


def brute_receptive_field(layers: list[tuple[int, int, int, int]]) -> int:
    """The side of the input patch that one output value reads, found by following the
    window of output 0 back through each (kernel, stride, padding, dilation) layer as a set
    of positions (padding cells included, so the count does not depend on the border)."""
    positions = {0}
    for kernel, stride, padding, dilation in reversed(layers):
        positions = {i * stride - padding + t * dilation for i in positions for t in range(kernel)}
    return max(positions) - min(positions) + 1


def test_receptive_field_matches_following_the_windows_back():
    rng = np.random.default_rng(22)
    for _ in range(200):
        layers, hyper = [], []
        for _ in range(int(rng.integers(1, 6))):
            k, s, d = int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 3))
            if rng.random() < 0.5:
                layers.append(Conv2d(2, 2, k, stride=s, padding=k // 2, dilation=d))
            else:
                d = 1
                layers.append(MaxPool2d(k, s, k // 2))
            hyper.append((k, s, k // 2, d))
            layers.append(ReLU())
        table = summary(Sequential(*layers), (-1, 2, 400, 400), "receptive_field")
        assert table[-1].receptive_field == (brute_receptive_field(hyper),) * 2


def test_receptive_fields_by_hand_and_published():
    three = summary(Sequential(*[Conv2d(4, 4, 3, padding=1) for _ in range(3)]), (1, 4, 9, 9), "receptive_field")
    assert [r.receptive_field for r in three] == [(3, 3), (5, 5), (7, 7)]
    assert str(three).splitlines()[4].split() == ["Conv2d-1", "3×3"]
    vgg = summary(models.vgg16(), (-1, 3, 224, 224), "receptive_field")
    assert vgg[30].name == "MaxPool2d-5" and vgg[30].receptive_field == (212, 212)  # VGG-16's published 212
    assert vgg[31].receptive_field is None and "—" in str(vgg)
    wide = summary(Conv2d(1, 1, (3, 5), dilation=(1, 2)), (1, 1, 20, 20), "receptive_field")
    assert wide[0].receptive_field == (3, 9)


def test_training_memory_of_lenet5_by_hand():
    table = summary(models.lenet5(), (-1, 1, 32, 32))
    values = 4704 + 4704 + 1176 + 1600 + 1600 + 400 + 400 + 120 + 120 + 84 + 84 + 10  # every row's output
    m = training_memory(table, 32)
    assert (m.input, m.activations, m.activation_grads) == (32 * 1024 * 4, 32 * values * 4, 32 * values * 4)
    assert (m.params, m.param_grads, m.optimizer) == (61_706 * 4,) * 3
    assert m.total == 4 * (32 * 1024 + 2 * 32 * values + 3 * 61_706)
    assert training_memory(table, 32, buffers=0).optimizer == 0
    assert training_memory(table, 32, buffers=2).total == m.total + 61_706 * 4
    double = training_memory(summary(models.lenet5(), (-1, 1, 32, 32), dtype=np.float64), 1)
    assert double.params == 61_706 * 8 and double.activations == values * 8


@pytest.mark.parametrize("batch, buffers", [(0, 1), (2.5, 1), (True, 1), (1, -1), (1, "momentum")])
def test_training_memory_refuses_bad_input(batch, buffers):
    with pytest.raises(ValueError, match=r"must be a whole number of at least .*0 for SGD, 1 for SGD with momentum"):
        training_memory(summary(models.lenet5(), (-1, 1, 32, 32)), batch, buffers)


def python_rows(spec: dict) -> list:
    """[name, receptive field side or None] of every layer up to the first that cannot run."""
    found = models.find_error(spec)
    stop = len(spec["layers"]) if found is None else found[0]
    if stop <= 0:  # -1: the input itself is bad
        return []
    prefix = {"input": spec["input"], "layers": spec["layers"][:stop]}
    table = summary(models.build(prefix), models.input_shape(prefix), "receptive_field")
    return [[r.name, None if r.receptive_field is None else r.receptive_field[0]] for r in table]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("tracer") / "tracer.html"
    path.write_text("<!doctype html><html><head><meta charset='utf-8'><meta name='viewport' "
                    "content='width=device-width, initial-scale=1'></head><body>"
                    + network_tracer("VGG-16")._repr_html_() + "</body></html>", encoding="utf-8")
    with chromium(viewport=(1200, 800)) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector(".cnnlab-tracer[data-ready]")
        yield page
        assert errors == []


def test_page_receptive_fields_and_memory_agree_with_python(page):
    rng = np.random.default_rng(88)
    specs = list(models.PRESETS.values()) + [random_spec(rng) for _ in range(200)]
    got = page.evaluate("specs => specs.map(s => window.cnnlabTracer.trace(s).rows.map(r => [r.name, r.rf]))", specs)
    assert got == [python_rows(s) for s in specs]
    for spec in models.PRESETS.values():
        table = summary(models.build(spec), models.input_shape(spec))
        for batch, buffers in ((1, 0), (32, 1), (256, 2)):
            js = page.evaluate("([s, b, o]) => window.cnnlabTracer.memory(s, window.cnnlabTracer.trace(s), b, o)",
                               [spec, batch, buffers])
            py = training_memory(table, batch, buffers)
            assert js == {**py.__dict__, "total": py.total}


def test_page_shows_the_receptive_field_and_the_memory_line(page):
    tracer = page.locator(".cnnlab-tracer")
    assert tracer.locator("thead th").nth(4).inner_text() == "Receptive field"
    assert tracer.locator("tr.cnnlab-tr-layer").nth(30).locator("td").nth(3).inner_text() == "212×212"
    assert tracer.locator("tr.cnnlab-tr-layer").nth(31).locator("td").nth(3).inner_text() == "—"
    memory = tracer.locator(".cnnlab-tr-memory")
    assert memory.inner_text().startswith("In float32, one training step on 32 examples holds about 9.02 GB")
    tracer.get_by_label("Training memory for a batch of").fill("1")
    assert "holds about 1.89 GB" in memory.inner_text()
    tracer.locator("select").nth(3).select_option("0")  # plain SGD: the parameters twice
    assert "the parameters 2 times (weights and gradients)" in memory.inner_text()
    tracer.get_by_label("Training memory for a batch of").fill("")
    assert memory.inner_text() == "Training memory: type a batch size of 1 or more."


def test_vgg16_is_usable_on_a_phone(page):
    """At 390 px nothing scrolls sideways and each layer is a card; at any width the long
    table scrolls in its own box, so the widget stays within about one screen."""
    for width in (390, 1200):
        page.set_viewport_size({"width": width, "height": 800})
        layout = page.evaluate("""() => { const w = document.querySelector('.cnnlab-tracer');
            const box = w.querySelector('.cnnlab-tr-scroll'), row = w.querySelector('tr.cnnlab-tr-layer');
            return { sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                     inner: w.scrollWidth - w.clientWidth, box: box.scrollWidth - box.clientWidth,
                     height: w.getBoundingClientRect().height, display: getComputedStyle(row).display }; }""")
        assert layout["sideways"] <= 0 and layout["inner"] <= 0 and layout["box"] <= 0, layout
        assert layout["height"] < 1100, layout
        assert layout["display"] == ("flex" if width == 390 else "table-row"), layout
    assert len(network_tracer("VGG-16")._repr_html_().encode()) < 50_000


def test_lenet5_runs_from_32_to_35_pixels_in_python_and_in_the_page(page):
    """The chapter's silent trap: LeNet-5 traces at 32 to 35 pixels (reading rows 0 to 31
    only) and breaks at 31 and 36, in cnnlab and in the tracer alike."""
    for side in range(28, 40):
        spec = {"input": [1, side, side], "layers": models.LENET5["layers"]}
        js = page.evaluate("s => window.cnnlabTracer.trace(s).error", spec)
        runs = models.find_error(spec) is None
        assert runs == (js is None) == (32 <= side <= 35), side
        if runs:
            pool2 = summary(models.build(spec), (-1, 1, side, side), "receptive_field")[5]
            assert (pool2.output_shape[-1] - 1) * 4 + pool2.receptive_field[0] == 32


def test_vgg16_receptive_fields_by_hand():
    """3×3 convolutions add 2 × jump, 2×2 poolings add 1 × jump and double it."""
    field, jump, expected = 1, 1, []
    for convs in (2, 2, 3, 3, 3):
        for _ in range(convs):
            field += 2 * jump
            expected += [field, field]  # the convolution and its ReLU
        field += jump
        jump *= 2
        expected.append(field)
    table = summary(models.vgg16(), (-1, 3, 224, 224), "receptive_field")
    assert [r.receptive_field[0] for r in table if r.receptive_field] == expected and expected[-1] == 212


def test_three_linear_3x3_layers_are_one_7x7_convolution_except_near_the_border():
    """Without ReLUs, three padded 3×3 convolutions equal one 7×7 convolution (padding 3)
    away from the border; in the 2 outermost rows and columns the zero padding between the
    layers differs from padding the input by 3."""
    stack = Sequential(*[Conv2d(1, 1, 3, padding=1, rng=s, dtype=np.float64) for s in range(3)])
    bias = stack(np.zeros((1, 1, 13, 13)))[0, 0, 6, 6]
    impulse = np.zeros((1, 1, 13, 13))
    impulse[0, 0, 6, 6] = 1
    single = Conv2d(1, 1, 7, padding=3, dtype=np.float64)
    single.weight.data[...] = (stack(impulse)[0, 0, 3:10, 3:10] - bias)[::-1, ::-1]
    single.bias.data[...] = bias
    x = np.random.default_rng(8).standard_normal((1, 1, 12, 12))
    differs = np.abs(stack(x) - single(x))[0, 0] > 1e-9
    assert not differs[2:-2, 2:-2].any() and differs[1, 1:-1].any() and differs[:, 0].any()


def test_flatten_is_a_view_and_relu_a_new_array():
    x = np.arange(2 * 3 * 4 * 4, dtype=np.float32).reshape(2, 3, 4, 4)
    assert np.shares_memory(Flatten()(x), x) and not np.shares_memory(ReLU()(x), x)
