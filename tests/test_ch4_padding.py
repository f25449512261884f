"""Chapter 4's new facts, each against a reference written here from its definition (plain
loops over windows, no cnnlab convolution), and against PyTorch where it is installed:

- centring: with an odd kernel and 'same' padding the response to a one-pixel image is
  centred on the pixel; with an even kernel PyTorch's split (extra cell after) moves it half
  a pixel up and left, and the half pixels add up over layers;
- half padding (p = floor(f/2)) is 'same' for odd f and gives n + 1 for even f;
- full padding with the turned kernel is the transposed convolution;
- zero padding makes a constant image's map vary at the border (other modes do not);
- the bytes that a 'same' and a valid stack keep.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import cnnlab
from cnnlab import functional as F


def correlate(x: np.ndarray, w: np.ndarray, before: int, after: int) -> np.ndarray:
    """Cross-correlation of one grey image with ``before`` zeros above/left and ``after``
    below/right, by loops over windows: the definition, nothing else."""
    n, f = x.shape[0], w.shape[0]
    out = n + before + after - f + 1
    y = np.zeros((out, out))
    for i in range(out):
        for j in range(out):
            for p in range(f):
                for q in range(f):
                    r, c = i + p - before, j + q - before
                    if 0 <= r < n and 0 <= c < n:
                        y[i, j] += w[p, q] * x[r, c]
    return y


def transposed(g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Stride-1 transposed convolution by its definition: each cell of g scatters a scaled
    copy of the kernel into the output."""
    n, f = g.shape[0], w.shape[0]
    out = np.zeros((n + f - 1, n + f - 1))
    for i in range(n):
        for j in range(n):
            out[i:i + f, j:j + f] += g[i, j] * w
    return out


def centre(y: np.ndarray) -> tuple[float, float]:
    """The response's centre of mass (row, column)."""
    rows, cols = np.arange(y.shape[0]), np.arange(y.shape[1])
    return float(y.sum(axis=1) @ rows / y.sum()), float(y.sum(axis=0) @ cols / y.sum())


def dot(n: int, at: int) -> np.ndarray:
    x = np.zeros((n, n))
    x[at, at] = 1
    return x


@pytest.mark.parametrize("f", [1, 2, 3, 4, 5, 6, 7])
def test_same_padding_split_matches_the_reference_and_centres_odd_kernels(f):
    before, after = (f - 1) // 2, f - 1 - (f - 1) // 2        # PyTorch: the extra cell after
    assert cnnlab.same_padding(f) == (before, after)
    x = dot(11, 5)
    w = np.ones((f, f))
    y = F.conv2d(x, w, padding="same")
    np.testing.assert_array_equal(y, correlate(x, w, before, after))
    want = 5.0 if f % 2 else 4.5                              # centred, or half a pixel up-left
    assert centre(y) == (want, want)


def test_odd_same_response_is_the_turned_kernel_and_a_tent_peaks_on_the_pixel():
    x = dot(7, 3)
    k = np.arange(1.0, 10).reshape(3, 3)
    np.testing.assert_array_equal(F.conv2d(x, k, padding="same")[2:5, 2:5], k[::-1, ::-1])
    tent = np.outer([1.0, 2, 1], [1.0, 2, 1])
    y = F.conv2d(x, tent, padding="same")
    assert np.unravel_index(y.argmax(), y.shape) == (3, 3)


@pytest.mark.parametrize("f, layers, want", [(2, 4, 5.0), (4, 2, 6.0), (3, 4, 7.0), (5, 2, 7.0)])
def test_the_half_pixel_shift_adds_up_over_layers(f, layers, want):
    y = dot(15, 7)
    for _ in range(layers):
        y = F.conv2d(y, np.ones((f, f)), padding="same")
    assert centre(y) == (want, want)                          # 7 - layers/2 for even f


