"""The pooling animation: a window slides over one channel, and each output cell is the
largest number of its window (max pooling, the arg-max marked) or the mean of the window
(average pooling, its sum and count shown; a mean that its two-decimal label rounds is
written with "≈", not "=").

Every number comes from :func:`cnnlab.functional.max_pool2d` and
:func:`cnnlab.functional.avg_pool2d`; the browser only draws them. The display is one
:class:`cnnlab.viz.embed.Fragment`: the shared player (``assets/player.js``) and this
renderer (``assets/pool_animation.js``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import functional as F
from ..functional.pool import _naive_windows, _pool_windows
from .animation import _grid, format_number
from .embed import Widget


class PoolAnimation(Widget):
    """Displays as the pooling animation; build it with :func:`pool_animation`."""

    assets = ["grid", "player", "pool_animation"]


def pool_windows(x, kernel_size=2, stride=None, padding=0, ceil_mode=False) -> list[dict]:
    """Each window of a pooling call on one channel ``x (H, W)``, in reading order.

    Returns one dict per output cell ``(i, j)``: ``rows`` and ``cols`` (``[start, stop)`` in
    ``x``, padding cut off), ``argmax`` (the cell of ``x`` holding the window's largest value,
    the first in reading order when several tie, as PyTorch picks it), ``sum`` of the window's
    values in ``x`` and ``count``, the number of cells average pooling divides by
    (padding included, PyTorch's default ``count_include_pad=True``).
    """
    x = np.asarray(x)
    w = _pool_windows(x.shape, kernel_size, stride, padding, ceil_mode)
    result = []
    for i, j, rows, cols, count in _naive_windows(x.shape, w, True):
        window = x[rows, cols]
        r, c = np.unravel_index(int(np.argmax(window)), window.shape)
        result.append({"i": int(i), "j": int(j), "rows": [rows.start, rows.stop], "cols": [cols.start, cols.stop],
                       "argmax": [int(rows.start + r), int(cols.start + c)],
                       "sum": window.sum().item(), "count": int(count)})
    return result


def pool_animation(
    x,
    kernel_size: int = 2,
    stride: int | None = None,
    padding: int = 0,
    *,
    ceil_mode: bool = False,
    choices: dict[str, dict] | None = None,
    modes: Sequence[str] = ("max", "average"),
    interval: int = 900,
) -> PoolAnimation:
    """An animation of pooling one channel ``x`` of shape ``(H, W)``, one window per step.

    Max pooling marks the arg-max of each window; average pooling shows the window's sum and
    count. ``choices`` offers several settings, e.g.
    ``{"2×2, stride 2": dict(kernel_size=2), "3×3, stride 2": dict(kernel_size=3, stride=2)}``
    (each a dict of :func:`cnnlab.functional.max_pool2d`'s arguments); without it, the one
    setting given by ``kernel_size``, ``stride``, ``padding`` and ``ceil_mode``. Cells that
    no window reads are marked.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(
            f"pool_animation draws one channel of shape (H, W); got shape {x.shape}. Pooling "
            "acts on each channel on its own, so pick one, e.g. x[0] or x[0, 0]."
        )
    if x.size > 400:
        raise ValueError(f"pool_animation draws every number as a cell: at most 400 (e.g. 20x20); got shape {x.shape}.")
    modes = list(modes)
    if not modes or any(m not in ("max", "average") for m in modes):
        raise ValueError(f'modes must be a non-empty list of "max" and "average"; got {modes!r}.')
    if choices is None:
        k = kernel_size
        label = f"{k}×{k}, stride {k if stride is None else stride}" + (f", padding {padding}" if padding else "")
        choices = {label: dict(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)}
    settings = []
    for label, kw in choices.items():
        maxed, mean = F.max_pool2d(x, **kw), F.avg_pool2d(x, **kw)
        windows = pool_windows(x, **kw)
        read = np.zeros(x.shape, dtype=bool)
        for win in windows:
            read[win["rows"][0]:win["rows"][1], win["cols"][0]:win["cols"][1]] = True
        k = kw["kernel_size"]
        settings.append({
            "label": label, "k": k, "s": k if kw.get("stride") is None else kw["stride"],
            "p": kw.get("padding", 0), "max": _grid(maxed), "avg": _grid(mean, _short),
            "windows": [[w["argmax"][0], w["argmax"][1], format_number(w["sum"]), w["count"],
                         bool(round(float(m), 2) == m)] for w, m in zip(windows, mean.ravel())],
            "unread": [[int(r), int(c)] for r, c in zip(*np.nonzero(~read))],
        })
    data = {"x": _grid(x), "settings": settings, "modes": modes, "interval": int(interval)}
    description = f"Pooling animation: a {x.shape[0]}×{x.shape[1]} input, {', '.join(modes)} pooling"
    return PoolAnimation(data, description)


def _short(v: float) -> str:
    """A mean as a short label: ``2.5``, ``3.33``."""
    return format_number(round(float(v), 2))
