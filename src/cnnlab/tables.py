"""Count parameters and trace shapes through a model, as torchinfo and Keras print them.

Shapes are worked out with each layer's ``output_shape`` (the formulas of
``cnnlab.shapes``), so no convolution runs: a 224x224 network is summarised at once.

Besides the output shape, the activation size and the parameter count, a summary can show
(``col_names``, named as in torchinfo where torchinfo has the column):

- ``"mult_adds"``: multiply-adds per example, counted as torchinfo counts them: each weight
  and each bias value is used once per output position, so a layer costs
  ``params x OH x OW`` (``Conv2d``: ``(kh*kw*in_channels + 1) * out_channels * OH * OW``) or
  ``params`` (``Linear``: ``(in_features + 1) * out_features``). The bias's addition counts as
  one multiply-add; layers without parameters (pooling, ReLU, Flatten) count 0.
- ``"output_bytes"``: the bytes of the layer's output per example, ``activation size x``
  the bytes of one value (4 in float32). Their total is the memory a forward pass keeps for
  the backward pass (the input not included; Flatten's output, a view, is counted although
  it copies nothing). torchinfo's "Forward/backward pass size"
  differs: it counts only layers with parameters, twice.

- ``"receptive_field"``: the side ``(rh, rw)`` of the input patch that one output value of
  the layer can see, grown layer by layer as ``r += (kernel - 1) * dilation * jump``, where
  ``jump`` is the product of the strides before the layer (ReLU keeps ``r`` and ``jump``).
  Padding does not change it, so near a border part of the patch lies in the padding, and
  deep layers can see a patch larger than the image. From ``Flatten``, ``Linear`` and
  adaptive pooling on, an output reads every value that arrives rather than a window, and
  the column shows "—" (``None``).

torchinfo multiplies both by the batch size; here they are per example, like the
activation size, so a batch of ``-1`` ("any batch") works too. :func:`training_memory`
scales them to one training step on a batch.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from .layers import AvgPool2d, Conv2d, MaxPool2d, Module, ReLU, Sequential


def count_params(model: Module) -> int:
    """The number of learned values in ``model``: the sizes of all its parameters, summed."""
    return sum(int(p.data.size) for p in model.parameters())


@dataclass(frozen=True)
class SummaryRow:
    """One layer: its ``name`` (type and number), ``output_shape`` with the batch
    dimension first, ``activation_size`` (values per example), ``params``, per example
    ``mult_adds`` and ``output_bytes``, and ``receptive_field`` ``(rh, rw)`` or None (see the
    module's docstring)."""

    name: str
    output_shape: tuple[int, ...]
    activation_size: int
    params: int
    mult_adds: int
    output_bytes: int
    receptive_field: tuple[int, int] | None
    layer: Module


# col_names -> (header, the row's cell); numbers are right-aligned, shapes left-aligned.
COLUMNS = {
    "output_size": ("Output shape", lambda row: str(row.output_shape)),
    "activation_size": ("Activation size", lambda row: f"{row.activation_size:,}"),
    "num_params": ("Param #", lambda row: f"{row.params:,}"),
    "mult_adds": ("Mult-Adds", lambda row: f"{row.mult_adds:,}"),
    "output_bytes": ("Output bytes", lambda row: f"{row.output_bytes:,}"),
    "receptive_field": ("Receptive field", lambda row: "—" if row.receptive_field is None
                        else "×".join(str(r) for r in row.receptive_field)),
}


def _readable(n: int, unit: str = "") -> str:
    """``15_483_821_032 -> "15.48 G"``: thousands, millions, ... as torchinfo shows them."""
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {prefix}{unit}"
    return f"{n} {unit}".rstrip()


def _total_line(column: str, total: int) -> str:
    if column == "num_params":
        return f"Total params: {total:,}"
    if column == "mult_adds":
        return f"Total mult-adds: {total:,} ({_readable(total)})"
    return f"Forward activations: {total:,} bytes ({_readable(total, 'B')})"


class Summary:
    """The table of :func:`summary`: iterate for its rows; ``total_params``,
    ``total_mult_adds`` and ``total_output_bytes`` sum them.

    ``print(s)`` shows a text table; in a notebook it renders as an HTML table.
    """

    def __init__(self, input_shape: tuple[int, ...], rows: list[SummaryRow], col_names: tuple[str, ...],
                 itemsize: int = 4):
        self.input_shape = tuple(input_shape)
        self.itemsize = itemsize  # bytes of one activation value
        self.rows = rows
        self.col_names = tuple(col_names)
        self.total_params = sum(row.params for row in rows)
        self.total_mult_adds = sum(row.mult_adds for row in rows)
        self.total_output_bytes = sum(row.output_bytes for row in rows)

    @property
    def headers(self) -> tuple[str, ...]:
        return ("Layer",) + tuple(COLUMNS[c][0] for c in self.col_names)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> SummaryRow:
        return self.rows[index]

    def _cells(self) -> list[tuple[str, ...]]:
        return [(r.name,) + tuple(COLUMNS[c][1](r) for c in self.col_names) for r in self.rows]

    def _totals(self) -> dict[str, int]:
        """Column name -> total, for the chosen columns that have one."""
        every = {"num_params": self.total_params, "mult_adds": self.total_mult_adds,
                 "output_bytes": self.total_output_bytes}
        return {c: every[c] for c in self.col_names if c in every}

    def __str__(self) -> str:
        cells = [self.headers] + self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        line = "-" * (sum(widths) + 2 * (len(widths) - 1))
        left = [True] + [c in ("output_size", "receptive_field") for c in self.col_names]

        def fmt(row):  # names and shapes to the left, numbers to the right
            return "  ".join(cell.ljust(w) if lt else cell.rjust(w) for cell, w, lt in zip(row, widths, left)).rstrip()

        body = [fmt(row) for row in cells[1:]]
        totals = [_total_line(column, total) for column, total in self._totals().items()]
        return "\n".join([f"Input shape: {self.input_shape}", line, fmt(self.headers), line, *body, line, *totals])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self._cells()
        )
        totals = self._totals()
        foot = "<td>Total</td>" + "".join(f"<td>{totals[c]:,}</td>" if c in totals else "<td></td>" for c in self.col_names)
        return (f"<table><caption>Input shape: {self.input_shape}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody><tfoot><tr>{foot}</tr></tfoot></table>")


