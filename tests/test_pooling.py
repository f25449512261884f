"""Max, average and adaptive average pooling: hand-worked values, numpy's sliding windows,
naive loops, numerical gradients and PyTorch (where it is installed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from cnnlab import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, gradcheck, pool_output_size
from cnnlab import functional as F
from cnnlab.shapes import check_hyper

# kernel_size, stride, input (H, W): tiling, overlapping (AlexNet's 3x3 stride 2),
# sizes that do not divide, non-square windows and inputs.
CASES = [(2, None, (4, 4)), (3, 2, (7, 7)), (2, None, (5, 7)), (3, 2, (6, 9)), ((2, 3), (1, 2), (5, 8))]


def test_syllabus_quarters():
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [3, 1, 4, 2], [0, 2, 1, 5]])
    assert F.max_pool2d(x, 2).tolist() == [[4, 2], [3, 5]]
    assert F.avg_pool2d(x, 2).tolist() == [[2.5, 1.0], [1.5, 3.0]]


def reference(x, k, s, reduce):
    """numpy's own sliding windows, reduced over each window: an independent reference."""
    (kh, kw), (sh, sw) = check_hyper(k, k if s is None else s, 0)[:2]
    return reduce(sliding_window_view(x, (kh, kw), axis=(-2, -1))[..., ::sh, ::sw, :, :], axis=(-2, -1))


@pytest.mark.parametrize("k, s, hw", CASES)
@pytest.mark.parametrize("pool, reduce", [("max", np.max), ("avg", np.mean)])
def test_pooling_matches_reference_and_naive(pool, reduce, k, s, hw):
    x = np.random.default_rng(0).standard_normal((2, 3) + hw)
    out = getattr(F, f"{pool}_pool2d")(x, k, s)
    np.testing.assert_allclose(out, reference(x, k, s, reduce), atol=1e-14)
    np.testing.assert_allclose(out, getattr(F, f"{pool}_pool2d_naive")(x, k, s), atol=1e-14)


@pytest.mark.parametrize("k, s, hw", CASES)
@pytest.mark.parametrize("pool", ["max", "avg"])
def test_backward_matches_numerical_and_naive(pool, k, s, hw):
    x = np.random.default_rng(2).standard_normal((1, 2) + hw)
    forward = getattr(F, f"{pool}_pool2d")
    backward = getattr(F, f"{pool}_pool2d_backward")
    naive = getattr(F, f"{pool}_pool2d_backward_naive")
    result = gradcheck(lambda x_: forward(x_, k, s), x, lambda g: backward(g, x, k, s))
    assert result.passed, str(result)
    g = np.random.default_rng(3).standard_normal(forward(x, k, s).shape)
    np.testing.assert_allclose(backward(g, x, k, s), naive(g, x, k, s), atol=1e-14)


def test_overlapping_max_collects_from_every_window():
    x = np.zeros((5, 5))
    x[2, 2] = 1.0  # the maximum of all four overlapping 3x3 windows
    assert F.max_pool2d_backward(np.ones((2, 2)), x, 3, 2)[2, 2] == 4.0


def test_float32_is_kept():
    x = np.ones((1, 1, 4, 4), dtype=np.float32)
    assert F.max_pool2d(x, 2).dtype == np.float32 and F.avg_pool2d(x, 2).dtype == np.float32


def test_window_larger_than_input_is_explained():
    with pytest.raises(ValueError, match=r"max_pool2d \(x shape \(1, 1, 2, 5\).*larger than the padded input"):
        F.max_pool2d(np.zeros((1, 1, 2, 5)), 3)
    with pytest.raises(ValueError, match="must end with \\(H, W\\)"):
        F.avg_pool2d(np.zeros(5), 2)


# --- Padding, ceil_mode and count_include_pad ------------------------------------------------

SYLLABUS = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [3, 1, 4, 2], [0, 2, 1, 5]])


def test_padded_3x3_stride_2_by_hand():
    # Windows cover rows (and columns) -1..1 and 1..3; row and column -1 are padding.
    assert F.max_pool2d(SYLLABUS, 3, 2, padding=1).tolist() == [[4, 3], [4, 5]]
    assert F.max_pool2d_naive(SYLLABUS, 3, 2, padding=1).tolist() == [[4, 3], [4, 5]]
    sums = np.array([[1 + 3 + 4 + 2, 3 + 2 + 1 + 2 + 0 + 1], [4 + 2 + 3 + 1 + 0 + 2, 2 + 0 + 1 + 1 + 4 + 2 + 2 + 1 + 5]])
    for avg in (F.avg_pool2d, F.avg_pool2d_naive):
        np.testing.assert_allclose(avg(SYLLABUS, 3, 2, 1), sums / 9)  # PyTorch's default: padding counts
        np.testing.assert_allclose(avg(SYLLABUS, 3, 2, 1, count_include_pad=False), sums / [[4, 6], [6, 9]])


