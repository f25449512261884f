"""Max, average and adaptive average pooling, forward and backward, naive and fast."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..shapes import IntOrPair, check_count, check_pool_hyper, pool_output_size
from ._common import _check_grad_output, _numeric
from .conv import _kernel_cells

OutputSize = int | tuple[int | None, int | None]

# --- Pooling ---------------------------------------------------------------------------------
#
# Pooling acts on each (H, W) plane by itself, so x may have any leading axes: (N, C, H, W),
# (C, H, W) or (H, W). Like PyTorch, the stride defaults to the kernel size (windows that
# tile the input), ``padding`` adds cells on every side that max pooling never picks (they
# hold -inf) and average pooling counts as zeros, and rows or columns left over at the bottom
# or right are dropped, unless ``ceil_mode=True`` gives them one last, partial window.


class _Windows(NamedTuple):
    """Where the windows of a pooling call lie: ``kernel``, ``stride`` and ``padding`` as
    ``(h, w)`` pairs, and the output size ``out = (OH, OW)``."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    out: tuple[int, int]


def _pool_windows(
    hw: tuple[int, int], kernel_size: IntOrPair, stride: IntOrPair | None, padding: IntOrPair, ceil_mode: bool
) -> _Windows:
    """Check pooling hyper-parameters for an input of size ``hw = (H, W)``; the windows."""
    kernel, stride, padding = check_pool_hyper(kernel_size, stride, padding)
    return _Windows(kernel, stride, padding, pool_output_size(hw, kernel, stride, padding, ceil_mode=ceil_mode))


def _prepare_pool(x, kernel_size, stride, padding, ceil_mode, fname: str):
    """Check a pooling call; returns ``x`` as an array and its :class:`_Windows`."""
    x = _plane_stack(x, fname)
    try:
        windows = _pool_windows(x.shape[-2:], kernel_size, stride, padding, ceil_mode)
    except ValueError as err:
        raise ValueError(
            f"{fname} (x shape {x.shape}, kernel_size {kernel_size!r}, stride {stride!r}, "
            f"padding {padding!r}, ceil_mode={ceil_mode}): {err}"
        ) from None
    return x, windows


def _plane_stack(x, fname: str) -> np.ndarray:
    """``x`` as an array that ends with ``(H, W)``, or a clear error."""
    x = _numeric(x, "x")
    if x.ndim < 2:
        raise ValueError(
            f"{fname}: x must end with (H, W), e.g. (N, C, H, W); got {x.ndim} dimension(s), "
            f"shape {x.shape}."
        )
    return x


def _pad_widths(hw, w: _Windows) -> list[tuple[int, int]]:
    """``(before, after)`` for each of H and W: ``padding`` before, and after as much as the
    last window reaches (at least ``padding``; a ``ceil_mode`` window may reach further)."""
    return [(p, max(p, (o - 1) * s + k - n - p)) for n, k, s, p, o in zip(hw, *w)]


def _pad(x: np.ndarray, w: _Windows, fill) -> np.ndarray:
    """``x (..., H, W)`` padded with ``fill`` so that every window of ``w`` lies inside it."""
    widths = _pad_widths(x.shape[-2:], w)
    if not any(before or after for before, after in widths):
        return x
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + widths, constant_values=fill)


def _padded_zeros(x_shape, w: _Windows, dtype) -> np.ndarray:
    """Zeros shaped like ``_pad(x, w, ...)`` for ``x`` of ``x_shape``: where gradients collect."""
    padded = tuple(n + before + after for n, (before, after) in zip(x_shape[-2:], _pad_widths(x_shape[-2:], w)))
    return np.zeros(tuple(x_shape[:-2]) + padded, dtype=dtype)


def _unpad(dxp: np.ndarray, hw, w: _Windows) -> np.ndarray:
    """The inverse of :func:`_pad` for gradients: the ``(..., H, W)`` part of ``dxp``."""
    (ph, pw), (h, wd) = w.padding, hw
    return dxp[..., ph : ph + h, pw : pw + wd]


def _lowest(dtype: np.dtype):
    """The value padding holds in max pooling: -inf, or the smallest integer of ``dtype``."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool2d_argmax(x, w: _Windows):
    """Fast max pooling; returns ``(out, argmax)``, where ``argmax`` is the kernel cell
    ``p*kw + q`` of each window's maximum (the first one, on ties), shaped like ``out``."""
    xp = _pad(x, w, _lowest(x.dtype))
    best = argmax = None
    for p, q, window in _kernel_cells(w.kernel, w.stride, w.out):
        if best is None:
            best, argmax = xp[window].copy(), np.zeros(xp[window].shape, dtype=np.intp)
            continue
        larger = xp[window] > best
        best[larger] = xp[window][larger]
        argmax[larger] = p * w.kernel[1] + q
    return best, argmax


