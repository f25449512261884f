"""Static matplotlib figures for the book: small matrices with their numbers, and images.

Each function draws and returns the matplotlib object it made; it never calls
``plt.show()``, so a notebook cell ends with ``plt.show()`` to display the figure once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .animation import format_number

__all__ = ["show_matrix", "show_matrices", "show_images"]

Window = tuple[int, int, int, int]  # (row, col, height, width) of a highlighted block


def show_matrix(
    a: np.ndarray, ax: Axes | None = None, title: str | None = None, window: Window | None = None
) -> Axes:
    """Draw a small matrix as a grid with each number written in its cell.

    ``a``: ``(H, W)`` numbers, best up to about 10x10. Cells are shaded pale by value
    (red above zero, blue below, white at zero) so the numbers stay readable.
    ``window``: ``(row, col, height, width)`` of a block to outline, such as the
    patch under the kernel. Returns the Axes drawn on (a new one if ``ax`` is None).
    """
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"show_matrix needs a 2D array (H, W); got shape {a.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * a.shape[1] + 0.6, 0.5 * a.shape[0] + 0.6))
    top = float(np.abs(a).max()) or 1.0
    # Limits wider than the data keep every shade pale, so black text reads on all cells.
    ax.imshow(a, cmap="RdBu_r", vmin=-2.5 * top, vmax=2.5 * top)
    for (i, j), v in np.ndenumerate(a):
        text = format_number(v)
        ax.text(j, i, text, ha="center", va="center", fontsize=11 if len(text) <= 3 else 8)
    ax.set_xticks(np.arange(a.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(a.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    if window is not None:
        r, c, h, w = window
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="black", linewidth=3))
    if title:
        ax.set_title(title)
    return ax


def show_matrices(
    matrices: dict[str, np.ndarray], windows: dict[str, Window] | None = None, cell: float = 0.45
) -> Figure:
    """Draw several small matrices side by side, each titled by its key.

    ``matrices``: title -> ``(H, W)`` array, e.g. ``{"image x": x, "kernel k": k}``.
    ``windows``: optional title -> ``(row, col, height, width)`` block to outline.
    ``cell``: the side of one cell in inches. Returns the Figure.
    """
    windows = windows or {}
    widths = [np.asarray(m).shape[1] for m in matrices.values()]
    height = max(np.asarray(m).shape[0] for m in matrices.values())
    fig, axes = plt.subplots(
        1, len(matrices), figsize=(cell * sum(widths) + 0.6 * len(widths), cell * height + 0.8),
        gridspec_kw={"width_ratios": widths}, squeeze=False,
    )
    for ax, (name, m) in zip(axes[0], matrices.items()):
        show_matrix(m, ax=ax, title=name, window=windows.get(name))
    fig.tight_layout()
    return fig


def show_images(
    images: dict[str, np.ndarray], ncols: int | None = None, size: float = 3.2,
    signed: Iterable[str] = (),
) -> Figure:
    """Show grey or colour images side by side, each titled by its key.

    ``images``: title -> ``(H, W)`` grey array, or ``(H, W, 3)`` colour array (channels
    last, as matplotlib wants them: uint8 0-255 or floats in ``[0, 1]``, drawn as they are;
    ``cnnlab.to_hwc`` turns a ``(3, H, W)`` image around). Each grey image gets its own grey scale, stretched
    between its 0.5th and 99.5th percentiles so that a few extreme pixels do not wash out
    the rest. Titles listed in ``signed`` (edge maps, say) are instead scaled symmetrically
    about zero: zero is mid-grey, positive lighter, negative darker. ``ncols`` defaults to
    all in one row; ``size`` is the width of one panel in inches. Returns the Figure.
    """
    signed = set(signed)
    n = len(images)
    ncols = ncols or n
    nrows = -(-n // ncols)
    first = np.asarray(next(iter(images.values())))
    aspect = first.shape[0] / first.shape[1]
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * aspect * nrows + 0.4 * nrows), squeeze=False
    )
    for ax, (name, img) in zip(axes.flat, images.items()):
        if _colour(name, img):
            ax.imshow(np.asarray(img))
            ax.set_title(name)
            continue
        img = np.asarray(img, dtype=float)
        if name in signed:
            top = float(np.percentile(np.abs(img), 99.5)) or 1.0
            low, high = -top, top
        else:
            low, high = np.percentile(img, [0.5, 99.5])
        ax.imshow(img, cmap="gray", vmin=low, vmax=high)
        ax.set_title(name)
    for ax in axes.flat:
        ax.axis("off")
    fig.tight_layout()
    return fig


def _colour(name: str, img) -> bool:
    """Whether ``img`` is a colour image ``(H, W, 3)`` to draw as it is; a clear error for the
    layouts and values matplotlib would misread."""
    img = np.asarray(img)
    if img.ndim == 2:
        return False
    if img.ndim == 3 and img.shape[-1] == 3:
        if img.dtype != np.uint8 and (img.dtype.kind != "f" or img.min() < 0 or img.max() > 1):
            raise ValueError(
                f"show_images: colour image {name!r} must be uint8 (0-255) or floats in [0, 1]; got "
                f"dtype {img.dtype} with values {img.min()} to {img.max()}. Divide by 255, or clip."
            )
        return True
    hint = " It looks channels first: show cnnlab.to_hwc(img)." if img.ndim == 3 and img.shape[0] == 3 else ""
    raise ValueError(
        f"show_images draws (H, W) grey or (H, W, 3) colour images; {name!r} has shape {img.shape}.{hint}"
    )
