"""Channels-last and channels-first: turning images between the two layouts.

Image files, matplotlib and PIL hold a colour image as ``(H, W, C)``: for each row, for
each pixel, its red, green and blue values. cnnlab and PyTorch want ``(C, H, W)``: one
whole plane per channel, and batches ``(N, C, H, W)``. Moving the channel axis is a
*transpose*, which moves every value with its (row, column, channel) index. ``reshape``
would not: it keeps the values in memory order and only cuts that order into a new shape,
so an ``(H, W, 3)`` image reshaped to ``(3, H, W)`` scrambles the pixels.

Both functions return views (no copy), with the dtype of the input: writing into the result
writes into the original. A view keeps the original's memory order and only changes its
*strides* (the bytes to step along each axis); ``np.ascontiguousarray`` makes a copy whose
memory is in the new order.

The layout check catches most mix-ups of colour images, not all: it only looks for 1, 3 or 4
channels at the two ends of the shape. A shape such as ``(3, 4, 4)`` is both a 3×4 RGBA image
channels last and a 4×4 RGB image channels first, and ``to_chw`` then transposes it as channels
last; a shape with neither end in (1, 3, 4), such as 64 feature maps ``(64, 224, 224)``, passes
unchecked. Only the caller knows which layout an array is in.
"""

from __future__ import annotations

import numpy as np

from .functional._common import _numeric

CHANNELS = (1, 3, 4)  # grey, RGB, RGBA: the channel counts an image can have


def _check_layout(img, fname: str, want: str, channel_axis: int, other_axis: int, other: str) -> np.ndarray:
    """``img`` as an array of 3 or 4 dimensions whose ``channel_axis`` can hold channels,
    unless ``other_axis`` can and it cannot (the layouts are likely mixed up)."""
    img = _numeric(img, "img")
    if img.ndim not in (3, 4):
        hint = (" A grey image (H, W) has no channel axis: img[..., None] is (H, W, 1), img[None] is "
                "(1, H, W).") if img.ndim == 2 else ""
        raise ValueError(
            f"{fname} expects an image {want} or a batch of them (N first); got {img.ndim} "
            f"dimension(s), shape {img.shape}.{hint}"
        )
    c, o = img.shape[channel_axis], img.shape[other_axis]
    if c not in CHANNELS and o in CHANNELS:
        raise ValueError(
            f"{fname} expects {want} with the channels (1, 3 or 4) at axis {channel_axis}; got shape "
            f"{img.shape}, whose axis {channel_axis} has {c} entries but axis {other_axis} has {o}: "
            f"the image is probably {other} already. Use it as it is, or call the other function."
        )
    return img


def to_chw(img: np.ndarray) -> np.ndarray:
    """``(H, W, C) -> (C, H, W)``, or a batch ``(N, H, W, C) -> (N, C, H, W)``, by transpose.

    ``out[..., c, i, j] == img[..., i, j, c]``: the same as ``np.moveaxis(img, -1, -3)``.
    """
    img = _check_layout(img, "to_chw", "(H, W, C)", -1, -3, "channels-first (C, H, W)")
    return img.transpose(2, 0, 1) if img.ndim == 3 else img.transpose(0, 3, 1, 2)


def to_hwc(img: np.ndarray) -> np.ndarray:
    """``(C, H, W) -> (H, W, C)``, or a batch ``(N, C, H, W) -> (N, H, W, C)``, by transpose:
    the inverse of :func:`to_chw`, e.g. to show an image with ``plt.imshow``.

    ``out[..., i, j, c] == img[..., c, i, j]``: the same as ``np.moveaxis(img, -3, -1)``.
    """
    img = _check_layout(img, "to_hwc", "(C, H, W)", -3, -1, "channels-last (H, W, C)")
    return img.transpose(1, 2, 0) if img.ndim == 3 else img.transpose(0, 2, 3, 1)
