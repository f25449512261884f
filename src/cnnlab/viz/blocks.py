"""The block diagram of a convolutional layer: the input batch, the filter bank and the output
as labelled 3-D boxes whose sizes follow their shapes on a logarithmic scale (each doubling of
a size adds the same length, which the widget says under the picture; the labels give the exact
numbers). The reader changes the batch size N,
the channels C, the number of filters FN, the image size, the kernel size, the stride and the
padding, and the boxes, labels and the output-size formula follow.

This widget computes in the page: its one formula, the output size
``floor((n + 2*padding - kernel) / stride) + 1``, is held equal to
:func:`cnnlab.conv_output_size` by the tests on a grid of cases.
"""

from __future__ import annotations

from ..shapes import conv_output_size
from .embed import Widget

OPTIONS = {
    "N": [1, 2, 4, 8, 32],
    "C": [1, 2, 3, 4, 8, 16, 64],
    "H": [4, 5, 6, 7, 8, 12, 16, 28, 32, 39, 64, 224],
    "FN": [1, 2, 3, 4, 6, 8, 10, 16, 64],
    "K": [1, 2, 3, 4, 5, 7, 11],
    "S": [1, 2, 3, 4],
    "P": [0, 1, 2, 3],
}
NAMES = {"N": "batch N", "C": "channels C", "H": "image H = W", "FN": "filters FN",
         "K": "kernel FH = FW", "S": "stride", "P": "padding"}


class ConvBlocks(Widget):
    """Displays as the block diagram; build it with :func:`conv_blocks`."""

    assets = ["conv_blocks"]
    kind, focusable, keys = "blocks", False, ""
    noun, verb = "diagram", "change it"


def conv_blocks(n: int = 1, c: int = 3, size: int = 32, fn: int = 4, kernel: int = 5,
                stride: int = 1, padding: int = 0) -> ConvBlocks:
    """A block diagram of a convolution of a batch ``(N, C, H, W)`` (square images, ``H = W
    = size``) with filters ``(FN, C, K, K)``, bias ``(FN,)``, giving ``(N, FN, OH, OW)``.

    The arguments are the starting values; each must be one of the menu's options
    (``cnnlab.viz.blocks.OPTIONS``).
    """
    start = {"N": n, "C": c, "H": size, "FN": fn, "K": kernel, "S": stride, "P": padding}
    for key, value in start.items():
        if value not in OPTIONS[key]:
            raise ValueError(f"conv_blocks: {NAMES[key]} = {value!r} is not on the menu; choose one of {OPTIONS[key]}.")
    oh = conv_output_size(size, kernel, stride, padding)
    data = {"options": OPTIONS, "names": NAMES, "start": start}
    description = (
        f"Block diagram of a convolution: input {n}×{c}×{size}×{size}, filters {fn}×{c}×{kernel}×{kernel}, "
        f"output {n}×{fn}×{oh}×{oh}"
    )
    return ConvBlocks(data, description)
