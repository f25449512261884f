"""Chapter 5's second-edition claims, each against an independent reference: which input cells
no window reads (every window walked and its taps marked, with padding, dilation and f < s),
the chapter's rule for the cells lost at the end, TensorFlow's 'SAME' padding, rectangular
kernels and strides (a window-by-window count and a sum loop; PyTorch where installed), the
input sizes that share one output size and the transposed convolution's ``output_padding``
(its shapes, and its values as the adjoint of the strided convolution), the receptive-field
table (the input pixels one output depends on, followed back layer by layer and pushed through
the layers' backward pass), and exercise 5.7's checker."""

from __future__ import annotations

import io
import itertools
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F
from cnnlab.layers import Conv2d, Sequential

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_stride.ipynb"


def walk_windows(n: int, f: int, s: int, before: int, after: int, d: int = 1) -> list[list[int]]:
    """The padded positions each window reads along one axis, found by sliding the window one
    stride at a time while its last tap is still inside the padded input (no formula)."""
    windows, start = [], 0
    while start + d * (f - 1) <= n + before + after - 1:
        windows.append([start + t * d for t in range(f)])
        start += s
    return windows


def read_cells(n, f, s, p, d=1, after=None) -> set[int]:
    """The input positions (0 .. n-1) that some window reads."""
    after = p if after is None else after
    return {q - p for w in walk_windows(n, f, s, p, after, d) for q in w if 0 <= q - p < n}


AXIS_CASES = [(n, f, s, p, d) for n in range(1, 15) for f in range(1, 6) for s in range(1, 7)
              for p in range(6) for d in range(1, 4) if n + 2 * p >= d * (f - 1) + 1]


def test_unread_positions_and_coverage_against_every_window():
    for n, f, s, p, d in AXIS_CASES:
        windows = walk_windows(n, f, s, p, p, d)
        assert cnnlab.conv_output_size(n, f, stride=s, padding=p, dilation=d) == len(windows)
        counts = [sum(q - p == i for w in windows for q in w) for i in range(n)]
        assert cnnlab.window_coverage(n, f, stride=s, padding=p, dilation=d) == counts, (n, f, s, p, d)
        unread = sorted(set(range(n)) - read_cells(n, f, s, p, d))
        assert cnnlab.unread_positions(n, f, stride=s, padding=p, dilation=d) == unread, (n, f, s, p, d)


def test_the_chapters_rule_for_the_cells_lost_at_the_end():
    """The last r = (n + 2p - span) mod s padded cells are unread; they reach into the input
    only when r > p, and then the last min(r - p, n) input cells are unread (cell 18, the
    Summary). Without dilation and with f >= s, those are the only unread cells."""
    counted = 0
    for n, f, s, p, d in AXIS_CASES:
        span = d * (f - 1) + 1
        r = (n + 2 * p - span) % s
        last_read_padded = max(q for w in walk_windows(n, f, s, p, p, d) for q in w)
        assert last_read_padded == n + 2 * p - 1 - r
        read = read_cells(n, f, s, p, d)
        past_the_last_window = [i for i in range(n) if i + p > last_read_padded]
        assert not read & set(past_the_last_window)
        assert len(past_the_last_window) == min(max(r - p, 0), n), (n, f, s, p, d)
        if d == 1 and f >= s:
            counted += 1
            assert sorted(set(range(n)) - read) == list(range(n - min(max(r - p, 0), n), n))
    assert counted > 500
    # the chapter's cell-18 grid (n 1-20, f 1-5, s 1-4, p 0-3) never needs the min(., n):
    # that needs padding wider than the kernel, p > f
    assert all(r - p <= n for n, f, s, p in itertools.product(range(1, 21), range(1, 6), range(1, 5), range(4))
               if n + 2 * p >= f for r in [(n + 2 * p - f) % s])
    assert cnnlab.unread_positions(1, 1, stride=5, padding=2) == [0]     # r - p = 2 > n = 1


