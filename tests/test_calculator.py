"""Chapters 4 and 5's shape tools: window coverage, TensorFlow's 'SAME'/'VALID' rules and the
shape calculator's Python reference, against hand-worked cases, brute force through
F.conv2d, TensorFlow's documented formula and (when installed) PyTorch."""

import math

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F
from cnnlab import tf_output_size, tf_padding, unread_positions, window_coverage
from cnnlab.viz import axis_report, shape_calculator


def coverage_by_conv(n, f, s, p, d):
    """Windows reading cell i: convolve a one-hot row with a kernel of ones and count the hits."""
    counts = []
    for i in range(n):
        row = np.zeros((1, n))
        row[0, i] = 1
        counts.append(int(F.conv2d(row, np.ones((1, f)), stride=(1, s), padding=(0, p) if isinstance(p, int) else p,
                                   dilation=(1, d)).sum()))
    return counts


@pytest.mark.parametrize("n, f, s, p, d", [(n, f, s, p, d) for n in range(1, 10) for f in range(1, 5)
                                           for s in range(1, 4) for p in range(3) for d in (1, 2)
                                           if d * (f - 1) + 1 <= n + 2 * p])
def test_coverage_counts_the_windows_that_read_each_cell(n, f, s, p, d):
    assert window_coverage(n, f, s, p, d) == coverage_by_conv(n, f, s, p, d)


@pytest.mark.parametrize("args, expected", [
    ((6, 3), [1, 2, 3, 3, 2, 1]),            # no padding: the corners are read once
    ((6, 3, 1, 1), [2, 3, 3, 3, 3, 2]),      # padding 1: the border twice, the middle 3 times
    ((6, 3, 1, 2), [3, 3, 3, 3, 3, 3]),      # full padding: every cell 3 times
    ((5, 1, 2), [1, 0, 1, 0, 1]),            # a 1x1 kernel at stride 2 skips every other cell
    ((8, 3, 2), [1, 1, 2, 1, 2, 1, 1, 0]),   # stride 2: the last cell is dropped
    ((7, 2, 1, "same", 2), [1, 2, 2, 2, 2, 2, 1]),
])
def test_coverage_by_hand(args, expected):
    assert window_coverage(*args) == expected


