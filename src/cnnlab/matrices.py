"""Convolution written as matrices: a valid, stride-1 cross-correlation of one grey image is
a matrix product in two ways, and this module builds both matrices.

- :func:`conv_matrix_1d` and :func:`conv_matrix`: the *kernel* as a matrix. Every row holds
  the kernel's weights at the places of the inputs one output reads, zeros elsewhere, so
  ``conv_matrix(k, x.shape) @ x.ravel()`` is the feature map, flattened row by row. In 1D the
  matrix is banded (a Toeplitz matrix); in 2D it is banded in blocks, and every block is
  itself banded (doubly block Toeplitz).
- :func:`patch_matrix`: the *image* as a matrix (im2col for one image): one row per output
  position, holding the patch there, so ``patch_matrix(x, k.shape) @ k.ravel()`` is again the
  feature map. Knowing ``x`` and the map, the kernel solves a least-squares problem.

And :func:`locally_connected2d`, the layer that slides a window like a convolution but
gives every output position weights of its own (no parameter sharing).

The matrices are built with plain loops from the formula
``y[i, j] = sum_{p,q} k[p, q] * x[i + p, j + q]``, for teaching; they are far too large for
real images (``conv_matrix`` of a 427x640 photo would hold 7.4e10 numbers).
"""

from __future__ import annotations

import numpy as np

from .shapes import conv_output_size


def _grey(a, name: str, what: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(
            f"{name} must be {what}, a 2D array (height, width); got shape {arr.shape}. "
            "These matrices are for one grey image and one kernel: no batch or channel axes."
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; it has dtype {arr.dtype}.")
    return arr


def _fits(image_shape: tuple[int, int], kernel_shape: tuple[int, int]) -> tuple[int, int]:
    """The output size ``(OH, OW)``, or a ValueError when the kernel is larger than the image."""
    (h, w), (fh, fw) = image_shape, kernel_shape
    if fh > h or fw > w:
        raise ValueError(
            f"a {fh}x{fw} kernel does not fit in a {h}x{w} image: a valid convolution needs the "
            f"kernel to be at most as large as the image on each side. Pad the image first "
            f"(F.pad2d) or use a smaller kernel."
        )
    return conv_output_size(h, fh), conv_output_size(w, fw)


def conv_matrix_1d(kernel, n: int) -> np.ndarray:
    """The banded matrix of a valid 1D cross-correlation with ``kernel`` of length ``F``.

    Returns ``(n - F + 1, n)``: row ``i`` holds the kernel in columns ``i`` to ``i + F - 1``,
    so ``conv_matrix_1d(v, len(x)) @ x`` gives ``y[i] = sum_j v[j] * x[i + j]``.
    """
    v = np.asarray(kernel)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"kernel must be a 1D array of weights; got shape {v.shape}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < v.size:
        raise ValueError(
            f"n = {n!r} inputs: it must be a whole number at least as large as the kernel "
            f"({v.size} weights), or the kernel fits nowhere."
        )
    m = np.zeros((n - v.size + 1, n), dtype=v.dtype)
    for i in range(m.shape[0]):
        m[i, i:i + v.size] = v
    return m


def conv_matrix(kernel, image_shape: tuple[int, int]) -> np.ndarray:
    """The matrix of a valid 2D cross-correlation with ``kernel`` ``(FH, FW)`` on images of
    ``image_shape`` ``(H, W)``.

    Returns ``(OH*OW, H*W)`` with ``OH = H - FH + 1`` and ``OW = W - FW + 1``: the row of output
    ``(i, j)`` is ``i*OW + j`` and the column of pixel ``(r, c)`` is ``r*W + c`` (row by row,
    as ``ravel`` flattens), so ``(conv_matrix(k, x.shape) @ x.ravel()).reshape(OH, OW)`` is the
    feature map. Each row holds the ``FH*FW`` weights; all other entries are 0.
    """
    k = _grey(kernel, "kernel", "the kernel")
    h, w = (int(s) for s in image_shape)
    oh, ow = _fits((h, w), k.shape)
    m = np.zeros((oh * ow, h * w), dtype=k.dtype)
    for i in range(oh):
        for j in range(ow):
            for p in range(k.shape[0]):
                for q in range(k.shape[1]):
                    m[i * ow + j, (i + p) * w + (j + q)] = k[p, q]
    return m


def patch_matrix(image, kernel_shape: tuple[int, int]) -> np.ndarray:
    """The patches of ``image`` ``(H, W)`` under a kernel of ``kernel_shape`` ``(FH, FW)``,
    one per row (im2col for a single grey image).

    Returns ``(OH*OW, FH*FW)``: row ``i*OW + j`` is ``image[i:i+FH, j:j+FW]`` flattened, so
    ``patch_matrix(x, k.shape) @ k.ravel()`` is the feature map, flattened row by row.
    """
    x = _grey(image, "image", "one grey image")
    fh, fw = (int(s) for s in kernel_shape)
    oh, ow = _fits(x.shape, (fh, fw))
    rows = np.empty((oh * ow, fh * fw), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            rows[i * ow + j] = x[i:i + fh, j:j + fw].ravel()
    return rows


def locally_connected2d(image, weights) -> np.ndarray:
    """A valid, stride-1 locally connected layer: a window slides as in a convolution, but
    every output position has its own kernel.

    Shapes: ``image`` ``(H, W)``; ``weights`` ``(OH, OW, FH, FW)``, one ``(FH, FW)`` kernel per
    output, with ``OH = H - FH + 1`` and ``OW = W - FW + 1``; returns ``(OH, OW)`` with
    ``out[i, j] = sum_{p,q} weights[i, j, p, q] * image[i + p, j + q]``. With the same kernel
    at every position it is ``conv2d``; it has ``OH*OW*FH*FW`` weights instead of ``FH*FW``.
    """
    x = _grey(image, "image", "one grey image")
    wt = np.asarray(weights)
    if wt.ndim != 4:
        raise ValueError(
            f"weights must be (OH, OW, FH, FW), one kernel per output position; got shape {wt.shape}."
        )
    oh, ow = _fits(x.shape, wt.shape[2:])
    if wt.shape[:2] != (oh, ow):
        raise ValueError(
            f"a {wt.shape[2]}x{wt.shape[3]} kernel on a {x.shape[0]}x{x.shape[1]} image has "
            f"{oh}x{ow} output positions, so weights needs shape ({oh}, {ow}, {wt.shape[2]}, "
            f"{wt.shape[3]}); it has {wt.shape}."
        )
    fh, fw = wt.shape[2:]
    out = np.empty((oh, ow), dtype=np.result_type(x, wt))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(wt[i, j] * x[i:i + fh, j:j + fw])
    return out
