"""The pixel inspector of chapter 2: a small colour image drawn cell by cell; point at a pixel
or move to it with the arrow keys to read its red, green and blue values and where each
value sits in the two layouts, ``(H, W, C)`` and ``(C, H, W)``.

The values come from the array as JSON. The page computes the indices and the positions in
memory of contiguous, C-ordered arrays (``(i*W + j)*C + c`` channels last, ``c*H*W + i*W + j``
in a contiguous channels-first copy such as ``np.ascontiguousarray(to_chw(image))``); the view
that ``to_chw`` returns keeps the original's memory order, so there a pixel's values stay side
by side. ``tests/test_pixels.py`` holds the positions equal to ``np.ravel_multi_index`` on every
pixel.
"""

from __future__ import annotations

import numpy as np

from .embed import Fragment

MAX_SIDE = 16  # every pixel is a cell of its own: keep the picture small


class PixelInspector:
    """Displays as the pixel inspector; build it with :func:`pixel_inspector`."""

    def __init__(self, data: dict):
        self.data = data

    def __repr__(self) -> str:
        h, w = len(self.data["pixels"]), len(self.data["pixels"][0])
        return (f"<Pixel inspector of a {h}×{w} colour image; run the cell in JupyterLab or see the "
                "book's web page to point at its pixels>")

    def _repr_html_(self) -> str:
        h, w = len(self.data["pixels"]), len(self.data["pixels"][0])
        return Fragment(
            kind="pixels", assets=["keys", "pixels"], data=self.data,
            label=f"Pixel inspector: a {h}×{w} colour image. Arrow keys move between pixels",
            fallback=f"A {h}×{w} colour image, one cell per pixel, that shows each pixel's red, green "
            "and blue values. It needs JavaScript: run the cell in JupyterLab (trusted notebook) or "
            "open the book's web page.",
        ).html()


def pixel_inspector(image, name: str = "crop") -> PixelInspector:
    """An inspector for a small colour ``image`` of shape ``(H, W, 3)``, uint8 (0-255), as
    image files store it; at most 16x16 pixels. ``name`` is the array's name in the readout
    (``crop[2, 3, 0]``); the channels-first array is called ``to_chw(name)``. The positions it
    shows are those of contiguous arrays: ``image`` itself when it is C-contiguous (a slice of a
    larger image is not: copy it), and a contiguous copy of ``to_chw(image)``.
    """
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[-1] != 3:
        hint = " It looks channels first: pass cnnlab.to_hwc(image)." if img.ndim == 3 and img.shape[0] == 3 else ""
        raise ValueError(
            f"pixel_inspector shows a colour image (H, W, 3), channels last as in image files; got "
            f"shape {img.shape}.{hint}"
        )
    if img.dtype != np.uint8:
        raise ValueError(
            f"pixel_inspector shows the 0-255 values of a uint8 image; got dtype {img.dtype}. For floats "
            "in [0, 1] pass (image * 255).round().astype(np.uint8)."
        )
    if max(img.shape[:2]) > MAX_SIDE:
        raise ValueError(
            f"pixel_inspector draws every pixel as a cell, so the image must be at most {MAX_SIDE}x{MAX_SIDE}; "
            f"got {img.shape[0]}x{img.shape[1]}. Crop it first, e.g. image[100:110, 200:210]."
        )
    return PixelInspector({"pixels": img.tolist(), "name": name})