def test_the_chapters_examples_of_unread_cells():
    assert cnnlab.unread_positions(8, 3, stride=2) == [7]
    assert cnnlab.unread_positions(8, 3, stride=2, padding=1) == []         # remainder 1, but padding 1
    assert cnnlab.unread_positions(5, 1, stride=2) == [1, 3]
    assert cnnlab.unread_positions(11, 2, stride=3) == [2, 5, 8]
    assert cnnlab.unread_positions(9, 2, stride=2, dilation=2) == [1, 3, 5, 7]
    # a 2-tap kernel with dilation 2 at stride 2 reads one parity only: the even positions
    # without padding, the odd ones with padding 1
    assert sorted(read_cells(9, 2, 2, 1, 2)) == [1, 3, 5, 7]
    assert cnnlab.unread_positions(32, 5, stride=3, padding=2) == []        # exercise 5.1


def tf_same(n, f, s, d=1):
    """TensorFlow's documented 'SAME': ceil(n/s) outputs, just enough padding, odd cell after."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (f - 1) + 1 - n, 0)
    return out, (total // 2, total - total // 2)


def test_tensorflow_same_padding():
    for n, f, s, d in itertools.product(range(1, 25), range(1, 6), range(1, 6), range(1, 3)):
        out, (before, after) = tf_same(n, f, s, d)
        assert cnnlab.tf_padding(n, f, s, d) == (before, after)
        assert cnnlab.tf_output_size(n, f, s, "SAME", d) == out == len(walk_windows(n, f, s, before, after, d))
        read = {q - before for w in walk_windows(n, f, s, before, after, d) for q in w if 0 <= q - before < n}
        if d == 1 and f >= s:
            assert read == set(range(n)), (n, f, s)         # no cell lost unless f < s (or dilation)
        # PyTorch's symmetric padding gives TensorFlow's windows exactly when the total is even
        if (before + after) % 2 == 0:
            assert walk_windows(n, f, s, before, before, d) == walk_windows(n, f, s, before, after, d)
    # 'SAME' with f < s skips cells for these sizes, and need not for tiny ones
    assert cnnlab.unread_positions(8, 1, stride=2) == [1, 3, 5, 7] and cnnlab.tf_padding(8, 1, 2) == (0, 0)
    assert tf_same(2, 2, 3) == (1, (0, 0)) and read_cells(2, 2, 3, 0) == {0, 1}
    assert [tf_same(n, 3, 2) for n in (7, 8, 10)] == [(4, (1, 1)), (4, (0, 1)), (5, (0, 1))]
    assert [cnnlab.conv_output_size(8, 3, stride=2, padding=p) for p in range(6)] == [3, 4, 5, 6, 7, 8]


RECT_CASES = [((8, 8), (5, 3), (1, 1), (2, 1), (1, 1)),        # D2L: keeps 8x8
              ((8, 8), (3, 5), (3, 4), (0, 1), (1, 1)),        # D2L: 2x2
              ((12, 10), (3, 5), (2, 3), (1, 0), (1, 1)),      # exercise 5.7: 6x2
              ((9, 13), (2, 4), (4, 1), (0, 2), (2, 1)),
              ((7, 11), (1, 3), (3, 2), (2, 0), (1, 3))]


def rect_loop(x, w, s, p, d):
    """A sum loop over every window of the zero-padded x that fits (no size formula)."""
    xp = np.pad(x, ((p[0], p[0]), (p[1], p[1])))
    rows = walk_windows(x.shape[0], w.shape[0], s[0], p[0], p[0], d[0])
    cols = walk_windows(x.shape[1], w.shape[1], s[1], p[1], p[1], d[1])
    return np.array([[sum(w[a, b] * xp[r[a], c[b]] for a in range(w.shape[0]) for b in range(w.shape[1]))
                      for c in cols] for r in rows])


@pytest.mark.parametrize("hw, k, s, p, d", RECT_CASES)
def test_rectangular_kernels_and_strides(hw, k, s, p, d):
    rng = np.random.default_rng(5)
    x, w = rng.integers(-3, 4, hw).astype(float), rng.integers(-2, 3, k).astype(float)
    expect = rect_loop(x, w, s, p, d)
    assert cnnlab.conv_output_size(hw, k, stride=s, padding=p, dilation=d) == expect.shape
    np.testing.assert_array_equal(F.conv2d(x, w, stride=s, padding=p, dilation=d), expect)
    layer = Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d)
    assert layer(x[None, None]).shape == (1, 1, *expect.shape)


def test_the_chapters_rectangular_numbers():
    assert [c[0] for c in RECT_CASES[:3]] and [rect_loop(np.ones(c[0]), np.ones(c[1]), *c[2:]).shape
                                               for c in RECT_CASES[:3]] == [(8, 8), (2, 2), (6, 2)]


@pytest.mark.parametrize("hw, k, s, p, d", RECT_CASES)
def test_rectangular_against_torch(hw, k, s, p, d):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal(hw), rng.standard_normal(k)
    want = torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                                      stride=s, padding=p, dilation=d)[0, 0].numpy()
    np.testing.assert_allclose(F.conv2d(x, w, stride=s, padding=p, dilation=d), want, rtol=1e-12, atol=1e-12)


TRANSPOSE_CASES = [(m, f, s, p, d) for m in range(1, 6) for f in range(1, 5) for s in range(1, 5)
                   for p in range(3) for d in range(1, 3) if (m - 1) * s - 2 * p + d * (f - 1) + 1 >= 1]


def sizes_giving(m, f, s, p, d):
    """Every input size (up to a bound past any that can fit) whose window count is m."""
    return [n for n in range(1, m * s + d * f + 2) if n + 2 * p >= d * (f - 1) + 1
            and len(walk_windows(n, f, s, p, p, d)) == m]


def test_several_inputs_one_output_size():
    for m, f, s, p, d in TRANSPOSE_CASES:
        sizes = sizes_giving(m, f, s, p, d)
        lowest = (m - 1) * s - 2 * p + d * (f - 1) + 1      # the transposed convolution's default size
        assert sizes == list(range(max(lowest, 1), lowest + s)), (m, f, s, p, d)   # s sizes, fewer only if lowest < 1
        assert len(sizes) <= s
    assert sizes_giving(3, 3, 2, 0, 1) == [7, 8]
    assert sizes_giving(3, 3, 1, 0, 1) == [5]                                      # stride 1: one size


def test_output_padding_gives_back_each_size():
    rng = np.random.default_rng(7)
    for m, f, s, p, d in TRANSPOSE_CASES:
        w = rng.standard_normal((1, 1, f, f))
        for n in sizes_giving(m, f, s, p, d):
            op = n - ((m - 1) * s - 2 * p + d * (f - 1) + 1)
            g = rng.standard_normal((1, 1, m, m))
            dx = F.conv_transpose2d(g, w, stride=s, padding=p, output_padding=op, dilation=d)
            assert dx.shape == (1, 1, n, n), (m, f, s, p, d, op)
            # its values: the adjoint of the strided convolution on an n x n input,
            # <conv2d(x), g> = <x, conv_transpose2d(g)> for x = each unit image in turn
            units = np.eye(n * n).reshape(n * n, 1, n, n)
            columns = (F.conv2d(units, w, stride=s, padding=p, dilation=d) * g).sum(axis=(1, 2, 3))
            np.testing.assert_allclose(dx.ravel(), columns, rtol=1e-12, atol=1e-12)


def test_output_padding_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    for m, f, s, p, d in TRANSPOSE_CASES:
        g, w = rng.standard_normal((1, 1, m, m)), rng.standard_normal((1, 1, f, f))
        for n in sizes_giving(m, f, s, p, d):
            op = n - ((m - 1) * s - 2 * p + d * (f - 1) + 1)
            if op >= max(s, d):
                continue
            want = torch.nn.functional.conv_transpose2d(torch.tensor(g), torch.tensor(w), stride=s, padding=p,
                                                        output_padding=op, dilation=d).numpy()
            got = F.conv_transpose2d(g, w, stride=s, padding=p, output_padding=op, dilation=d)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def chapter_net():
    return Sequential(Conv2d(1, 1, 3, padding=1), Conv2d(1, 1, 3, stride=2, padding=1),
                      Conv2d(1, 1, 3, padding=1), Conv2d(1, 1, 3, padding=2, dilation=2),
                      Conv2d(1, 1, 3, padding=4, dilation=4))


def followed_back(layers, position):
    """The input positions along one axis that one output position depends on, following each
    layer's taps back: output i of a layer reads its input at i*s + t*d - p."""
    cells = {position}
    for f, s, p, d in reversed(layers):
        cells = {i * s + t * d - p for i in cells for t in range(f)}
    return cells


