"""Output sizes of sliding-window layers, and checks of their hyper-parameters.

One formula serves convolution and pooling. Along one axis, an input of size ``n``
padded by ``p`` on each side, scanned by a window of ``f`` taps spaced ``d`` cells apart
(the dilation: the window spans ``d*(f - 1) + 1`` cells) that moves ``s`` cells at a time,
gives

    out = floor((n + 2p - d*(f - 1) - 1) / s) + 1

windows; with ``d = 1`` this is the familiar ``floor((n + 2p - f) / s) + 1``. Pooling may
instead round up (``ceil_mode=True``, :func:`ceil_window_count`). The functions accept an
int, or an ``(h, w)`` pair for height and width.

Convolutions also take ``padding='valid'`` (no padding) and ``padding='same'`` (stride 1
only: an output as large as the input). 'same' pads ``d*(f - 1)`` cells in all; when that
is odd, the extra cell goes after the input (below, or right), as in PyTorch.

For reading other texts and libraries: :func:`window_coverage` counts the windows that read
each input cell, :func:`unread_positions` lists the cells none reads, and
:func:`tf_padding` / :func:`tf_output_size` give TensorFlow's 'SAME' and 'VALID' rules.
"""

from __future__ import annotations

import math
import numbers

IntOrPair = int | tuple[int, int]
Padding = IntOrPair | str
PadPairs = tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))


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


def _at_least(value: IntOrPair, name: str, minimum: int, meaning: str) -> tuple[int, int]:
    """``value`` as a pair, or a ValueError saying what ``name`` means when it is below ``minimum``."""
    p = pair(value, name)
    if min(p) < minimum:
        bound = "0 or more" if minimum == 0 else f"at least {minimum}"
        raise ValueError(f"{name} must be {bound}, got {value!r}: {meaning}")
    return p


def check_hyper(kernel_size: IntOrPair, stride: IntOrPair, padding: IntOrPair):
    """Validate window hyper-parameters and return them as three pairs.

    ``kernel_size`` and ``stride`` must be at least 1, ``padding`` at least 0.
    """
    k = _at_least(kernel_size, "kernel_size", 1, "a window needs at least one cell.")
    s = _at_least(
        stride, "stride", 1, "a stride of 0 would never move the window and a negative stride "
        "would move it backwards. Use stride=1 to visit every position.",
    )
    p = _at_least(
        padding, "padding", 0, "it is the number of zero rows and columns added on each side of the input."
    )
    return k, s, p


def check_dilation(dilation: IntOrPair) -> tuple[int, int]:
    """``dilation`` as a pair of ints of at least 1, or a clear error."""
    return _at_least(
        dilation, "dilation", 1, "it is the step between the kernel's taps: 1 for an ordinary "
        "kernel, 2 to skip one input cell between taps.",
    )


