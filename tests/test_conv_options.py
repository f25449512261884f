"""Padding strings, dilation and groups in F.conv2d and its backward: against a scipy
reference built independently, hand-worked cases, numerical gradients, each other, and
PyTorch where it is installed; and the errors a learner can run into."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from cnnlab import functional as F
from cnnlab import gradcheck
from cnnlab.shapes import pair


def torch_same_pads(kernel, dilation):
    """PyTorch's 'same' split, written out: d*(k-1) in all, total // 2 before."""
    return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))


def reference_conv2d(x, weight, bias, stride, pads, dilation, groups):
    """Pad, spread the kernel taps apart with zeros (dilation), correlate each channel of a
    filter's group with scipy, sum, subsample by the stride."""
    (sh, sw), ((top, bottom), (left, right)), (dh, dw) = stride, pads, dilation
    xp = np.pad(x, [(0, 0), (0, 0), (top, bottom), (left, right)])
    fn, cg, fh, fw = weight.shape
    dilated = np.zeros((fn, cg, dh * (fh - 1) + 1, dw * (fw - 1) + 1))
    dilated[:, :, ::dh, ::dw] = weight
    out = np.zeros((x.shape[0], fn) + signal.correlate(xp[0, 0], dilated[0, 0], mode="valid")[::sh, ::sw].shape)
    for n, image in enumerate(xp):
        for f in range(fn):
            g = f // (fn // groups)
            full = sum(signal.correlate(image[g * cg + c], dilated[f, c], mode="valid") for c in range(cg))
            out[n, f] = full[::sh, ::sw] + (0 if bias is None else bias[f])
    return out


def as_given(pair_, draw):
    """Pass a pair as an int when both entries agree and hypothesis says so."""
    return pair_[0] if pair_[0] == pair_[1] and draw(st.booleans()) else pair_


