"""A live convolution explorer for JupyterLab, built with ipywidgets.

The reader picks an image, a kernel, a stride and a padding; :func:`cnnlab.functional.conv2d`
recomputes the feature map. The widgets need a running kernel, so the display also carries
a static HTML rendering (every classic kernel applied to the worked example) that the
book's web page shows instead.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from .. import functional as F
from ..data import sample_photo, worked_image
from ..kernels import classic_kernels
from ..shapes import conv_output_size
from .animation import format_number

_CELL = "border:1px solid #8c8c8c;min-width:2.2em;height:2.2em;text-align:center;padding:0 3px"
_HEAD = "font-size:11px;font-weight:400;padding:0 4px"


def table_html(a: np.ndarray, caption: str) -> str:
    """A small 2D array ``(H, W)`` as an HTML table with its numbers, its row and column
    indices as headers, under a caption."""
    a = np.asarray(a)
    head = "<tr><td></td>" + "".join(f'<th scope="col" style="{_HEAD}">{j}</th>' for j in range(a.shape[1])) + "</tr>"
    rows = "".join(
        f'<tr><th scope="row" style="{_HEAD}">{i}</th>'
        + "".join(f'<td style="{_CELL}">{format_number(v)}</td>' for v in row) + "</tr>"
        for i, row in enumerate(a.tolist())
    )
    return (
        '<figure style="margin:0 12px 8px 0;display:inline-block;vertical-align:top">'
        f'<table style="border-collapse:collapse"><thead>{head}</thead><tbody>{rows}</tbody></table>'
        f'<figcaption style="font-size:12px;text-align:center">{html.escape(caption)}</figcaption>'
        "</figure>"
    )


def size_line(shape, kernel_shape, stride: int, padding: int) -> str:
    """The output-size formula with the numbers filled in, for height and width."""
    parts = []
    for n, f, axis in zip(shape, kernel_shape, ("height", "width")):
        out = conv_output_size(n, f, stride, padding)
        parts.append(f"{axis}: ⌊({n} + 2·{padding} − {f}) / {stride}⌋ + 1 = {out}")
    return "; ".join(parts)


def _png_html(image: np.ndarray, feature_map: np.ndarray) -> str:
    """Input and feature map side by side, as an ``<img>`` holding a PNG.

    A bare ``Figure`` (not pyplot) renders without touching the notebook's backend.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.2))
    for ax, a, title in zip(fig.subplots(1, 2), (image, feature_map), ("input", "feature map")):
        ax.imshow(a, cmap="gray")
        ax.set_title(f"{title} {a.shape[0]}×{a.shape[1]}")
        ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    return f'<img alt="input and feature map" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def explorer_view(image_name: str, kernel_name: str, stride: int, padding: int) -> str:
    """The HTML the explorer shows for one choice of image, kernel, stride and padding."""
    image = worked_image() if image_name == "worked example" else sample_photo(step=4)
    kernel = classic_kernels()[kernel_name]
    try:
        fmap = F.conv2d(image, kernel, stride=stride, padding=padding)
    except ValueError as err:
        return f"<p>{html.escape(str(err))}</p>"
    sizes = f"<p>Output size, {size_line(image.shape, kernel.shape, stride, padding)}.</p>"
    if image.size <= 100:
        body = (
            table_html(F.pad2d(image, padding), f"input (padding {padding})")
            + table_html(kernel, f"kernel: {kernel_name}")
            + table_html(fmap, f"feature map, stride {stride}")
        )
    else:
        body = _png_html(image, fmap)
    return sizes + body


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
        """What the web page shows: every classic kernel applied to the worked example."""
        image = worked_image()
        maps = "".join(table_html(F.conv2d(image, k), name) for name, k in classic_kernels().items())
        return (
            '<div class="cnnlab-explorer-static"><p><strong>Live explorer.</strong> Run this '
            "notebook in JupyterLab to choose the image, kernel, stride and padding yourself. "
            "Below, a static preview: the worked example convolved (stride 1, no padding) with "
            "each kernel of the explorer.</p>"
            + table_html(image, "input")
            + maps
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
