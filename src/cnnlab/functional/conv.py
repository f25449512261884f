"""2D convolution, forward and backward: the naive loops the book teaches with, and the
fast im2col version it trains with.

Shapes: ``x (N, C, H, W)``, ``weight (FN, C, FH, FW)``, output ``(N, FN, OH, OW)`` with
``OH = floor((H + 2*padding - FH) / stride) + 1`` (likewise ``OW``).
"""

from __future__ import annotations

import numpy as np

from ..shapes import IntOrPair, check_hyper, window_count
from ._common import _as_dtype, _check_grad_output, _numeric, _result_dtype, pad2d


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
    x, weight, bias = _as_dtype(_result_dtype(x, weight, bias), x, weight, bias)
    out, _ = _conv2d_cols(x, weight, bias, (sh, sw), pad, (oh, ow))
    return out[(0,) * drop]


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


# --- The fast convolution: im2col, one strided copy per kernel cell --------------------------
#
# For every kernel cell (p, q), the input pixels it multiplies form one strided slice of the
# padded input: xp[..., p + i*sh, q + j*sw] for all output cells (i, j). Copying those FH*FW
# slices (nine for a 3x3 kernel) builds the column matrix in a few large copies, not one per
# output cell; one matrix product with the filters then does all the multiply-adds on BLAS.
# The backward pass multiplies by the transposed matrices and adds the column gradients back
# through the same slices (col2im). benchmarks/README.md lists the designs measured against it.


