"""Functions on arrays, named and shaped as in ``torch.nn.functional``.

Import it as ``from cnnlab import functional as F``. Shapes use the letters of
*Deep Learning from Scratch*: a batch ``x`` of shape ``(N, C, H, W)``, filters
``weight`` of shape ``(FN, C, FH, FW)``, and an output of shape ``(N, FN, OH, OW)``
with ``OH = floor((H + 2*padding - FH) / stride) + 1`` (likewise ``OW``).

Convolution and pooling, forward and backward, come twice: a ``*_naive`` version whose
loops read like the formula (the book teaches with it) and a fast version built on
matrix products and strided views (the book trains with it). The tests hold the two
equal. ReLU, ``linear`` and the loss functions are one-liners of numpy and come once.
"""

from __future__ import annotations

import numpy as np

from .shapes import IntOrPair, check_hyper, pool_output_size, window_count


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


def _as_dtype(dtype, *arrays):
    """The arrays converted to ``dtype`` (None stays None); no copy when already there."""
    return tuple(None if a is None else a.astype(dtype, copy=False) for a in arrays)


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


def _check_grad_output(grad_output, want: tuple, fname: str) -> np.ndarray:
    """``grad_output`` as an array of shape ``want`` (the forward output's), or a clear error."""
    grad_output = _numeric(grad_output, "grad_output")
    if grad_output.shape != tuple(want):
        raise ValueError(
            f"{fname}: grad_output must have the shape of the forward output, {tuple(want)}; "
            f"got {grad_output.shape}. It holds dL/d(output), one number per output value."
        )
    return grad_output


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


# --- Pooling ---------------------------------------------------------------------------------
#
# Pooling acts on each (H, W) plane by itself, so x may have any leading axes: (N, C, H, W),
# (C, H, W) or (H, W). Like PyTorch, the stride defaults to the kernel size (windows that
# tile the input) and rows or columns left over at the bottom or right are dropped.


def _prepare_pool(x, kernel_size, stride, fname: str):
    """Check a pooling call; returns ``x``, the kernel and stride pairs and ``(OH, OW)``."""
    x = _numeric(x, "x")
    if x.ndim < 2:
        raise ValueError(
            f"{fname}: x must end with (H, W), e.g. (N, C, H, W); got {x.ndim} dimension(s), "
            f"shape {x.shape}."
        )
    kernel, stride, _ = check_hyper(kernel_size, kernel_size if stride is None else stride, 0)
    try:
        out = pool_output_size(x.shape[-2:], kernel, stride)
    except ValueError as err:
        raise ValueError(f"{fname} (x shape {x.shape}, kernel_size {kernel_size!r}): {err}") from None
    return x, kernel, stride, out


def _max_pool2d_argmax(x, kernel, stride, out):
    """Fast max pooling; returns ``(out, argmax)``, where ``argmax`` is the kernel cell
    ``p*kw + q`` of each window's maximum (the first one, on ties), shaped like ``out``."""
    best = argmax = None
    for p, q, window in _kernel_cells(kernel, stride, out):
        if best is None:
            best, argmax = x[window].copy(), np.zeros(x[window].shape, dtype=np.intp)
            continue
        larger = x[window] > best
        best[larger] = x[window][larger]
        argmax[larger] = p * kernel[1] + q
    return best, argmax


def _max_pool2d_backward_argmax(grad_output, argmax, x_shape, kernel, stride):
    """Route each window's gradient to its maximum: ``dx`` of shape ``x_shape``."""
    dx = np.zeros(x_shape, dtype=grad_output.dtype)
    for p, q, window in _kernel_cells(kernel, stride, grad_output.shape[-2:]):
        dx[window] += np.where(argmax == p * kernel[1] + q, grad_output, 0)
    return dx


def max_pool2d(x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None) -> np.ndarray:
    """Max pooling (as ``torch.nn.functional.max_pool2d``, without padding).

    ``out[..., i, j] = max_{p,q} x[..., i*sh + p, j*sw + q]`` over a ``kh x kw`` window.

    Shapes: ``x`` ``(..., H, W)``, e.g. ``(N, C, H, W)``; returns ``(..., OH, OW)`` with
    ``OH = floor((H - kh) / sh) + 1`` (likewise ``OW``). ``stride`` defaults to
    ``kernel_size``. The dtype of ``x`` is kept.
    """
    x, kernel, stride, out = _prepare_pool(x, kernel_size, stride, "max_pool2d")
    return _max_pool2d_argmax(x, kernel, stride, out)[0]


