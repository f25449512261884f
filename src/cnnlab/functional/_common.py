"""What every function of ``cnnlab.functional`` shares: reading its array arguments,
padding, and agreeing on a dtype."""

from __future__ import annotations

import numpy as np

from ..shapes import IntOrPair, PadPairs, check_hyper, pair


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


PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _check_pad(shape: tuple, pads: PadPairs, mode: str) -> None:
    """Raise a clear error unless ``pads`` ((top, bottom), (left, right)) can pad the last two
    axes of an array of ``shape`` in ``mode``; PyTorch's rules."""
    if mode not in PAD_MODES:
        raise ValueError(
            f"mode={mode!r} is not a padding mode. Use 'constant' (a fixed value, zeros by default), "
            "'reflect' (mirror the input, edge not repeated), 'replicate' (repeat the edge) or "
            "'circular' (wrap around from the other side)."
        )
    for (before, after), n, unit, sides in zip(pads, shape[-2:], ("rows", "columns"),
                                               (("top", "bottom"), ("left", "right"))):
        for amount, side in zip((before, after), sides):
            if mode == "reflect" and amount >= n:
                raise ValueError(
                    f"reflect padding of {amount} at the {side} mirrors {amount} {unit} from inside the "
                    f"input, which has only {n}; the edge itself is not repeated, so at most {n - 1} "
                    f"can be mirrored (PyTorch's rule: padding must be less than the input size). "
                    f"Use padding of at most {n - 1}, or the 'replicate' mode."
                )
            if mode == "circular" and amount > n:
                raise ValueError(
                    f"circular padding of {amount} at the {side} copies {amount} {unit} from the other "
                    f"side of the input, which has only {n}: it would wrap around more than once. "
                    f"Use padding of at most {n}."
                )


def _source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each of the ``before + n + after`` padded positions, the input position it copies."""
    i = np.arange(-before, n + after)
    if mode == "reflect":
        i = np.abs(i)
        return np.where(i >= n, 2 * (n - 1) - i, i)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    return i % n  # circular


def _pad(x: np.ndarray, pads: PadPairs, mode: str = "constant", value: float = 0) -> np.ndarray:
    """Pad the last two axes of ``x (..., H, W)`` by ``pads`` (checked): ``(..., H + top +
    bottom, W + left + right)``. Without padding ``x`` itself is returned."""
    if pads == ((0, 0), (0, 0)):
        return x
    if mode == "constant":
        return np.pad(x, [(0, 0)] * (x.ndim - 2) + list(pads), constant_values=value)
    for axis, (before, after) in zip((-2, -1), pads):
        x = x.take(_source_index(x.shape[axis], before, after, mode), axis=axis)
    return x


def _pad_into(x: np.ndarray, pads: PadPairs, mode: str, out: np.ndarray) -> np.ndarray:
    """Write ``x (..., H, W)`` padded as :func:`_pad` does into ``out (..., Hq, Wq)``, an array
    or a view (e.g. of a buffer in another layout) at least ``H + top + bottom`` by
    ``W + left + right``; the cells beyond those are set to zeros. Returns ``out``."""
    (top, bottom), (left, right) = pads
    h, w = x.shape[-2:]
    if mode != "constant":
        x = _pad(x, pads, mode)
        top = left = 0
    hp, wp = top + x.shape[-2], left + x.shape[-1]
    out[..., :top, :] = 0
    out[..., hp:, :] = 0
    out[..., top:hp, :left] = 0
    out[..., top:hp, wp:] = 0
    out[..., top:hp, left:wp] = x
    return out


def _unpad(grad: np.ndarray, x_shape: tuple, pads: PadPairs, mode: str = "constant") -> np.ndarray:
    """The backward pass of :func:`_pad`: ``grad (..., Hp, Wp)`` -> ``dx`` of ``x_shape``.

    Each padded cell copied one input cell, so its gradient is added to that cell; constant
    padding copied nothing, and its gradient is dropped.
    """
    (top, bottom), (left, right) = pads
    if mode == "constant":
        h, w = x_shape[-2:]
        return np.ascontiguousarray(grad[..., top : top + h, left : left + w])
    for axis, (before, after) in zip((-2, -1), pads):
        shape = list(grad.shape)
        shape[axis] = x_shape[axis]
        folded = np.zeros(shape, dtype=grad.dtype)
        rows = _source_index(x_shape[axis], before, after, mode)
        np.add.at(np.moveaxis(folded, axis, 0), rows, np.moveaxis(grad, axis, 0))
        grad = folded
    return grad


def _torch_pads(pad, ndim: int) -> PadPairs:
    """PyTorch's ``(left, right[, top, bottom])`` as ``((top, bottom), (left, right))``."""
    if not isinstance(pad, (tuple, list)) or len(pad) not in (2, 4):
        raise TypeError(
            f"pad must be (left, right) or (left, right, top, bottom), as in torch.nn.functional.pad: "
            f"it counts from the last axis backwards; got {pad!r}."
        )
    widths = [pair(pad[i : i + 2], "pad") for i in range(0, len(pad), 2)]
    if min(min(w) for w in widths) < 0:
        raise ValueError(f"pad must hold numbers of 0 or more, got {pad!r}: each is a count of added cells.")
    if ndim < 2:
        raise ValueError(f"pad works on arrays that end with (H, W), e.g. (N, C, H, W); x has {ndim} dimension(s).")
    return (widths[1] if len(widths) == 2 else (0, 0)), widths[0]