@st.composite
def conv_case(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c, fn, n = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.sampled_from(["valid", "same"])))
    stride = (1, 1) if padding == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if padding == "same":
        pads = torch_same_pads(kernel, dilation)
    elif padding == "valid":
        pads = ((0, 0), (0, 0))
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        pads = ((ph, ph), (pw, pw))
    h, w = (draw(st.integers(max(1, d * (k - 1) + 1 - sum(p)), d * (k - 1) + 6))
            for k, d, p in zip(kernel, dilation, pads))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    bias = rng.standard_normal(fn) if draw(st.booleans()) else None
    x, weight = rng.standard_normal((n, c, h, w)), rng.standard_normal((fn, c // groups) + kernel)
    kwargs = {"stride": as_given(stride, draw), "padding": padding,
              "dilation": as_given(dilation, draw), "groups": groups}
    return x, weight, bias, kwargs, pads


@settings(max_examples=150, deadline=None)
@given(conv_case())
def test_conv2d_matches_the_scipy_reference(case):
    x, weight, bias, kw, pads = case
    expected = reference_conv2d(x, weight, bias, pair(kw["stride"], "s"), pads,
                                pair(kw["dilation"], "d"), kw["groups"])
    np.testing.assert_allclose(F.conv2d(x, weight, bias, **kw), expected, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_naive_and_fast_agree_forward_and_backward(case):
    x, weight, bias, kw, _ = case
    out = F.conv2d(x, weight, bias, **kw)
    np.testing.assert_allclose(F.conv2d_naive(x, weight, bias, **kw), out, atol=1e-12)
    g = np.random.default_rng(0).standard_normal(out.shape)
    for fast, naive in zip(F.conv2d_backward(g, x, weight, **kw), F.conv2d_backward_naive(g, x, weight, **kw)):
        np.testing.assert_allclose(fast, naive, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # PyTorch's note on its speed
@settings(max_examples=120, deadline=None)
@given(conv_case(), st.sampled_from([np.float32, np.float64]))
def test_forward_and_backward_match_pytorch(case, dtype):
    torch = pytest.importorskip("torch")
    x, weight, bias, kw, _ = case
    x, weight = x.astype(dtype), weight.astype(dtype)
    bias = None if bias is None else bias.astype(dtype)
    tx, tw = torch.from_numpy(x).requires_grad_(), torch.from_numpy(weight).requires_grad_()
    tb = None if bias is None else torch.from_numpy(bias).requires_grad_()
    tout = torch.nn.functional.conv2d(tx, tw, tb, **kw)
    out = F.conv2d(x, weight, bias, **kw)
    g = np.random.default_rng(1).standard_normal(out.shape).astype(dtype)
    tout.backward(torch.from_numpy(g))
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    assert out.dtype == dtype
    np.testing.assert_allclose(out, tout.detach().numpy(), **tol)
    dx, dw, db = F.conv2d_backward(g, x, weight, **kw)
    assert dx.dtype == dw.dtype == db.dtype == dtype
    np.testing.assert_allclose(dx, tx.grad.numpy(), **tol)
    np.testing.assert_allclose(dw, tw.grad.numpy(), **tol)
    if bias is not None:
        np.testing.assert_allclose(db, tb.grad.numpy(), **tol)


GRAD_CASES = [  # x shape, weight shape, keyword arguments
    ((1, 2, 7, 8), (2, 2, 3, 2), {"dilation": 2}),
    ((2, 4, 6, 7), (6, 2, 2, 3), {"groups": 2, "stride": (2, 1), "padding": 1}),
    ((1, 3, 5, 6), (3, 1, 2, 2), {"groups": 3, "padding": "same", "dilation": (1, 3)}),
    ((2, 2, 5, 5), (2, 2, 4, 4), {"padding": "same"}),
    ((1, 6, 9, 9), (4, 3, 3, 3), {"groups": 2, "dilation": 3, "stride": 2, "padding": (0, 2)}),
]


@pytest.mark.parametrize("xs, ws, kw", GRAD_CASES)
def test_backward_matches_numerical_gradients(xs, ws, kw):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    for backward in (F.conv2d_backward, F.conv2d_backward_naive):
        assert gradcheck(lambda x_: F.conv2d(x_, w, b, **kw), x, lambda g: backward(g, x, w, **kw)[0]).passed
        assert gradcheck(lambda w_: F.conv2d(x, w_, b, **kw), w, lambda g: backward(g, x, w, **kw)[1]).passed
        assert gradcheck(lambda b_: F.conv2d(x, w, b_, **kw), b, lambda g: backward(g, x, w, **kw)[2]).passed


# --- Worked by hand ------------------------------------------------------------------------


ROW = np.arange(1.0, 6.0)[None]  # the grey image [[1 2 3 4 5]]


def test_same_with_an_even_kernel_pads_the_extra_zero_on_the_right():
    """A 1x4 kernel spans 4 cells: 3 zeros in all, 1 on the left and 2 on the right. The
    kernel [1 0 0 0] copies the cell under its first tap, which starts on the left zero;
    [0 0 0 1] copies the cell under its last tap, 3 - 1 = 2 cells right of the output's."""
    for conv in (F.conv2d, F.conv2d_naive):
        np.testing.assert_array_equal(conv(ROW, np.array([[1.0, 0, 0, 0]]), padding="same"), [[0, 1, 2, 3, 4]])
        np.testing.assert_array_equal(conv(ROW, np.array([[0, 0, 0, 1.0]]), padding="same"), [[3, 4, 5, 0, 0]])
        np.testing.assert_array_equal(conv(ROW, np.array([[1.0, 1]]), padding="same"), [[3, 5, 7, 9, 5]])


def test_valid_means_no_padding():
    np.testing.assert_array_equal(F.conv2d(ROW, np.array([[1.0, 1, 1]]), padding="valid"), [[6, 9, 12]])


def test_dilation_spreads_the_taps():
    """Kernel [1 1] with dilation 3 adds each cell to the one three to its right."""
    x = np.arange(7.0)[None]
    for conv in (F.conv2d, F.conv2d_naive):
        np.testing.assert_array_equal(conv(x, np.array([[1.0, 1]]), dilation=(1, 3)), [[3, 5, 7, 9]])
    # and in 2D: a 2x2 kernel of ones, dilation 2, on a 5x5 grid adds the four corners of a 3x3 square
    grid = np.arange(25.0).reshape(5, 5)
    expected = [[grid[i, j] + grid[i, j + 2] + grid[i + 2, j] + grid[i + 2, j + 2] for j in range(3)] for i in range(3)]
    np.testing.assert_array_equal(F.conv2d(grid, np.ones((2, 2)), dilation=2), expected)


def test_groups_keep_channels_apart():
    """Two groups of one channel each: filter 0 sees only channel 0, filter 1 only channel 1."""
    x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])[None]  # (1, 2, 3, 3)
    weight = np.array([1.0, 10.0]).reshape(2, 1, 1, 1)  # (out 2, in/groups 1, 1, 1)
    for conv in (F.conv2d, F.conv2d_naive):
        out = conv(x, weight, groups=2)
        np.testing.assert_array_equal(out[0, 0], np.ones((3, 3)))
        np.testing.assert_array_equal(out[0, 1], 20 * np.ones((3, 3)))
    # a depthwise backward by hand: dweight[f] is the sum of x's channel f times the gradient
    dx, dw, db = F.conv2d_backward(np.ones((1, 2, 3, 3)), x, weight, groups=2)
    np.testing.assert_array_equal(dw.ravel(), [9, 18])
    np.testing.assert_array_equal(dx[0, 1], 10 * np.ones((3, 3)))


def test_float32_stays_float32_with_every_option():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 2, 2, 3)).astype(np.float32)
    kw = {"padding": "same", "dilation": 2, "groups": 2}
    for conv in (F.conv2d, F.conv2d_naive):
        assert conv(x, w, **kw).dtype == np.float32
    out = F.conv2d(x, w, **kw)
    for backward in (F.conv2d_backward, F.conv2d_backward_naive):
        assert all(a.dtype == np.float32 for a in backward(np.ones_like(out), x, w, **kw))