def test_ceil_mode_keeps_the_leftover_row_and_column():
    x = np.arange(25.0).reshape(5, 5)  # x[r, c] = 5r + c
    # 2x2 windows over rows {0, 1}, {2, 3} and the leftover {4}: row means 0.5, 2.5, 4.
    means = np.array([0.5, 2.5, 4.0])
    np.testing.assert_allclose(F.avg_pool2d(x, 2, ceil_mode=True), 5 * means[:, None] + means)
    assert F.max_pool2d(x, 2, ceil_mode=True).tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    assert F.max_pool2d(x, 2).shape == (2, 2)


def test_ceil_mode_window_reaching_past_the_padding():
    x = np.arange(1.0, 7.0)[None]  # one row: 1 2 3 4 5 6
    # kernel 3, stride 2, padding 1, ceil_mode: windows over columns -1..1, 1..3, 3..5, 5..7;
    # column 6 is padding and column 7 lies past it, so the last window counts 2 cells (or 1).
    args = ((1, 3), (1, 2), (0, 1))
    assert pool_output_size((1, 6), *args, ceil_mode=True) == (1, 4)
    for avg in (F.avg_pool2d, F.avg_pool2d_naive):
        np.testing.assert_allclose(avg(x, *args, ceil_mode=True), [[3 / 3, 9 / 3, 15 / 3, 6 / 2]])
        np.testing.assert_allclose(avg(x, *args, ceil_mode=True, count_include_pad=False), [[1.5, 3, 5, 6]])
    assert F.max_pool2d(x, *args, ceil_mode=True).tolist() == [[2, 4, 6, 6]]


def test_ceil_mode_never_starts_a_window_in_the_right_padding():
    x = np.arange(1.0, 6.0)[None]  # 1 2 3 4 5, kernel 2, stride 2, padding 1
    # ceil((5 + 2 - 2) / 2) + 1 = 4 windows, but the 4th would cover columns 5..6: padding only.
    assert pool_output_size(5, 2, 2, 1, ceil_mode=True) == 3
    assert F.max_pool2d(x, (1, 2), (1, 2), (0, 1), ceil_mode=True).tolist() == [[1, 3, 5]]
    np.testing.assert_allclose(F.avg_pool2d(x, (1, 2), (1, 2), (0, 1), ceil_mode=True), [[0.5, 2.5, 4.5]])


def test_padding_never_wins_even_on_negative_inputs():
    x = -np.arange(1.0, 17.0).reshape(4, 4)  # all negative: a zero padding would win
    out = F.max_pool2d(x, 3, 2, padding=1)
    assert out.tolist() == [[-1, -2], [-5, -6]]  # each window's top-left real cell
    ints = F.max_pool2d(x.astype(np.int16), 3, 2, padding=1)
    assert ints.dtype == np.int16 and ints.tolist() == out.tolist()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_padding_and_ceil_mode_keep_the_dtype(dtype):
    x = np.ones((1, 2, 5, 5), dtype=dtype)
    for f in (F.max_pool2d, F.avg_pool2d, F.max_pool2d_naive, F.avg_pool2d_naive):
        assert f(x, 3, 2, 1, ceil_mode=True).dtype == dtype
    g = np.ones((1, 2, 3, 3), dtype=dtype)
    for f in (F.max_pool2d_backward, F.avg_pool2d_backward, F.max_pool2d_backward_naive, F.avg_pool2d_backward_naive):
        assert f(g, x, 3, 2, 1, ceil_mode=True).dtype == dtype


# kernel_size, stride, padding, ceil_mode, input (H, W)
PADDED = [
    (3, 2, 1, False, (4, 4)), (3, 2, 1, True, (6, 6)), (2, 2, 1, True, (5, 5)), (2, None, 0, True, (5, 7)),
    ((3, 2), (2, 1), (1, 0), True, (6, 5)), (3, 2, 0, True, (2, 2)), ((1, 3), (1, 2), (0, 1), True, (3, 6)),
]