def pad(x: np.ndarray, pad: tuple[int, ...], mode: str = "constant", value: float = 0) -> np.ndarray:
    """Pad the width, or the height and width, as ``torch.nn.functional.pad``.

    ``pad`` counts from the last axis backwards, as in PyTorch: ``(left, right)`` pads the
    width, ``(left, right, top, bottom)`` the width and the height. ``mode``, shown for the
    row ``[1 2 3]`` padded by 2 on both sides:

    - ``'constant'``: ``value`` (0 by default): ``0 0 | 1 2 3 | 0 0``
    - ``'reflect'``: mirror, the edge not repeated: ``3 2 | 1 2 3 | 2 1`` (padding < size)
    - ``'replicate'``: repeat the edge: ``1 1 | 1 2 3 | 3 3``
    - ``'circular'``: wrap around: ``2 3 | 1 2 3 | 1 2`` (padding <= size)

    Shapes: ``x`` ``(..., H, W)``; returns ``(..., H + top + bottom, W + left + right)`` of
    the same dtype.
    """
    x = _numeric(x, "x")
    pads = _torch_pads(pad, x.ndim)
    _check_pad(x.shape, pads, mode)
    return _pad(x, pads, mode, value)


def pad_backward(grad_output: np.ndarray, x_shape: tuple[int, ...], pad: tuple[int, ...],
                 mode: str = "constant") -> np.ndarray:
    """Gradient of :func:`pad`: every padded cell is a copy of one input cell (or a constant),
    so its gradient is added to that cell (or dropped).

    Shapes: ``grad_output`` shaped like ``pad``'s output; returns ``dx`` of ``x_shape``.
    """
    pads = _torch_pads(pad, len(x_shape))
    _check_pad(x_shape, pads, mode)
    (top, bottom), (left, right) = pads
    want = tuple(x_shape[:-2]) + (x_shape[-2] + top + bottom, x_shape[-1] + left + right)
    return _unpad(_check_grad_output(grad_output, want, "pad_backward"), tuple(x_shape), pads, mode)


def pad2d(x: np.ndarray, padding: IntOrPair) -> np.ndarray:
    """Add ``padding`` rows of zeros above and below, and columns left and right.

    ``x``: ``(..., H, W)``; returns ``(..., H + 2*ph, W + 2*pw)`` of the same dtype.
    """
    ph, pw = check_hyper(1, 1, padding)[2]
    return _pad(np.asarray(x), ((ph, ph), (pw, pw)))


def _result_dtype(*arrays) -> np.dtype:
    return np.result_type(*[a for a in arrays if a is not None])


def _as_dtype(dtype, *arrays):
    """The arrays converted to ``dtype`` (None stays None); no copy when already there."""
    return tuple(None if a is None else a.astype(dtype, copy=False) for a in arrays)


def _check_grad_output(grad_output, want: tuple, fname: str) -> np.ndarray:
    """``grad_output`` as an array of shape ``want`` (the forward output's), or a clear error."""
    grad_output = _numeric(grad_output, "grad_output")
    if grad_output.shape != tuple(want):
        raise ValueError(
            f"{fname}: grad_output must have the shape of the forward output, {tuple(want)}; "
            f"got {grad_output.shape}. It holds dL/d(output), one number per output value."
        )
    return grad_output
