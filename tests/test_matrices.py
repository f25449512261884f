"""Convolution as a matrix (cnnlab.matrices), against matrices written out by hand and
against SciPy's cross-correlation (never against cnnlab's own convolution)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate, correlate2d

from cnnlab.matrices import conv_matrix, conv_matrix_1d, locally_connected2d, patch_matrix


def test_conv_matrix_1d_by_hand():
    want = np.array([[1, 0, -1, 0, 0],
                     [0, 1, 0, -1, 0],
                     [0, 0, 1, 0, -1]])
    np.testing.assert_array_equal(conv_matrix_1d([1, 0, -1], 5), want)


def test_conv_matrix_1d_against_scipy():
    rng = np.random.default_rng(0)
    for n, f in [(5, 3), (7, 1), (4, 4), (9, 2)]:
        x, v = rng.normal(size=n), rng.normal(size=f)
        np.testing.assert_allclose(conv_matrix_1d(v, n) @ x, correlate(x, v, mode="valid"), rtol=1e-12)


def test_conv_matrix_by_hand():
    # 2x2 kernel on a 3x3 image: four outputs, nine pixels (row-major).
    k = np.array([[1, 2], [3, 4]])
    want = np.array([[1, 2, 0, 3, 4, 0, 0, 0, 0],
                     [0, 1, 2, 0, 3, 4, 0, 0, 0],
                     [0, 0, 0, 1, 2, 0, 3, 4, 0],
                     [0, 0, 0, 0, 1, 2, 0, 3, 4]])
    np.testing.assert_array_equal(conv_matrix(k, (3, 3)), want)


def test_conv_matrix_columns_are_the_responses_to_single_pixels():
    """Column c of the matrix is the map of the image that is 1 at pixel c and 0 elsewhere."""
    rng = np.random.default_rng(1)
    k = rng.integers(-3, 4, size=(2, 3))
    h, w = 4, 5
    m = conv_matrix(k, (h, w))
    for c in range(h * w):
        delta = np.zeros(h * w)
        delta[c] = 1
        np.testing.assert_array_equal(m[:, c], correlate2d(delta.reshape(h, w), k, mode="valid").ravel())


@pytest.mark.parametrize("shape,kshape", [((6, 6), (3, 3)), ((5, 8), (2, 3)), ((4, 4), (4, 4)), ((3, 7), (1, 1))])
def test_conv_matrix_and_patch_matrix_against_scipy(shape, kshape):
    rng = np.random.default_rng(2)
    x, k = rng.normal(size=shape), rng.normal(size=kshape)
    want = correlate2d(x, k, mode="valid")
    np.testing.assert_allclose((conv_matrix(k, shape) @ x.ravel()).reshape(want.shape), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose((patch_matrix(x, kshape) @ k.ravel()).reshape(want.shape), want, rtol=1e-12, atol=1e-12)
    assert conv_matrix(k, shape).shape == (want.size, x.size)
    assert patch_matrix(x, kshape).shape == (want.size, k.size)


def test_patch_matrix_by_hand():
    x = np.arange(9).reshape(3, 3)
    want = np.array([[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]])
    np.testing.assert_array_equal(patch_matrix(x, (2, 2)), want)


def test_locally_connected_by_hand_and_against_scipy():
    x = np.array([[1, 2, 3], [4, 5, 6]])
    w = np.zeros((1, 2, 2, 2))
    w[0, 0] = [[1, 0], [0, 0]]   # reads x[0, 0] = 1
    w[0, 1] = [[0, 0], [0, 2]]   # reads 2 * x[1, 2] = 12
    np.testing.assert_array_equal(locally_connected2d(x, w), [[1, 12]])
    rng = np.random.default_rng(3)
    img, k = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    same = np.broadcast_to(k, (4, 6, 3, 2))
    np.testing.assert_allclose(locally_connected2d(img, same), correlate2d(img, k, mode="valid"), rtol=1e-12)


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="does not fit in a 3x3 image"):
        conv_matrix(np.ones((4, 4)), (3, 3))
    with pytest.raises(ValueError, match="does not fit in a 2x5 image"):
        patch_matrix(np.ones((2, 5)), (3, 3))
    with pytest.raises(ValueError, match="2D array"):
        patch_matrix(np.ones((1, 1, 4, 4)), (3, 3))
    with pytest.raises(ValueError, match="2D array"):
        conv_matrix(np.ones(3), (4, 4))
    with pytest.raises(TypeError, match="real numbers"):
        patch_matrix(np.array([["a", "b"], ["c", "d"]]), (1, 1))
    with pytest.raises(ValueError, match="at least as large as the kernel"):
        conv_matrix_1d([1, 2, 3], 2)
    with pytest.raises(ValueError, match="1D array"):
        conv_matrix_1d(np.ones((2, 2)), 5)
    with pytest.raises(ValueError, match=r"needs shape \(2, 2, 2, 2\)"):
        locally_connected2d(np.ones((3, 3)), np.ones((3, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"\(OH, OW, FH, FW\)"):
        locally_connected2d(np.ones((3, 3)), np.ones((2, 2)))