def _max_pool2d_backward_argmax(grad_output, argmax, x_shape, w: _Windows):
    """Route each window's gradient to its maximum: ``dx`` of shape ``x_shape``."""
    dxp = _padded_zeros(x_shape, w, grad_output.dtype)
    for p, q, window in _kernel_cells(w.kernel, w.stride, w.out):
        dxp[window] += np.where(argmax == p * w.kernel[1] + q, grad_output, 0)
    return _unpad(dxp, x_shape[-2:], w)


def max_pool2d(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
) -> np.ndarray:
    """Max pooling, as ``torch.nn.functional.max_pool2d``.

    ``out[..., i, j] = max_{p,q} x[..., i*sh - ph + p, j*sw - pw + q]`` over a ``kh x kw``
    window; cells outside ``x`` (the padding) never win.

    Shapes: ``x`` ``(..., H, W)``, e.g. ``(N, C, H, W)``; returns ``(..., OH, OW)`` with
    ``OH = floor((H + 2*ph - kh) / sh) + 1`` (likewise ``OW``; ``ceil`` with ``ceil_mode=True``,
    see :func:`cnnlab.shapes.ceil_window_count`). ``stride`` defaults to ``kernel_size``;
    ``padding`` is at most ``kernel_size // 2``. The dtype of ``x`` is kept.
    """
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "max_pool2d")
    return _max_pool2d_argmax(x, w)[0]


def max_pool2d_backward(
    grad_output: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
) -> np.ndarray:
    """Gradient of :func:`max_pool2d`: each window's gradient goes to its maximum.

    Shapes: ``grad_output`` ``(..., OH, OW)``, ``x`` ``(..., H, W)``; returns ``dx`` shaped like
    ``x``. On overlapping windows a cell that is the maximum of several collects the sum.
    """
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "max_pool2d_backward")
    grad = _check_grad_output(grad_output, x.shape[:-2] + w.out, "max_pool2d_backward")
    argmax = _max_pool2d_argmax(x, w)[1]
    return _max_pool2d_backward_argmax(grad, argmax, x.shape, w)


def _avg_divisors(hw, w: _Windows, count_include_pad: bool) -> np.ndarray:
    """``(OH, OW)``: how many cells each window averages, as PyTorch counts them.

    With ``count_include_pad`` a window counts its cells inside the padded input, padding
    included; without, only its cells inside ``x``. (A ``ceil_mode`` window that reaches past
    the padding never counts the cells beyond it.)
    """
    counts = []
    for n, k, s, p, o in zip(hw, *w):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return np.outer(*counts)


