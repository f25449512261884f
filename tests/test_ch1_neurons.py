"""Chapter 1's second edition: the tie (a sum of exactly 0 fires) on whole-number tenths,
Rosenblatt's rule worked by hand and in the explorer's page, the activation functions' slopes
against central differences, and the labelled diagram's shapes."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cnnlab  # noqa: E402
from browser import chromium  # noqa: E402
from cnnlab import activation_functions as A  # noqa: E402
from cnnlab.neuron import perceptron, perceptron_epoch, train_perceptron, truth_table  # noqa: E402
from cnnlab.viz import perceptron_explorer  # noqa: E402
from cnnlab.viz.neuron_diagram import mlp_diagram, neuron_diagram  # noqa: E402

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]
GATES = {g: truth_table(g)[1].tolist() for g in ("AND", "OR", "XOR")}


def test_a_sum_of_exactly_zero_fires_in_tenths_but_not_in_decimals():
    # 0.3 + 0.6 - 0.9 rounds to about -1.1e-16 in float64; 3 + 6 - 9 is exactly 0.
    assert 0.3 + 0.6 - 0.9 < 0
    assert int(perceptron([1, 1], [0.3, 0.6], -0.9)) == 0
    assert int(perceptron([1, 1], [3, 6], -9)) == 1
    assert int(perceptron([1, 1], [-20, 14], 6)) == 1      # the explorer's case: -2 + 1.4 + 0.6 = 0


def test_the_chapters_grid_count_in_exact_tenths():
    t = np.arange(-20, 21)
    t1, t2, tb = np.meshgrid(t, t, t, indexing="ij")
    w = np.stack([t1.ravel(), t2.ravel()], axis=1)
    out = perceptron(np.array(INPUTS), w, tb.ravel())
    counts = {g: int(np.all(out == np.array(y)[:, None], axis=0).sum()) for g, y in GATES.items()}
    # a plain loop over exact integers, as an independent reference
    loop = {g: 0 for g in GATES}
    for p1, p2, pb in itertools.product(t.tolist(), repeat=3):
        o = [1 if pb + p1 * a + p2 * c >= 0 else 0 for a, c in INPUTS]
        for g, y in GATES.items():
            loop[g] += o == y
    assert counts == loop == {"AND": 1330, "OR": 2870, "XOR": 0}


def test_one_epoch_of_the_rule_worked_by_hand():
    # OR from w = (0, 0), b = 0: (0,0) sum 0 fires, target 0 -> b = -1; (0,1) sum -1, target 1
    # -> w2 = 1, b = 0; (1,0) sum 0 fires, right; (1,1) sum 1 fires, right. Two mistakes.
    x, y = truth_table("OR")
    w, b, mistakes = perceptron_epoch(x, y, [0, 0], 0)
    assert w.tolist() == [0, 1] and int(b) == 0 and mistakes == 2
    # a learning rate scales the updates: lr = 0.5 from 0 gives half of everything
    w, b, mistakes = perceptron_epoch(x, y, [0.0, 0.0], 0.0, lr=0.5)
    assert w.tolist() == [0, 0.5] and float(b) == 0 and mistakes == 2


def test_the_rule_converges_on_and_and_or_and_cycles_on_xor():
    for gate in ("AND", "OR"):
        x, y = truth_table(gate)
        run = train_perceptron(x, y, [0, 0], 0)
        assert run.converged and run.repeats is None
        w, b = run.states[-1]
        assert perceptron(x, w, b).tolist() == y.tolist()
    x, y = truth_table("XOR")
    run = train_perceptron(x, y, [0, 0], 0)
    assert not run.converged and run.repeats is not None
    w, b = run.states[-1]
    assert [v.tolist() for v in run.states[run.repeats]] == [w.tolist(), b.tolist()]
    assert all(m > 0 for m in run.mistakes)


@pytest.mark.parametrize("args, match", [
    (([[0, 1]], [2], [0, 0], 0), "targets y must be 0 or 1"),
    (([0, 1], [1], [0, 0], 0), r"x \(N, n_in\)"),
    (([[0, 1]], [1], [[0, 0]], 0), "trains one neuron"),
])
def test_training_errors_say_what_is_wrong(args, match):
    with pytest.raises(ValueError, match=match):
        perceptron_epoch(*args)


@pytest.mark.parametrize("name", list(A.ACTIVATIONS))
def test_activation_slopes_against_central_differences(name):
    f, slope = A.ACTIVATIONS[name]
    z = np.concatenate([np.linspace(-6, -0.05, 40), np.linspace(0.05, 6, 40)])
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    assert np.allclose(slope(z), numeric, atol=1e-8)
    assert f(np.zeros((2, 3))).shape == (2, 3)


def test_activation_values_by_hand():
    assert A.sigmoid(0.0) == 0.5 and A.sigmoid_slope(0.0) == 0.25 and A.tanh_slope(0.0) == 1
    assert np.array_equal(A.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])   # no overflow
    assert A.relu_slope(np.array([-2.0, 0.0, 3.0])).tolist() == [0, 0, 1]
    assert A.leaky_relu(np.array([-2.0, 3.0])).tolist() == [-0.02, 3.0]
    assert A.leaky_relu_slope(np.array([-2.0, 3.0])).tolist() == [0.01, 1.0]
    with pytest.raises(TypeError, match="z must hold real numbers"):
        A.sigmoid(["a"])


def test_the_diagram_labels_the_models_shapes():
    model = cnnlab.Sequential(cnnlab.Linear(2, 3, rng=0), cnnlab.ReLU(), cnnlab.Linear(3, 1, rng=1))
    fig, (a, b) = plt.subplots(1, 2)
    neuron_diagram(a)
    mlp_diagram(b, model)
    texts = [t.get_text() for t in b.texts]
    assert "weight (3, 2)\nbias (3,)\nthen ReLU" in texts and "weight (1, 3)\nbias (1,)" in texts
    assert "input x\n$(N, 2)$" in texts and "output\n$(N, 1)$" in texts
    plt.close(fig)
    with pytest.raises(ValueError, match="has none"):
        mlp_diagram(b, cnnlab.Sequential(cnnlab.ReLU()))


def _page(tmp_path, explorer):
    page = tmp_path / "perceptron.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + explorer._repr_html_() + "</body></html>")
    return page.as_uri()


def test_the_page_computes_on_whole_positions_and_trains_as_python(tmp_path):
    explorer = perceptron_explorer()
    wmax, bmax = explorer.data["wmax"], explorer.data["bmax"]
    grid = list(itertools.product(range(-wmax, wmax + 1), range(-wmax, wmax + 1), range(-bmax, bmax + 1)))
    python = perceptron(np.array(INPUTS), np.array([g[:2] for g in grid]), np.array([g[2] for g in grid])).T
    starts = list(itertools.product(range(-wmax, wmax + 1, 4), range(-wmax, wmax + 1, 4), range(-bmax, bmax + 1, 3)))
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(_page(tmp_path, explorer))
        js = tab.evaluate("""([grid, points]) => grid.map(([p1, p2, pb]) =>
                                 window.cnnlabPerceptron.outputs(p1, p2, pb, points))""", [grid, INPUTS])
        assert np.array_equal(np.array(js), python)
        ties = tab.evaluate("p => [window.cnnlabPerceptron.fires(3, 6, -9, 1, 1), window.cnnlabPerceptron.fires(-20, 14, 6, 1, 1)]", [])
        assert ties == [1, 1]
        for gate, y in GATES.items():
            page_epochs = tab.evaluate("""([starts, points, y]) => starts.map(([p1, p2, pb]) =>
                                              window.cnnlabPerceptron.epoch(p1, p2, pb, points, y))""",
                                       [starts, INPUTS, y])
            for (p1, p2, pb), got in zip(starts, page_epochs):
                w, b, m = perceptron_epoch(np.array(INPUTS), np.array(y), [p1, p2], pb)
                assert got == [*w.tolist(), int(b), m], (gate, p1, p2, pb)
        assert errors == []


def _status(widget):
    return widget.locator(".cnnlab-status").inner_text()


def test_the_train_buttons_converge_on_and_and_cycle_on_xor(tmp_path):
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(_page(tmp_path, perceptron_explorer(w=(0, 0), b=0, gate="AND")))
        widget = tab.locator(".cnnlab-perceptron")
        widget.locator("button[data-train=epoch]").click()
        assert _status(widget).endswith("Epoch 1: 2 mistakes, weights updated.")
        widget.locator("button[data-train=run]").click()   # AND from 0 converges after epoch 6
        assert _status(widget) == ("w1 = 0.2, w2 = 0.1, b = −0.3: outputs 0, 0, 0, 1. Matches AND on 4 of 4 inputs. "
                                   "Epoch 6 made no mistake: the rule has converged.")
        widget.locator("select[data-choice=gate]").select_option("XOR")
        widget.locator("button[data-train=run]").click()
        x, y = truth_table("XOR")
        run = train_perceptron(x, y, [2, 1], -3)
        assert not run.converged and run.repeats is not None
        assert f"Epoch {len(run.mistakes)} (" in _status(widget) and "the rule repeats for ever." in _status(widget)
        # a manual change forgets the training; training that would leave a slider stops
        bias = widget.locator("input[data-param=b]")
        bias.fill("-30")
        bias.dispatch_event("input")
        widget.locator("select[data-choice=gate]").select_option("OR")
        w1 = widget.locator("input[data-param=w1]")
        w1.fill("20")
        w1.dispatch_event("input")
        widget.locator("button[data-train=run]").click()
        assert "Training stopped: the next epoch would move" in _status(widget)
        assert errors == []


def test_the_train_button_converges_on_or_as_python_and_shows_the_tie(tmp_path):
    # OR from the chapter's start and from the AND neuron (the chapter's suggestion); the page
    # stops where train_perceptron stops. The tie, -2 + 1.4 + 0.6 = 0 at (1, 1): sum 0, output 1.
    x, y = truth_table("OR")
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        for w, b in [((0, 0), 0), ((1, 1), -1.5)]:
            tab.goto(_page(tmp_path, perceptron_explorer(w=w, b=b, gate="OR")))
            widget = tab.locator(".cnnlab-perceptron")
            widget.locator("button[data-train=run]").click()
            run = train_perceptron(x, y, [round(10 * v) for v in w], round(10 * b))
            assert run.converged
            (p1, p2), pb = run.states[-1]
            status = _status(widget)
            assert status.startswith(f"w1 = {p1 / 10:g}, w2 = {p2 / 10:g}, b = {pb / 10:g}".replace("-", "−"))
            assert status.endswith(f"Matches OR on 4 of 4 inputs. Epoch {len(run.mistakes)} made no mistake: "
                                   "the rule has converged.")
        tab.goto(_page(tmp_path, perceptron_explorer(w=(-2, 1.4), b=0.6, gate="AND")))
        last_row = tab.locator(".cnnlab-perceptron table tr").last.inner_text().split()
        assert last_row[:4] == ["1", "1", "0", "1"]            # x1, x2, the sum, the output
        assert errors == []


def test_training_stops_after_max_epochs_when_nothing_repeats():
    x, y = truth_table("XOR")
    run = train_perceptron(x, y, [0, 0], 0, max_epochs=1)
    assert len(run.mistakes) == 1 and not run.converged and run.repeats is None
