"""Small arrays and images that the book computes with. Nothing is downloaded.

The worked examples are the verified ones of the syllabus; the photograph ships
inside scikit-learn.
"""

from __future__ import annotations

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


def sample_photo(name: str = "china", grey: bool = True, step: int = 1) -> np.ndarray:
    """A real photograph that ships with scikit-learn, as floats in ``[0, 1]``.

    ``name`` is ``"china"`` (a temple) or ``"flower"``. Returns ``(H, W)`` when ``grey``
    (the mean of the three channels), else ``(3, H, W)``, channels first as in PyTorch.
    ``step`` keeps every ``step``-th row and column, to make it smaller. The full
    photographs are 427x640.
    """
    from sklearn.datasets import load_sample_image

    if name not in ("china", "flower"):
        raise ValueError(f'name must be "china" or "flower", got {name!r}.')
    hwc = load_sample_image(f"{name}.jpg")[::step, ::step]  # (H, W, 3), uint8
    chw = hwc.transpose(2, 0, 1).astype(np.float64) / 255.0
    return chw.mean(axis=0) if grey else chw