def test_even_kernel_same_padding_agrees_with_torch():
    torch = pytest.importorskip("torch")
    x = dot(9, 4)
    for f in (2, 4, 6):
        w = np.arange(1.0, f * f + 1).reshape(f, f)
        ours = F.conv2d(x, w, padding="same")
        theirs = torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                                            padding="same")[0, 0].numpy()
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("n", [5, 6, 9])
@pytest.mark.parametrize("f", [1, 2, 3, 4, 5])
def test_half_padding_is_same_for_odd_f_and_one_more_for_even_f(n, f):
    half = cnnlab.conv_output_size(n, f, padding=f // 2)
    assert half == n + 2 * (f // 2) - f + 1                   # Dumoulin & Visin's o = i + 2*floor(k/2) - (k - 1)
    assert half == (n if f % 2 else n + 1)
    assert (half == cnnlab.conv_output_size(n, f, padding="same")) == (f % 2 == 1)


@pytest.mark.parametrize("n, f, seed", [(4, 3, 0), (8, 5, 1), (3, 2, 2), (5, 1, 3)])
def test_full_padding_with_the_turned_kernel_is_the_transposed_convolution(n, f, seed):
    rng = np.random.default_rng(seed)
    g = rng.integers(-3, 4, (n, n)).astype(float)             # whole numbers: every sum exact
    w = rng.integers(-3, 4, (f, f)).astype(float)
    want = transposed(g, w)
    np.testing.assert_array_equal(F.conv2d(g, w[::-1, ::-1], padding=f - 1), want)
    np.testing.assert_array_equal(F.conv_transpose2d(g[None, None], w[None, None])[0, 0], want)
    np.testing.assert_array_equal(correlate(g, w[::-1, ::-1], f - 1, f - 1), want)


def test_full_padding_equals_torch_conv_transpose2d():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    g = rng.integers(-3, 4, (1, 1, 6, 6)).astype(float)
    w = rng.integers(-3, 4, (1, 1, 3, 3)).astype(float)
    theirs = torch.nn.functional.conv_transpose2d(torch.tensor(g), torch.tensor(w)).numpy()
    np.testing.assert_array_equal(F.conv_transpose2d(g, w), theirs)
    np.testing.assert_array_equal(F.conv2d(g[0, 0], w[0, 0, ::-1, ::-1], padding=2), theirs[0, 0])


def test_transposed_convolution_restores_the_shape_not_the_values():
    rng = np.random.default_rng(4)
    x = rng.integers(-3, 4, (6, 6)).astype(float)
    w = rng.integers(-3, 4, (3, 3)).astype(float)
    back = F.conv_transpose2d(F.conv2d(x, w)[None, None], w[None, None])[0, 0]
    assert back.shape == x.shape and not np.array_equal(back, x)


def test_zero_padding_gives_a_constant_image_a_position_signal():
    n, f = 10, 3
    flat, ones = np.ones((n, n)), np.ones((f, f))
    y = F.conv2d(flat, ones, padding=1)
    # each output counts the real pixels under its window: a product of per-axis counts
    axis = [sum(0 <= i + t - 1 < n for t in range(f)) for i in range(n)]
    np.testing.assert_array_equal(y, np.outer(axis, axis))
    assert (y[0, 0], y[0, 5], y[5, 5]) == (4, 6, 9)
    assert np.unique(F.conv2d(flat, ones)).tolist() == [9]
    for mode in ("reflect", "replicate", "circular"):
        assert np.unique(F.conv2d(F.pad(flat, (1, 1, 1, 1), mode=mode), ones)).tolist() == [9]


@pytest.mark.parametrize("layers", [1, 2, 3, 4])
def test_the_position_signal_reaches_one_cell_further_per_3x3_layer(layers):
    y = np.ones((12, 12))
    for _ in range(layers):
        y = F.conv2d(y, np.ones((3, 3)), padding=1)
    row = y[6]
    inside = 9 ** layers
    assert np.all(row[layers:12 - layers] == inside)
    assert np.all(row[:layers] < inside) and np.all(row[12 - layers:] < inside)


def test_bytes_kept_by_a_same_and_a_valid_stack():
    def stack(padding):
        return cnnlab.Sequential(cnnlab.Conv2d(3, 64, 3, padding=padding),
                                 *[cnnlab.Conv2d(64, 64, 3, padding=padding) for _ in range(9)])
    batch = 32
    same = batch * cnnlab.summary(stack("same"), (batch, 3, 64, 64), col_names="output_bytes").total_output_bytes
    valid = batch * cnnlab.summary(stack("valid"), (batch, 3, 64, 64), col_names="output_bytes").total_output_bytes
    assert same == batch * 10 * 64 * 64 * 64 * 4 == 320 * 2**20
    assert valid == batch * 64 * 4 * sum((64 - 2 * k) ** 2 for k in range(1, 11))
    assert f"{valid / 2**20:.1f}" == "222.0" and f"{same / valid:.2f}" == "1.44"
    assert math.isclose(same / valid, 335544320 / 232816640)
