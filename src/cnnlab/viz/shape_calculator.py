"""The shape calculator: a convolution's output size, worked out and explained in the page.

Unlike the animations, the calculator computes in the browser (``assets/shape_calculator.js``)
so that readers can type any numbers. :func:`axis_report` is its Python twin, built on
:mod:`cnnlab.shapes`: the tests hold the page's numbers equal to it on a grid of cases.
"""

from __future__ import annotations

from ..shapes import (
    _at_least,
    check_dilation,
    check_hyper,
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


def _field(pair: tuple[int, int]) -> str:
    """The text the page's box shows: "3" for (3, 3), "3, 5" for (3, 5)."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}, {pair[1]}"


def shape_calculator(n: int | tuple[int, int] = (40, 50), kernel_size: int | tuple[int, int] = 3,
                     stride: int | tuple[int, int] = 1, padding: int | str | tuple[int, int] = 1,
                     dilation: int | tuple[int, int] = 1) -> ShapeCalculator:
    """An interactive calculator of a convolution's output size, opened at these numbers.

    ``n`` is the input's (height, width) or one number for a square input; ``kernel_size``,
    ``stride``, ``padding`` (cells per side) and ``dilation`` are one number or a (height,
    width) pair, as in PyTorch's ``nn.Conv2d``; ``padding`` may also be ``'valid'`` or
    ``'same'``. The reader can retype every field; the page shows the formula with those
    numbers, the output size, which input cells the windows read, what goes wrong (a kernel
    larger than the padded input, rows and columns never read, 'same' with a stride), and the
    same layer in the conventions of other texts and of TensorFlow/Keras. The page computes
    in JavaScript; :func:`axis_report` is the Python reference it is tested against, one axis
    at a time.
    """
    h, w = _at_least(n, "the input size n", 1, "an input needs at least one row and one column.")
    k, s, p = check_hyper(kernel_size, stride, 0 if isinstance(padding, str) else padding)
    d = check_dilation(dilation)
    pad = (padding, padding) if isinstance(padding, str) else p
    for i, size in enumerate((h, w)):   # a bad padding string raises here, with axis_report's words
        axis_report(size, k[i], 1 if pad[i] == "same" else s[i], pad[i], d[i])
    return ShapeCalculator({"h": h, "w": w, "kernel": _field(k), "stride": _field(s),
                            "padding": padding if isinstance(padding, str) else _field(pad),
                            "dilation": _field(d)})
