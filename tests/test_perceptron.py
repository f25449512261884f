"""The perceptron (cnnlab.neuron) against hand-worked truth tables and a plain loop, and the
decision-line explorer's in-page formula against it on a grid of slider settings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from browser import chromium
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


def test_the_page_and_python_agree_on_a_grid_of_slider_settings(tmp_path):
    """Every slider position of the weights (even tenths) and of the bias (all tenths): the
    outputs the page computes for the four inputs equal cnnlab.perceptron's."""
    explorer = perceptron_explorer()
    steps, wmax, bmax = (explorer.data[k] for k in ("steps", "wmax", "bmax"))
    grid = list(itertools.product(range(-wmax, wmax + 1, 2), range(-wmax, wmax + 1, 2), range(-bmax, bmax + 1)))
    w = np.array([[p1 / steps, p2 / steps] for p1, p2, _ in grid])   # the page's value = position / steps
    b = np.array([pb / steps for _, _, pb in grid])
    python = perceptron(np.array(INPUTS), w, b).T                 # (settings, 4 inputs)
    page = tmp_path / "perceptron.html"
    page.write_text("<!doctype html><html><body>" + explorer._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        js = tab.evaluate(
            """([grid, steps, points]) => grid.map(([p1, p2, pb]) =>
                   window.cnnlabPerceptron.outputs(p1 / steps, p2 / steps, pb / steps, points))""",
            [grid, steps, INPUTS],
        )
        assert errors == []
    assert len(grid) == 21 * 21 * 61
    assert np.array_equal(np.array(js), python)
    assert 0 < python.mean() < 1 and (python.sum(axis=1) == 1).any()  # the grid reaches every kind of answer
