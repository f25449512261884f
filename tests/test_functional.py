"""F.conv2d and F.conv2d_naive against scipy.signal.correlate, the syllabus's worked examples,
and each other; and the errors a learner can run into."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from cnnlab import data
from cnnlab import functional as F


def reference_conv2d(x, weight, bias, stride, padding):
    """The same operation built from scipy: pad, correlate each channel pair, sum, subsample."""
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    out = []
    for image in xp:
        maps = []
        for f, filt in enumerate(weight):
            full = sum(signal.correlate(image[c], filt[c], mode="valid") for c in range(x.shape[1]))
            maps.append(full[::sh, ::sw] + (0 if bias is None else bias[f]))
        out.append(maps)
    return np.array(out)


@st.composite
def conv_case(draw):
    n, c, fn = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, fh - 2 * ph), 9))
    w = draw(st.integers(max(1, fw - 2 * pw), 9))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    bias = rng.standard_normal(fn) if draw(st.booleans()) else None
    return (rng.standard_normal((n, c, h, w)), rng.standard_normal((fn, c, fh, fw)), bias, (sh, sw), (ph, pw))


@settings(max_examples=150, deadline=None)
@given(conv_case())
def test_conv2d_matches_scipy(case):
    x, weight, bias, stride, padding = case
    expected = reference_conv2d(x, weight, bias, stride, padding)
    np.testing.assert_allclose(F.conv2d(x, weight, bias, stride, padding), expected, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_naive_and_fast_agree(case):
    x, weight, bias, stride, padding = case
    np.testing.assert_allclose(
        F.conv2d_naive(x, weight, bias, stride, padding), F.conv2d(x, weight, bias, stride, padding), atol=1e-12
    )


def test_worked_example():
    expected = np.array([[1, 2, 1, -1], [4, -1, -1, 1], [-2, 0, 1, 1], [0, 0, 1, -1]])
    for conv in (F.conv2d, F.conv2d_naive):
        out = conv(data.worked_image(), data.worked_kernel())
        np.testing.assert_array_equal(out, expected)
        assert out.shape == (4, 4)


def test_first_step_by_hand():
    x, k = data.worked_image(), data.worked_kernel()
    by_hand = 8 * 0 + 8 * 0 + 8 * 1 + 8 * (-1) + 8 * 1 + 7 * (-1) + 8 * 1 + 8 * (-1) + 6 * 0
    assert by_hand == 1 == F.conv2d(x, k)[0, 0]


def test_template_matching():
    image = data.anti_diagonal(4)
    np.testing.assert_array_equal(F.conv2d(image, data.anti_diagonal(3)), [[0, 3], [3, 0]])
    np.testing.assert_array_equal(F.conv2d(image, np.eye(3, dtype=int)), [[0, 1], [1, 0]])


def test_stride_example():
    image, kernel = data.anti_diagonal(4), np.array([[0, 1], [1, 0]])
    np.testing.assert_array_equal(F.conv2d(image, kernel), [[0, 0, 2], [0, 2, 0], [2, 0, 0]])
    np.testing.assert_array_equal(F.conv2d(image, kernel, stride=2), [[0, 2], [2, 0]])


def test_shapes_of_the_syllabus():
    rng = np.random.default_rng(0)
    image = rng.standard_normal((1, 3, 32, 32))
    assert F.conv2d(image, rng.standard_normal((1, 3, 5, 5))).shape == (1, 1, 28, 28)
    assert F.conv2d(image, rng.standard_normal((4, 3, 5, 5))).shape == (1, 4, 28, 28)
    assert F.conv2d(image[0], rng.standard_normal((4, 3, 5, 5))).shape == (4, 28, 28)
    assert F.conv2d(rng.standard_normal((2, 8, 40, 50)), rng.standard_normal((5, 8, 3, 3)), padding=1).shape == (2, 5, 40, 50)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    x = np.ones((1, 2, 5, 5), dtype=dtype)
    w = np.ones((3, 2, 3, 3), dtype=dtype)
    assert F.conv2d(x, w, np.zeros(3, dtype=dtype)).dtype == dtype
    assert F.conv2d_naive(x, w).dtype == dtype


def test_integer_images_stay_integers():
    assert F.conv2d(data.worked_image(), data.worked_kernel()).dtype.kind == "i"


def test_mathematical_convolution_flips_the_kernel():
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(F.conv2d(x, k[::-1, ::-1]), signal.convolve2d(x, k, mode="valid"))


def test_padding_adds_zeros():
    np.testing.assert_array_equal(F.pad2d(np.ones((2, 2)), 1), np.pad(np.ones((2, 2)), 1))
    assert F.pad2d(np.ones((1, 1, 2, 3)), (1, 2)).shape == (1, 1, 4, 7)


@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        ((np.zeros((1, 3, 5, 5)), np.zeros((2, 4, 3, 3))), {}, ValueError, r"x has 3 channels .* weight expects 4 .* use weight of shape \(2, 3, 3, 3\)"),
        ((np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 5, 5))), {}, ValueError, r"x shape \(1, 1, 3, 3\), weight shape \(1, 1, 5, 5\).*larger than the padded input"),
        ((np.zeros((5, 5)), np.zeros((3, 3))), {"stride": 0}, ValueError, "stride must be at least 1"),
        ((np.zeros((5, 5)), np.zeros((3, 3))), {"stride": -2}, ValueError, "stride must be at least 1"),
        ((np.zeros((5, 5)), np.zeros((3, 3))), {"stride": 1.5}, TypeError, "stride must be a whole number"),
        ((np.zeros((5, 5)), np.zeros((3, 3))), {"padding": -1}, ValueError, "padding must be 0 or more"),
        ((np.zeros((2, 1, 1, 5, 5)), np.zeros((1, 1, 3, 3))), {}, ValueError, r"got 5 dimensions, shape \(2, 1, 1, 5, 5\)"),
        ((np.zeros(5), np.zeros(3)), {}, ValueError, "got 1 dimensions"),
        ((np.zeros((5, 5)), np.zeros((1, 1, 3, 3))), {}, ValueError, r"weight must be one kernel of shape \(FH, FW\)"),
        ((np.zeros((1, 5, 5)), np.zeros((3, 3))), {}, ValueError, r"weight must have shape \(FN, C, FH, FW\)"),
        ((np.array([["a", "b"], ["c", "d"]]), np.zeros((1, 1))), {}, TypeError, "x must hold real numbers"),
        ((np.zeros((3, 3)), [[1, "x"]]), {}, TypeError, "weight must hold real numbers"),
        ((np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 1, 1)), np.zeros(3)), {}, ValueError, r"shape \(2,\) for 2 filter"),
        ((np.zeros((1, 0, 3, 3)), np.zeros((2, 0, 1, 1))), {}, ValueError, "x is empty"),
    ],
)
def test_errors_teach(args, kwargs, error, words):
    for conv in (F.conv2d, F.conv2d_naive):
        with pytest.raises(error, match=words):
            conv(*args, **kwargs)
