"""Small arrays and images that the book computes with. Nothing is downloaded.

The worked examples are the verified ones of the syllabus; the photograph ships
inside scikit-learn.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def worked_image() -> np.ndarray:
    """The 6x6 grey image of the worked convolution example, shape ``(6, 6)``, ints."""
    return np.array(
        [
            [8, 8, 8, 7, 6, 5],
            [8, 8, 7, 6, 5, 5],
            [8, 8, 6, 5, 5, 5],
            [8, 5, 5, 5, 4, 4],
            [5, 5, 5, 5, 4, 4],
            [4, 4, 4, 3, 3, 3],
        ]
    )


def worked_kernel() -> np.ndarray:
    """The 3x3 kernel of the worked convolution example, shape ``(3, 3)``, ints."""
    return np.array([[0, 0, 1], [-1, 1, -1], [1, -1, 0]])


def anti_diagonal(n: int = 4) -> np.ndarray:
    """An ``(n, n)`` image of zeros with ones where ``i + j = n - 1`` (a "/" stroke)."""
    return np.fliplr(np.eye(n, dtype=int))


PHOTOS = ("china", "flower")


def photo_hwc(name: str = "china", step: int = 1) -> np.ndarray:
    """A colour photograph exactly as its JPEG file stores it: ``(H, W, 3)``, uint8, 0-255.

    ``name`` is ``"china"`` (a temple) or ``"flower"``; both ship with scikit-learn and are
    427x640. ``step`` keeps every ``step``-th row and column. Channels come last, in the
    order red, green, blue, as in image files, PIL and matplotlib; ``cnnlab.to_chw`` turns
    it into the ``(3, H, W)`` layout of PyTorch and this book.
    """
    from sklearn.datasets import load_sample_image

    if name not in PHOTOS:
        raise ValueError(f'name must be "china" or "flower", got {name!r}.')
    if not isinstance(step, (int, np.integer)) or isinstance(step, bool) or step < 1:
        raise ValueError(f"step must be a whole number of at least 1 (keep every step-th row and column); got {step!r}.")
    return load_sample_image(f"{name}.jpg")[::step, ::step]


def sample_photo(name: str = "china", grey: bool = True, step: int = 1) -> np.ndarray:
    """A real photograph that ships with scikit-learn, as floats in ``[0, 1]``.

    ``name`` is ``"china"`` (a temple) or ``"flower"``. Returns ``(H, W)`` when ``grey``
    (the mean of the three channels), else ``(3, H, W)``, channels first as in PyTorch.
    ``step`` keeps every ``step``-th row and column, to make it smaller. The full
    photographs are 427x640. :func:`photo_hwc` gives the file's own ``(H, W, 3)`` uint8 values.
    """
    hwc = photo_hwc(name, step)  # (H, W, 3), uint8
    chw = hwc.transpose(2, 0, 1).astype(np.float64) / 255.0
    return chw.mean(axis=0) if grey else chw


def sample_photo_rgb(name: str = "china", step: int = 1) -> np.ndarray:
    """The colour photograph ``name`` (see :func:`sample_photo`) as ``(3, H, W)`` floats in
    ``[0, 1]``: channel 0 red, 1 green, 2 blue, channels first as in PyTorch. ``step`` keeps
    every ``step``-th row and column (``step=4`` gives 107x160)."""
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
        raise ValueError(f"step must be a whole number of at least 1 (1 keeps every pixel), got {step!r}.")
    return sample_photo(name, grey=False, step=int(step))


class Split(NamedTuple):
    """A seeded train/test split: images ``(N, 1, H, W)`` and integer labels ``(N,)``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _split(x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int) -> Split:
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}; 0.2 is usual.")
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = max(1, round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    return Split(x[train], y[train], x[test], y[test])


def load_digits(test_fraction: float = 0.2, seed: int = 0, dtype=np.float32) -> Split:
    """The 1,797 handwritten 8x8 digits (0-9) that ship with scikit-learn, split by ``seed``.

    Returns a :class:`Split` with ``x_train (N_train, 1, 8, 8)`` and ``x_test (N_test, 1, 8, 8)``
    in NCHW, values scaled to ``[0, 1]`` (the originals are 0-16), and labels ``(N,)`` int64.
    Nothing is downloaded.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    x = (digits.images[:, None] / 16.0).astype(dtype)  # (1797, 1, 8, 8)
    return _split(x, digits.target.astype(np.int64), test_fraction, seed)


def strokes_and_rings(n: int, size: int = 16, seed: int = 0, noise: float = 0.0, dtype=np.float32):
    """Synthetic grey images of straight strokes (label 1) and rings (label 0): "1 versus 0".

    Each stroke is a line segment of random angle, length, position and thickness; each ring
    a circle of random centre, radius and thickness, both drawn with soft edges in ``[0, 1]``.
    Returns ``x (n, 1, size, size)`` and ``y (n,)`` int64, half of each (in random order);
    ``noise`` adds Gaussian noise of that standard deviation. Any ``size`` from 8 up.
    """
    if size < 8 or n < 1:
        raise ValueError(f"need n >= 1 images of size >= 8 pixels; got n={n!r}, size={size!r}.")
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    x = np.empty((n, 1, size, size), dtype=dtype)
    for k, label in enumerate(y):
        width = rng.uniform(0.06, 0.12) * size
        if label == 1:
            angle, length = rng.uniform(0, np.pi), rng.uniform(0.5, 0.8) * size
            centre = size / 2 + rng.uniform(-0.15, 0.15, 2) * size
            direction = np.array([np.sin(angle), np.cos(angle)])
            a, b = centre - direction * length / 2, centre + direction * length / 2
            t = np.clip(((rows - a[0]) * (b[0] - a[0]) + (cols - a[1]) * (b[1] - a[1])) / length**2, 0, 1)
            distance = np.hypot(rows - a[0] - t * (b[0] - a[0]), cols - a[1] - t * (b[1] - a[1]))
        else:
            radius = rng.uniform(0.2, 0.35) * size
            centre = size / 2 + rng.uniform(-0.1, 0.1, 2) * size
            distance = np.abs(np.hypot(rows - centre[0], cols - centre[1]) - radius)
        x[k, 0] = np.clip(1.0 + width / 2 - distance, 0.0, 1.0)
    if noise:
        x += rng.normal(0.0, noise, x.shape).astype(dtype)
    return x, y


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, rng: int | np.random.Generator | None = None):
    """Yield ``(x_batch, y_batch)`` pairs that cover the data once in a shuffled order.

    ``rng`` (a seed or a ``numpy.random.Generator``) fixes the order; the last batch may be
    smaller. Shapes: ``x (N, ...)`` and ``y (N,)`` give ``(B, ...)`` and ``(B,)``.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same number of examples; got x {x.shape} and y {y.shape}.")
    order = np.random.default_rng(rng).permutation(len(x))
    for start in range(0, len(x), batch_size):
        chosen = order[start : start + batch_size]
        yield x[chosen], y[chosen]


def shift(x: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Move every image of ``x`` ``(..., H, W)`` down by ``rows`` and right by ``cols`` pixels
    (negative: up or left), filling the uncovered border with zeros; pixels pushed past the edge
    are lost (unlike ``np.roll``, nothing wraps around). Returns a new array of ``x``'s shape."""
    x = np.asarray(x)
    h, w = x.shape[-2:]
    if abs(rows) >= h or abs(cols) >= w:
        raise ValueError(f"shift by ({rows}, {cols}) would move {h}x{w} images entirely out of view; "
                         f"use shifts smaller than the image, |rows| < {h} and |cols| < {w}.")
    out = np.zeros_like(x)
    src_r, dst_r = slice(max(-rows, 0), h - max(rows, 0)), slice(max(rows, 0), h - max(-rows, 0))
    src_c, dst_c = slice(max(-cols, 0), w - max(cols, 0)), slice(max(cols, 0), w - max(-cols, 0))
    out[..., dst_r, dst_c] = x[..., src_r, src_c]
    return out


def validation_split(
    x: np.ndarray, y: np.ndarray, fraction: float = 0.2, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Set aside a seeded share of a *training* set to choose hyper-parameters with.

    ``x (N, ...)`` and ``y (N,)`` give ``((x_fit, y_fit), (x_val, y_val))``: about
    ``fraction * N`` examples for validation, the rest to train on. Split the training set,
    never the test set: the test set stays unseen until the choices are made.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same number of examples; got x {x.shape} and y {y.shape}.")
    if not 0 < fraction < 1:
        raise ValueError(f"fraction (the validation share) must be between 0 and 1, got {fraction!r}; 0.2 is usual.")
    parts = _split(x, y, fraction, seed)
    return (parts.x_train, parts.y_train), (parts.x_test, parts.y_test)


def random_shift(x: np.ndarray, max_shift: int, rng: int | np.random.Generator | None = None) -> np.ndarray:
    """Data augmentation: move each image of ``x`` ``(N, ..., H, W)`` by its own random whole
    number of pixels, rows and columns each drawn uniformly from ``-max_shift .. max_shift``,
    as :func:`shift` does (zeros fill the uncovered border). Returns a new array of ``x``'s shape."""
    x = np.asarray(x)
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"max_shift must be a whole number of pixels, 0 or more; got {max_shift!r}.")
    rng = np.random.default_rng(rng)
    rows, cols = rng.integers(-max_shift, max_shift + 1, size=(2, len(x)))
    out = np.empty_like(x)
    for r in range(-max_shift, max_shift + 1):
        for c in range(-max_shift, max_shift + 1):
            chosen = (rows == r) & (cols == c)
            out[chosen] = shift(x[chosen], r, c)
    return out
