"""Classic hand-made kernels, each a fresh ``(FH, FW)`` float array."""

from __future__ import annotations

import numpy as np

from .data import worked_kernel


def classic_kernels() -> dict[str, np.ndarray]:
    """Named kernels: what each one does is in its name.

    - ``identity``: copies the centre pixel; the output equals the input.
    - ``edge``: the negative of the discrete Laplacian (4 at the centre, -1 at its four
      neighbours); zero on flat regions, large where brightness changes.
    - ``sobel x`` / ``sobel y``: brightness change from left to right / top to bottom.
    - ``box blur``: the mean of the 3x3 neighbourhood.
    - ``sharpen``: the identity plus the edge kernel, so it computes ``x - laplacian(x)``.
    - ``worked example``: the syllabus's 3x3 kernel.
    """
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    edge = np.array([[0.0, -1, 0], [-1, 4, -1], [0, -1, 0]])
    sobel_x = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    return {
        "identity": identity,
        "edge": edge,
        "sobel x": sobel_x,
        "sobel y": sobel_x.T.copy(),
        "box blur": np.full((3, 3), 1 / 9),
        "sharpen": identity + edge,
        "worked example": worked_kernel().astype(float),
    }
