"""A live convolution explorer for JupyterLab, built with ipywidgets.

The reader picks an image, a kernel, a stride and a padding; :func:`cnnlab.functional.conv2d`
recomputes the feature map. The widgets need a running kernel, so the display also carries
a static HTML rendering that the book's web page shows instead: every classic kernel
applied to the worked example (as tables of numbers) and to the photograph (as small JPEG
images, computed here once).
"""

from __future__ import annotations

import html

import numpy as np

from .. import functional as F
from ..data import sample_photo, worked_image
from ..kernels import classic_kernels
from ..shapes import conv_output_size, unread_positions
from .animation import format_number
from .jpeg import grey_jpeg_uri

# One style sheet per view, scoped to the explorer's own classes (the cells used to carry
# this style inline, once per cell). A dashed outline in the text colour marks input cells
# that no window reads; it shows in light and dark themes alike.
_STYLE = (
    "<style>"
    ".cnnlab-xp figure{margin:0 12px 8px 0;display:inline-block;vertical-align:top}"
    ".cnnlab-xp table{border-collapse:collapse}"
    ".cnnlab-xp td{border:1px solid #8c8c8c;min-width:2.2em;height:2.2em;text-align:center;padding:0 3px}"
    ".cnnlab-xp th{font-size:11px;font-weight:400;padding:0 4px}"
    ".cnnlab-xp td.unread{outline:2px dashed currentColor;outline-offset:-5px}"
    ".cnnlab-xp figcaption{font-size:12px;text-align:center}"
    ".cnnlab-xp img{image-rendering:pixelated;width:240px}"
    "</style>"
)
PHOTO_STEP = 4  # the explorer's photo keeps every 4th row and column: 107x160 pixels