@pytest.mark.parametrize("k, s, p, ceil, hw", PADDED)
@pytest.mark.parametrize("pool, options", [("max", {}), ("avg", {}), ("avg", {"count_include_pad": False})])
def test_padded_backward_matches_numerical_and_naive(pool, options, k, s, p, ceil, hw):
    x = np.random.default_rng(4).standard_normal((1, 2) + hw)
    forward, backward, naive = (getattr(F, f"{pool}_pool2d{suffix}") for suffix in ("", "_backward", "_backward_naive"))
    kw = dict(options, ceil_mode=ceil)
    out = forward(x, k, s, p, **kw)
    np.testing.assert_allclose(out, getattr(F, f"{pool}_pool2d_naive")(x, k, s, p, **kw), atol=1e-14)
    result = gradcheck(lambda x_: forward(x_, k, s, p, **kw), x, lambda g: backward(g, x, k, s, p, **kw))
    assert result.passed, str(result)
    g = np.random.default_rng(5).standard_normal(out.shape)
    np.testing.assert_allclose(backward(g, x, k, s, p, **kw), naive(g, x, k, s, p, **kw), atol=1e-14)


def test_padding_errors_teach():
    with pytest.raises(ValueError, match=r"max_pool2d .*padding 2 is more than half of kernel_size 3.*at most kernel_size // 2"):
        F.max_pool2d(np.zeros((1, 1, 6, 6)), 3, 1, padding=2)
    with pytest.raises(ValueError, match=r"padding \(0, 2\) is more than half of kernel_size 3"):
        MaxPool2d(3, padding=(0, 2))
    with pytest.raises(ValueError, match=r"avg_pool2d_backward .*not even ceil_mode fits one window.*at most 1"):
        F.avg_pool2d_backward(np.zeros((1, 1)), np.zeros((1, 1)), 5, 1, ceil_mode=True)


# --- The same numbers as PyTorch ---------------------------------------------------------------


@st.composite
def pool_calls(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return dict(
        shape=(draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 9)), draw(st.integers(1, 9))),
        kernel_size=(kh, kw),
        stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        padding=(draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))),
        ceil_mode=draw(st.booleans()),
        count_include_pad=draw(st.booleans()),
        dtype=draw(st.sampled_from([np.float32, np.float64])),
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=300, deadline=None)
@given(pool_calls())
def test_pooling_matches_pytorch(call):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(call["seed"]).standard_normal(call["shape"]).astype(call["dtype"])
    args = call["kernel_size"], call["stride"], call["padding"]
    tol = {"rtol": 1e-5, "atol": 1e-6} if call["dtype"] == np.float32 else {"rtol": 1e-12, "atol": 1e-12}
    for pool, extra in (("max", {}), ("avg", {"count_include_pad": call["count_include_pad"]})):
        kw = dict(extra, ceil_mode=call["ceil_mode"])
        tx = torch.from_numpy(x).requires_grad_()
        try:
            tout = getattr(torch.nn.functional, f"{pool}_pool2d")(tx, *args, **kw)
        except RuntimeError:  # PyTorch finds no window: so must we
            with pytest.raises(ValueError, match="larger than the padded input"):
                getattr(F, f"{pool}_pool2d")(x, *args, **kw)
            continue
        g = np.random.default_rng(1).standard_normal(tuple(tout.shape)).astype(call["dtype"])
        tout.backward(torch.from_numpy(g))
        for suffix in ("", "_naive"):
            out = getattr(F, f"{pool}_pool2d{suffix}")(x, *args, **kw)
            assert out.dtype == x.dtype
            np.testing.assert_allclose(out, tout.detach().numpy(), **tol)
            dx = getattr(F, f"{pool}_pool2d_backward{suffix}")(g, x, *args, **kw)
            np.testing.assert_allclose(dx, tx.grad.numpy(), **tol)