def documented_tf_same(n, f, s, d=1):
    """TensorFlow's documentation (tf.nn.convolution, 'SAME'): out = ceil(n / s),
    pad_along = max((out - 1) * s + effective_f - n, 0), pad_before = pad_along // 2."""
    out = math.ceil(n / s)
    along = max((out - 1) * s + (d * (f - 1) + 1) - n, 0)
    return out, (along // 2, along - along // 2)


@pytest.mark.parametrize("n, f, s, d", [(n, f, s, d) for n in range(1, 13) for f in range(1, 6)
                                        for s in range(1, 4) for d in (1, 2)])
def test_tf_same_follows_the_documented_formula(n, f, s, d):
    out, pads = documented_tf_same(n, f, s, d)
    assert tf_padding(n, f, s, d) == pads
    assert tf_output_size(n, f, s, "SAME", d) == out
    x = np.arange(n, dtype=float)[None, :]
    padded = np.pad(x, ((0, 0), pads))
    assert F.conv2d(padded, np.ones((1, f)), stride=(1, s), dilation=(1, d)).shape[1] == out
    span = d * (f - 1) + 1
    if span <= n:  # 'VALID': ceil((n - span + 1) / s), TensorFlow's documented form
        assert tf_output_size(n, f, s, "valid", d) == math.ceil((n - span + 1) / s)


@pytest.mark.parametrize("args, expected", [((5, 3, 2), (1, 1)), ((6, 3, 2), (0, 1)), ((4, 4, 1), (1, 2)),
                                            ((7, 1, 2), (0, 0)), ((10, 3, 3), (1, 1))])
def test_tf_padding_by_hand(args, expected):
    assert tf_padding(*args) == expected


def test_tf_and_pytorch_same_agree_at_stride_1():
    for n in range(1, 10):
        for f in range(1, 6):
            assert tf_padding(n, f) == cnnlab.same_padding(f)


@pytest.mark.parametrize("call, error, words", [
    (lambda: tf_output_size(5, 3, padding="FULL"), ValueError, "only 'SAME'"),
    (lambda: tf_output_size(3, 5, padding="VALID"), ValueError, "larger than the padded input"),
    (lambda: tf_padding(0, 3), ValueError, "input size n must be at least 1"),
    (lambda: tf_padding(5, 3, stride=0), ValueError, "stride must be at least 1"),
    (lambda: window_coverage(5, 7), ValueError, "not even one window fits"),
    (lambda: window_coverage(5, 3, stride=2, padding="same"), ValueError, "not supported for strided"),
    (lambda: shape_calculator(0), ValueError, "the input size n must be at least 1"),
    (lambda: shape_calculator(5, kernel_size=2.5), TypeError, "kernel_size must be a whole number"),
    (lambda: shape_calculator((5, 6, 7)), TypeError, r"\(height, width\) pair, got \(5, 6, 7\) with 3"),
    (lambda: shape_calculator(5, stride=(1, 0)), ValueError, "stride must be at least 1"),
    (lambda: shape_calculator(5, padding=-1), ValueError, "padding must be 0 or more"),
    (lambda: unread_positions(8, 3, padding=(1, 1)), TypeError, "works along one axis"),
    (lambda: window_coverage(8, (3, 3)), TypeError, "once for the rows and once for the columns"),
    (lambda: shape_calculator(5, padding="full"), ValueError, "not a padding convolutions know"),
    (lambda: axis_report(5, 3, 1, -1), ValueError, "padding must be 0 or more"),
])
def test_errors_explain_themselves(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_report_of_the_syllabus_example():
    r = axis_report(40, 3, 1, 1)
    assert (r["out"], r["pad"], r["padded"], r["unread"], r["error"]) == (40, [1, 1], 42, [], None)


def test_report_names_the_rows_a_stride_drops():
    r = axis_report(8, 3, 2)  # windows start at 0, 2, 4: cell 7 is never read
    assert (r["out"], r["unread"], r["dropped"]) == (3, [7], 1)
    r = axis_report(5, 1, 2)
    assert (r["out"], r["unread"], r["dropped"]) == (3, [1, 3], 0)


def test_report_of_each_problem():
    assert axis_report(3, 5)["error"] == "too_large"
    r = axis_report(7, 3, 2, "same")
    assert r["error"] == "same_stride" and r["out"] is None
    assert r["tf_same"] == {"out": 4, "pad": [1, 1]}
    r = axis_report(4, 2, 1, 3)  # padding 3 > span 2: two windows on each side read only zeros
    assert (r["out"], r["empty"]) == (9, 4)
    assert axis_report(3, 5, 1, 1)["tf_valid"] is None


def test_calculator_html_is_small_deterministic_and_offline():
    html = shape_calculator()._repr_html_()
    assert html == shape_calculator()._repr_html_()
    assert len(html.encode()) < 50_000
    assert " id=" not in html and "http" not in html
    assert "Shape calculator" in repr(shape_calculator())


def test_coverage_against_pytorch():
    torch = pytest.importorskip("torch")
    for n, f, s, p, d in [(6, 3, 1, 0, 1), (8, 3, 2, 1, 1), (9, 2, 3, 2, 2), (7, 3, 2, 0, 2)]:
        x = torch.eye(n, dtype=torch.float64)[:, None, None, :]     # n one-hot rows
        w = torch.ones(1, 1, 1, f, dtype=torch.float64)
        y = torch.nn.functional.conv2d(x, w, stride=(1, s), padding=(0, p), dilation=(1, d))
        assert window_coverage(n, f, s, p, d) == [int(v) for v in y.sum(dim=(1, 2, 3))]


GRID = [(n, f, s, p, d) for n in range(1, 13) for f in range(1, 6) for s in range(1, 4)
        for p in [0, 1, 2, 3, "valid", "same"] for d in (1, 2)]


def test_the_page_and_python_agree_on_every_shape(tmp_path):
    """The calculator's JavaScript formula against axis_report (built on cnnlab.shapes) on
    every n <= 12, f <= 5, s <= 3, p in 0..3, 'valid', 'same', d in 1..2: the output size,
    the padding, the unread cells, the coverage, the errors and TensorFlow's sizes."""
    from browser import chromium

    page = tmp_path / "calc.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + shape_calculator()._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        js = tab.evaluate("cases => cases.map(c => window.cnnlabShapes.report(...c))", GRID)
        parsed = tab.evaluate("texts => texts.map(t => window.cnnlabShapes.paddingSpec(t))",
                              ["1", " 2 ", "same", "'valid'", "SAME", "-1", "1.5", "", "full"])
    assert errors == []
    for case, got in zip(GRID, js):
        assert got == axis_report(*case), case
    assert parsed == [1, 2, "same", "valid", "same", None, None, None, None]
    kinds = {r["error"] for r in js}
    assert kinds == {None, "too_large", "same_stride"}
    assert sum(bool(r["unread"]) for r in js) > 100


def _calc_page(tmp_path, **kwargs):
    page = tmp_path / "calc.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + shape_calculator(**kwargs)._repr_html_() + "</body></html>")
    return page.as_uri()


def test_the_calculator_explains_each_problem_as_the_reader_types(tmp_path):
    from browser import chromium

    with chromium() as context:
        tab = context.new_page()
        tab.goto(_calc_page(tmp_path))
        calc = tab.locator(".cnnlab-calc")
        result, notes = calc.locator(".cnnlab-calc-result"), calc.locator(".cnnlab-calc-notes")
        assert result.inner_text() == "Output: 40 × 50 (from 40 × 50)"
        assert "⌊(40 + 2×1 − 3) / 1⌋ + 1 = ⌊39 / 1⌋ + 1 = 38 + 1" not in calc.inner_text()
        assert "OH = ⌊(n + 2p − f) / s⌋ + 1 = ⌊(40 + 2×1 − 3) / 1⌋ + 1 = ⌊39 / 1⌋ + 1 = 39 + 1 = 40" in calc.inner_text()
        field = lambda name: calc.locator(f"input[data-field={name}]")
        field("h").fill("8")
        field("w").fill("8")
        field("padding").fill("0")
        field("stride").focus()
        tab.keyboard.press("ArrowUp")                      # stride 2
        assert field("stride").input_value() == "2"
        assert result.inner_text() == "Output: 3 × 3 (from 8 × 8)"
        assert "Row 7 and column 7 are never read: n + 2p − span = 8 − 3 = 5 is not a multiple of the stride 2" in notes.inner_text()
        assert calc.locator("td.unread").count() == 15     # row 7 and column 7 of the 8x8 grid
        field("padding").fill("same")
        assert "PyTorch refuses padding='same' with stride 2" in result.inner_text()
        assert "ceil(8 / 2) = 4" in notes.inner_text()
        field("padding").fill("valid")
        field("kernel").fill("9")
        assert "kernel is larger than the padded input" in result.inner_text()
        assert "Use a kernel of at most 8, or padding of at least 1 per side." in notes.inner_text()
        field("kernel").fill("2.5")
        assert "kernel must be a whole number of at least 1" in result.inner_text()
