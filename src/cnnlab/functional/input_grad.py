"""The input gradient of a strided, padded convolution, built step by step as chapter 9 teaches it.

``dx`` of ``conv2d(x, weight, stride=s, padding=p)`` is itself a stride-1 convolution of the
upstream gradient ``g``, once ``g`` is prepared:

1. :func:`spread` puts ``s - 1`` zeros between neighbouring cells of ``g`` (the window moved
   ``s`` cells between outputs, so the gradients land ``s`` cells apart);
2. pad it by ``FH - 1 - p`` rows on each side (``FW - 1 - p`` columns), plus ``extra`` rows at
   the bottom and columns at the right, ``extra = (H + 2p - FH) mod s``: the input cells after
   the last window, which no window read (``output_padding`` in ``conv_transpose2d``);
3. slide the kernel, turned by 180 degrees and with its two channel axes swapped, at stride 1.

:func:`conv2d_input_grad` does exactly these steps; ``conv2d_backward`` (im2col) computes the
same ``dx`` another way, and the tests hold the two equal.
"""

from __future__ import annotations

import numpy as np

from ..shapes import IntOrPair, check_hyper
from ._common import _numeric
from .conv import conv2d


def spread(grad: np.ndarray, stride: IntOrPair) -> np.ndarray:
    """Insert ``stride - 1`` zeros between neighbouring cells of the last two axes.

    ``grad (..., OH, OW)`` -> ``(..., (OH - 1)*sh + 1, (OW - 1)*sw + 1)``; cell ``(i, j)`` lands
    at ``(i*sh, j*sw)``. Stride 1 returns a copy.
    """
    grad = _numeric(grad, "grad")
    if grad.ndim < 2:
        raise ValueError(f"spread: grad needs at least two axes (..., OH, OW); got shape {grad.shape}.")
    _, (sh, sw), _ = check_hyper(1, stride, 0)
    oh, ow = grad.shape[-2:]
    out = np.zeros(grad.shape[:-2] + ((oh - 1) * sh + 1, (ow - 1) * sw + 1), dtype=grad.dtype)
    out[..., ::sh, ::sw] = grad
    return out


def conv2d_input_grad(grad_output: np.ndarray, weight: np.ndarray, x_hw: tuple[int, int],
                      stride: IntOrPair = 1, padding: IntOrPair = 0) -> np.ndarray:
    """``dx`` of ``conv2d(x, weight, stride=stride, padding=padding)`` as a stride-1 convolution.

    Shapes: ``grad_output (N, FN, OH, OW)``, ``weight (FN, C, FH, FW)``, ``x_hw = (H, W)``, the
    input's size (a strided convolution maps several sizes to one ``OH``, so it must be given);
    returns ``dx (N, C, H, W)``. Groups 1, dilation 1, integer padding of at most ``FH - 1``.
    """
    g, w = _numeric(grad_output, "grad_output"), _numeric(weight, "weight")
    if g.ndim != 4 or w.ndim != 4 or g.shape[1] != w.shape[0]:
        raise ValueError(f"conv2d_input_grad: grad_output must be (N, FN, OH, OW) and weight (FN, C, FH, FW) "
                         f"with the same FN; got {g.shape} and {w.shape}.")
    (fh, fw), (sh, sw), (ph, pw) = check_hyper(w.shape[2:], stride, padding)
    h, wd = x_hw
    want = ((h + 2 * ph - fh) // sh + 1, (wd + 2 * pw - fw) // sw + 1)
    if h + 2 * ph < fh or wd + 2 * pw < fw or g.shape[2:] != want:
        raise ValueError(f"conv2d_input_grad: a {fh}x{fw} kernel at stride {(sh, sw)}, padding {(ph, pw)} on a "
                         f"{h}x{wd} input gives a {want[0]}x{want[1]} output, so grad_output must be "
                         f"{want[0]}x{want[1]}; got {g.shape[2]}x{g.shape[3]}.")
    if ph > fh - 1 or pw > fw - 1:
        raise ValueError(f"conv2d_input_grad: padding {(ph, pw)} is larger than kernel size - 1 = {(fh - 1, fw - 1)}; "
                         "then FH - 1 - p is negative and the spread gradient would be cropped, not padded.")
    extra = ((h + 2 * ph - fh) % sh, (wd + 2 * pw - fw) % sw)
    pads = ((0, 0), (0, 0), (fh - 1 - ph, fh - 1 - ph + extra[0]), (fw - 1 - pw, fw - 1 - pw + extra[1]))
    ready = np.pad(spread(g, (sh, sw)), pads)
    return conv2d(ready, np.flip(w, axis=(2, 3)).transpose(1, 0, 2, 3))
