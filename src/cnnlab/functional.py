"""Functions on arrays, named and shaped as in ``torch.nn.functional``.

Import it as ``from cnnlab import functional as F``. Shapes use the letters of
*Deep Learning from Scratch*: a batch ``x`` of shape ``(N, C, H, W)``, filters
``weight`` of shape ``(FN, C, FH, FW)``, and an output of shape ``(N, FN, OH, OW)``
with ``OH = floor((H + 2*padding - FH) / stride) + 1`` (likewise ``OW``).

Each operation comes twice: a ``*_naive`` version whose loops read like the formula
(the book teaches with it) and a fast version built on matrix products (the book
trains with it). The tests hold the two equal.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .shapes import IntOrPair, check_hyper, window_count


def _numeric(a, name: str) -> np.ndarray:
    """``a`` as an array of numbers (booleans become 0 and 1), or a clear TypeError."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers; numpy could not read it ({err}).") from None
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, but it has dtype {arr.dtype} "
            f"(shape {arr.shape}). Convert it first, e.g. np.asarray({name}, dtype=float)."
        )
    if 0 in arr.shape:
        raise ValueError(f"{name} is empty: it has shape {arr.shape}, with a dimension of size 0.")
    return arr


def pad2d(x: np.ndarray, padding: IntOrPair) -> np.ndarray:
    """Add ``padding`` rows of zeros above and below, and columns left and right.

    ``x``: ``(..., H, W)``; returns ``(..., H + 2*ph, W + 2*pw)`` of the same dtype.
    """
    ph, pw = check_hyper(1, 1, padding)[2]
    x = np.asarray(x)
    if ph == pw == 0:
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths)


def _prepare_conv(x, weight, bias, stride, padding, fname: str):
    """Check the arguments of a 2D convolution and bring them to batch form.

    Returns ``x (N, C, H, W)``, ``weight (FN, C, FH, FW)``, ``bias (FN,)`` or None, the
    stride and padding pairs, the output size ``(OH, OW)`` and the number of leading
    axes to drop from the result (0 for a batch, 1 for one image, 2 for a grey image).
    """
    x = _numeric(x, "x")
    weight = _numeric(weight, "weight")
    shapes = f"x shape {x.shape}, weight shape {weight.shape}"
    if x.ndim == 2:
        if weight.ndim != 2:
            raise ValueError(
                f"{fname}: x is a single grey image of shape {x.shape} (H, W), so weight must "
                f"be one kernel of shape (FH, FW); got weight of shape {weight.shape}. For "
                "filters of shape (FN, C, FH, FW), pass x as (N, C, H, W), e.g. x[None, None]."
            )
        drop = 2
        x, weight = x[None, None], weight[None, None]
    elif x.ndim in (3, 4):
        if weight.ndim != 4:
            raise ValueError(
                f"{fname}: weight must have shape (FN, C, FH, FW) = (out_channels, in_channels, "
                f"kernel height, kernel width); got {weight.ndim} dimensions, shape {weight.shape}. "
                "For a single filter of shape (C, FH, FW) use weight[None]."
            )
        drop = 1 if x.ndim == 3 else 0
        if x.ndim == 3:
            x = x[None]
    else:
        raise ValueError(
            f"{fname}: x must have shape (N, C, H, W) for a batch, (C, H, W) for one image, "
            f"or (H, W) for one grey image; got {x.ndim} dimensions, shape {x.shape}."
        )
    n, c, h, w = x.shape
    fn, fc, fh, fw = weight.shape
    if c != fc:
        raise ValueError(
            f"{fname}: x has {c} channels ({shapes}) but "
            f"weight expects {fc} (its dimension 1 counts input channels). "
            f"Each filter needs one kernel slice per input channel: use weight of shape "
            f"({fn}, {c}, {fh}, {fw}), or give x {fc} channels."
        )
    (sh, sw), (ph, pw) = check_hyper(1, stride, padding)[1:]
    try:
        oh = window_count(h, fh, sh, ph, "height")
        ow = window_count(w, fw, sw, pw, "width")
    except ValueError as err:
        raise ValueError(f"{fname} ({shapes}, stride {stride!r}, padding {padding!r}): {err}") from None
    if bias is not None:
        bias = _numeric(bias, "bias")
        want = () if drop == 2 else (fn,)
        if bias.shape not in (want, (fn,)):
            raise ValueError(
                f"{fname}: bias must hold one number per filter, shape ({fn},) for {fn} "
                f"filter(s); got shape {bias.shape}."
            )
        bias = bias.reshape(fn)
    return x, weight, bias, (sh, sw), (ph, pw), (oh, ow), drop


