"""F.pad and F.pad_backward, PyTorch's padding modes: hand-worked rows, numerical gradients,
PyTorch where it is installed, and the errors."""

import numpy as np
import pytest

from cnnlab import functional as F
from cnnlab import gradcheck

MODES = ["constant", "reflect", "replicate", "circular"]


@pytest.mark.parametrize("mode, expected", [
    ("constant", [0, 0, 1, 2, 3, 0, 0]),
    ("reflect", [3, 2, 1, 2, 3, 2, 1]),
    ("replicate", [1, 1, 1, 2, 3, 3, 3]),
    ("circular", [2, 3, 1, 2, 3, 1, 2]),
])
def test_a_row_padded_by_two_by_hand(mode, expected):
    row = np.array([[1, 2, 3]])
    np.testing.assert_array_equal(F.pad(row, (2, 2), mode), [expected])


def test_height_and_width_in_pytorch_order():
    """(left, right, top, bottom): the last axis first, as torch.nn.functional.pad counts."""
    x = np.arange(1, 7).reshape(1, 1, 2, 3)
    out = F.pad(x, (1, 0, 0, 2), "replicate")
    np.testing.assert_array_equal(out[0, 0], [[1, 1, 2, 3], [4, 4, 5, 6], [4, 4, 5, 6], [4, 4, 5, 6]])
    assert F.pad(x, (0, 0, 1, 1), value=7)[0, 0, 0].tolist() == [7, 7, 7]


def test_pad2d_is_zeros_on_every_side():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(F.pad2d(x, (1, 2)), np.pad(x, [(1, 1), (2, 2)]))
    assert F.pad2d(x, 0) is x  # nothing to add: no copy
    assert F.pad(np.ones((2, 2), dtype=np.float32), (1, 1, 1, 1), "reflect").dtype == np.float32


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pad", [(1, 2, 2, 0), (0, 3, 1, 1), (2, 1)])
def test_backward_matches_numerical_gradients(mode, pad):
    x = np.random.default_rng(0).standard_normal((2, 1, 3, 4))
    result = gradcheck(lambda x_: F.pad(x_, pad, mode), x, lambda g: F.pad_backward(g, x.shape, pad, mode))
    assert result.passed, str(result)


def test_reflected_cells_collect_their_copies_gradients():
    """[a b c] reflected by 2 on the left is [c b | a b c]: b gets 2 gradients, c gets 2."""
    dx = F.pad_backward(np.ones((1, 5)), (1, 3), (2, 0), "reflect")
    np.testing.assert_array_equal(dx, [[1, 2, 2]])
    # circular by 2 on both sides is [b c | a b c | a b]: b is copied three times
    np.testing.assert_array_equal(F.pad_backward(np.ones((1, 7)), (1, 3), (2, 2), "circular"), [[2, 3, 2]])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_pytorch(mode, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4, 5)).astype(dtype)
    for pad in [(1, 2, 3, 0), (0, 4, 2, 3), (3, 3, 3, 3)]:
        tx = torch.from_numpy(x).requires_grad_()
        tout = torch.nn.functional.pad(tx, pad, mode=mode)
        out = F.pad(x, pad, mode)
        g = rng.standard_normal(out.shape).astype(dtype)
        tout.backward(torch.from_numpy(g))
        np.testing.assert_array_equal(out, tout.detach().numpy())
        np.testing.assert_allclose(F.pad_backward(g, x.shape, pad, mode), tx.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call, error, words", [
    (lambda: F.pad(np.ones((3, 3)), (1, 1), "mirror"), ValueError, r"mode='mirror' is not a padding mode.*'circular'"),
    (lambda: F.pad(np.ones((3, 3)), (3, 0), "reflect"), ValueError,
     r"reflect padding of 3 at the left mirrors 3 columns .* has only 3.*at most 2, or the 'replicate' mode"),
    (lambda: F.pad(np.ones((2, 5)), (0, 0, 0, 2), "reflect"), ValueError, r"reflect padding of 2 at the bottom .* at most 1"),
    (lambda: F.pad(np.ones((3, 3)), (0, 4), "circular"), ValueError, r"circular padding of 4 at the right .*wrap around more than once"),
    (lambda: F.pad(np.ones((3, 3)), (1, 1, 1)), TypeError, r"pad must be \(left, right\) or \(left, right, top, bottom\)"),
    (lambda: F.pad(np.ones((3, 3)), (1, -1)), ValueError, "pad must hold numbers of 0 or more"),
    (lambda: F.pad(np.ones(3), (1, 1)), ValueError, r"end with \(H, W\).*1 dimension"),
    (lambda: F.pad_backward(np.ones((3, 3)), (3, 3), (1, 1)), ValueError, r"shape of the forward output, \(3, 5\); got \(3, 3\)"),
])
def test_errors_teach(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_pytorch_draws_the_same_lines():
    torch = pytest.importorskip("torch")
    x = torch.ones(1, 1, 3, 3)
    torch.nn.functional.pad(x, (2, 2, 2, 2), mode="reflect")  # 2 < 3: allowed, as by cnnlab
    torch.nn.functional.pad(x, (3, 3, 3, 3), mode="circular")  # 3 <= 3: allowed
    for pad, mode in [((3, 0, 0, 0), "reflect"), ((0, 4, 0, 0), "circular")]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.pad(x, pad, mode=mode)