def _kernel_cells(kernel: tuple[int, int], stride: tuple[int, int], out: tuple[int, int]):
    """Yield ``(p, q, window)`` for each kernel cell; ``xp[window]`` is ``(..., OH, OW)``.

    ``xp[window][..., i, j] == xp[..., p + i*sh, q + j*sw]``: the input value that kernel
    cell ``(p, q)`` meets at output cell ``(i, j)``.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    for p in range(kh):
        for q in range(kw):
            yield p, q, (..., slice(p, p + sh * (oh - 1) + 1, sh), slice(q, q + sw * (ow - 1) + 1, sw))


def _im2col(xp: np.ndarray, kernel, stride, out) -> np.ndarray:
    """``xp (N, C, Hp, Wp)`` -> columns ``(FH*FW*C, N*OH*OW)``.

    Row ``(p, q, c)`` holds ``xp[n, c, i*sh + p, j*sw + q]`` for every ``(n, i, j)``.
    """
    by_channel = xp.transpose(1, 0, 2, 3)  # (C, N, Hp, Wp), a view
    cols = np.empty(kernel + by_channel.shape[:2] + out, dtype=xp.dtype)
    for p, q, window in _kernel_cells(kernel, stride, out):
        cols[p, q] = by_channel[window]
    return cols.reshape(-1, cols[0, 0, 0].size)


def _col2im(dcols: np.ndarray, padded_shape, kernel, stride, out) -> np.ndarray:
    """The adjoint of :func:`_im2col`: add each column gradient back where it was read.

    ``dcols (FH*FW*C, N*OH*OW)`` -> ``dxp (N, C, Hp, Wp)`` (a transposed view).
    """
    n, c, hp, wp = padded_shape
    dcols = dcols.reshape(kernel + (c, n) + out)
    dxp = np.zeros((c, n, hp, wp), dtype=dcols.dtype)
    for p, q, window in _kernel_cells(kernel, stride, out):
        dxp[window] += dcols[p, q]
    return dxp.transpose(1, 0, 2, 3)


def _filters_as_rows(weight: np.ndarray) -> np.ndarray:
    """``weight (FN, C, FH, FW)`` -> ``(FN, FH*FW*C)``, ordered like the rows of the columns."""
    return weight.transpose(0, 2, 3, 1).reshape(weight.shape[0], -1)


def _conv2d_cols(x, weight, bias, stride, pad, out_size):
    """Fast convolution of a batch; returns ``(out (N, FN, OH, OW), cols)`` for the backward."""
    fn, _, fh, fw = weight.shape
    cols = _im2col(pad2d(x, pad), (fh, fw), stride, out_size)
    out = _filters_as_rows(weight) @ cols  # (FN, N*OH*OW)
    if bias is not None:
        out += bias[:, None]
    out = out.reshape((fn, x.shape[0]) + out_size).transpose(1, 0, 2, 3)
    return np.ascontiguousarray(out), cols


def _conv2d_backward_cols(grad_output, cols, x_shape, weight, stride, pad):
    """Gradients of a batch convolution from the columns its forward pass built.

    Returns ``dx (N, C, H, W)``, ``dweight (FN, C, FH, FW)``, ``dbias (FN,)``.
    """
    fn, c, fh, fw = weight.shape
    (ph, pw), (h, w) = pad, x_shape[2:]
    out_size = grad_output.shape[2:]
    grad = grad_output.transpose(1, 0, 2, 3).reshape(fn, -1)  # (FN, N*OH*OW)
    dweight = (grad @ cols.T).reshape(fn, fh, fw, c).transpose(0, 3, 1, 2)
    dcols = _filters_as_rows(weight).T @ grad  # (FH*FW*C, N*OH*OW)
    padded_shape = (x_shape[0], c, h + 2 * ph, w + 2 * pw)
    dxp = _col2im(dcols, padded_shape, (fh, fw), stride, out_size)
    dx = np.ascontiguousarray(dxp[:, :, ph : ph + h, pw : pw + w])
    return dx, np.ascontiguousarray(dweight), grad.sum(axis=1)


def _prepare_conv_backward(grad_output, x, weight, stride, padding, fname: str):
    """Check a convolution's backward call: as :func:`_prepare_conv`, plus ``grad_output``
    brought to ``(N, FN, OH, OW)``; the three arrays share one dtype."""
    x, weight, _, stride, pad, out_size, drop = _prepare_conv(x, weight, None, stride, padding, fname)
    want = (x.shape[0], weight.shape[0]) + out_size
    grad = _check_grad_output(grad_output, want[drop:], fname).reshape(want)
    x, weight, grad = _as_dtype(_result_dtype(x, weight, grad), x, weight, grad)
    return x, weight, grad, stride, pad, out_size, drop


def conv2d_backward(
    grad_output: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d` by matrix products: ``(dx, dweight, dbias)``.

    Shapes (the forms of :func:`conv2d`): ``grad_output`` ``(N, FN, OH, OW)`` is dL/d(output);
    returns ``dx`` shaped like ``x``, ``dweight`` like ``weight`` and ``dbias`` ``(FN,)``
    (a single number for one grey image):

    - ``dbias[f] = sum_{n,i,j} grad_output[n, f, i, j]``
    - ``dweight[f, c, p, q] = sum_{n,i,j} grad_output[n, f, i, j] * xpad[n, c, i*sh + p, j*sw + q]``
      (correlate the input with the upstream gradient)
    - ``dxpad[n, c, i*sh + p, j*sw + q] += grad_output[n, f, i, j] * weight[f, c, p, q]``
      (a full convolution of the gradient with the flipped kernel), then the padding is cut off.
    """
    x, weight, grad, stride, pad, out_size, drop = _prepare_conv_backward(
        grad_output, x, weight, stride, padding, "conv2d_backward"
    )
    cols = _im2col(pad2d(x, pad), weight.shape[2:], stride, out_size)
    dx, dweight, dbias = _conv2d_backward_cols(grad, cols, x.shape, weight, stride, pad)
    return dx[(0,) * drop], dweight[(0,) * drop], dbias[(0,) * min(drop, 1)]


def conv2d_backward_naive(
    grad_output: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same as :func:`conv2d_backward`, as loops over every output cell.

    Each output cell ``(n, f, i, j)`` was ``sum(window * weight[f]) + bias[f]``, so its
    gradient ``d`` flows to the window (``d * weight[f]``), the filter (``d * window``) and
    the bias (``d``). Slow: for teaching and testing.
    """
    x, weight, grad, (sh, sw), pad, _, drop = _prepare_conv_backward(
        grad_output, x, weight, stride, padding, "conv2d_backward_naive"
    )
    fh, fw = weight.shape[2:]
    xp = pad2d(x, pad)
    dxp = np.zeros(xp.shape, dtype=x.dtype)
    dweight = np.zeros(weight.shape, dtype=x.dtype)
    dbias = np.zeros(weight.shape[0], dtype=x.dtype)
    for n, f, i, j in np.ndindex(*grad.shape):
        d = grad[n, f, i, j]
        rows, cols = slice(i * sh, i * sh + fh), slice(j * sw, j * sw + fw)
        dxp[n, :, rows, cols] += d * weight[f]
        dweight[f] += d * xp[n, :, rows, cols]
        dbias[f] += d
    (ph, pw), (h, w) = pad, x.shape[2:]
    dx = dxp[:, :, ph : ph + h, pw : pw + w]
    return dx[(0,) * drop], dweight[(0,) * drop], dbias[(0,) * min(drop, 1)]
