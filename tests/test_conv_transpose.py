"""F.conv_transpose2d: the adjoint of conv2d (checked by inner products), worked by hand in
1D, against numerical gradients, against PyTorch where installed, and its teaching errors."""

import numpy as np
import pytest

from cnnlab import functional as F
from cnnlab import gradcheck

CASES = [  # (N, C_in, C_out, H, W, kernel, stride, padding, output_padding, dilation, groups)
    (2, 3, 2, 4, 5, (3, 3), 1, 0, 0, 1, 1),
    (1, 2, 3, 3, 3, (2, 3), 2, 1, 1, 1, 1),
    (2, 4, 2, 3, 4, (3, 2), (2, 3), (1, 0), (1, 2), 1, 2),
    (1, 2, 2, 3, 3, (3, 3), 1, 1, 0, 2, 1),
]


def make(case, seed=0):
    n, c_in, c_out, h, w, k, s, p, op, d, g = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, h, w))
    weight = rng.standard_normal((c_in, c_out // g) + k)
    return x, weight, dict(stride=s, padding=p, dilation=d, groups=g), op


def test_one_dimension_by_hand():
    """Each input cell scatters the kernel times its value; overlaps add up."""
    g = np.array([[[[1.0, 2.0, 3.0]]]])
    w = np.array([[[[1.0, 10.0, 100.0]]]])
    expected = [1, 10 + 2, 100 + 20 + 3, 200 + 30, 300]
    np.testing.assert_array_equal(F.conv_transpose2d(g, w)[0, 0, 0], expected)
    # stride 2 leaves gaps between the copies of the kernel
    np.testing.assert_array_equal(F.conv_transpose2d(g, w, stride=2)[0, 0, 0], [1, 10, 102, 20, 203, 30, 300])


@pytest.mark.parametrize("case", CASES)
def test_is_the_adjoint_of_conv2d(case):
    """<conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for every x and y: the definition."""
    y, weight, kw, op = make(case)
    out = F.conv_transpose2d(y, weight, output_padding=op, **kw)
    x = np.random.default_rng(1).standard_normal(out.shape)
    forward = F.conv2d(x, weight, **kw)
    assert forward.shape == y.shape
    assert np.isclose(np.sum(forward * y), np.sum(x * out))


@pytest.mark.parametrize("case", CASES)
def test_is_conv2d_backward_dx_and_passes_gradcheck(case):
    y, weight, kw, op = make(case)
    out = F.conv_transpose2d(y, weight, output_padding=op, **kw)
    dx = F.conv2d_backward(y, np.zeros(out.shape), weight, **kw)[0]
    np.testing.assert_allclose(out, dx)
    # linear in its input: its own backward is conv2d of the upstream gradient
    result = gradcheck(lambda v: F.conv_transpose2d(v, weight, output_padding=op, **kw), y,
                       lambda g: F.conv2d(g, weight, **kw))
    assert result.passed, str(result)


def test_bias_and_single_image():
    y, weight, kw, _ = make(CASES[0])
    bias = np.array([0.5, -1.0])
    with_bias = F.conv_transpose2d(y, weight, bias, **kw)
    np.testing.assert_allclose(with_bias - F.conv_transpose2d(y, weight, **kw), np.broadcast_to(bias[None, :, None, None], with_bias.shape))
    np.testing.assert_allclose(F.conv_transpose2d(y[0], weight, bias, **kw), with_bias[0])


@pytest.mark.parametrize("case", CASES)
def test_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    y, weight, kw, op = make(case)
    bias = np.arange(weight.shape[1] * kw["groups"], dtype=float)
    expected = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(y), torch.from_numpy(weight), torch.from_numpy(bias), stride=kw["stride"],
        padding=kw["padding"], output_padding=op, groups=kw["groups"], dilation=kw["dilation"])
    np.testing.assert_allclose(F.conv_transpose2d(y, weight, bias, output_padding=op, **kw), expected.numpy(), atol=1e-12)


def scatter(y, weight, stride, padding, output_padding, dilation):
    """The transposed convolution by its definition, one cell at a time: input cell (i, j)
    adds weight times its value at output (i*s + a*d - p, j*s + b*d - p) for every tap (a, b)."""
    n, c, h, w = y.shape
    _, c_out, fh, fw = weight.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    out = np.zeros((n, c_out, (h - 1) * sh - 2 * ph + dh * (fh - 1) + oph + 1, (w - 1) * sw - 2 * pw + dw * (fw - 1) + opw + 1))
    for i, j, a, b in np.ndindex(h, w, fh, fw):
        r, q = i * sh + a * dh - ph, j * sw + b * dw - pw
        if 0 <= r < out.shape[2] and 0 <= q < out.shape[3]:
            out[:, :, r, q] += np.einsum("nc,co->no", y[:, :, i, j], weight[:, :, a, b])
    return out


@pytest.mark.parametrize("stride, padding, output_padding, dilation", [
    ((1, 1), (0, 0), (1, 2), (2, 3)),   # output padding at stride 1: allowed below the dilation
    ((2, 1), (2, 1), (2, 1), (3, 2)),   # past the stride, below the dilation, with padding
    ((2, 2), (1, 0), (1, 1), (1, 1)),   # the usual case, below the stride
])
def test_output_padding_below_the_dilation_as_in_pytorch(stride, padding, output_padding, dilation):
    rng = np.random.default_rng(5)
    y, weight = rng.normal(size=(2, 3, 3, 4)), rng.normal(size=(3, 2, 2, 3))
    got = F.conv_transpose2d(y, weight, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    np.testing.assert_allclose(got, scatter(y, weight, stride, padding, output_padding, dilation), atol=1e-12)
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv_transpose2d(torch.from_numpy(y), torch.from_numpy(weight), stride=stride,
                                                    padding=padding, output_padding=output_padding, dilation=dilation)
    np.testing.assert_allclose(got, expected.numpy(), atol=1e-12)


def test_errors_teach():
    y, weight = np.zeros((1, 3, 4, 4)), np.zeros((2, 1, 3, 3))
    with pytest.raises(ValueError, match=r"input has 3 channels but weight has 2 rows"):
        F.conv_transpose2d(y, weight)
    with pytest.raises(ValueError, match=r"output_padding \(2, 2\) must be smaller than the stride \(2, 2\) or the dilation \(1, 1\)"):
        F.conv_transpose2d(np.zeros((1, 2, 3, 3)), weight, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="padding is too large"):
        F.conv_transpose2d(np.zeros((1, 2, 1, 1)), weight, padding=2)
    with pytest.raises(ValueError, match=r"an int or an \(h, w\) pair"):
        F.conv_transpose2d(np.zeros((1, 2, 3, 3)), weight, padding="same")
    with pytest.raises(ValueError, match=r"\(N, C_in, H, W\)"):
        F.conv_transpose2d(np.zeros((3, 3)), weight)
    with pytest.raises(ValueError, match=r"bias must have shape \(1,\)"):
        F.conv_transpose2d(np.zeros((1, 2, 3, 3)), weight, np.zeros(2))


def test_im2col_rows_are_windows_and_the_product_is_conv2d():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5, 6))
    w = rng.standard_normal((4, 3, 3, 2))
    for stride, padding in [(1, 0), (2, 1), ((1, 2), (0, 1))]:
        cols = F.im2col(x, (3, 2), stride, padding)
        out = F.conv2d(x, w, stride=stride, padding=padding)
        n, fn, oh, ow = out.shape
        assert cols.shape == (n * oh * ow, 3 * 3 * 2)
        product = (cols @ w.reshape(fn, -1).T).reshape(n, oh, ow, fn).transpose(0, 3, 1, 2)
        np.testing.assert_allclose(product, out, atol=1e-12)
    # row 0 is the top-left window, read channel by channel, row by row (by hand)
    grey = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(F.im2col(grey, 2)[0], [0, 1, 4, 5])
    np.testing.assert_array_equal(F.im2col(grey, 2, stride=2)[-1], [10, 11, 14, 15])
    with pytest.raises(ValueError, match="does not fit"):
        F.im2col(grey, 5)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        F.im2col(np.zeros((2, 4, 4)), 2)
