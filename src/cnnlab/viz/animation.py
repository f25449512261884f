"""The sliding-kernel animation: every multiply-add of a 2D convolution, one step at a time.

All numbers come from :func:`cnnlab.functional.conv2d`; the browser only draws them. The
display is one :class:`cnnlab.viz.embed.Fragment`: the shared player's controls and this
animation's renderer (``assets/conv_animation.js``), with the numbers as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .. import functional as F
from ..shapes import pair
from .embed import Widget


def format_number(v: float) -> str:
    """A short label for a number: ``8``, ``-1``, ``0.111``; a minus sign, not a hyphen."""
    v = float(v)
    text = str(int(v)) if v.is_integer() else f"{v:.3g}"
    return text.replace("-", "−")


def _term(v: float) -> str:
    """A number as it stands after a ``×``: negatives in parentheses, ``(−1)``."""
    text = format_number(v)
    return f"({text})" if text.startswith("−") else text


@dataclass(frozen=True)
class ConvStep:
    """One position of the kernel: output cell ``(row, col)`` and the sum that fills it.

    ``terms`` pairs each input value under the window (padding included) with the kernel
    weight on top of it, row by row; ``value`` is what :func:`cnnlab.functional.conv2d`
    computed for that cell.
    """

    row: int
    col: int
    terms: tuple[tuple[float, float], ...]
    value: float

    @property
    def expression(self) -> str:
        """The multiply-add written out: ``8×0 + 8×0 + 8×1 + 8×(−1) + … = 1``."""
        products = " + ".join(f"{format_number(x)}×{_term(k)}" for x, k in self.terms)
        return f"{products} = {format_number(self.value)}"


def conv_steps(image, kernel, stride=1, padding=0, dilation=1) -> list[ConvStep]:
    """Every step of the convolution of one grey ``image (H, W)`` with a ``kernel (FH, FW)``.

    Returns ``OH * OW`` steps in reading order (row by row), where ``(OH, OW)`` is the
    shape of ``F.conv2d(image, kernel, stride=stride, padding=padding, dilation=dilation)``.
    With dilation ``d`` the taps sit ``d`` cells apart, and the terms are the cells under them.
    """
    out = F.conv2d(image, kernel, stride=stride, padding=padding, dilation=dilation)
    xp = F.pad2d(np.asarray(image), padding)
    k = np.asarray(kernel)
    (sh, sw), (dh, dw), (fh, fw) = pair(stride, "stride"), pair(dilation, "dilation"), k.shape
    steps = []
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = xp[i * sh : i * sh + dh * (fh - 1) + 1 : dh, j * sw : j * sw + dw * (fw - 1) + 1 : dw]
            terms = tuple(zip(window.ravel().tolist(), k.ravel().tolist()))
            steps.append(ConvStep(i, j, terms, out[i, j].item()))
    return steps


def _grid(a: np.ndarray, fmt=format_number) -> list[list[str]]:
    return [[fmt(v) for v in row] for row in np.asarray(a).tolist()]


class ConvAnimation(Widget):
    """Displays as the sliding-kernel animation; build it with :func:`conv_animation`."""

    assets = ["grid", "player", "conv_animation"]


def _either(options) -> str:
    """``3×3, 2×2 or 1×1``; a single option as it is."""
    words = [str(o) for o in options]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def conv_animation(
    image,
    kernel,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    *,
    dilation: int | Sequence[int] = 1,
    interval: int = 900,
) -> ConvAnimation:
    """An animation of ``kernel`` sliding over a grey ``image`` of shape ``(H, W)``.

    It shows the input (padding cells hatched), the window at each step, the multiply-add
    with its numbers, and the output cell being filled; play/pause, step and a scrubber,
    all usable from the keyboard.

    ``kernel`` is one ``(FH, FW)`` array, or a dict ``{name: kernel}`` to let the reader
    choose. ``stride``, ``padding`` and ``dilation`` are ints, or lists of ints to choose
    from; a dilated kernel's taps are drawn spread out, the cells between them (which the
    window skips) outlined with dashes. Every
    combination is computed here with :func:`cnnlab.functional.conv2d`, so the page needs
    no kernel. ``interval`` is the time between steps while playing, in milliseconds.
    """
    kernels = kernel if isinstance(kernel, dict) else {"kernel": kernel}
    strides = [stride] if np.isscalar(stride) else list(stride)
    paddings = [padding] if np.isscalar(padding) else list(padding)
    dilations = [dilation] if np.isscalar(dilation) else list(dilation)
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(
            f"conv_animation draws one grey image of shape (H, W); got shape {image.shape}. "
            "For a colour image pick one channel, e.g. image[0]."
        )
    if image.size > 400:
        raise ValueError(
            f"conv_animation draws every pixel as a numbered cell, so the image must be small "
            f"(at most 400 pixels, e.g. 20x20); got shape {image.shape}."
        )
    outputs = [
        [[[_grid(F.conv2d(image, k, stride=s, padding=p, dilation=d)) for d in dilations] for p in paddings]
         for s in strides]
        for k in kernels.values()
    ]
    if dilations == [1]:  # the layout of chapter 3's animations: outputs[kernel][stride][padding]
        outputs = [[[by_d[0] for by_d in by_p] for by_p in by_s] for by_s in outputs]
    data = {
        "image": _grid(image),
        "kernels": [
            {"name": name, "cells": _grid(k), "terms": _grid(k, _term)} for name, k in kernels.items()
        ],
        "strides": strides,
        "paddings": paddings,
        "outputs": outputs,
        "interval": int(interval),
    }
    if dilations != [1]:  # then outputs[kernel][stride][padding][dilation]
        data["dilations"] = dilations
    sizes = [f"{np.shape(k)[0]}×{np.shape(k)[1]}" for k in kernels.values()]
    description = (f"Sliding-kernel animation: a {image.shape[0]}×{image.shape[1]} input and a {sizes[0]} kernel"
                   + (f", dilation {dilations[0]}" if dilations != [1] else ""))
    if len(kernels) > 1 or len(strides) > 1 or len(paddings) > 1 or len(dilations) > 1:
        # Several choices: say what can be chosen, so that the text without JavaScript does
        # not describe only the first one (the script's label follows the reader's choice).
        description = (
            f"Sliding-kernel animation: a {image.shape[0]}×{image.shape[1]} input; choose the kernel "
            f"({_either(sizes)}), the stride ({_either(strides)}) and the padding ({_either(paddings)})"
            + (f", and the dilation ({_either(dilations)})" if len(dilations) > 1 else "")
        )
    return ConvAnimation(data, description)
