"""The shape calculator: a convolution's output size, worked out and explained in the page.

Unlike the animations, the calculator computes in the browser (``assets/shape_calculator.js``)
so that readers can type any numbers. :func:`axis_report` is its Python twin, built on
:mod:`cnnlab.shapes`: the tests hold the page's numbers equal to it on a grid of cases.
"""

from __future__ import annotations

from ..shapes import (
    conv_output_size,
    padding_pairs,
    tf_output_size,
    tf_padding,
    window_coverage,
)
from .embed import Fragment


def axis_report(n: int, kernel_size: int, stride: int = 1, padding: int | str = 0, dilation: int = 1) -> dict:
    """Everything the calculator shows for one axis, as plain numbers.

    Returns a dict with ``span`` (cells one window covers, ``d*(f - 1) + 1``), ``pad``
    (``[before, after]``), ``padded`` (``n + before + after``), ``out`` (the PyTorch output
    size, or ``None``), ``error`` (``None``, ``"same_stride"`` for 'same' with a stride above
    1, or ``"too_large"`` when the window spans more cells than the padded input),
    ``coverage`` (windows reading each input cell, :func:`~cnnlab.shapes.window_coverage`),
    ``unread`` (the cells no window reads), ``dropped`` (padded cells past the last window,
    ``(padded - span) % stride``), ``empty`` (windows that read padding only), and TensorFlow's
    ``tf_same`` (``{"out", "pad"}``) and ``tf_valid`` (an int, or ``None`` when the kernel is
    larger than the input). Raises for hyper-parameters that are not whole numbers of at least 1
    (0 for padding) or an unknown padding string, as :func:`~cnnlab.shapes.conv_output_size` does.
    """
    span = dilation * (kernel_size - 1) + 1
    report = {"span": span, "error": None, "out": None, "coverage": [], "unread": [], "dropped": 0, "empty": 0}
    (before, after), _ = padding_pairs(padding, kernel_size, 1, dilation)  # 'same' as at stride 1
    report["tf_same"] = {"out": tf_output_size(n, kernel_size, stride, "SAME", dilation),
                         "pad": list(tf_padding(n, kernel_size, stride, dilation))}
    report["tf_valid"] = tf_output_size(n, kernel_size, stride, "VALID", dilation) if span <= n else None
    report.update(pad=[before, after], padded=n + before + after)
    if padding == "same" and stride != 1:
        report["error"] = "same_stride"
    if span > n + before + after:
        report["error"] = report["error"] or "too_large"
    if report["error"]:
        return report
    out = conv_output_size(n, kernel_size, stride, padding, dilation)
    coverage = window_coverage(n, kernel_size, stride, padding, dilation)
    starts = [i * stride for i in range(out)]
    report.update(
        out=out,
        coverage=coverage,
        unread=[i for i, c in enumerate(coverage) if c == 0],
        dropped=(n + before + after - span) % stride,
        empty=sum(all(not before <= a + t * dilation < before + n for t in range(kernel_size)) for a in starts),
    )
    return report


class ShapeCalculator:
    """Displays as the shape calculator; build it with :func:`shape_calculator`."""

    def __init__(self, data: dict):
        self.data = data

    def __repr__(self) -> str:
        d = self.data
        return (f"<Shape calculator: a {d['h']}×{d['w']} input, kernel {d['kernel']}, stride {d['stride']}, "
                f"padding {d['padding']}, dilation {d['dilation']}; run in JupyterLab or see the book's web page>")

    def _repr_html_(self) -> str:
        return Fragment(
            kind="calc", assets=["shape_calculator"], data=self.data,
            label="Shape calculator: type the input size, kernel, stride, padding and dilation; "
                  "the output size and its explanation follow.",
            fallback=(
                "Shape calculator. It needs JavaScript: run the cell in JupyterLab (trusted notebook) "
                "or open the book's web page. By hand: out = floor((n + 2p - d(f - 1) - 1) / s) + 1."
            ),
        ).html()


def shape_calculator(n: int | tuple[int, int] = (40, 50), kernel_size: int = 3, stride: int = 1,
                     padding: int | str = 1, dilation: int = 1) -> ShapeCalculator:
    """An interactive calculator of a convolution's output size, opened at these numbers.

    The reader types the input's height and width, the kernel size, the stride, the padding
    (a number per side, ``valid`` or ``same``) and the dilation; the page shows the formula
    with those numbers, the output size, which input cells the windows read, what goes wrong
    (a kernel larger than the padded input, rows and columns never read, 'same' with a
    stride), and the same layer in the conventions of other texts and of TensorFlow/Keras.
    The page computes in JavaScript; :func:`axis_report` is the Python reference it is
    tested against.
    """
    h, w = (n, n) if isinstance(n, int) else n
    for v in (h, w, kernel_size, stride, dilation):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"shape_calculator opens with whole numbers of at least 1, got {v!r}.")
    axis_report(h, kernel_size, 1 if padding == "same" else stride, padding, dilation)  # a bad padding raises here
    return ShapeCalculator({"h": h, "w": w, "kernel": kernel_size, "stride": stride,
                            "padding": str(padding), "dilation": dilation})
