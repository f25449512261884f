"""Max and average pooling, forward and backward, naive and fast."""

from __future__ import annotations

import numpy as np

from ..shapes import IntOrPair, check_hyper, pool_output_size
from ._common import _check_grad_output, _numeric
from .conv import _kernel_cells


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
