"""'auto' measures its algorithm: every path equals the naive loops, whatever wins; the
measuring picks the fastest, once per key; the switches, the environment variables and the
disk cache.

Tolerance as in tests/test_winograd.py: within ``16 * eps * S`` of the float64 naive loops,
``S`` the largest sum of absolute products that make up one value of the array.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import cnnlab
from cnnlab import functional as F
from cnnlab.functional import algorithm_search as search
from cnnlab.functional import winograd
from cnnlab.functional.algorithm_search import Plan


@pytest.fixture(autouse=True)
def fresh_search():
    """Each test starts with no winners, measuring on, no disk cache, and leaves it so."""
    mode, cache = search.get_algorithm_search(), search.set_algorithm_cache(None)
    search.forget()
    search.set_algorithm_search(True)
    yield
    search.set_algorithm_search(mode)
    search.set_algorithm_cache(cache)
    search.forget()


# (x shape, weight shape, conv2d keyword arguments): one of each kind of layer
SHAPES = {
    "5x5 like LeNet": ((3, 1, 12, 12), (4, 1, 5, 5), {"padding": 2}),
    "3x3, 16 channels, odd output": ((2, 16, 9, 9), (16, 16, 3, 3), {"padding": 1}),
    "3x3, few channels, same": ((2, 3, 6, 7), (4, 3, 3, 3), {"padding": "same"}),
    "3x3, no padding": ((2, 5, 8, 6), (3, 5, 3, 3), {}),
    "stride 2": ((2, 3, 9, 9), (4, 3, 3, 3), {"stride": 2, "padding": 1}),
    "groups 2": ((2, 4, 7, 7), (6, 2, 3, 3), {"groups": 2, "padding": 1}),
    "dilation 2": ((1, 3, 9, 9), (2, 3, 3, 3), {"dilation": 2}),
}
WINNERS = [Plan("im2col"), Plan("winograd", 2), Plan("winograd", 1), "measured"]
MODES = [True, False, "im2col", "winograd"]


def force(monkeypatch, winner):
    """Make the measuring pick ``winner`` where it is a candidate (else the first candidate),
    after running every candidate once as the real measuring would."""
    if winner == "measured":
        return

    def measure(plans, run):
        for p in plans:
            run(p)
        return (winner if winner in plans else plans[0]), {}

    monkeypatch.setattr(search, "measure", measure)


def data(shape, dtype, seed=0):
    x_shape, w_shape, kwargs = SHAPES[shape]
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype)
    return x, w, rng.standard_normal(w_shape[0]).astype(dtype), kwargs


def assert_near(got, want, sums, dtype):
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=16 * np.finfo(dtype).eps * np.max(sums))


def check_against_naive(x, w, b, kwargs, dtype):
    """conv2d, conv2d_backward and a Conv2d layer's forward and backward against the loops."""
    x64, w64, b64 = (a.astype(np.float64) for a in (x, w, b))
    want = F.conv2d_naive(x64, w64, b64, **kwargs)
    assert_near(F.conv2d(x, w, b, **kwargs), want, F.conv2d_naive(abs(x64), abs(w64), abs(b64), **kwargs), dtype)
    g = np.random.default_rng(1).standard_normal(want.shape).astype(dtype)
    wants = F.conv2d_backward_naive(g.astype(np.float64), x64, w64, **kwargs)
    sums = F.conv2d_backward_naive(abs(g.astype(np.float64)), abs(x64), abs(w64), **kwargs)
    for got, exact, s in zip(F.conv2d_backward(g, x, w, **kwargs), wants, sums):
        assert_near(got, exact, s, dtype)
    layer = cnnlab.Conv2d(x.shape[1], w.shape[0], w.shape[2:], dtype=dtype, **kwargs)
    layer.weight.data[...], layer.bias.data[...] = w, b
    assert_near(layer(x), want, F.conv2d_naive(abs(x64), abs(w64), abs(b64), **kwargs), dtype)
    assert_near(layer.backward(g), wants[0], sums[0], dtype)
    assert_near(layer.weight.grad, wants[1], sums[1], dtype)
    assert_near(layer.bias.grad, wants[2], sums[2], dtype)


@pytest.mark.parametrize("winner", WINNERS, ids=str)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_every_winner_equals_the_naive_loops(monkeypatch, winner, shape, dtype):
    force(monkeypatch, winner)
    check_against_naive(*data(shape, dtype), dtype)
    plans = search.candidates(SHAPES[shape][0], SHAPES[shape][1], _spec(shape), dtype)
    picked = [w["winner"] for w in search.winners()]  # one key: conv2d, its backward and the layer share it
    if len(plans) == 1:
        assert picked == []  # nothing to choose, nothing measured
    elif winner != "measured":
        assert picked == [str(winner if winner in plans else plans[0])]


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize("shape", SHAPES)
def test_every_mode_equals_the_naive_loops(mode, shape):
    cnnlab.set_algorithm_search(mode)
    check_against_naive(*data(shape, np.float64), np.float64)
    assert search.winners() == [] or mode is True  # only measuring keeps winners


