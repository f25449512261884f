"""Chapter 9's strided backward pass: ``F.spread`` and ``F.conv2d_input_grad`` (spread the
gradient, pad by FH - 1 - p plus the remainder, slide the flipped kernel) against hand-worked
cases, an explicit scatter loop, numerical gradients and SciPy; the dW animation's closing frame."""

import numpy as np
import pytest
from scipy.signal import convolve2d

import cnnlab
from cnnlab import functional as F
from cnnlab import viz
from cnnlab.gradients import relative_error


def scatter_dx(g, w, x_hw, s, p):
    """dx[k, l] = sum_{i,j} g[i, j] w[k + p - i*s, l + p - j*s], written as a loop over g."""
    fh, fw = w.shape
    dxp = np.zeros((x_hw[0] + 2 * p, x_hw[1] + 2 * p))
    for i, j in np.ndindex(*g.shape):
        dxp[i * s:i * s + fh, j * s:j * s + fw] += g[i, j] * w
    return dxp[p:p + x_hw[0], p:p + x_hw[1]]


def test_spread_by_hand():
    np.testing.assert_array_equal(F.spread(np.array([[1, 2], [3, 4]]), 2), [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    np.testing.assert_array_equal(F.spread(np.array([[1, 2]]), (1, 3)), [[1, 0, 0, 2]])
    assert F.spread(np.ones((2, 3, 2, 2)), 3).shape == (2, 3, 4, 4)


def test_stride_two_by_hand():
    # 1D as one row: x of 5, w = (1, 2, -1), stride 2: o_0 reads x_0..x_2, o_1 reads x_2..x_4
    g, w = np.array([[1.0, 10.0]]), np.array([[1.0, 2.0, -1.0]])
    dx = F.conv2d_input_grad(g[None, None], w[None, None], (1, 5), stride=(1, 2))[0, 0]
    np.testing.assert_array_equal(dx, [[1, 2, -1 + 10, 20, -10]])


@pytest.mark.parametrize("h, s, p", [(5, 2, 0), (8, 2, 1), (7, 2, 1), (4, 2, 0), (9, 3, 2), (6, 3, 0), (5, 1, 1)])
def test_three_steps_equal_the_scatter_loop_and_numerical_gradients(h, s, p):
    rng = np.random.default_rng(h * 10 + s + p)
    w = rng.standard_normal((3, 3))
    x = rng.standard_normal((h, h))
    g = rng.standard_normal(F.conv2d(x, w, stride=s, padding=p).shape)
    dx = F.conv2d_input_grad(g[None, None], w[None, None], (h, h), s, p)[0, 0]
    np.testing.assert_allclose(dx, scatter_dx(g, w, (h, h), s, p), atol=1e-12)
    measured = cnnlab.numerical_gradient(lambda: float(np.sum(g * F.conv2d(x, w, stride=s, padding=p))), x)
    assert relative_error(dx, measured) < 1e-8


def test_stride_one_is_scipys_full_convolution():
    rng = np.random.default_rng(0)
    g, w = rng.standard_normal((4, 5)), rng.standard_normal((3, 2))
    dx = F.conv2d_input_grad(g[None, None], w[None, None], (6, 6))[0, 0]
    np.testing.assert_allclose(dx, convolve2d(g, w, mode="full"), atol=1e-12)


def test_channels_batches_and_rectangles_match_conv2d_backward():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 9, 7))
    w = rng.standard_normal((4, 3, 3, 2))
    for s, p in [((2, 3), (1, 0)), ((3, 1), (2, 1)), (2, 0)]:
        g = rng.standard_normal(F.conv2d(x, w, stride=s, padding=p).shape)
        np.testing.assert_allclose(F.conv2d_input_grad(g, w, (9, 7), s, p),
                                   F.conv2d_backward(g, x, w, stride=s, padding=p)[0], atol=1e-12)


def test_output_padding_is_the_remainder():
    g, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))
    for h, op in [(7, 0), (8, 1)]:
        ours = F.conv2d_input_grad(g, w, (h, h), 2, 1)
        np.testing.assert_allclose(ours, F.conv_transpose2d(g, w, stride=2, padding=1, output_padding=op))


def test_errors_teach():
    with pytest.raises(ValueError, match="must be 2x2; got 3x3"):
        F.conv2d_input_grad(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), (5, 5), 2)
    with pytest.raises(ValueError, match="larger than kernel size - 1"):
        F.conv2d_input_grad(np.ones((1, 1, 5, 5)), np.ones((1, 1, 2, 2)), (2, 2), 1, 2)
    with pytest.raises(ValueError, match="same FN"):
        F.conv2d_input_grad(np.ones((1, 2, 3, 3)), np.ones((1, 1, 3, 3)), (5, 5))
    with pytest.raises(ValueError, match="at least"):
        F.spread(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="two axes"):
        F.spread(np.ones(3), 2)


def test_dw_animation_ends_on_a_closing_frame():
    x = np.arange(9).reshape(3, 3)
    g = np.array([[1, 0], [0, -1]])
    steps = viz.conv_dw_animation(x, g, (2, 2)).data["modes"][0]["steps"]
    assert len(steps) == g.size + 1
    assert steps[-1]["status"].startswith("done: dW is the sum of all 4 windows")
    assert steps[-1]["expr"] == "dW = x correlated with g: −4 −4 / −4 −4"
    assert steps[-1]["grids"] == steps[-2]["grids"]
