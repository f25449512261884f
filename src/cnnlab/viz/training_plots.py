"""Figures for training a network: learning curves, kernels, feature maps, a confusion matrix.

Each function draws and returns its Figure and never calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["plot_history", "show_kernels", "show_feature_maps", "show_confusion", "show_digits"]


def plot_history(history) -> Figure:
    """Loss and accuracy per epoch (a ``cnnlab.training.History``), training and test, side by side."""
    epochs = np.arange(1, len(history.train_loss) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, what in ((left, "loss"), (right, "accuracy")):
        ax.plot(epochs, getattr(history, f"train_{what}"), "o-", label="training")
        ax.plot(epochs, getattr(history, f"test_{what}"), "s--", label="test")
        ax.set_xlabel("epoch")
        ax.set_ylabel(what)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def _own_range(img: np.ndarray) -> tuple[None, None]:
    return None, None  # matplotlib stretches each image from its smallest to its largest value


def _grid(images: np.ndarray, titles: list[str], ncols: int, size: float, cmap: str,
          limits: Callable[[np.ndarray], tuple[float | None, float | None]] = _own_range) -> Figure:
    """Images ``(N, H, W)`` in a grid, each drawn from ``vmin`` to ``vmax = limits(image)``."""
    n = len(images)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.3) * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, img, title in zip(axes.flat, images, titles):
        vmin, vmax = limits(img)
        ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def _symmetric(img: np.ndarray) -> tuple[float, float]:
    top = float(np.abs(img).max()) or 1.0
    return -top, top


def show_kernels(weight: np.ndarray, ncols: int = 8, size: float = 1.0) -> Figure:
    """The kernels of a first layer, ``weight`` ``(FN, 1, FH, FW)``, one small image each.
    Each is scaled symmetrically about zero: grey is 0, light positive, dark negative."""
    weight = np.asarray(weight)
    if weight.ndim != 4 or weight.shape[1] != 1:
        raise ValueError(f"show_kernels draws one-channel kernels (FN, 1, FH, FW); got shape {weight.shape}.")
    return _grid(weight[:, 0], [f"kernel {i}" for i in range(len(weight))], ncols, size, "gray", _symmetric)


def show_feature_maps(maps: np.ndarray, title: str, ncols: int = 8, size: float = 1.0) -> Figure:
    """The channels of one example's feature maps ``(C, H, W)``, one small image each.

    Drawn like the digits, dark on white: white is 0 and black the largest value of *all*
    the maps, so a weak map looks faint and a map that is 0 everywhere is blank. The maps
    must not be negative (draw them after the ReLU)."""
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(f"show_feature_maps needs one example's maps (C, H, W); got shape {maps.shape}.")
    if maps.min() < 0:
        raise ValueError("show_feature_maps draws 0 as white, so the maps must not be negative; "
                         "draw them after the ReLU (e.g. activations(...)[1] rather than [0]).")
    top = float(maps.max()) or 1.0
    fig = _grid(maps, [f"channel {i}" for i in range(len(maps))], ncols, size, "gray_r", lambda m: (0.0, top))
    fig.suptitle(title, y=1.02)
    return fig


def show_confusion(counts: np.ndarray) -> Figure:
    """A confusion matrix ``(K, K)`` (rows: true class, columns: predicted), every count written."""
    counts = np.asarray(counts)
    k = len(counts)
    fig, ax = plt.subplots(figsize=(0.45 * k + 1.4, 0.45 * k + 1.0))
    ax.imshow(counts, cmap="Blues", vmax=2.5 * counts.max())
    for (i, j), v in np.ndenumerate(counts):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=9, fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.tight_layout()
    return fig


def show_digits(images: np.ndarray, titles: list[str], ncols: int = 8, size: float = 1.1) -> Figure:
    """Grey images ``(N, H, W)`` (or ``(N, 1, H, W)``) with a title each, ink dark on white."""
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[:, 0]
    return _grid(images, titles, ncols, size, "gray_r")
