"""What every function of ``cnnlab.functional`` shares: reading its array arguments,
padding, and agreeing on a dtype."""

from __future__ import annotations

import numpy as np

from ..shapes import IntOrPair, check_hyper


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
