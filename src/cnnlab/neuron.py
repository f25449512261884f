"""The perceptron: a neuron with a step for its activation (chapter 1).

It computes ``x @ w.T + b`` as ``Linear`` does (PyTorch's convention: one row of ``w`` per
neuron) and outputs 1 where that sum is at least 0, else 0. With two inputs one neuron
fires when ``b + w1*x1 + w2*x2 >= 0``: its decision boundary is the line
``w1*x1 + w2*x2 + b = 0``. :func:`perceptron_epoch` and :func:`train_perceptron` apply
Rosenblatt's learning rule.

A sum of exactly 0 fires, so ties must be computed exactly: in floating point
``0.3 + 0.6 - 0.9`` is about ``-1e-16``, not 0. Give whole numbers (for instance weights
counted in tenths, 3 for 0.3) and every sum is exact; multiplying all weights and the bias
by 10 does not change any output.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def perceptron_epoch(x, y, w, b, lr=1) -> tuple[np.ndarray, np.ndarray, int]:
    """One pass of Rosenblatt's rule over the examples, in order: for each example the
    neuron answers ``y_hat``, then ``w += lr * (y - y_hat) * x`` and ``b += lr * (y - y_hat)``.

    Shapes: ``x`` ``(N, n_in)``, ``y`` ``(N,)`` of 0 and 1, one neuron's ``w`` ``(n_in,)`` and
    ``b`` a number. Returns the new ``w`` ``(n_in,)``, the new ``b`` ``()`` and the number of
    mistakes (examples that changed the weights). Whole-number inputs, weights and ``lr``
    keep every sum exact.
    """
    x, y = _numeric(x, "x"), _numeric(y, "y")
    w, b = _numeric(w, "w").copy(), _numeric(b, "b").copy()
    if x.ndim != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],) or b.shape != ():
        raise ValueError(
            f"perceptron_epoch trains one neuron: x (N, n_in), y (N,), w (n_in,) and a number b; got "
            f"x {x.shape}, y {y.shape}, w {w.shape}, b {b.shape}."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"perceptron_epoch: the targets y must be 0 or 1, got {y.tolist()}.")
    w, b = np.asarray(w, dtype=np.result_type(w, lr)), np.asarray(b, dtype=np.result_type(b, lr))
    mistakes = 0
    for xi, target in zip(x, y):
        error = int(target) - int(perceptron(xi, w, b))   # +1, 0 or -1
        if error:
            mistakes += 1
            w = w + lr * error * xi
            b = np.asarray(b + lr * error)
    return w, b, mistakes


@dataclass
class PerceptronRun:
    """What :func:`train_perceptron` did: ``states[k]`` is ``(w, b)`` after epoch ``k``
    (``states[0]`` the start), ``mistakes[k - 1]`` the mistakes of epoch ``k``, and
    ``repeats`` the epoch whose state the last one repeats (``None`` if none does)."""

    states: list[tuple[np.ndarray, np.ndarray]]
    mistakes: list[int]
    repeats: int | None

    @property
    def converged(self) -> bool:
        """True when the last epoch made no mistake: every example is answered right."""
        return bool(self.mistakes) and self.mistakes[-1] == 0


def train_perceptron(x, y, w, b, lr=1, max_epochs: int = 100) -> PerceptronRun:
    """Epochs of :func:`perceptron_epoch` from ``w``, ``b`` (shapes as there) until one makes
    no mistake (converged), or ends in a state an earlier epoch ended in (the rule is
    deterministic, so from there it cycles for ever), or ``max_epochs`` have run."""
    states = [(_numeric(w, "w"), _numeric(b, "b"))]
    mistakes: list[int] = []
    seen = [_key(*states[0])]
    for _ in range(max_epochs):
        w, b, m = perceptron_epoch(x, y, w, b, lr)
        states.append((w, b))
        mistakes.append(m)
        if m == 0:
            return PerceptronRun(states, mistakes, None)
        if _key(w, b) in seen:
            return PerceptronRun(states, mistakes, seen.index(_key(w, b)))
        seen.append(_key(w, b))
    return PerceptronRun(states, mistakes, None)


def _key(w, b) -> tuple:
    return tuple(np.ravel(w).tolist()), float(b)