def _spec(shape):
    x_shape, w_shape, kwargs = SHAPES[shape]
    layer = cnnlab.Conv2d(x_shape[1], w_shape[0], w_shape[2:], **kwargs)
    return F.conv.ConvSpec(layer.stride, layer.pads, layer.dilation, layer.groups, layer.output_shape(x_shape)[2:])


def test_the_reflect_padding_mode_under_every_winner(monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 64, 16, 16))  # large enough that Winograd's transforms split
    results = []
    for winner in WINNERS[:3]:
        search.forget()
        force(monkeypatch, winner)
        layer = cnnlab.Conv2d(64, 64, 3, padding=1, padding_mode="reflect", rng=0, dtype=np.float64)
        out = layer(x)
        results.append((out, layer.backward(np.ones_like(out)), layer.weight.grad.copy()))
        assert search.winners()[0]["winner"] == str(winner)
    for out, dx, dw in results[1:]:
        np.testing.assert_allclose(out, results[0][0], atol=1e-12)
        np.testing.assert_allclose(dx, results[0][1], atol=1e-12)
        np.testing.assert_allclose(dw, results[0][2], atol=1e-11)
    assert all(np.array_equal(a, b) for a, b in zip(results[1], results[2]))  # threads change nothing


def fake_run(seconds: dict, calls: list):
    """A ``run`` for :func:`search.plan` that sleeps ``seconds[plan.algorithm]`` and counts."""

    def run(plan):
        calls.append(plan)
        time.sleep(seconds[plan.algorithm])

    return run


def spec_of(x_shape, w_shape, **kwargs):
    layer = cnnlab.Conv2d(x_shape[1], w_shape[0], w_shape[2:], **kwargs)
    return F.conv.ConvSpec(layer.stride, layer.pads, layer.dilation, layer.groups, layer.output_shape(x_shape)[2:])


X, W = (2, 8, 6, 6), (8, 8, 3, 3)
T = winograd.get_num_threads()  # 2 on a machine with two cores or more


@pytest.mark.parametrize("fast, slow", [("winograd", "im2col"), ("im2col", "winograd")])
def test_the_fastest_candidate_wins_and_is_measured_once(fast, slow):
    calls = []
    run = fake_run({fast: 0.0, slow: 0.01}, calls)
    first = search.plan("auto", X, W, spec_of(X, W, padding=1), np.float64, "conv2d", run)
    assert first.algorithm == fast
    assert len(calls) == (1 + search.REPEATS) * len(search.candidates(X, W, spec_of(X, W, padding=1), np.float64))
    again = search.plan("auto", X, W, spec_of(X, W, padding=1), np.float64, "conv2d", run)
    assert again == first and len(calls) == (1 + search.REPEATS) * 2  # kept: not measured again
    (row,) = search.winners()
    assert row["winner"] == str(first) and set(row["ms"]) == {"im2col", str(Plan("winograd", T))}
    slow_name = str(next(p for p in search.candidates(X, W, spec_of(X, W, padding=1), np.float64)
                         if p.algorithm == slow))
    assert row["ms"][slow_name] >= 10 and row["search ms"] >= 10 * (1 + search.REPEATS)


def test_a_new_key_for_each_shape_dtype_and_thread_count():
    calls = []
    run = fake_run({"winograd": 0.0, "im2col": 0.0}, calls)
    spec = spec_of(X, W, padding=1)
    search.plan("auto", X, W, spec, np.float64, "conv2d", run)
    search.plan("auto", X, W, spec, np.float32, "conv2d", run)  # another dtype
    x2 = (3,) + X[1:]
    search.plan("auto", x2, W, spec_of(x2, W, padding=1), np.float64, "conv2d", run)  # another batch size
    previous = F.set_num_threads(1)
    try:
        search.plan("auto", X, W, spec, np.float64, "conv2d", run)  # Winograd's transforms on one thread
    finally:
        F.set_num_threads(previous)
    with threadpool_limits(1, user_api="blas"):
        search.plan("auto", X, W, spec, np.float64, "conv2d", run)  # BLAS on one thread
    assert len(search.winners()) == 5


def test_only_real_choices_are_measured():
    calls = []
    run = fake_run({"winograd": 0.0, "im2col": 0.0}, calls)
    lenet = (4, 6, 14, 14), (16, 6, 5, 5)
    assert search.plan("auto", *lenet, spec_of(*lenet), np.float32, "conv2d", run) == Plan("im2col")
    assert calls == [] and search.winners() == []  # 5x5: im2col is the only candidate
    assert search.candidates(X, W, spec_of(X, W, padding=1), np.float64) == [Plan("im2col"), Plan("winograd", T)]
    big = (32, 64, 32, 32), (64, 64, 3, 3)  # transforms of 8 million values: splitting can pay
    assert search.candidates(*big, spec_of(*big, padding=1), np.float32) == [
        Plan("im2col"), Plan("winograd", T)] + ([Plan("winograd", 1)] if T == 2 else [])
    assert search.plan("im2col", X, W, spec_of(X, W, padding=1), np.float64, "conv2d", run) == Plan("im2col")
    assert search.plan("winograd", X, W, spec_of(X, W, padding=1), np.float64, "conv2d", run) == Plan("winograd", T)
    assert calls == []  # an algorithm asked for by name is never measured


