"""Chapter 7's second-edition claims, each against an independent reference: cells skipped
between windows and where ``ceil_mode`` may start a window (brute force over the windows),
average pooling as a 1/k² convolution and max pooling from ``b + ReLU(a - b)`` (hand-worked
sums and windows cut out as blocks of a reshaped array), the receptive field of conv → pool → conv (every input pixel
pushed in turn), a shift by a whole stride moving the pooled map's interior by one cell,
and, in Chromium, the pooling animation filling only the arg-max cell for max pooling."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F
from cnnlab import viz


def _windows(n: int, k: int, s: int, p: int, ceil_mode: bool) -> list[range]:
    """The input positions each window reads along one axis, by walking the windows as
    PyTorch's documentation words it: a window fits in the padded input (floor) or, with
    ceil_mode, may run off its end if the window before left cells unread and it starts in
    the left padding or the input ("windows that would start in the right padded region are
    ignored")."""
    out, start = [], -p
    while True:
        fits = start + k <= n + p
        partial = ceil_mode and start < n and start - s + k < n + p
        if not (fits or partial):
            return out
        out.append(range(max(start, 0), min(start + k, n)))
        start += s


CASES = [(n, k, s, p) for n in range(1, 13) for k in range(1, 5) for s in range(1, 6) for p in range(k // 2 + 1)
         if n + 2 * p >= k]


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_output_size_and_unread_cells_match_the_windows_walked_one_by_one(ceil_mode):
    for n, k, s, p in CASES:
        walked = _windows(n, k, s, p, ceil_mode)
        assert cnnlab.pool_output_size(n, k, s, p, ceil_mode=ceil_mode) == len(walked), (n, k, s, p)
        assert all(len(w) > 0 for w in walked), (n, k, s, p)  # every window reads a real cell
        if not ceil_mode:
            read = {i for w in walked for i in w}
            assert cnnlab.unread_positions(n, k, s, p) == [i for i in range(n) if i not in read], (n, k, s, p)


def test_the_chapters_stride_3_examples_by_hand():
    # 2x2 windows at stride 3 read 0-1 and 3-4: cell 2 is skipped between them.
    assert cnnlab.unread_positions(6, 2, 3) == [2, 5]
    assert cnnlab.unread_positions(7, 2, 3) == [2, 5, 6]
    # ceil_mode: with 6 cells a third window would start at 6, past the input; with 7 it starts on cell 6.
    assert cnnlab.pool_output_size(6, 2, 3, ceil_mode=True) == 2
    assert cnnlab.pool_output_size(7, 2, 3, ceil_mode=True) == 3
    row = np.arange(7).reshape(1, 7)
    assert F.max_pool2d(row, (1, 2), stride=(1, 3), ceil_mode=True).ravel().tolist() == [1, 4, 6]


def test_average_pooling_is_a_convolution_with_one_over_k_squared():
    x = np.arange(16.0).reshape(4, 4)
    # By hand: the top-left window 0 1 / 4 5 has mean 2.5.
    assert F.conv2d(x, np.full((2, 2), 0.25), stride=2)[0, 0] == 2.5
    rng = np.random.default_rng(0)
    for h, w, k in [(6, 8, 2), (9, 9, 3), (8, 12, 4)]:
        m = rng.standard_normal((h, w))
        oh, ow = h // k, w // k
        # The windows as blocks of a reshaped array: an independent mean of each window.
        ref = m[:oh * k, :ow * k].reshape(oh, k, ow, k).mean(axis=(1, 3))
        assert np.allclose(F.avg_pool2d(m, k), ref)
        assert np.allclose(F.conv2d(m, np.full((k, k), 1 / k**2), stride=k), F.avg_pool2d(m, k))
    # With padding: equal while the mean counts the padded zeros (PyTorch's default), not otherwise.
    m = rng.standard_normal((6, 8))
    conv = F.conv2d(m, np.full((3, 3), 1 / 9), stride=2, padding=1)
    assert np.allclose(conv, F.avg_pool2d(m, 3, 2, 1))
    assert not np.allclose(conv, F.avg_pool2d(m, 3, 2, 1, count_include_pad=False))


def test_max_of_two_is_b_plus_relu_of_a_minus_b_and_builds_max_pooling():
    for a, b in itertools.product([-2.0, 0.0, 1.5, 3.0], repeat=2):
        assert b + F.relu(np.array(a - b)) == max(a, b)
    rng = np.random.default_rng(1)
    m = rng.integers(-3, 4, size=(6, 8)).astype(float)  # small integers: many ties
    diff = np.array([[1.0, -1.0]])
    rows = F.conv2d(m, [[0, 1]], stride=(1, 2)) + F.relu(F.conv2d(m, diff, stride=(1, 2)))
    both = F.conv2d(rows, [[0], [1]], stride=(2, 1)) + F.relu(F.conv2d(rows, diff.T, stride=(2, 1)))
    assert np.array_equal(both, m.reshape(3, 2, 4, 2).max(axis=(1, 3)))
    assert np.array_equal(both, F.max_pool2d(m, 2))


def _reach(net, size: int, at: tuple[int, int]) -> np.ndarray:
    """The input pixels whose push (up or down by 100) moves the output at ``at``."""
    x = np.random.default_rng(2).random((1, 1, size, size))
    before = net(x)[0, 0][at]
    reach = np.zeros((size, size), dtype=bool)
    for r, c in np.ndindex(size, size):
        for push in (100.0, -100.0):
            poked = x.copy()
            poked[0, 0, r, c] += push
            reach[r, c] |= abs(net(poked)[0, 0][at] - before) > 1e-6
    return reach


@pytest.mark.parametrize("layers, side", [
    (lambda: [cnnlab.Conv2d(1, 1, 3, rng=0, dtype=np.float64), cnnlab.MaxPool2d(2),
              cnnlab.Conv2d(1, 1, 3, rng=1, dtype=np.float64)], 8),
    (lambda: [cnnlab.Conv2d(1, 1, 3, rng=0, dtype=np.float64), cnnlab.Conv2d(1, 1, 3, rng=1, dtype=np.float64)], 5),
    (lambda: [cnnlab.Conv2d(1, 1, 3, rng=0, dtype=np.float64), cnnlab.MaxPool2d(2),
              cnnlab.Conv2d(1, 1, 3, rng=1, dtype=np.float64), cnnlab.MaxPool2d(2),
              cnnlab.Conv2d(1, 1, 3, rng=2, dtype=np.float64)], 18),
])
def test_receptive_field_is_what_one_output_can_feel(layers, side):
    net = cnnlab.Sequential(*layers())
    for layer in net:  # positive weights: a push up always wins its max-pooling windows and
        if isinstance(layer, cnnlab.Conv2d):  # reaches the output (with two poolings and mixed
            layer.weight.data[...] = np.abs(layer.weight.data)  # signs some pixels cannot move it)
    size = 24
    field = cnnlab.summary(net, (1, 1, size, size)).rows[-1].receptive_field
    assert field == (side, side)
    reach = _reach(net, size, (1, 1))
    rows, cols = np.nonzero(reach)
    assert reach.sum() == side * side
    assert rows.max() - rows.min() + 1 == side and cols.max() - cols.min() + 1 == side


def test_a_shift_by_the_stride_moves_the_interior_by_one_cell_whatever_the_kernel():
    rng = np.random.default_rng(3)
    canvas = np.zeros((20, 12, 12))
    canvas[:, 2:10, 2:10] = rng.integers(0, 17, size=(20, 8, 8))
    moved = np.roll(canvas, 2, axis=2)  # the border is empty: a true shift
    for _ in range(5):
        k = rng.standard_normal((3, 3))
        p0 = F.max_pool2d(F.relu(F.conv2d(canvas[:, None], k[None, None])), 2)
        p2 = F.max_pool2d(F.relu(F.conv2d(moved[:, None], k[None, None])), 2)
        assert np.allclose(p2[..., 1:], p0[..., :-1])


def test_max_pooling_fills_only_the_argmax_and_average_pooling_the_whole_window(tmp_path):
    from browser import chromium

    grid = np.random.default_rng(7).integers(0, 10, size=(6, 6))
    widget = viz.pool_animation(grid, 3, stride=2, padding=1)
    path = tmp_path / "pool.html"
    path.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + widget._repr_html_() + "</body></html>")
    backgrounds = """() => [...document.querySelectorAll('.cnnlab-in td.win')].map(td =>
        [td.classList.contains('best'), td.classList.contains('pad'), getComputedStyle(td).backgroundImage,
         getComputedStyle(td).backgroundColor])"""
    with chromium() as context:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector(".cnnlab-w[data-ready]")
        anim = page.locator(".cnnlab-anim").first
        anim.locator("button[data-action=next]").click()
        cells = page.evaluate(backgrounds)
        assert len(cells) == 9 and sum(best for best, *_ in cells) == 1
        best_colour = next(colour for best, _, _, colour in cells if best)
        assert best_colour not in ("rgba(0, 0, 0, 0)", "transparent")
        for best, pad, image, colour in cells:
            if not best:  # outlined only: no fill, or the padding's own hatching
                assert colour == "rgba(0, 0, 0, 0)" and (image == "none") != pad
        # The winner is the window's largest value: out[0, 1] reads rows -1..1 and columns 1..3.
        assert page.locator(".cnnlab-in td.best").inner_text() == str(grid[0:2, 1:4].max())
        anim.locator("select[data-choice=mode]").select_option(label="average")
        cells = page.evaluate(backgrounds)
        assert sum(best for best, *_ in cells) == 0
        filled = [colour for _, pad, _, colour in cells if not pad]
        assert filled and all(colour != "rgba(0, 0, 0, 0)" for colour in filled)


def test_a_mean_that_its_label_rounds_is_marked_approximate():
    grid = np.random.default_rng(7).integers(0, 10, size=(6, 6))
    setting = viz.pool_animation(grid, 3, stride=2, padding=1).data["settings"][0]
    means = F.avg_pool2d(grid, 3, stride=2, padding=1).ravel()
    flags = [w[4] for w in setting["windows"]]
    assert flags == [bool(round(m, 2) == m) for m in means]
    assert True in flags and False in flags  # 45 / 9 = 5 is exact, 25 / 9 is not


@pytest.mark.parametrize("width", [1200, 390])
def test_with_padding_the_headers_status_and_winner_agree_and_the_output_stays_by_its_arrow(tmp_path, width):
    """The input grid's headers count the input's positions (the padding -1), as the status
    text does; the one filled cell is the arg-max named in the status; the output grid starts
    on the line of the arrow before it, at a desktop and at a phone's width."""
    import re

    from browser import chromium

    grid = np.random.default_rng(7).integers(0, 10, size=(6, 6))
    path = tmp_path / "pool.html"
    path.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>'
                    + viz.pool_animation(grid, 3, stride=2, padding=1)._repr_html_() + "</body></html>")
    probe = """() => {
        const t = document.querySelector('.cnnlab-in'), best = [...t.querySelectorAll('td.best')];
        const header = td => [td.parentElement.querySelector('th').textContent,
                              t.tHead.rows[0].children[[...td.parentElement.children].indexOf(td)].textContent];
        const op = document.querySelector('.cnnlab-op').getBoundingClientRect();
        const out = document.querySelector('.cnnlab-out').getBoundingClientRect();
        return {best: best.map(header), status: document.querySelector('.cnnlab-status').textContent,
                expr: document.querySelector('.cnnlab-expr').textContent,
                arrow: (op.top + op.bottom) / 2, out: [out.top, out.bottom], gap: out.left - op.right,
                wide: document.documentElement.scrollWidth > document.documentElement.clientWidth};
    }"""
    wins = viz.pool_windows(grid, 3, stride=2, padding=1)
    with chromium(viewport=(width, 900)) as context:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector(".cnnlab-w[data-ready]")
        anim = page.locator(".cnnlab-anim").first
        for win in wins:
            seen = page.evaluate(probe)
            where = re.search(r"at row (-?\d+), column (-?\d+) of the input", seen["status"]).groups()
            assert seen["best"] == [list(where)] == [[str(v) for v in win["argmax"]]]
            assert seen["out"][0] < seen["arrow"] < seen["out"][1] and seen["gap"] >= 0 and not seen["wide"]
            anim.locator("button[data-action=next]").click()
        anim.locator("select[data-choice=mode]").select_option(label="average")
        anim.locator("button[data-action=first]").click()
        seen = page.evaluate(probe)  # out[0, 0] = 25 / 9, shown as 2.78
        total = int(grid[:2, :2].sum())
        assert seen["expr"] == f"out[0, 0] = mean of the window = {total} / 9 ≈ {viz.format_number(round(total / 9, 2))}"
        assert seen["out"][0] < seen["arrow"] < seen["out"][1] and not seen["wide"]