# --- Errors that teach -----------------------------------------------------------------------


X = np.zeros((1, 6, 5, 5))


@pytest.mark.parametrize(
    "weight, kwargs, error, words",
    [
        (np.zeros((4, 2, 3, 3)), {"groups": 4}, ValueError, r"groups=4 does not divide in_channels=6.*Use groups in \[1, 2\]"),
        (np.zeros((3, 3, 3, 3)), {"groups": 2}, ValueError, r"groups=2 does not divide out_channels=3.*Use groups in \[1, 3\]"),
        (np.zeros((4, 2, 3, 3)), {"groups": 2}, ValueError,
         r"x has 6 channels .* weight expects 2 in each of groups=2, 4 in all .* use weight of shape \(4, 3, 3, 3\)"),
        (np.zeros((4, 6, 3, 3)), {"groups": 0}, ValueError, "groups must be a whole number of at least 1, got 0"),
        (np.zeros((4, 6, 3, 3)), {"groups": 1.5}, ValueError, r"groups must be a whole number of at least 1, got 1.5 \(type float\)"),
        (np.zeros((4, 6, 3, 3)), {"dilation": 0}, ValueError, "dilation must be at least 1, got 0: it is the step between the kernel's taps"),
        (np.zeros((4, 6, 3, 3)), {"dilation": (1, -1)}, ValueError, "dilation must be at least 1"),
        (np.zeros((4, 6, 3, 3)), {"padding": "full"}, ValueError, r"padding='full' is not a padding .* Use 'valid' .*'same'"),
        (np.zeros((4, 6, 3, 3)), {"padding": "same", "stride": 2}, ValueError,
         r"padding='same' is not supported for strided convolutions \(stride=2\).*grows with n.*padding=\(1, 1\)"),
        (np.zeros((4, 6, 3, 3)), {"dilation": 3}, ValueError,
         r"dilated kernel along the height \(size 3, dilation 3: it spans 3\*\(3-1\)\+1 = 7 cells\) is larger than the "
         r"padded input along the height \(n \+ 2\*padding = 5 \+ 2\*0 = 5\).*at most 2, a smaller dilation, or padding of at least 1"),
    ],
)
def test_errors_teach(weight, kwargs, error, words):
    for conv in (F.conv2d, F.conv2d_naive):
        with pytest.raises(error, match=words):
            conv(X, weight, **kwargs)
    with pytest.raises(error, match=words):
        F.conv2d_backward(np.zeros((1, 4, 3, 3)), X, weight, **kwargs)


def test_pytorch_refuses_the_same_things():
    torch = pytest.importorskip("torch")
    tx = torch.zeros(1, 6, 5, 5)
    for shape, kwargs in [((3, 3, 3, 3), {"groups": 2}), ((4, 2, 3, 3), {"groups": 2}),
                          ((4, 6, 3, 3), {"padding": "same", "stride": 2}), ((4, 6, 3, 3), {"padding": "full"}),
                          ((4, 6, 3, 3), {"dilation": 3})]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.conv2d(tx, torch.zeros(shape), **kwargs)
