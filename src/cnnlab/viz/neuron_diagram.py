"""Labelled diagrams of chapter 1: one neuron, and a multi-layer perceptron with the shape of
every array, read from the model itself."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..layers import Linear, Sequential


def _node(ax, x, y, text, r=0.28, face="white"):
    ax.add_patch(plt.Circle((x, y), r, facecolor=face, edgecolor="black", lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=4)


def _arrow(ax, start, end, text="", r=0.3):
    (x0, y0), (x1, y1) = start, end
    d = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    ax.annotate("", xy=(x1 - r * ux, y1 - r * uy), xytext=(x0 + r * ux, y0 + r * uy),
                arrowprops={"arrowstyle": "->", "lw": 0.9, "color": "0.3"}, zorder=2)
    if text:
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, text, ha="center", va="bottom", fontsize=9, color="0.15")


def neuron_diagram(ax, n_inputs: int = 3) -> None:
    """One neuron on ``ax``: inputs ``x1..xn``, a weight on each arrow, the sum
    ``z = w . x + b`` and the activation that gives the output ``y``."""
    ys = [(n_inputs - 1) / 2 - i for i in range(n_inputs)]
    for i, y in enumerate(ys, start=1):
        _node(ax, 0, y, f"$x_{i}$", face="#dbe9f6")
        _arrow(ax, (0, y), (2.2, 0), f"$w_{i}$")
    _node(ax, 2.2, 0, "$\\Sigma$", r=0.34)
    ax.text(2.2, -0.6, "$z = w \\cdot x + b$", ha="center", va="top", fontsize=10)
    _arrow(ax, (2.2, 1.3), (2.2, 0), "", r=0.34)
    ax.text(2.2, 1.35, "bias $b$", ha="center", va="bottom", fontsize=9)
    _node(ax, 3.8, 0, "$\\varphi$", r=0.32, face="#fde2c8")
    ax.text(3.8, -0.55, "activation", ha="center", va="top", fontsize=9)
    _arrow(ax, (2.2, 0), (3.8, 0), "$z$", r=0.34)
    ax.annotate("", xy=(5.0, 0), xytext=(4.12, 0), arrowprops={"arrowstyle": "->", "lw": 0.9})
    ax.text(5.05, 0, "$y = \\varphi(z)$", ha="left", va="center", fontsize=10)
    ax.set_xlim(-0.6, 6.3), ax.set_ylim(-(n_inputs / 2) - 0.4, n_inputs / 2 + 0.6)
    ax.set_aspect("equal"), ax.axis("off"), ax.set_title("one neuron", fontsize=11)


def mlp_diagram(ax, model: Sequential) -> None:
    """A ``Sequential`` of ``Linear`` layers (activations between them) on ``ax``: one column
    of circles per layer of values, each ``Linear``'s ``weight`` and ``bias`` shapes on its
    connections, and the batch shape ``(N, features)`` under each column."""
    linears = [layer for layer in model if isinstance(layer, Linear)]
    if not linears:
        raise ValueError("mlp_diagram draws the Linear layers of a Sequential; this one has none.")
    sizes = [linears[0].in_features] + [layer.out_features for layer in linears]
    after = {}  # index of each Linear -> the activation that follows it
    for k, layer in enumerate(model):
        if not isinstance(layer, Linear) and k > 0 and isinstance(model[k - 1], Linear):
            after[linears.index(model[k - 1])] = type(layer).__name__
    gap, top = 2.6, max(sizes) / 2
    for col, n in enumerate(sizes):
        ys = [(n - 1) / 2 - i for i in range(n)]
        face = "#dbe9f6" if col == 0 else ("#fde2c8" if col == len(sizes) - 1 else "white")
        for y in ys:
            _node(ax, col * gap, y, "", r=0.22, face=face)
        name = "input x" if col == 0 else ("output" if col == len(sizes) - 1 else f"hidden {col}")
        ax.text(col * gap, -top - 0.3, f"{name}\n$(N, {n})$", ha="center", va="top", fontsize=9)
        if col:
            layer = linears[col - 1]
            prev = [(sizes[col - 1] - 1) / 2 - i for i in range(sizes[col - 1])]
            for y0 in prev:
                for y1 in ys:
                    ax.plot([(col - 1) * gap + 0.22, col * gap - 0.22], [y0, y1], color="0.6", lw=0.6, zorder=1)
            label = f"weight {tuple(layer.weight.shape)}\nbias {tuple(layer.bias.shape)}"
            if col - 1 in after:
                label += f"\nthen {after[col - 1]}"
            ax.text((col - 0.5) * gap, top + 0.15, label, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.9, (len(sizes) - 1) * gap + 0.9), ax.set_ylim(-top - 1.4, top + 1.5)
    ax.set_aspect("equal"), ax.axis("off"), ax.set_title("a multi-layer perceptron", fontsize=11)