@pytest.mark.parametrize("mode, x_shape, w_shape, want", [
    (False, (32, 64, 32, 32), (64, 64, 3, 3), Plan("winograd", T)),  # the rule: the benchmark's layer
    (False, X, W, Plan("im2col")),  # the rule: too few channels
    ("winograd", X, W, Plan("winograd", T)),
    ("winograd", (4, 6, 14, 14), (16, 6, 5, 5), Plan("im2col")),  # cannot run: im2col
    ("im2col", (32, 64, 32, 32), (64, 64, 3, 3), Plan("im2col")),
])
def test_the_switches_decide_without_measuring(mode, x_shape, w_shape, want):
    cnnlab.set_algorithm_search(mode)
    calls = []
    got = search.plan("auto", x_shape, w_shape, spec_of(x_shape, w_shape, padding=1), np.float32, "conv2d",
                      fake_run({"winograd": 0.0, "im2col": 0.0}, calls))
    assert got == want and calls == []
    assert cnnlab.get_algorithm_search() == mode


def test_bad_switches_teach():
    with pytest.raises(ValueError, match="set_algorithm_search takes True .measure., False .the fixed rule."):
        cnnlab.set_algorithm_search("fastest")
    with pytest.raises(ValueError, match="set_algorithm_search takes"):
        cnnlab.set_algorithm_search(1)
    env = os.environ | {"CNNLAB_ALGORITHM_SEARCH": "maybe"}
    out = subprocess.run([sys.executable, "-c", "import cnnlab"], env=env, capture_output=True, text=True)
    assert out.returncode and "CNNLAB_ALGORITHM_SEARCH='maybe' is not one of 1 (measure, the default), 0" in out.stderr


@pytest.mark.parametrize("value, want", [("0", "False"), ("off", "False"), ("1", "True"), ("", "True"),
                                         ("winograd", "winograd"), ("IM2COL", "im2col")])
def test_the_environment_variable(value, want):
    env = os.environ | {"CNNLAB_ALGORITHM_SEARCH": value}
    code = "import cnnlab; print(cnnlab.get_algorithm_search())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == want


def test_the_disk_cache_keeps_winners_per_machine(tmp_path, monkeypatch):
    file = tmp_path / "algorithms.json"
    assert cnnlab.set_algorithm_cache(file) is None
    spec = spec_of(X, W, padding=1)
    calls = []
    search.plan("auto", X, W, spec, np.float64, "conv2d", fake_run({"winograd": 0.0, "im2col": 0.01}, calls))
    stored = json.loads(file.read_text())
    (machine,) = stored
    assert set(json.loads(machine)) == {"cpu", "cores", "blas", "blas kernel", "numpy", "python", "cnnlab"}
    assert list(stored[machine].values()) == [["winograd", T]]
    search.forget()  # a new process: the winner comes from the file, nothing is measured

    def refuse(plan):
        raise AssertionError("measured although the disk cache had the winner")

    assert search.plan("auto", X, W, spec, np.float64, "conv2d", refuse) == Plan("winograd", T)
    search.forget()  # another machine (or kernel, or version): measured afresh, both kept
    monkeypatch.setattr(search, "machine", lambda: {"cpu": "another"})
    calls.clear()
    assert search.plan("auto", X, W, spec, np.float64, "conv2d",
                       fake_run({"winograd": 0.01, "im2col": 0.0}, calls)) == Plan("im2col")
    assert calls and len(json.loads(file.read_text())) == 2


def test_a_broken_cache_file_is_measured_afresh_and_rewritten(tmp_path):
    file = tmp_path / "cnnlab" / "algorithms.json"
    file.parent.mkdir()
    file.write_text("{not json")
    cnnlab.set_algorithm_cache(file)
    calls = []
    search.plan("auto", X, W, spec_of(X, W, padding=1), np.float64, "conv2d",
                fake_run({"winograd": 0.0, "im2col": 0.0}, calls))
    assert calls and len(json.loads(file.read_text())) == 1


def test_the_cache_environment_variable_uses_the_users_cache_directory(tmp_path):
    env = os.environ | {"CNNLAB_ALGORITHM_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path)}
    code = ("import numpy as np, cnnlab; from cnnlab import functional as F; "
            "F.conv2d(np.ones((2, 16, 8, 8)), np.ones((16, 16, 3, 3)), padding=1)")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert len(json.loads((tmp_path / "cnnlab" / "algorithms.json").read_text())) == 1


def test_measuring_a_real_layer_keeps_one_of_its_candidates():
    x = np.random.default_rng(4).standard_normal((2, 16, 10, 10))
    layer = cnnlab.Conv2d(16, 16, 3, padding=1, rng=0, dtype=np.float64)
    layer(x)
    (row,) = search.winners()
    assert row["winner"] in row["ms"] and set(row["ms"]) == {"im2col", str(Plan("winograd", T))}
    assert str(layer.saved[0]) == row["winner"]
