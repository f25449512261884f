"""The perceptron (cnnlab.neuron) against hand-worked truth tables and a plain loop, and the
decision-line explorer's data (tests/test_ch1_neurons.py holds its in-page formula equal to
Python on every slider setting)."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import perceptron
from cnnlab.neuron import truth_table
from cnnlab.viz import perceptron_explorer

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def loop_reference(x, w, b):
    """One neuron, one example at a time, written out: 1 when b + w1*x1 + w2*x2 >= 0."""
    return [1 if b + sum(wi * xi for wi, xi in zip(w, point)) >= 0 else 0 for point in x]


@pytest.mark.parametrize("b, expected", [(-1.5, [0, 0, 0, 1]), (-0.5, [0, 1, 1, 1]), (-1.0, [0, 1, 1, 1]),
                                         (-2.0, [0, 0, 0, 1]), (-2.5, [0, 0, 0, 0]), (0.0, [1, 1, 1, 1])])
def test_and_and_or_differ_only_in_the_bias(b, expected):
    # Worked by hand with w = (1, 1): the sums are b, b + 1, b + 1, b + 2; a sum of exactly 0 fires.
    assert perceptron(np.array(INPUTS), [1, 1], b).tolist() == expected


def test_one_example_gives_a_number_and_the_gates_truth_tables():
    assert perceptron([1, 1], [1.0, 1.0], -1.5).shape == ()
    assert int(perceptron([1, 0], [1.0, 1.0], -1.5)) == 0
    x, y = truth_table("AND")
    assert x.tolist() == [list(p) for p in INPUTS] and y.tolist() == [0, 0, 0, 1]
    assert truth_table("OR")[1].tolist() == [0, 1, 1, 1] and truth_table("XOR")[1].tolist() == [0, 1, 1, 0]


def test_a_layer_of_neurons_uses_linears_convention():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(7, 3))
    w = rng.normal(size=(5, 3))          # (K, n_in): one row per neuron, as Linear's weight
    b = rng.normal(size=5)
    out = perceptron(x, w, b)
    assert out.shape == (7, 5) and out.dtype == np.int64
    for k in range(5):
        assert out[:, k].tolist() == loop_reference(x.tolist(), w[k].tolist(), b[k])
    assert perceptron(x[0], w, b).tolist() == out[0].tolist()


@pytest.mark.parametrize("args, match", [
    (([0, 1], [1, 1, 1], 0), "x has 2 inputs per example .* w has 3 weights"),
    (([0, 1], [1, 1], [0, 0]), r"b must have shape \(\) \(one bias per neuron\), got \(2,\)"),
    (([0, 1], [[1, 1], [1, 0]], 0.5), r"b must have shape \(2,\)"),
    ((np.zeros((2, 2, 2)), [1, 1], 0), r"x \(n_in,\) or \(N, n_in\)"),
    (([0, 1], ["a", "b"], 0), "w must hold real numbers"),
])
def test_errors_say_what_is_wrong(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        perceptron(*args)


def test_unknown_gate():
    with pytest.raises(ValueError, match="gate must be one of"):
        truth_table("NAND")
    with pytest.raises(ValueError, match="gate must be one of"):
        perceptron_explorer(gate="nand")


@pytest.mark.parametrize("kwargs, match", [
    ({"b": -1.55}, "b must be a multiple of 0.1"),
    ({"w": (2.5, 1.0)}, r"w\[0\] must be a multiple of 0.1 between -2.0 and 2.0"),
    ({"w": (1.0, 1.0, 1.0)}, "two inputs, so w needs 2 weights"),
])
def test_explorer_settings_must_lie_on_the_sliders(kwargs, match):
    with pytest.raises(ValueError, match=match):
        perceptron_explorer(**kwargs)


def test_explorer_is_small_deterministic_and_offline():
    html = perceptron_explorer()._repr_html_()
    assert html == perceptron_explorer()._repr_html_()
    assert len(html.encode()) < 50_000 and " id=" not in html and "http" not in html
    assert "w1 = 1.0, w2 = 1.0, b = -1.5" in repr(perceptron_explorer())
