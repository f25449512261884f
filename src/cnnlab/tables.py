"""Count parameters and trace shapes through a model, as torchinfo and Keras print them.

Shapes are worked out with each layer's ``output_shape`` (the formulas of
``cnnlab.shapes``), so no convolution runs: a 224x224 network is summarised at once.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from .layers import Module, Sequential


def count_params(model: Module) -> int:
    """The number of learned values in ``model``: the sizes of all its parameters, summed."""
    return sum(int(p.data.size) for p in model.parameters())


@dataclass(frozen=True)
class SummaryRow:
    """One layer: its ``name`` (type and number), ``output_shape`` with the batch
    dimension first, ``activation_size`` (values per example) and ``params``."""

    name: str
    output_shape: tuple[int, ...]
    activation_size: int
    params: int
    layer: Module


class Summary:
    """The table of :func:`summary`: iterate for its rows; ``total_params`` sums them.

    ``print(s)`` shows a text table; in a notebook it renders as an HTML table.
    """

    headers = ("Layer", "Output shape", "Activation size", "Param #")

    def __init__(self, input_shape: tuple[int, ...], rows: list[SummaryRow]):
        self.input_shape = tuple(input_shape)
        self.rows = rows
        self.total_params = sum(row.params for row in rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> SummaryRow:
        return self.rows[index]

    def _cells(self) -> list[tuple[str, str, str, str]]:
        return [(r.name, str(r.output_shape), f"{r.activation_size:,}", f"{r.params:,}") for r in self.rows]

    def __str__(self) -> str:
        cells = [self.headers] + self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(4)]
        line = "-" * (sum(widths) + 6)

        def fmt(row):  # names and shapes to the left, numbers to the right
            left = [cell.ljust(width) for cell, width in zip(row[:2], widths[:2])]
            return "  ".join(left + [cell.rjust(width) for cell, width in zip(row[2:], widths[2:])])

        body = [fmt(row) for row in cells[1:]]
        return "\n".join([f"Input shape: {self.input_shape}", line, fmt(self.headers), line, *body, line,
                          f"Total params: {self.total_params:,}"])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self._cells()
        )
        return (f"<table><caption>Input shape: {self.input_shape}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody><tfoot><tr><td colspan='3'>Total params</td>"
                f"<td>{self.total_params:,}</td></tr></tfoot></table>")


def _leaves(model: Module):
    if isinstance(model, Sequential):
        for layer in model:
            yield from _leaves(layer)
    else:
        yield model


def summary(model: Module, input_shape: tuple[int, ...]) -> Summary:
    """The output shape and parameter count of every layer of ``model``.

    ``input_shape`` includes the batch dimension, e.g. ``(1, 1, 32, 32)``; a batch size of
    ``-1`` stands for "any batch" and is carried through. Layers inside nested
    ``Sequential`` models are listed one by one, numbered per type (``Conv2d-1``, ...).
    """
    shape = tuple(int(s) for s in input_shape)
    rows, seen = [], {}
    for layer in _leaves(model):
        shape = layer.output_shape(shape)
        kind = type(layer).__name__
        seen[kind] = seen.get(kind, 0) + 1
        size = math.prod(shape[1:])  # values per example: the batch axis is left out
        rows.append(SummaryRow(f"{kind}-{seen[kind]}", shape, size, count_params(layer), layer))
    return Summary(input_shape, rows)
