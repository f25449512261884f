"""Gradients of convolution: fast, naive, scipy and numerical references agree."""

import numpy as np
import pytest
from scipy import signal

from cnnlab import functional as F
from cnnlab import gradcheck

CASES = [  # x shape, weight shape, stride, padding
    ((1, 1, 5, 5), (1, 1, 3, 3), 1, 0),
    ((2, 3, 7, 6), (4, 3, 3, 2), 2, 1),
    ((1, 2, 6, 9), (3, 2, 2, 4), (1, 2), (2, 0)),
    ((3, 1, 8, 8), (2, 1, 5, 5), 3, 2),
]


@pytest.mark.parametrize("xs, ws, stride, padding", CASES)
def test_fast_backward_matches_numerical_gradients(xs, ws, stride, padding):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])

    def backward_x(g):
        return F.conv2d_backward(g, x, w, stride, padding)[0]

    assert gradcheck(lambda x_: F.conv2d(x_, w, b, stride, padding), x, backward_x).passed
    assert gradcheck(lambda w_: F.conv2d(x, w_, b, stride, padding), w,
                     lambda g: F.conv2d_backward(g, x, w, stride, padding)[1]).passed
    assert gradcheck(lambda b_: F.conv2d(x, w, b_, stride, padding), b,
                     lambda g: F.conv2d_backward(g, x, w, stride, padding)[2]).passed


@pytest.mark.parametrize("xs, ws, stride, padding", CASES)
def test_fast_and_naive_backward_agree(xs, ws, stride, padding):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    g = rng.standard_normal(F.conv2d(x, w, stride=stride, padding=padding).shape)
    for fast, naive in zip(F.conv2d_backward(g, x, w, stride, padding), F.conv2d_backward_naive(g, x, w, stride, padding)):
        np.testing.assert_allclose(fast, naive, atol=1e-12)


def test_grey_image_backward_is_the_syllabus_formula():
    """dL/dw correlates the input with the gradient; dL/dx is the full convolution of the
    gradient with the kernel (scipy's convolve flips it, as the maths says)."""
    rng = np.random.default_rng(2)
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    g = rng.standard_normal((4, 6))
    dx, dk, db = F.conv2d_backward(g, x, k)
    np.testing.assert_allclose(dk, signal.correlate(x, g, mode="valid"), atol=1e-12)
    np.testing.assert_allclose(dx, signal.convolve(g, k, mode="full"), atol=1e-12)
    assert db.shape == () and np.isclose(db, g.sum())


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    out = F.conv2d(x, w, padding=1)
    assert out.dtype == np.float32
    assert all(a.dtype == np.float32 for a in F.conv2d_backward(np.ones_like(out), x, w, padding=1))


def test_gradient_of_the_wrong_shape_is_refused():
    x, w = np.zeros((2, 3, 8, 8)), np.zeros((4, 3, 3, 3))
    with pytest.raises(ValueError, match=r"shape of the forward output, \(2, 4, 6, 6\); got \(2, 4, 8, 8\)"):
        F.conv2d_backward(np.zeros((2, 4, 8, 8)), x, w)


@pytest.mark.parametrize("backward", [F.conv2d_backward, F.conv2d_backward_naive])
def test_one_image_keeps_the_filters_and_bias_shapes(backward):
    """x (C, H, W) with weight (FN, C, FH, FW): dweight is shaped like weight and dbias like
    bias (FN,); only dx loses the batch axis. Each image's gradient is the batch's for N = 1."""
    rng = np.random.default_rng(4)
    x, w, g = rng.standard_normal((3, 6, 6)), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal((2, 4, 4))
    dx, dw, db = backward(g, x, w)
    bx, bw, bb = backward(g[None], x[None], w)
    assert (dx.shape, dw.shape, db.shape) == ((3, 6, 6), (2, 3, 3, 3), (2,))
    np.testing.assert_allclose(dx, bx[0], atol=1e-12)
    np.testing.assert_allclose(dw, bw, atol=1e-12)
    np.testing.assert_allclose(db, bb, atol=1e-12)