def _result_dtype(*arrays) -> np.dtype:
    return np.result_type(*[a for a in arrays if a is not None])


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """2D cross-correlation, the "convolution" of deep learning (as ``torch.nn.functional.conv2d``).

    ``out[n, f, i, j] = bias[f] + sum_{c,p,q} weight[f, c, p, q] * xpad[n, c, i*sh + p, j*sw + q]``

    Shapes:
        x:      ``(N, C, H, W)``, or ``(C, H, W)`` for one image, or ``(H, W)`` for one grey image
        weight: ``(FN, C, FH, FW)``, or ``(FH, FW)`` when ``x`` is ``(H, W)``
        bias:   ``(FN,)`` or None (a single number when ``x`` is ``(H, W)``)
        returns ``(N, FN, OH, OW)``, ``(FN, OH, OW)`` or ``(OH, OW)`` to match ``x``, with
        ``OH = floor((H + 2*ph - FH) / sh) + 1`` and ``OW = floor((W + 2*pw - FW) / sw) + 1``.

    ``stride`` and ``padding`` take an int or an ``(h, w)`` pair; padding adds zeros.
    Floating-point inputs keep their dtype (float32 stays float32).
    """
    x, weight, bias, (sh, sw), pad, (oh, ow), drop = _prepare_conv(
        x, weight, bias, stride, padding, "conv2d"
    )
    fn, c, fh, fw = weight.shape
    dtype = _result_dtype(x, weight, bias)
    xp = pad2d(x.astype(dtype, copy=False), pad)
    # windows[n, c, i, j, p, q] = xp[n, c, i*sh + p, j*sw + q]: a view, nothing is copied yet.
    windows = sliding_window_view(xp, (fh, fw), axis=(2, 3))[:, :, : oh * sh : sh, : ow * sw : sw]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(-1, c * fh * fw)  # (N*OH*OW, C*FH*FW)
    out = cols @ weight.astype(dtype, copy=False).reshape(fn, -1).T  # (N*OH*OW, FN)
    if bias is not None:
        out += bias.astype(dtype, copy=False)
    out = out.reshape(x.shape[0], oh, ow, fn).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(out[(0,) * drop])


def conv2d_naive(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """The same as :func:`conv2d`, written as loops that read like the formula.

    For every image ``n``, filter ``f`` and output cell ``(i, j)``: cut out the window
    of the padded input under the kernel, multiply it element-wise by the filter, sum,
    and add the bias. Shapes as in :func:`conv2d`. Slow: for teaching and testing.
    """
    x, weight, bias, (sh, sw), pad, (oh, ow), drop = _prepare_conv(
        x, weight, bias, stride, padding, "conv2d_naive"
    )
    n_images, fn = x.shape[0], weight.shape[0]
    fh, fw = weight.shape[2:]
    xp = pad2d(x, pad)
    out = np.zeros((n_images, fn, oh, ow), dtype=_result_dtype(x, weight, bias))
    for n in range(n_images):
        for f in range(fn):
            for i in range(oh):
                for j in range(ow):
                    window = xp[n, :, i * sh : i * sh + fh, j * sw : j * sw + fw]
                    out[n, f, i, j] = np.sum(window * weight[f])
                    if bias is not None:
                        out[n, f, i, j] += bias[f]
    return out[(0,) * drop]