def test_pooling_layers_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(6).standard_normal((2, 3, 9, 8))
    g = np.random.default_rng(7).standard_normal
    pairs = [
        (MaxPool2d(3, stride=2, padding=1), torch.nn.MaxPool2d(3, stride=2, padding=1)),
        (MaxPool2d((2, 3), padding=(1, 0), ceil_mode=True), torch.nn.MaxPool2d((2, 3), padding=(1, 0), ceil_mode=True)),
        (AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
         torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)),
        (AvgPool2d(2, padding=1), torch.nn.AvgPool2d(2, padding=1)),
        (AdaptiveAvgPool2d((4, None)), torch.nn.AdaptiveAvgPool2d((4, None))),
        (AdaptiveAvgPool2d(1), torch.nn.AdaptiveAvgPool2d(1)),
    ]
    for ours, theirs in pairs:
        tx = torch.from_numpy(x).requires_grad_()
        tout = theirs(tx)
        out = ours(x)
        assert out.shape == tuple(tout.shape) == ours.output_shape(x.shape), ours
        grad = g(out.shape)
        tout.backward(torch.from_numpy(grad))
        np.testing.assert_allclose(out, tout.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(ours.backward(grad), tx.grad.numpy(), atol=1e-12)


# --- Adaptive average pooling ------------------------------------------------------------------


def test_adaptive_windows_by_hand():
    # 5 columns into 3 outputs: floor(i*5/3) .. ceil((i+1)*5/3) = 0..2, 1..4, 3..5 (stops excluded):
    # cells {0, 1}, {1, 2, 3}, {3, 4}; the windows overlap.
    x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    for f in (F.adaptive_avg_pool2d, F.adaptive_avg_pool2d_naive):
        np.testing.assert_allclose(f(x, (1, 3)), [[1.5, 3.0, 4.5]])
        np.testing.assert_allclose(f(x, (None, 2)), [[2.0, 4.0]])  # 0..3 and 2..5
    # More outputs than inputs: 2 columns into 3, windows 0..1, 0..2, 1..2.
    np.testing.assert_allclose(F.adaptive_avg_pool2d(np.array([[2.0, 4.0]]), (1, 3)), [[2.0, 3.0, 4.0]])
    # Every column gets the gradient shares of the windows that hold it.
    np.testing.assert_allclose(F.adaptive_avg_pool2d_backward(np.ones((1, 3)), x, (1, 3)), [[0.5, 5 / 6, 1 / 3, 5 / 6, 0.5]])


def test_global_average_pooling():
    x = np.random.default_rng(8).standard_normal((2, 3, 7, 5)).astype(np.float32)
    out = AdaptiveAvgPool2d(1)(x)
    assert out.shape == (2, 3, 1, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0, 0], x.mean(axis=(2, 3)), atol=1e-6)
    # When the size divides, adaptive pooling is ordinary average pooling.
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, (7, 1)), F.avg_pool2d(x, (1, 5)), atol=1e-6)


ADAPTIVE = [((5, 7), 3), ((6, 6), (2, 4)), ((3, 4), (5, 6)), ((7, 5), (None, 2)), ((4, 4), 1)]


@pytest.mark.parametrize("hw, size", ADAPTIVE)
def test_adaptive_backward_matches_numerical_and_naive(hw, size):
    x = np.random.default_rng(9).standard_normal((2, 2) + hw)
    out = F.adaptive_avg_pool2d(x, size)
    np.testing.assert_allclose(out, F.adaptive_avg_pool2d_naive(x, size), atol=1e-14)
    result = gradcheck(lambda x_: F.adaptive_avg_pool2d(x_, size), x, lambda g: F.adaptive_avg_pool2d_backward(g, x, size))
    assert result.passed, str(result)
    g = np.random.default_rng(10).standard_normal(out.shape)
    np.testing.assert_allclose(F.adaptive_avg_pool2d_backward(g, x, size),
                               F.adaptive_avg_pool2d_backward_naive(g, x, size), atol=1e-14)
    layer = AdaptiveAvgPool2d(size)
    assert layer(x).shape == layer.output_shape(x.shape) == out.shape
    assert gradcheck(layer, x).passed


@pytest.mark.parametrize("hw, size", ADAPTIVE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adaptive_matches_pytorch(hw, size, dtype):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(11).standard_normal((2, 3) + hw).astype(dtype)
    tx = torch.from_numpy(x).requires_grad_()
    tout = torch.nn.functional.adaptive_avg_pool2d(tx, size)
    g = np.random.default_rng(12).standard_normal(tuple(tout.shape)).astype(dtype)
    tout.backward(torch.from_numpy(g))
    tol = 1e-6 if dtype == np.float32 else 1e-12
    out = F.adaptive_avg_pool2d(x, size)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(F.adaptive_avg_pool2d_backward(g, x, size), tx.grad.numpy(), rtol=tol, atol=tol)


def test_adaptive_errors_teach():
    with pytest.raises(ValueError, match=r"output_size must be a whole number of at least 1, got 0"):
        AdaptiveAvgPool2d(0)
    with pytest.raises(ValueError, match=r"output_size must be a whole number of at least 1, got 2.5"):
        F.adaptive_avg_pool2d(np.zeros((4, 4)), (2.5, None))
    with pytest.raises(TypeError, match=r"output_size must be an int or an \(OH, OW\) pair"):
        AdaptiveAvgPool2d((1, 2, 3))
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d_backward: grad_output must have the shape .*\(1, 1, 2, 2\)"):
        F.adaptive_avg_pool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), 2)
    with pytest.raises(ValueError, match=r"AdaptiveAvgPool2d expects a batch of shape \(N, C, H, W\)"):
        AdaptiveAvgPool2d(2)(np.zeros((4, 4)))