def test_receptive_field_table_against_the_taps():
    specs = [(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]
    rows = cnnlab.summary(chapter_net(), (1, 1, 32, 32), col_names=("receptive_field",)).rows
    for k, row in enumerate(rows, start=1):
        cells = followed_back(specs[:k], 5)
        side = max(cells) - min(cells) + 1
        assert row.receptive_field == (side, side), k
        assert len(cells) == side                      # no holes: this stack's field is dense
    assert [r.receptive_field[0] for r in rows] == [3, 5, 9, 17, 33]
    assert max(followed_back([(3, 1, 1, 1)] * 5, 20)) - min(followed_back([(3, 1, 1, 1)] * 5, 20)) + 1 == 11
    # a field that is wide but not dense: a stride-2 layer, then a dilation-2 layer
    holes = followed_back([(3, 2, 1, 1), (3, 1, 2, 2)], 10)
    assert max(holes) - min(holes) + 1 == 11 and len(holes) == 9
    assert sum(p.data.size for layer in chapter_net().layers for p in [layer.weight]) == 45


def test_receptive_field_by_impulse_response():
    """Push a one-hot gradient at one output back through the chapter's layers (all weights 1,
    no bias, so no cancellation): the input pixels it reaches are the field."""
    net = chapter_net()
    for layer in net.layers:
        layer.weight.data[...] = 1.0
        layer.bias.data[...] = 0.0
    x = np.zeros((1, 1, 96, 96))
    out = net(x)
    g = np.zeros_like(out)
    g[0, 0, 24, 24] = 1.0
    paths = net.backward(g)[0, 0]                  # whole numbers: the paths from each pixel
    support = {tuple(ij) for ij in np.argwhere(paths > 0.5)}
    assert np.all((paths > 0.5) | (np.abs(paths) < 1e-9))
    axis = followed_back([(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)], 24)
    assert support == set(itertools.product(axis, axis))
    assert len(axis) == max(axis) - min(axis) + 1 == 33       # 33 x 33 and dense


def _exercise(name: str):
    """Run the notebook's exercise-kit import and the checker cell that defines ``name``."""
    cells = [''.join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    scope: dict = {"cnnlab": cnnlab, "np": np, "F": F}
    exec(next(c for c in cells if c.startswith("from cnnlab.exercise import")), scope)
    with redirect_stdout(io.StringIO()):
        exec(next(c for c in cells if c.startswith(f"{name} = Exercise(")), scope)
    return scope[name]


def test_exercise_5_7_checker():
    ex = _exercise("ex5_7")
    shape = cnnlab.conv_output_size((12, 10), (3, 5), stride=(2, 3), padding=(1, 0))
    assert shape == rect_loop(np.ones((12, 10)), np.ones((3, 5)), (2, 3), (1, 0), (1, 1)).shape == (6, 2)
    for answer in [shape, (6, 2), "6, 2", "(6, 2)", "6×2"]:
        assert ex.verdicts(answer)[""][0], answer
    # plausible slips, each computed here, are refused
    slips = {"no row padding": (rect_loop(np.ones((12, 10)), np.ones((3, 5)), (2, 3), (0, 0), (1, 1)).shape),
             "padding on both axes": rect_loop(np.ones((12, 10)), np.ones((3, 5)), (2, 3), (1, 1), (1, 1)).shape,
             "kernel turned": rect_loop(np.ones((12, 10)), np.ones((5, 3)), (2, 3), (1, 0), (1, 1)).shape,
             "stride turned": rect_loop(np.ones((12, 10)), np.ones((3, 5)), (3, 2), (1, 0), (1, 1)).shape,
             "rounded up": (-(-11 // 2) + 1, -(-5 // 3) + 1), "no + 1": (5, 1), "swapped": (2, 6)}
    for why, answer in slips.items():
        ok, message = ex.verdicts(answer)[""]
        assert not ok and ex.parts[""].hint not in message, (why, answer, message)
