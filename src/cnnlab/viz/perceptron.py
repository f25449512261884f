"""The decision-line explorer of chapter 1: sliders for ``w1``, ``w2`` and ``b`` of one
perceptron, its line ``w1*x1 + w2*x2 + b = 0`` over the four binary inputs, and each input
coloured by the neuron's output; two buttons train it with Rosenblatt's rule on the target
gate (one epoch, or until it converges, cycles or reaches the end of a slider).

The page computes the outputs and the training itself (in ``assets/perceptron.js``) so that
the controls answer at once with no kernel. Slider positions are whole numbers of tenths,
``value = position / 10``, and the page computes on the positions, so every sum is exact and
a sum of exactly 0 fires; the learning rate is one position, 0.1. ``tests/test_perceptron.py``
and ``tests/test_ch1_neurons.py`` hold the page equal to :func:`cnnlab.neuron.perceptron` and
:func:`cnnlab.neuron.perceptron_epoch` on whole-number positions.
"""

from __future__ import annotations

from ..neuron import BINARY_INPUTS, GATES
from .embed import Fragment

STEPS = 10  # slider positions per unit: weights and bias move in steps of 0.1


def _position(value: float, name: str, limit: float) -> int:
    position = round(value * STEPS)
    if abs(position - value * STEPS) > 1e-9 or abs(value) > limit:
        raise ValueError(
            f"{name} must be a multiple of {1 / STEPS} between {-limit} and {limit}, as the slider "
            f"moves; got {value!r}."
        )
    return position


class PerceptronExplorer:
    """Displays as the decision-line explorer; build it with :func:`perceptron_explorer`."""

    def __init__(self, data: dict):
        self.data = data

    def __repr__(self) -> str:
        w1, w2, b = (self.data[k] / STEPS for k in ("w1", "w2", "b"))
        return (f"<Decision-line explorer (w1 = {w1}, w2 = {w2}, b = {b}); run the cell in JupyterLab "
                "or see the book's web page to move the sliders>")

    def _repr_html_(self) -> str:
        return Fragment(
            kind="perceptron", assets=["keys", "perceptron"], data=self.data,
            label="Decision-line explorer: sliders for the weights w1, w2 and the bias b of one perceptron, "
            "and buttons that train it",
            fallback="A perceptron's decision line over the four inputs (0, 0), (0, 1), (1, 0) and (1, 1), "
            "with sliders for w1, w2 and b and buttons that train it with the perceptron rule. It needs JavaScript: run the cell in JupyterLab (trusted "
            "notebook) or open the book's web page.",
        ).html()


def perceptron_explorer(w=(1.0, 1.0), b: float = -1.5, gate: str = "AND",
                        weight_limit: float = 2.0, bias_limit: float = 3.0) -> PerceptronExplorer:
    """Sliders for one perceptron with two inputs, starting at weights ``w`` and bias ``b``.

    ``gate`` (``"AND"``, ``"OR"`` or ``"XOR"``) is the truth table the reader first tries to
    match; the page lets them switch. The weight sliders run from ``-weight_limit`` to
    ``weight_limit`` and the bias slider from ``-bias_limit`` to ``bias_limit``, in steps of 0.1.
    """
    if gate not in GATES:
        raise ValueError(f"gate must be one of {sorted(GATES)}, got {gate!r}.")
    if len(w) != 2:
        raise ValueError(f"the explorer draws a neuron with two inputs, so w needs 2 weights; got {w!r}.")
    wl, bl = _position(weight_limit, "weight_limit", 100), _position(bias_limit, "bias_limit", 100)
    data = {
        "w1": _position(w[0], "w[0]", weight_limit), "w2": _position(w[1], "w[1]", weight_limit),
        "b": _position(b, "b", bias_limit), "steps": STEPS, "wmax": wl, "bmax": bl,
        "points": [list(p) for p in BINARY_INPUTS],
        "gates": {name: list(out) for name, out in GATES.items()}, "gate": gate,
    }
    return PerceptronExplorer(data)
