"""Step-by-step animations of backward passes (chapter 9), drawn by ``assets/backprop_animation.js``.

Python computes every frame with cnnlab; the page only lays the grids out, through the shared
player (``assets/player.js``). Three animations:

- :func:`conv_dx_animation`: each upstream gradient cell ``g[i, j]`` scatters ``g[i, j] * w``
  into its window of ``dx``; overlapping windows add up. With padding, the gradient that lands
  on the padding is dropped at the end; with stride, windows skip cells.
- :func:`conv_dw_animation`: ``dW`` accumulates ``g[i, j] * x[window]``, window by window, and
  a closing frame shows the result, the input correlated with ``g``.
- :func:`pool_backward_animation`: max pooling sends each ``g[i, j]`` to its window's arg-max;
  average pooling spreads it evenly over the window.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from .. import functional as F
from .animation import _grid, format_number
from .embed import Widget

Mark = list  # [panel, row, col, css class]


class BackpropAnimation(Widget):
    """Displays as a step-by-step backward-pass animation (see the module docstring)."""

    kind = "bp"
    assets = ["player", "backprop_animation"]


def _as_list(v) -> list:
    return [v] if np.isscalar(v) else list(v)


def _check_grey(a, name: str, limit: int = 100) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or a.size > limit:
        raise ValueError(f"{name} must be one small grid (H, W) of at most {limit} cells, drawn cell by cell; got shape {a.shape}.")
    return a


def _window_marks(panel: int, top: int, left: int, fh: int, fw: int, cls: str) -> list[Mark]:
    return [[panel, top + p, left + q, cls] for p in range(fh) for q in range(fw)]


def _pad_marks(panel: int, shape, pad: int) -> list[Mark]:
    h, w = shape
    return [[panel, r, c, "pad"] for r in range(h) for c in range(w) if not (pad <= r < h - pad and pad <= c < w - pad)]


def _dx_mode(w: np.ndarray, g: np.ndarray, stride: int, padding: int, x_shape) -> dict:
    fh, fw = w.shape
    hp, wp = x_shape[0] + 2 * padding, x_shape[1] + 2 * padding
    dxp = np.zeros((hp, wp))
    read = np.zeros((hp, wp), dtype=bool)  # cells that some window covers
    steps = []
    for i, j in itertools.product(range(g.shape[0]), range(g.shape[1])):
        top, left = i * stride, j * stride
        dxp[top : top + fh, left : left + fw] += g[i, j] * w
        read[top : top + fh, left : left + fw] = True
        terms = ", ".join(f"dx[{top + p - padding}, {left + q - padding}] += {format_number(g[i, j])}×{format_number(w[p, q])}"
                          for p in range(fh) for q in range(fw))
        marks = [[0, i, j, "src"]] + _window_marks(2, top, left, fh, fw, "win") + _pad_marks(2, (hp, wp), padding)
        steps.append({"grids": {"2": _grid(dxp)}, "marks": marks, "expr": terms,
                      "status": f"g[{i}, {j}] = {format_number(g[i, j])} times the kernel, added to rows {top - padding} to "
                                f"{top + fh - 1 - padding}, columns {left - padding} to {left + fw - 1 - padding} of dx"})
    dx = dxp[padding : hp - padding, padding : wp - padding]
    final = F.conv2d_backward(g, np.zeros(x_shape), w, stride=stride, padding=padding)[0]
    if not np.allclose(dx, final):  # the frames must end where cnnlab's backward does
        raise AssertionError("conv_dx_animation: the scattered sum differs from F.conv2d_backward")
    unread = not read[padding : hp - padding, padding : wp - padding].all()
    note = ("; the padding's share is dropped" if padding else "") + ("; cells no window read get 0" if unread else "")
    steps.append({"grids": {"2": _grid(dxp)}, "marks": _pad_marks(2, (hp, wp), padding), "expr":
                  "dx = the unpadded part: " + " / ".join(" ".join(format_number(v) for v in row) for row in dx),
                  "status": "done: dx is the sum of every scattered copy" + note})
    return {"panels": [{"caption": f"upstream gradient g {g.shape[0]}×{g.shape[1]}", "label": "upstream gradient", "cls": "g",
                        "cells": _grid(g)},
                       {"caption": f"kernel w {fh}×{fw}", "label": "kernel", "cls": "k", "cells": _grid(w)},
                       {"caption": f"dx {hp}×{wp}" + (f" with padding {padding} (hatched)" if padding else ""),
                        "label": "gradient of the input", "cls": "d", "cells": _grid(np.zeros((hp, wp))),
                        "origin": [-padding, -padding]}],  # headers count the input's positions, padding negative
            "ops": ["×", "→"], "steps": steps,
            "describe": f"Backward pass of a convolution for dx: each cell of the {g.shape[0]}×{g.shape[1]} upstream "
                        f"gradient scatters the {fh}×{fw} kernel, scaled, into dx (stride {stride}, padding {padding})"}


def conv_dx_animation(x_shape: tuple[int, int], kernel, grad_output, stride: int | Sequence[int] = 1,
                      padding: int | Sequence[int] = 0, *, interval: int = 1200) -> BackpropAnimation:
    """Animate ``dx`` of ``conv2d(x, kernel, stride, padding)`` for the upstream ``grad_output``.

    ``x_shape`` ``(H, W)``; ``kernel`` ``(FH, FW)``; ``grad_output`` ``(OH, OW)``, the size the
    forward pass gives, or a dict ``{(stride, padding): grad}`` when several strides or paddings
    are offered (lists of ints): the reader chooses among them.
    """
    w = _check_grey(kernel, "kernel", 25)
    strides, paddings = _as_list(stride), _as_list(padding)
    grads = grad_output if isinstance(grad_output, dict) else {(strides[0], paddings[0]): grad_output}
    modes = []
    for s, p in itertools.product(strides, paddings):
        if (s, p) not in grads:
            raise ValueError(f"conv_dx_animation: no upstream gradient for stride {s}, padding {p}; give a dict {{(s, p): grad}}.")
        g = _check_grey(grads[(s, p)], "grad_output", 36)
        want = tuple(int(v) for v in F.conv2d(np.zeros(x_shape), w, stride=s, padding=p).shape)
        if g.shape != want:
            raise ValueError(f"conv_dx_animation: with stride {s} and padding {p} the output is {want}, so grad_output "
                             f"must have that shape; got {g.shape}.")
        modes.append(_dx_mode(w, g, s, p, x_shape))
    data = {"choices": [{"label": "stride", "key": "stride", "options": strides},
                        {"label": "padding", "key": "padding", "options": paddings}],
            "modes": modes, "interval": int(interval)}
    return BackpropAnimation(data, f"Backward pass of a convolution: dx, for a {x_shape[0]}×{x_shape[1]} input")


def conv_dw_animation(x, grad_output, kernel_size: tuple[int, int], *, interval: int = 1200) -> BackpropAnimation:
    """Animate ``dW`` of ``conv2d(x, w)`` (stride 1, no padding): window by window,
    ``dW += g[i, j] * x[i:i+FH, j:j+FW]``, then a closing frame with the result.
    ``x`` ``(H, W)``, ``grad_output`` ``(OH, OW)``."""
    x = _check_grey(x, "x")
    g = _check_grey(grad_output, "grad_output", 36)
    fh, fw = kernel_size
    if g.shape != (x.shape[0] - fh + 1, x.shape[1] - fw + 1):
        raise ValueError(f"conv_dw_animation: a {fh}×{fw} kernel on x {x.shape} gives a "
                         f"{(x.shape[0] - fh + 1, x.shape[1] - fw + 1)} output, so grad_output must have that shape; got {g.shape}.")
    dw = np.zeros((fh, fw))
    steps = []
    for i, j in itertools.product(range(g.shape[0]), range(g.shape[1])):
        dw += g[i, j] * x[i : i + fh, j : j + fw]
        terms = ", ".join(f"dW[{p}, {q}] += {format_number(g[i, j])}×{format_number(x[i + p, j + q])}"
                          for p in range(fh) for q in range(fw))
        steps.append({"grids": {"2": _grid(dw)},
                      "marks": [[1, i, j, "src"]] + _window_marks(0, i, j, fh, fw, "win") + _window_marks(2, 0, 0, fh, fw, "add"),
                      "expr": terms,
                      "status": f"window at rows {i}–{i + fh - 1}, columns {j}–{j + fw - 1}, times g[{i}, {j}] = {format_number(g[i, j])}"})
    final = F.conv2d_backward(g, x, np.zeros((fh, fw)))[1]
    if not np.allclose(dw, final):
        raise AssertionError("conv_dw_animation: the accumulated sum differs from F.conv2d_backward")
    steps.append({"grids": {"2": _grid(dw)}, "marks": _window_marks(2, 0, 0, fh, fw, "add"),
                  "expr": "dW = x correlated with g: " + " / ".join(" ".join(format_number(v) for v in row) for row in dw),
                  "status": f"done: dW is the sum of all {g.size} windows, each times its cell of g"})
    mode = {"panels": [{"caption": f"input x {x.shape[0]}×{x.shape[1]}", "label": "input", "cls": "x", "cells": _grid(x)},
                       {"caption": f"upstream gradient g {g.shape[0]}×{g.shape[1]}", "label": "upstream gradient", "cls": "g",
                        "cells": _grid(g)},
                       {"caption": f"dW {fh}×{fw}", "label": "gradient of the kernel", "cls": "d", "cells": _grid(np.zeros((fh, fw)))}],
            "ops": ["and", "→"], "steps": steps,
            "describe": f"Backward pass of a convolution for dW: the {fh}×{fw} weight gradient adds up g times each window of the input"}
    return BackpropAnimation({"choices": [], "modes": [mode], "interval": int(interval)},
                             f"Backward pass of a convolution: dW, window by window, for a {x.shape[0]}×{x.shape[1]} input")


def _pool_mode(x: np.ndarray, g: np.ndarray, size: int, kind: str) -> dict:
    dx = np.zeros_like(x)
    steps = []
    for i, j in itertools.product(range(g.shape[0]), range(g.shape[1])):
        top, left = i * size, j * size
        window = x[top : top + size, left : left + size]
        if kind == "max":
            p, q = (int(v) for v in np.unravel_index(window.argmax(), window.shape))
            dx[top + p, left + q] += g[i, j]
            targets = [[2, top + p, left + q, "add"]]
            expr = (f"max of the window is x[{top + p}, {left + q}] = {format_number(window[p, q])}: "
                    f"dx[{top + p}, {left + q}] += {format_number(g[i, j])}; the other {size * size - 1} cells get 0")
        else:
            dx[top : top + size, left : left + size] += g[i, j] / size**2
            targets = _window_marks(2, top, left, size, size, "add")
            expr = (f"every cell of the window gets g[{i}, {j}] / {size * size} = "
                    f"{format_number(g[i, j])} / {size * size} = {format_number(g[i, j] / size**2)}")
        # Max pooling outlines the window and marks its arg-max, the one cell that gets the
        # gradient; average pooling tints the whole window, since every cell gets a share.
        window_marks = (_window_marks(0, top, left, size, size, "around") + [[0, top + p, left + q, "best"]]
                        if kind == "max" else _window_marks(0, top, left, size, size, "win"))
        steps.append({"grids": {"2": _grid(dx)}, "expr": expr,
                      "marks": [[1, i, j, "src"]] + window_marks + targets,
                      "status": f"g[{i}, {j}] = {format_number(g[i, j])} " + ("goes to the window's maximum" if kind == "max" else "spread evenly")})
    backward = F.max_pool2d_backward if kind == "max" else F.avg_pool2d_backward
    if not np.allclose(dx, backward(g, x, size)):
        raise AssertionError("pool_backward_animation: the frames differ from cnnlab's backward")
    name = "max" if kind == "max" else "average"
    return {"panels": [{"caption": f"input x {x.shape[0]}×{x.shape[1]}", "label": "input", "cls": "x", "cells": _grid(x)},
                       {"caption": f"upstream gradient g {g.shape[0]}×{g.shape[1]}", "label": "upstream gradient", "cls": "g",
                        "cells": _grid(g)},
                       {"caption": f"dx {x.shape[0]}×{x.shape[1]}", "label": "gradient of the input", "cls": "d",
                        "cells": _grid(dx * 0)}],
            "ops": ["and", "→"], "steps": steps,
            "describe": f"Backward pass of {size}×{size} {name} pooling: each upstream gradient cell "
                        + ("goes to the arg-max of its window" if kind == "max" else "is spread evenly over its window")}


def pool_backward_animation(x, grad_output, kernel_size: int = 2, *, interval: int = 1200) -> BackpropAnimation:
    """Animate the backward pass of ``kernel_size`` pooling (stride = kernel size) on ``x`` ``(H, W)``,
    max and average to choose from; ``grad_output`` ``(H // k, W // k)``."""
    x = _check_grey(x, "x", 64)
    g = _check_grey(grad_output, "grad_output", 16)
    k = int(kernel_size)
    if x.shape[0] % k or x.shape[1] % k or g.shape != (x.shape[0] // k, x.shape[1] // k):
        raise ValueError(f"pool_backward_animation: x {x.shape} must split into {k}×{k} windows and grad_output must be "
                         f"{(x.shape[0] // k, x.shape[1] // k)}; got {g.shape}.")
    modes = [_pool_mode(x, g, k, kind) for kind in ("max", "avg")]
    data = {"choices": [{"label": "pooling", "key": "pool", "options": ["max", "average"]}], "modes": modes,
            "interval": int(interval)}
    return BackpropAnimation(data, f"Backward pass of {k}×{k} pooling on a {x.shape[0]}×{x.shape[1]} input")