def table_html(a: np.ndarray, caption: str, unread: np.ndarray | None = None) -> str:
    """A small 2D array ``(H, W)`` as an HTML table with its numbers, its row and column
    indices as headers, under a caption. ``unread``, a boolean ``(H, W)`` mask, outlines the
    cells that no window reads."""
    a = np.asarray(a)
    marks = np.zeros(a.shape, dtype=bool) if unread is None else unread
    head = "<tr><th></th>" + "".join(f'<th scope="col">{j}</th>' for j in range(a.shape[1])) + "</tr>"
    rows = "".join(
        f'<tr><th scope="row">{i}</th>'
        + "".join(f'<td class="unread">{format_number(v)}</td>' if m else f"<td>{format_number(v)}</td>"
                  for v, m in zip(row, marks[i])) + "</tr>"
        for i, row in enumerate(a.tolist())
    )
    return (
        f"<figure><table><thead>{head}</thead><tbody>{rows}</tbody></table>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def size_line(shape, kernel_shape, stride: int, padding: int) -> str:
    """The output-size formula with the numbers filled in, for height and width."""
    parts = []
    for n, f, axis in zip(shape, kernel_shape, ("height", "width")):
        out = conv_output_size(n, f, stride, padding)
        parts.append(f"{axis}: ⌊({n} + 2·{padding} − {f}) / {stride}⌋ + 1 = {out}")
    return "; ".join(parts)


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def unread_line(shape, kernel_shape, stride: int, padding: int) -> str:
    """A sentence naming the input rows and columns that no window reads, or ``""``."""
    parts = []
    for n, f, axis in zip(shape, kernel_shape, ("row", "column")):
        never = unread_positions(n, f, stride, padding)
        if never:
            parts.append(f"{axis}{'s' if len(never) > 1 else ''} {_listed([str(i) for i in never])}")
    if not parts:
        return ""
    return f"<p>Never read by any window (outlined with dashes): input {_listed(parts)}.</p>"


def _unread_mask(shape, kernel_shape, stride: int, padding: int) -> np.ndarray:
    """``(H + 2p, W + 2p)``: True on the input cells (not the padding) that no window reads."""
    (h, w), (fh, fw) = shape, kernel_shape
    mask = np.zeros((h + 2 * padding, w + 2 * padding), dtype=bool)
    for r in unread_positions(h, fh, stride, padding):
        mask[padding + r, padding:padding + w] = True
    for c in unread_positions(w, fw, stride, padding):
        mask[padding:padding + h, padding + c] = True
    return mask


def image_html(a: np.ndarray, caption: str, signed: bool) -> str:
    """A grey image ``(H, W)`` as a captioned JPEG ``<img>``. ``signed`` maps (kernels whose
    weights sum to 0) put 0 at mid-grey and stretch to their 99.5th percentile of |value|;
    others show 0 as black and 1 as white, like the photo (the sharpened photo's overshoots
    are clipped)."""
    # Rounded to 9 decimals first: the photo's pixels are multiples of 1/765, so its maps lie
    # far from any tie at the 9th decimal, and the last bits of the sums, which depend on the
    # BLAS library's order of addition, cannot move a grey level of the stored preview.
    a = np.round(np.asarray(a, dtype=float), 9)
    top = float(np.percentile(np.abs(a), 99.5)) or 1.0
    low, high = (-top, top) if signed else (0.0, 1.0)
    shade = "0 at mid-grey" if signed else "0 black, 1 white"
    alt = f"{caption}: a {a.shape[0]}×{a.shape[1]} grey image ({shade})"
    return (f'<figure><img alt="{html.escape(alt)}" src="{grey_jpeg_uri(a, low, high)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _signed(kernel: np.ndarray) -> bool:
    return abs(float(np.sum(kernel))) < 1e-9


def explorer_view(image_name: str, kernel_name: str, stride: int, padding: int) -> str:
    """The HTML the explorer shows for one choice of image, kernel, stride and padding."""
    image = worked_image() if image_name == "worked example" else sample_photo(step=PHOTO_STEP)
    kernel = classic_kernels()[kernel_name]
    try:
        fmap = F.conv2d(image, kernel, stride=stride, padding=padding)
    except ValueError as err:
        return f"<p>{html.escape(str(err))}</p>"
    sizes = f"<p>Output size, {size_line(image.shape, kernel.shape, stride, padding)}.</p>"
    unread = unread_line(image.shape, kernel.shape, stride, padding)
    if image.size <= 100:
        body = (
            table_html(F.pad2d(image, padding), f"input (padding {padding})",
                       _unread_mask(image.shape, kernel.shape, stride, padding))
            + table_html(kernel, f"kernel: {kernel_name}")
            + table_html(fmap, f"feature map, stride {stride}")
        )
    else:
        body = (image_html(F.pad2d(image, padding), f"input, padding {padding}", signed=False)
                + image_html(fmap, f"{kernel_name}, stride {stride}", signed=_signed(kernel)))
    return f'<div class="cnnlab-xp">{_STYLE}{sizes}{unread}{body}</div>'


class ConvExplorer:
    """Displays as live widgets in JupyterLab and as a static preview elsewhere."""

    def __init__(self, image_name: str = "worked example"):
        import ipywidgets as widgets

        self.image = widgets.Dropdown(options=["worked example", "photo"], value=image_name, description="image")
        self.kernel = widgets.Dropdown(options=list(classic_kernels()), value="worked example", description="kernel")
        self.stride = widgets.IntSlider(value=1, min=1, max=3, description="stride")
        self.padding = widgets.IntSlider(value=0, min=0, max=2, description="padding")
        self.view = widgets.HTML()
        controls = [self.image, self.kernel, self.stride, self.padding]
        for control in controls:
            control.observe(lambda _change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox(controls[:2]), widgets.HBox(controls[2:]), self.view])
        self.update()

    def update(self) -> None:
        """Recompute the feature map for the current choices."""
        self.view.value = explorer_view(self.image.value, self.kernel.value, self.stride.value, self.padding.value)

    def static_html(self) -> str:
        """What the web page shows: every classic kernel applied to the worked example and to
        the photo (stride 1, no padding)."""
        image, photo = worked_image(), sample_photo(step=PHOTO_STEP)
        kernels = classic_kernels()
        maps = "".join(table_html(F.conv2d(image, k), name) for name, k in kernels.items())
        photos = "".join(image_html(F.conv2d(photo, k), name, signed=_signed(k))
                         for name, k in kernels.items() if name != "identity")
        return (
            '<div class="cnnlab-explorer-static cnnlab-xp">' + _STYLE
            + "<p><strong>Live explorer.</strong> Run this notebook in JupyterLab to choose the "
            "image, kernel, stride and padding yourself. Below, a static preview (stride 1, no "
            "padding): the worked example convolved with each kernel of the explorer, then "
            f"the photo, every {PHOTO_STEP}th row and column of it, with each kernel but the "
            "identity. Maps of kernels whose weights sum to 0 show 0 as mid-grey.</p>"
            + table_html(image, "input") + maps + "<br>"
            + image_html(photo, "input photo", signed=False) + photos
            + "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/plain"] = "Convolution explorer: image, kernel, stride and padding controls"
        bundle["text/html"] = self.static_html()
        return bundle


def conv_explorer(image: str = "worked example") -> ConvExplorer:
    """A live explorer: choose ``image`` (``"worked example"`` or ``"photo"``), kernel, stride, padding."""
    return ConvExplorer(image)