def max_pool2d_backward(
    grad_output: np.ndarray, x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """Gradient of :func:`max_pool2d`: each window's gradient goes to its maximum.

    Shapes: ``grad_output`` ``(..., OH, OW)``, ``x`` ``(..., H, W)``; returns ``dx`` shaped like
    ``x``. On overlapping windows a cell that is the maximum of several collects the sum.
    """
    x, kernel, stride, out = _prepare_pool(x, kernel_size, stride, "max_pool2d_backward")
    grad = _check_grad_output(grad_output, x.shape[:-2] + out, "max_pool2d_backward")
    argmax = _max_pool2d_argmax(x, kernel, stride, out)[1]
    return _max_pool2d_backward_argmax(grad, argmax, x.shape, kernel, stride)


def avg_pool2d(x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None) -> np.ndarray:
    """Average pooling (as ``torch.nn.functional.avg_pool2d``, without padding).

    ``out[..., i, j] = mean_{p,q} x[..., i*sh + p, j*sw + q]`` over a ``kh x kw`` window.
    Shapes as in :func:`max_pool2d`. Integer input gives a float output.
    """
    x, kernel, stride, out = _prepare_pool(x, kernel_size, stride, "avg_pool2d")
    total = np.zeros(x.shape[:-2] + out, dtype=np.result_type(x.dtype, np.float32))
    for _, _, window in _kernel_cells(kernel, stride, out):
        total += x[window]
    return total / (kernel[0] * kernel[1])


def avg_pool2d_backward(
    grad_output: np.ndarray, x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """Gradient of :func:`avg_pool2d`: each window's gradient is spread evenly over it.

    Shapes: ``grad_output`` ``(..., OH, OW)``, ``x`` ``(..., H, W)``; returns ``dx`` shaped like ``x``.
    """
    x, kernel, stride, out = _prepare_pool(x, kernel_size, stride, "avg_pool2d_backward")
    grad = _check_grad_output(grad_output, x.shape[:-2] + out, "avg_pool2d_backward")
    return _avg_pool2d_spread(grad, x.shape, kernel, stride)


def _avg_pool2d_spread(grad_output, x_shape, kernel, stride):
    """Spread each window's gradient evenly over the window: ``dx`` of shape ``x_shape``."""
    share = grad_output / (kernel[0] * kernel[1])
    dx = np.zeros(x_shape, dtype=share.dtype)
    for _, _, window in _kernel_cells(kernel, stride, grad_output.shape[-2:]):
        dx[window] += share
    return dx


def _pool_naive(x, kernel_size, stride, fname, reduce):
    x, (kh, kw), (sh, sw), out = _prepare_pool(x, kernel_size, stride, fname)
    result = np.zeros(x.shape[:-2] + out, dtype=np.result_type(x.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j in np.ndindex(*out):
            result[lead + (i, j)] = reduce(x[lead][i * sh : i * sh + kh, j * sw : j * sw + kw])
    return result.astype(x.dtype) if reduce is np.max else result


def max_pool2d_naive(
    x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """:func:`max_pool2d` as loops: the largest value of every window. Slow: for teaching."""
    return _pool_naive(x, kernel_size, stride, "max_pool2d_naive", np.max)


def avg_pool2d_naive(
    x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """:func:`avg_pool2d` as loops: the mean of every window. Slow: for teaching."""
    return _pool_naive(x, kernel_size, stride, "avg_pool2d_naive", np.mean)


def _pool_backward_naive(grad_output, x, kernel_size, stride, fname, route):
    x, (kh, kw), (sh, sw), out = _prepare_pool(x, kernel_size, stride, fname)
    grad = _check_grad_output(grad_output, x.shape[:-2] + out, fname)
    dx = np.zeros(x.shape, dtype=np.result_type(grad.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j in np.ndindex(*out):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            dx[lead][rows, cols] += route(x[lead][rows, cols], grad[lead + (i, j)])
    return dx


def _to_max(window: np.ndarray, d) -> np.ndarray:
    """``d`` at the (first) maximum of ``window``, zero elsewhere."""
    share = np.zeros(window.shape, dtype=np.result_type(d, np.float32))
    share[np.unravel_index(np.argmax(window), window.shape)] = d
    return share


def _to_all(window: np.ndarray, d) -> np.ndarray:
    """``d`` shared evenly by every cell of ``window``."""
    return np.full(window.shape, d / window.size)


def max_pool2d_backward_naive(
    grad_output: np.ndarray, x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """:func:`max_pool2d_backward` as loops: put each window's gradient on its maximum."""
    return _pool_backward_naive(grad_output, x, kernel_size, stride, "max_pool2d_backward_naive", _to_max)


def avg_pool2d_backward_naive(
    grad_output: np.ndarray, x: np.ndarray, kernel_size: IntOrPair, stride: IntOrPair | None = None
) -> np.ndarray:
    """:func:`avg_pool2d_backward` as loops: spread each window's gradient evenly."""
    return _pool_backward_naive(grad_output, x, kernel_size, stride, "avg_pool2d_backward_naive", _to_all)


# --- Activations, fully connected layers and the loss ----------------------------------------


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)`` element-wise; any shape, dtype kept."""
    x = _numeric(x, "x")
    return np.maximum(x, 0)


def relu_backward(grad_output: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of :func:`relu`: ``grad_output`` where ``x > 0``, else 0. Shapes equal ``x``'s."""
    x = _numeric(x, "x")
    grad = _check_grad_output(grad_output, x.shape, "relu_backward")
    return np.where(x > 0, grad, 0).astype(grad.dtype, copy=False)


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """A fully connected layer, ``x @ weight.T + bias`` (as ``torch.nn.functional.linear``).

    Shapes: ``x`` ``(N, in_features)``, ``weight`` ``(out_features, in_features)``,
    ``bias`` ``(out_features,)`` or None; returns ``(N, out_features)``.
    """
    x, weight = _numeric(x, "x"), _numeric(weight, "weight")
    if x.ndim != 2 or weight.ndim != 2:
        raise ValueError(
            f"linear: x must be (N, in_features) and weight (out_features, in_features); got x "
            f"shape {x.shape} and weight shape {weight.shape}. Flatten images first: "
            "x.reshape(len(x), -1)."
        )
    if x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"linear: x has {x.shape[1]} features (shape {x.shape}) but weight expects "
            f"{weight.shape[1]} (shape {weight.shape}, (out_features, in_features)). Use a "
            f"weight of shape ({weight.shape[0]}, {x.shape[1]}), or give x {weight.shape[1]} features."
        )
    out = x @ weight.T
    if bias is not None:
        bias = _numeric(bias, "bias")
        if bias.shape != (weight.shape[0],):
            raise ValueError(
                f"linear: bias must have shape ({weight.shape[0]},), one number per output "
                f"feature; got {bias.shape}."
            )
        out = out + bias
    return out


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``log(softmax(logits))`` along the last axis, computed stably.

    Subtracting each row's maximum first keeps ``exp`` from overflowing:
    ``log_softmax(z) = (z - max z) - log(sum(exp(z - max z)))``. Shapes: ``(..., K)`` in and out.
    """
    z = logits - np.max(logits, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities along the last axis: ``exp(z_k) / sum_j exp(z_j)``, computed stably."""
    return np.exp(log_softmax(_numeric(logits, "logits")))


def _check_logits_target(logits, target, fname: str):
    """Validate a classification loss's inputs: logits ``(N, K)``, finite; labels in ``[0, K)``."""
    logits = _numeric(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(
            f"{fname}: logits must have shape (N, K), one row of K class scores per example; got "
            f"shape {logits.shape}. For a single example use logits[None]."
        )
    if not np.all(np.isfinite(logits)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(logits))[0])
        raise ValueError(
            f"{fname}: logits contain NaN or infinite values (first at index {bad}, "
            f"value {logits[bad]}), shape {logits.shape}. The model diverged or its input "
            "was not finite: lower the learning rate, and check the input with np.isfinite."
        )
    target = np.asarray(target)
    n, k = logits.shape
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(
            f"{fname}: target must hold one integer class label per example, shape ({n},) for "
            f"logits of shape {logits.shape}; got shape {target.shape}, dtype {target.dtype}. "
            "Labels are class indices, not one-hot rows: use onehot.argmax(axis=1)."
        )
    if target.min() < 0 or target.max() >= k:
        raise ValueError(
            f"{fname}: labels must lie in [0, {k - 1}] for {k} classes (logits shape "
            f"{logits.shape}); got labels from {target.min()} to {target.max()}. Give the model "
            "one output per class."
        )
    return logits, target


def cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Softmax then negative log-likelihood, averaged over the batch (as ``F.cross_entropy``).

    ``loss = -(1/N) * sum_n log softmax(logits[n])[target[n]]``.
    Shapes: ``logits`` ``(N, K)`` raw class scores, ``target`` ``(N,)`` integer labels in
    ``[0, K)``; returns a Python float.
    """
    logits, target = _check_logits_target(logits, target, "cross_entropy")
    return float(-np.mean(log_softmax(logits)[np.arange(len(target)), target]))


def cross_entropy_backward(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits: ``(softmax - onehot) / N``.

    Shapes: ``logits`` ``(N, K)``, ``target`` ``(N,)``; returns ``(N, K)``.
    """
    logits, target = _check_logits_target(logits, target, "cross_entropy_backward")
    grad = softmax(logits)
    grad[np.arange(len(target)), target] -= 1
    return grad / len(target)
