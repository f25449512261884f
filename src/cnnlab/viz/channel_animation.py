"""The multi-channel convolution animation: one filter ``(C, FH, FW)`` reads all ``C`` channels
of the input at once, each channel with its own kernel slice, and the ``C`` sums plus one bias
fill one output cell; each further filter adds one output map.

Every number comes from :func:`cnnlab.functional.conv2d` (each channel's share is the
convolution of that channel with its kernel slice); the browser only draws them. The display
is one :class:`cnnlab.viz.embed.Fragment`: the shared player (``assets/player.js``) and this
renderer (``assets/channel_animation.js``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import functional as F
from .animation import _grid, _term, format_number
from .embed import Widget


class ChannelAnimation(Widget):
    """Displays as the multi-channel animation; build it with :func:`channel_animation`."""

    assets = ["grid", "player", "channel_animation"]


def _as_list(value) -> list[int]:
    return [int(value)] if np.isscalar(value) else [int(v) for v in value]


def channel_animation(
    x,
    weight,
    bias=None,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    *,
    interval: int = 900,
) -> ChannelAnimation:
    """An animation of ``FN`` filters sliding over a ``C``-channel image, step by step.

    Shapes: ``x`` ``(C, H, W)``, ``weight`` ``(FN, C, FH, FW)``, ``bias`` ``(FN,)`` or None
    (zeros); the output is ``(FN, OH, OW)`` as :func:`cnnlab.functional.conv2d` gives it.

    For each filter and each output cell there are ``C + 1`` steps: the products of channel
    0, of channel 1, ..., then the sum of the ``C`` channel sums plus the bias, which fills
    the cell. ``stride`` and ``padding`` are ints, or lists of ints to choose from.
    """
    x, weight = np.asarray(x), np.asarray(weight)
    if x.ndim != 3 or weight.ndim != 4:
        raise ValueError(
            f"channel_animation draws one image x of shape (C, H, W) and filters of shape "
            f"(FN, C, FH, FW); got x shape {x.shape} and weight shape {weight.shape}. "
            "For a single filter use weight[None]; for a batch pick one image, x[0]."
        )
    if weight.shape[1] != x.shape[0]:
        raise ValueError(
            f"channel_animation: each filter must be as deep as the input: x has C = "
            f"{x.shape[0]} channels but weight shape {weight.shape} gives filters of depth "
            f"{weight.shape[1]}. Give weight the shape (FN, {x.shape[0]}, FH, FW)."
        )
    if x.size > 300 or weight.shape[0] > 4:
        raise ValueError(
            f"channel_animation draws every number as a cell, so keep it small: at most 300 "
            f"input numbers (e.g. 3x10x10) and 4 filters; got x shape {x.shape} and "
            f"{weight.shape[0]} filters."
        )
    fn, c = weight.shape[:2]
    bias = np.zeros(fn, dtype=weight.dtype) if bias is None else np.asarray(bias)
    if bias.shape != (fn,):
        raise ValueError(f"channel_animation: bias must have shape (FN,) = ({fn},); got {bias.shape}.")
    strides, paddings = _as_list(stride), _as_list(padding)
    cases = []
    for s in strides:
        row = []
        for p in paddings:
            out = F.conv2d(x, weight, bias, stride=s, padding=p)  # (FN, OH, OW)
            shares = [[_grid(F.conv2d(x[ch], weight[f, ch], stride=s, padding=p)) for ch in range(c)]
                      for f in range(fn)]  # (FN, C, OH, OW): each channel's part of the sum
            row.append({"out": [_grid(o) for o in out], "shares": shares})
        cases.append(row)
    data = {
        "x": [_grid(ch) for ch in x],
        "filters": [{"cells": [_grid(sl) for sl in w], "terms": [_grid(sl, _term) for sl in w]}
                    for w in weight],
        "bias": [format_number(b) for b in bias],
        "biasTerms": [_term(b) for b in bias],
        "strides": strides,
        "paddings": paddings,
        "cases": cases,
        "interval": int(interval),
    }
    description = (
        f"Multi-channel convolution animation: a {c}-channel {x.shape[1]}×{x.shape[2]} input and "
        f"{fn} filter{'s' if fn > 1 else ''} of shape {c}×{weight.shape[2]}×{weight.shape[3]}"
    )
    return ChannelAnimation(data, description)
