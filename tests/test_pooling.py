"""Max and average pooling: hand-worked values, scipy, naive loops and numerical gradients."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from cnnlab import functional as F
from cnnlab import gradcheck
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