def _leaves(model: Module):
    if isinstance(model, Sequential):
        for layer in model:
            yield from _leaves(layer)
    else:
        yield model


def summary(
    model: Module,
    input_shape: tuple[int, ...],
    col_names: tuple[str, ...] = ("output_size", "activation_size", "num_params"),
    dtype=np.float32,
) -> Summary:
    """The output shape and parameter count of every layer of ``model``.

    ``input_shape`` includes the batch dimension, e.g. ``(1, 1, 32, 32)``; a batch size of
    ``-1`` stands for "any batch" and is carried through. Layers inside nested
    ``Sequential`` models are listed one by one, numbered per type (``Conv2d-1``, ...).
    ``col_names`` picks the columns after the layer's name, in order, from ``"output_size"``,
    ``"activation_size"``, ``"num_params"``, ``"mult_adds"``, ``"output_bytes"`` and
    ``"receptive_field"`` (the
    module's docstring defines them; one name alone may be a string); ``dtype`` is that of the
    activations, for the bytes. Totals of parameters, mult-adds and bytes end the table.
    """
    col_names = (col_names,) if isinstance(col_names, str) else tuple(col_names)
    unknown = [c for c in col_names if c not in COLUMNS]
    if unknown:
        raise ValueError(
            f"summary: unknown column(s) {unknown}; col_names is a tuple of names from "
            f"{list(COLUMNS)}, e.g. col_names=('output_size', 'num_params', 'mult_adds')."
        )
    itemsize = np.dtype(dtype).itemsize
    shape = tuple(int(s) for s in input_shape)
    rows, seen = [], {}
    field = ((1, 1), (1, 1))  # (receptive field, jump) per axis, in input pixels; None: no window
    for layer in _leaves(model):
        shape = layer.output_shape(shape)
        field = _grow(field, layer)
        kind = type(layer).__name__
        seen[kind] = seen.get(kind, 0) + 1
        size = math.prod(shape[1:])  # values per example: the batch axis is left out
        params = count_params(layer)
        mult_adds = params * math.prod(shape[2:])  # each parameter once per output position
        rows.append(SummaryRow(f"{kind}-{seen[kind]}", shape, size, params, mult_adds, size * itemsize,
                               None if field is None else field[0], layer))
    return Summary(input_shape, rows, col_names, itemsize)


def _grow(field, layer: Module):
    """``((rh, rw), (jh, jw))`` after ``layer``, from the same before it (see the module's
    docstring); None once a layer reads everything that arrives."""
    if field is None or isinstance(layer, ReLU):
        return field
    if not isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d)):
        return None
    dilation = layer.dilation if isinstance(layer, Conv2d) else (1, 1)
    (rh, rw), (jh, jw) = field
    (kh, kw), (sh, sw), (dh, dw) = layer.kernel_size, layer.stride, dilation
    return (rh + (kh - 1) * dh * jh, rw + (kw - 1) * dw * jw), (jh * sh, jw * sw)


@dataclass(frozen=True)
class TrainingMemory:
    """The bytes one training step on a batch holds, in a simple model (all per batch):
    the ``input`` batch, every layer's output (``activations``), one gradient per activation
    (``activation_grads``), the ``params``, one gradient per parameter (``param_grads``), and
    the optimizer's buffers (``optimizer``: one copy of the parameters for SGD with momentum,
    two for Adam, none for plain SGD)."""

    batch: int
    input: int
    activations: int
    activation_grads: int
    params: int
    param_grads: int
    optimizer: int

    @property
    def total(self) -> int:
        return (self.input + self.activations + self.activation_grads
                + self.params + self.param_grads + self.optimizer)


def training_memory(table: Summary, batch: int, buffers: int = 1) -> TrainingMemory:
    """What one training step on ``batch`` examples holds, from a :func:`summary` table
    (its dtype's bytes for every value): the activations grow with the batch, the
    parameters do not. ``buffers`` is the optimizer's copies of the parameters: 0 for SGD,
    1 for SGD with momentum (weights, gradients and velocity: the parameters three times),
    2 for Adam.

    It counts every row of the table, ReLU's and Flatten's outputs included. cnnlab's ReLU
    makes a new array, but its Flatten returns a view of its input, so even for cnnlab
    Flatten's output is counted twice; a framework that applies ReLU in place, frees gradients
    as the backward pass moves on, or needs scratch space for its convolutions holds less
    or more. A model to reason with, not a measurement.
    """
    for value, name, least in ((batch, "batch", 1), (buffers, "buffers", 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"training_memory: {name} must be a whole number of at least {least}, got {value!r} "
                             "(buffers: 0 for SGD, 1 for SGD with momentum, 2 for Adam).")
    per_value = table.itemsize
    activations = batch * table.total_output_bytes
    params = table.total_params * per_value
    return TrainingMemory(batch, batch * math.prod(table.input_shape[1:]) * per_value, activations, activations,
                          params, params, buffers * params)
