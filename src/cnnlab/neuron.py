"""The perceptron: a neuron with a step for its activation (chapter 1).

It computes ``x @ w.T + b`` as ``Linear`` does (PyTorch's convention: one row of ``w`` per
neuron) and outputs 1 where that sum is at least 0, else 0. With two inputs one neuron
fires when ``b + w1*x1 + w2*x2 >= 0``: its decision boundary is the line
``w1*x1 + w2*x2 + b = 0``.
"""

from __future__ import annotations

import numpy as np

from .functional._common import _numeric

GATES = {  # the truth tables of the three gates chapter 1 tries to build, for inputs BINARY_INPUTS
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "XOR": (0, 1, 1, 0),
}
BINARY_INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))  # (x1, x2), in the order of GATES' outputs


def perceptron(x, w, b) -> np.ndarray:
    """Step outputs (0 or 1, int64) of one neuron or a layer of them.

    Shapes, as ``Linear``: ``x`` ``(n_in,)`` or ``(N, n_in)``; one neuron ``w`` ``(n_in,)``,
    ``b`` a number, returns ``()`` or ``(N,)``; ``K`` neurons ``w`` ``(K, n_in)``, ``b``
    ``(K,)``, returns ``(K,)`` or ``(N, K)``. Output ``1`` where ``x @ w.T + b >= 0``.
    """
    x, w, b = _numeric(x, "x"), _numeric(w, "w"), _numeric(b, "b")
    if x.ndim not in (1, 2) or w.ndim not in (1, 2):
        raise ValueError(
            f"perceptron expects x (n_in,) or (N, n_in) and w (n_in,) or (K, n_in); got x {x.shape} "
            f"and w {w.shape}."
        )
    if x.shape[-1] != w.shape[-1]:
        raise ValueError(
            f"perceptron: x has {x.shape[-1]} inputs per example (shape {x.shape}) but w has "
            f"{w.shape[-1]} weights per neuron (shape {w.shape}). Give each neuron one weight per input."
        )
    want = () if w.ndim == 1 else (w.shape[0],)
    if b.shape != want:
        raise ValueError(
            f"perceptron: b must have shape {want} (one bias per neuron), got {b.shape} for w {w.shape}."
        )
    return (x @ w.T + b >= 0).astype(np.int64)


def truth_table(gate: str) -> tuple[np.ndarray, np.ndarray]:
    """The four binary inputs ``(4, 2)`` and the outputs ``(4,)`` of ``"AND"``, ``"OR"`` or ``"XOR"``."""
    if gate not in GATES:
        raise ValueError(f"gate must be one of {sorted(GATES)}, got {gate!r}.")
    return np.array(BINARY_INPUTS), np.array(GATES[gate])