def avg_pool2d(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Average pooling, as ``torch.nn.functional.avg_pool2d``.

    ``out[..., i, j] = sum_{p,q} x[..., i*sh - ph + p, j*sw - pw + q] / count[i, j]`` over a
    ``kh x kw`` window, padding counted as zeros. ``count[i, j]`` is the window's number of
    cells inside the padded input (``count_include_pad=True``, PyTorch's default: ``kh*kw``
    except for ``ceil_mode``'s last window), or inside ``x`` only (``False``).
    Shapes as in :func:`max_pool2d`. Integer input gives a float output.
    """
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "avg_pool2d")
    return _avg_pool2d(x, w, count_include_pad)


def _avg_pool2d(x, w: _Windows, count_include_pad: bool) -> np.ndarray:
    xp = _pad(x, w, 0)
    total = np.zeros(x.shape[:-2] + w.out, dtype=np.result_type(x.dtype, np.float32))
    for _, _, window in _kernel_cells(w.kernel, w.stride, w.out):
        total += xp[window]
    return total / _avg_divisors(x.shape[-2:], w, count_include_pad).astype(total.dtype)


def avg_pool2d_backward(
    grad_output: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Gradient of :func:`avg_pool2d`: each window's gradient is spread evenly over it
    (``grad / count``; cells in the padding take their share and drop it).

    Shapes: ``grad_output`` ``(..., OH, OW)``, ``x`` ``(..., H, W)``; returns ``dx`` shaped like ``x``.
    """
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "avg_pool2d_backward")
    grad = _check_grad_output(grad_output, x.shape[:-2] + w.out, "avg_pool2d_backward")
    return _avg_pool2d_spread(grad, x.shape, w, count_include_pad)


def _avg_pool2d_spread(grad_output, x_shape, w: _Windows, count_include_pad: bool):
    """Spread each window's gradient evenly over the window: ``dx`` of shape ``x_shape``."""
    share = grad_output / _avg_divisors(x_shape[-2:], w, count_include_pad).astype(grad_output.dtype)
    dxp = _padded_zeros(x_shape, w, share.dtype)
    for _, _, window in _kernel_cells(w.kernel, w.stride, w.out):
        dxp[window] += share
    return _unpad(dxp, x_shape[-2:], w)


# --- Naive pooling: one window at a time, clipped to the input -------------------------------


def _naive_windows(hw, w: _Windows, count_include_pad: bool):
    """Yield ``(i, j, rows, cols, count)`` for every output cell: the rows and columns of
    ``x`` its window covers (padding cut off) and the number of cells it averages."""
    (h, wd), (kh, kw), (sh, sw), (ph, pw) = hw, w.kernel, w.stride, w.padding
    for i, j in np.ndindex(*w.out):
        top, left = i * sh - ph, j * sw - pw
        bottom, right = min(top + kh, h + ph), min(left + kw, wd + pw)  # inside the padded input
        rows, cols = slice(max(top, 0), min(bottom, h)), slice(max(left, 0), min(right, wd))
        if count_include_pad:
            count = (bottom - top) * (right - left)
        else:
            count = (rows.stop - rows.start) * (cols.stop - cols.start)
        yield i, j, rows, cols, count


def _pool_naive(x, w: _Windows, count_include_pad, reduce):
    result = np.zeros(x.shape[:-2] + w.out, dtype=np.result_type(x.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j, rows, cols, count in _naive_windows(x.shape[-2:], w, count_include_pad):
            result[lead + (i, j)] = reduce(x[lead][rows, cols], count)
    return result


def max_pool2d_naive(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
) -> np.ndarray:
    """:func:`max_pool2d` as loops: the largest value of every window. Slow: for teaching."""
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "max_pool2d_naive")
    return _pool_naive(x, w, True, lambda window, _: window.max()).astype(x.dtype)


def avg_pool2d_naive(
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """:func:`avg_pool2d` as loops: the sum of every window over its count. Slow: for teaching."""
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, "avg_pool2d_naive")
    return _pool_naive(x, w, count_include_pad, lambda window, count: window.sum() / count)


def _pool_backward_naive(grad_output, x, w: _Windows, count_include_pad, fname, route):
    grad = _check_grad_output(grad_output, x.shape[:-2] + w.out, fname)
    dx = np.zeros(x.shape, dtype=np.result_type(grad.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j, rows, cols, count in _naive_windows(x.shape[-2:], w, count_include_pad):
            dx[lead][rows, cols] += route(x[lead][rows, cols], grad[lead + (i, j)], count)
    return dx


def _to_max(window: np.ndarray, d, _count) -> np.ndarray:
    """``d`` at the (first) maximum of ``window``, zero elsewhere."""
    share = np.zeros(window.shape, dtype=np.result_type(d, np.float32))
    share[np.unravel_index(np.argmax(window), window.shape)] = d
    return share


def max_pool2d_backward_naive(
    grad_output: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
) -> np.ndarray:
    """:func:`max_pool2d_backward` as loops: put each window's gradient on its maximum."""
    fname = "max_pool2d_backward_naive"
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, fname)
    return _pool_backward_naive(grad_output, x, w, True, fname, _to_max)


def avg_pool2d_backward_naive(
    grad_output: np.ndarray,
    x: np.ndarray,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """:func:`avg_pool2d_backward` as loops: give each cell of a window ``d / count``; the
    shares of padding cells are cut off with the padding."""
    fname = "avg_pool2d_backward_naive"
    x, w = _prepare_pool(x, kernel_size, stride, padding, ceil_mode, fname)
    return _pool_backward_naive(
        grad_output, x, w, count_include_pad, fname, lambda window, d, count: np.full(window.shape, d / count)
    )


# --- Adaptive average pooling ----------------------------------------------------------------
#
# The output size is fixed and the windows adapt to the input: along an axis of size n with
# `out` outputs, window i spans cells floor(i*n/out) to ceil((i+1)*n/out) - 1, as in PyTorch.
# _Windows may differ in size by one and may overlap; AdaptiveAvgPool2d(1) is global average
# pooling, one mean per channel.


def _adaptive_output_size(output_size: OutputSize, hw: tuple[int, int]) -> tuple[int, int]:
    """``output_size`` (an int, or an ``(OH, OW)`` pair whose ``None`` keeps that axis of
    ``hw = (H, W)``) as a pair of ints; a clear error for sizes below 1."""
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise TypeError(f"output_size must be an int or an (OH, OW) pair, got {output_size!r}.")
    meaning = "the output cells along one axis; None keeps the input's size"
    return tuple(n if size is None else check_count(size, "output_size", meaning) for size, n in zip(sizes, hw))


def _adaptive_span(i: int, n: int, out: int) -> tuple[int, int]:
    """``(start, stop)`` of window ``i`` of ``out`` over ``n`` cells: ``floor(i*n/out)``,
    ``ceil((i+1)*n/out)``."""
    return i * n // out, -(-(i + 1) * n // out)


def _averaging_matrix(n: int, out: int, dtype) -> np.ndarray:
    """``(out, n)``: row ``i`` holds ``1/size`` over window ``i``, so ``A @ v`` averages each window."""
    a = np.zeros((out, n), dtype=dtype)
    for i in range(out):
        start, stop = _adaptive_span(i, n, out)
        a[i, start:stop] = 1 / (stop - start)
    return a


def _prepare_adaptive(x, output_size, fname: str):
    """``x`` as an array, its float dtype and the averaging matrices along H and W."""
    x = _plane_stack(x, fname)
    out = _adaptive_output_size(output_size, x.shape[-2:])
    dtype = np.result_type(x.dtype, np.float32)
    return x, [_averaging_matrix(n, o, dtype) for n, o in zip(x.shape[-2:], out)]


def adaptive_avg_pool2d(x: np.ndarray, output_size: OutputSize) -> np.ndarray:
    """Adaptive average pooling, as ``torch.nn.functional.adaptive_avg_pool2d``.

    ``out[..., i, j]`` is the mean of ``x[..., h0:h1, w0:w1]`` with ``h0 = floor(i*H/OH)``,
    ``h1 = ceil((i+1)*H/OH)`` (likewise the columns). Computed as ``A_h @ x @ A_w.T`` with the
    averaging matrices ``A_h (OH, H)`` and ``A_w (OW, W)``.

    Shapes: ``x`` ``(..., H, W)``; returns ``(..., OH, OW)``; ``output_size`` is an int or an
    ``(OH, OW)`` pair (``None`` keeps that size of ``x``). ``output_size=1`` is global average
    pooling. Integer input gives a float output; float32 stays float32.
    """
    x, (a_h, a_w) = _prepare_adaptive(x, output_size, "adaptive_avg_pool2d")
    return a_h @ x.astype(a_h.dtype, copy=False) @ a_w.T


def adaptive_avg_pool2d_backward(
    grad_output: np.ndarray, x: np.ndarray, output_size: OutputSize
) -> np.ndarray:
    """Gradient of :func:`adaptive_avg_pool2d`: ``A_h.T @ grad_output @ A_w``, each window's
    gradient spread evenly over it (overlapping windows add up).

    Shapes: ``grad_output`` ``(..., OH, OW)``, ``x`` ``(..., H, W)``; returns ``dx`` shaped like ``x``.
    """
    x, (a_h, a_w) = _prepare_adaptive(x, output_size, "adaptive_avg_pool2d_backward")
    grad = _check_grad_output(grad_output, x.shape[:-2] + (len(a_h), len(a_w)), "adaptive_avg_pool2d_backward")
    return a_h.T @ grad.astype(a_h.dtype, copy=False) @ a_w


def _adaptive_windows(hw, out):
    """Yield ``(i, j, rows, cols)``: output cell and the input rows and columns it averages."""
    for i, j in np.ndindex(*out):
        yield i, j, slice(*_adaptive_span(i, hw[0], out[0])), slice(*_adaptive_span(j, hw[1], out[1]))


def adaptive_avg_pool2d_naive(x: np.ndarray, output_size: OutputSize) -> np.ndarray:
    """:func:`adaptive_avg_pool2d` as loops: the mean of every window. Slow: for teaching."""
    x = _plane_stack(x, "adaptive_avg_pool2d_naive")
    out = _adaptive_output_size(output_size, x.shape[-2:])
    result = np.zeros(x.shape[:-2] + out, dtype=np.result_type(x.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j, rows, cols in _adaptive_windows(x.shape[-2:], out):
            result[lead + (i, j)] = x[lead][rows, cols].mean()
    return result


def adaptive_avg_pool2d_backward_naive(
    grad_output: np.ndarray, x: np.ndarray, output_size: OutputSize
) -> np.ndarray:
    """:func:`adaptive_avg_pool2d_backward` as loops: give each cell of a window ``d / size``."""
    fname = "adaptive_avg_pool2d_backward_naive"
    x = _plane_stack(x, fname)
    out = _adaptive_output_size(output_size, x.shape[-2:])
    grad = _check_grad_output(grad_output, x.shape[:-2] + out, fname)
    dx = np.zeros(x.shape, dtype=np.result_type(grad.dtype, np.float32))
    for lead in np.ndindex(*x.shape[:-2]):
        for i, j, rows, cols in _adaptive_windows(x.shape[-2:], out):
            window = dx[lead][rows, cols]
            window += grad[lead + (i, j)] / window.size
    return dx