def check_count(value: object, name: str, meaning: str) -> int:
    """``value`` as an int of at least 1, or a ValueError that names ``name`` and says what it
    counts (``meaning``): for channel, feature and output-size arguments of layers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            f"{name} must be a whole number of at least 1, got {value!r} "
            f"(type {type(value).__name__}): it counts {meaning}."
        )
    return int(value)


def check_groups(groups: int, in_channels: int, out_channels: int) -> int:
    """``groups`` as an int that divides both channel counts, or an error that says why it must."""
    g = check_count(groups, "groups", "the number of groups the channels are split into (1 for an "
                    "ordinary convolution, where every filter sees every input channel)")
    for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
        if count % g:
            common = [d for d in range(1, min(in_channels, out_channels) + 1)
                      if in_channels % d == 0 and out_channels % d == 0]
            raise ValueError(
                f"groups={g} does not divide {name}={count}: the {in_channels} input channels and "
                f"the {out_channels} filters are split into {g} equal groups, each group of filters "
                f"seeing one group of channels. Use groups in {common}, or make {name} a multiple of {g}."
            )
    return g


def same_padding(kernel_size: IntOrPair, dilation: IntOrPair = 1) -> tuple[int, int] | PadPairs:
    """The ``(before, after)`` padding of ``padding='same'``: ``d*(f - 1)`` cells in all, the
    extra one after (below, right) when that is odd, as in PyTorch.

    With ints, returns one pair; if either argument is a pair, ``((top, bottom), (left, right))``.

    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    >>> same_padding((3, 2), dilation=2)
    ((2, 2), (1, 1))
    """
    k = check_hyper(kernel_size, 1, 0)[0]
    d = check_dilation(dilation)
    total = [d[i] * (k[i] - 1) for i in range(2)]
    pads = tuple((t // 2, t - t // 2) for t in total)
    single = not any(isinstance(v, (tuple, list)) for v in (kernel_size, dilation))
    return pads[0] if single else pads


def padding_pairs(padding: Padding, kernel_size: IntOrPair, stride: IntOrPair = 1,
                  dilation: IntOrPair = 1) -> PadPairs:
    """A convolution's padding as ``((top, bottom), (left, right))``.

    ``padding`` is an int or ``(h, w)`` pair (that many zeros on each side), ``'valid'``
    (none) or ``'same'`` (see :func:`same_padding`; stride 1 only).
    """
    if not isinstance(padding, str):
        ph, pw = check_hyper(1, 1, padding)[2]
        return (ph, ph), (pw, pw)
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding != "same":
        raise ValueError(
            f"padding={padding!r} is not a padding convolutions know. Use 'valid' (no padding), "
            "'same' (an output as large as the input, stride 1 only), or a number of zero rows "
            "and columns per side such as 1 or (1, 2)."
        )
    if pair(stride, "stride") != (1, 1):
        k, d = check_hyper(kernel_size, 1, 0)[0], check_dilation(dilation)
        usual = tuple(d[i] * (k[i] - 1) // 2 for i in range(2))
        raise ValueError(
            f"padding='same' is not supported for strided convolutions (stride={stride!r}), as in "
            "PyTorch: 'same' promises an output as large as the input, but a stride of s keeps only "
            "every s-th window: n outputs would take ((s - 1)(n - 1) + f - 1) / 2 cells of padding per "
            "side (rounded up, with f the dilated kernel), which grows with n. Use stride=1 with "
            f"padding='same', or pass the number: padding={usual} gives ceil(n / stride) outputs "
            "for an odd kernel."
        )
    return same_padding(pair(kernel_size, "kernel_size"), pair(dilation, "dilation"))


def window_count(n: int, f: int, s: int, p: int | tuple[int, int], axis: str = "", dilation: int = 1) -> int:
    """``floor((n + before + after - d*(f - 1) - 1) / s) + 1`` for one axis, with an error
    when no window fits.

    ``p`` is the padding on each side, or a ``(before, after)`` pair; ``axis`` ("height" or
    "width") only words the error message.
    """
    before, after = (p, p) if isinstance(p, int) else p
    where = f" along the {axis}" if axis else ""
    span = dilation * (f - 1) + 1
    padded = n + before + after
    if span > padded:
        kernel = f"kernel{where} (size {f})" if dilation == 1 else (
            f"dilated kernel{where} (size {f}, dilation {dilation}: it spans "
            f"{dilation}*({f}-1)+1 = {span} cells)")
        added = f"2*padding = {n} + 2*{before}" if before == after else f"padding = {n} + {before} + {after}"
        smaller = f"a kernel of size at most {(padded - 1) // dilation + 1}"
        if dilation > 1:
            smaller += ", a smaller dilation"
        raise ValueError(
            f"The {kernel} is larger than the padded input{where} (n + {added} = {padded}), so "
            f"not even one window fits. Use {smaller}, or padding of at least {math.ceil((span - n) / 2)}."
        )
    return (padded - span) // s + 1


def _sizes(n, kernel_size, stride, padding, dilation, ceil_mode=False):
    k, s, _ = check_hyper(kernel_size, stride, 0)
    d = check_dilation(dilation)
    pads = padding_pairs(padding, k, s, d)
    ns = pair(n, "n")
    if min(ns) < 1:
        raise ValueError(f"the input size n must be at least 1, got {n!r}.")
    single = not any(isinstance(v, (tuple, list)) for v in (n, kernel_size, stride, padding, dilation))
    axes = ("", "") if single else ("height", "width")
    if ceil_mode:  # pooling: symmetric padding, no dilation
        hw = tuple(ceil_window_count(ns[i], k[i], s[i], pads[i][0], axes[i]) for i in range(2))
    else:
        hw = tuple(window_count(ns[i], k[i], s[i], pads[i], axes[i], d[i]) for i in range(2))
    return hw[0] if single else hw, (k, pads)


def conv_output_size(
    n: IntOrPair,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
) -> int | tuple[int, int]:
    """Size of a convolution's output: ``floor((n + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1``.

    Parameters are ints, or ``(h, w)`` pairs; if any is a pair, a pair is returned.
    ``padding`` may also be ``'valid'`` or ``'same'`` (stride 1).

    >>> conv_output_size(6, 3)
    4
    >>> conv_output_size(39, 5, stride=2)
    18
    >>> conv_output_size((40, 50), 3, padding=1)
    (40, 50)
    >>> conv_output_size(7, 3, dilation=2)
    3
    """
    return _sizes(n, kernel_size, stride, padding, dilation)[0]


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
    return _sizes(n, kernel_size, stride, padding, 1, ceil_mode)[0]


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


def unread_positions(
    n: int, kernel_size: int, stride: int = 1, padding: int | str = 0, dilation: int = 1
) -> list[int]:
    """The input positions along one axis (``0 .. n-1``) that no window ever reads.

    Window ``i`` reads the padded positions ``i*stride + t*dilation`` for taps
    ``t = 0 .. kernel_size-1``; minus the padding before the input, they are input positions.
    Cells go unread at the end when the last window stops short of them (the floor in the
    formula), and in between when the stride steps over cells no tap lands on (stride 2
    with a 1-wide kernel, or stride and dilation both 2). Call it once for the rows and
    once for the columns.

    >>> unread_positions(8, 3, stride=2)
    [7]
    >>> unread_positions(5, 1, stride=2)
    [1, 3]
    """
    return [i for i, count in enumerate(window_coverage(n, kernel_size, stride, padding, dilation))
            if count == 0]


def window_coverage(
    n: int, kernel_size: int, stride: int = 1, padding: int | str = 0, dilation: int = 1
) -> list[int]:
    """How many windows read each input position along one axis (``0 .. n-1``).

    Window ``i`` reads the padded positions ``i*stride + t*dilation`` for taps
    ``t = 0 .. kernel_size-1``. Away from the borders (stride 1, no dilation) every position
    is read ``kernel_size`` times; near a border, and where the stride skips cells, fewer.
    A 2D input's count at ``(r, c)`` is the product of the row count and the column count.

    >>> window_coverage(6, 3)
    [1, 2, 3, 3, 2, 1]
    >>> window_coverage(6, 3, padding=1)
    [2, 3, 3, 3, 3, 2]
    >>> window_coverage(5, 2, stride=2)
    [1, 1, 1, 1, 0]
    """
    n, f, s, d = (_one_axis(v, name) for v, name in
                  ((n, "n"), (kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    if not isinstance(padding, str):
        padding = _one_axis(padding, "padding")
    if n < 1:
        raise ValueError(f"the input size n must be at least 1, got {n!r}.")
    before = padding_pairs(padding, f, s, d)[0][0]
    out = conv_output_size(n, f, s, padding, d)
    counts = [0] * n
    for i in range(out):
        for t in range(f):
            pos = i * s + t * d - before
            if 0 <= pos < n:
                counts[pos] += 1
    return counts


def _one_axis(value: object, name: str) -> int:
    """``value`` as one whole number, or a TypeError that says the function works one axis at a time."""
    if isinstance(value, (tuple, list)):
        raise TypeError(
            f"{name}={value!r} is a (height, width) pair, but this function works along one axis. "
            "Call it once for the rows and once for the columns, e.g. "
            "unread_positions(h, kh, sh, ph) and unread_positions(w, kw, sw, pw)."
        )
    return _whole(value, name)


def tf_padding(n: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """The ``(before, after)`` padding of TensorFlow/Keras ``padding='SAME'`` along one axis.

    TensorFlow's documented rule: ``ceil(n / stride)`` outputs, and just enough padding for
    them, ``max((out - 1)*stride + d*(f - 1) + 1 - n, 0)`` cells in all, split with the
    extra cell after the input (as PyTorch's 'same' does). Unlike PyTorch, it allows any
    stride, and the padding then depends on ``n``.

    >>> tf_padding(5, 3, stride=2)
    (1, 1)
    >>> tf_padding(6, 3, stride=2)
    (0, 1)
    >>> tf_padding(7, 1, stride=2)
    (0, 0)
    """
    n, f, s, d = (_one_axis(v, name) for v, name in
                  ((n, "n"), (kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    if n < 1:
        raise ValueError(f"the input size n must be at least 1, got {n!r}.")
    check_hyper(f, s, 0)
    check_dilation(d)
    out = -(-n // s)
    total = max((out - 1) * s + d * (f - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def tf_output_size(n: int, kernel_size: int, stride: int = 1, padding: str = "SAME", dilation: int = 1) -> int:
    """TensorFlow/Keras output size along one axis: ``'SAME'`` gives ``ceil(n / stride)``,
    ``'VALID'`` gives ``ceil((n - d*(f - 1)) / stride)`` (no padding; the same number as
    ``conv_output_size(n, f, stride, 0, d)``). Case does not matter: Keras writes 'same'.

    >>> tf_output_size(7, 3, stride=2)
    4
    >>> tf_output_size(7, 3, stride=2, padding="VALID")
    3
    """
    mode = padding.upper() if isinstance(padding, str) else padding
    if mode not in ("SAME", "VALID"):
        raise ValueError(
            f"padding={padding!r} is not a TensorFlow padding: TensorFlow and Keras take only "
            "'SAME' (pad so that the output has ceil(n / stride) cells) or 'VALID' (no padding). "
            "For a number of cells per side, use conv_output_size, PyTorch's rule."
        )
    if mode == "SAME":
        before, after = tf_padding(n, kernel_size, stride, dilation)
        return window_count(n, kernel_size, stride, (before, after), dilation=dilation)
    return conv_output_size(n, kernel_size, stride, 0, dilation)
