"""Output sizes of sliding-window layers, and checks of their hyper-parameters.

One formula serves convolution and pooling. Along one axis, an input of size ``n``
padded by ``p`` on each side, scanned by a window of size ``f`` that moves ``s``
cells at a time, gives

    out = floor((n + 2p - f) / s) + 1

windows. Pooling may instead round up (``ceil_mode=True``, :func:`ceil_window_count`).
The functions accept an int, or an ``(h, w)`` pair for height and width.
"""

from __future__ import annotations

import numbers

IntOrPair = int | tuple[int, int]


def _whole(value: object, name: str) -> int:
    """Return ``value`` as an int, or raise a TypeError that names ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number such as 1 or 2, got {value!r} "
            f"(type {type(value).__name__})."
        )
    return int(value)


def pair(value: IntOrPair, name: str) -> tuple[int, int]:
    """Turn an int or an ``(h, w)`` pair into a pair of ints: ``3 -> (3, 3)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise TypeError(
                f"{name} must be an int or a (height, width) pair, got {value!r} "
                f"with {len(value)} entries."
            )
        return _whole(value[0], name), _whole(value[1], name)
    v = _whole(value, name)
    return v, v


def check_hyper(kernel_size: IntOrPair, stride: IntOrPair, padding: IntOrPair):
    """Validate window hyper-parameters and return them as three pairs.

    ``kernel_size`` and ``stride`` must be at least 1, ``padding`` at least 0.
    """
    k = pair(kernel_size, "kernel_size")
    s = pair(stride, "stride")
    p = pair(padding, "padding")
    if min(k) < 1:
        raise ValueError(f"kernel_size must be at least 1, got {kernel_size!r}.")
    if min(s) < 1:
        raise ValueError(
            f"stride must be at least 1, got {stride!r}: a stride of 0 would never move "
            "the window and a negative stride would move it backwards. Use stride=1 to "
            "visit every position."
        )
    if min(p) < 0:
        raise ValueError(
            f"padding must be 0 or more, got {padding!r}: it is the number of zero rows "
            "and columns added on each side of the input."
        )
    return k, s, p


def window_count(n: int, f: int, s: int, p: int, axis: str = "") -> int:
    """``floor((n + 2p - f) / s) + 1`` for one axis, with an error when no window fits.

    ``axis`` ("height" or "width") only words the error message.
    """
    where = f" along the {axis}" if axis else ""
    padded = n + 2 * p
    if f > padded:
        need = -(-(f - n) // 2)
        raise ValueError(
            f"The kernel{where} (size {f}) is larger than the padded input{where} "
            f"(n + 2*padding = {n} + 2*{p} = {padded}), so not even one window fits. "
            f"Use a kernel of size at most {padded}, or padding of at least {need}."
        )
    return (padded - f) // s + 1


def _sizes(n, kernel_size, stride, padding, count=window_count):
    k, s, p = check_hyper(kernel_size, stride, padding)
    ns = pair(n, "n")
    if min(ns) < 1:
        raise ValueError(f"the input size n must be at least 1, got {n!r}.")
    single = not any(isinstance(v, (tuple, list)) for v in (n, kernel_size, stride, padding))
    axes = ("", "") if single else ("height", "width")
    hw = tuple(count(ns[i], k[i], s[i], p[i], axes[i]) for i in range(2))
    return hw[0] if single else hw, (k, s, p)


def conv_output_size(
    n: IntOrPair, kernel_size: IntOrPair, stride: IntOrPair = 1, padding: IntOrPair = 0
) -> int | tuple[int, int]:
    """Size of a convolution's output: ``floor((n + 2*padding - kernel_size) / stride) + 1``.

    Parameters are ints, or ``(h, w)`` pairs; if any is a pair, a pair is returned.

    >>> conv_output_size(6, 3)
    4
    >>> conv_output_size(39, 5, stride=2)
    18
    >>> conv_output_size((40, 50), 3, padding=1)
    (40, 50)
    """
    return _sizes(n, kernel_size, stride, padding)[0]


def ceil_window_count(n: int, f: int, s: int, p: int, axis: str = "") -> int:
    """PyTorch's ``ceil_mode`` count for one axis: ``ceil((n + 2p - f) / s) + 1`` windows, less
    one when the last of them would start in the right padding.

    Rounding up keeps a last, partial window over the rows or columns that floor drops;
    PyTorch requires every window to start inside the input or the left padding, so that
    it holds at least one real value. A window may reach past the padding on the right.
    """
    where = f" along the {axis}" if axis else ""
    padded = n + 2 * p
    if f >= padded + s:
        raise ValueError(
            f"The kernel{where} (size {f}) is larger than the padded input{where} "
            f"(n + 2*padding = {n} + 2*{p} = {padded}) by a whole stride ({s}) or more, so not "
            f"even ceil_mode fits one window. Use a kernel of size at most {padded + s - 1}."
        )
    out = -((f - padded) // s) + 1  # ceil((padded - f) / s) + 1
    if (out - 1) * s >= n + p:  # the last window would start in the right padding: drop it
        out -= 1
    return out


def pool_output_size(
    n: IntOrPair,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    *,
    ceil_mode: bool = False,
) -> int | tuple[int, int]:
    """Size of a pooling layer's output; ``stride`` defaults to ``kernel_size`` (as in PyTorch).

    ``floor((n + 2*padding - kernel_size) / stride) + 1``, or with ``ceil_mode=True``
    ``ceil(...) + 1`` less one if the last window would start in the right padding
    (:func:`ceil_window_count`). Padding may be at most half the window, as PyTorch requires:
    a window made only of padding would have no real value to pool.

    >>> pool_output_size(4, 2)
    2
    >>> pool_output_size(55, 3, stride=2)
    27
    >>> pool_output_size(5, 2, ceil_mode=True)
    3
    """
    stride = kernel_size if stride is None else stride
    check_pool_hyper(kernel_size, stride, padding)
    return _sizes(n, kernel_size, stride, padding, ceil_window_count if ceil_mode else window_count)[0]


def check_pool_hyper(kernel_size: IntOrPair, stride: IntOrPair | None, padding: IntOrPair):
    """:func:`check_hyper` for pooling: ``stride`` defaults to ``kernel_size``, and padding may
    be at most half the window. Returns the kernel, stride and padding pairs."""
    k, s, p = check_hyper(kernel_size, kernel_size if stride is None else stride, padding)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(
            f"padding {padding!r} is more than half of kernel_size {kernel_size!r}: some "
            "windows would hold nothing but padding. Use padding of at most kernel_size // 2 "
            "(PyTorch refuses it too: 'pad should be at most half of effective kernel size')."
        )
    return k, s, p


def check_count(value: object, name: str, meaning: str) -> int:
    """``value`` as an int of at least 1, or a ValueError that names ``name`` and says what it
    counts (``meaning``): for channel, feature and output-size arguments of layers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            f"{name} must be a whole number of at least 1, got {value!r} "
            f"(type {type(value).__name__}): it counts {meaning}."
        )
    return int(value)
