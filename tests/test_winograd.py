"""Winograd F(2x2, 3x3): equal to the naive loops up to rounding, its backward pass against
numerical gradients and PyTorch, the choice of algorithm, the workspace and the threads.

Tolerance: every value of Winograd's output and gradients is within ``16 * eps * S`` of the
exact result, where ``eps`` is the dtype's machine epsilon and ``S`` the largest, over the
array, of the sums of absolute values of the products that make up one value
(``max(conv2d(|x|, |w|) + |b|)`` for the output). That is the usual form of a rounding-error
bound for sums of products, taken over the whole array because Winograd's transforms mix
neighbouring values: where a value is small because its terms cancel, its own sum says
too little. The worst case measured over 300 random shapes (1 to 32 channels, six paddings,
both dtypes) was ``2 * eps * S``. A wrong result (a missed tile, a wrong sign in a
transform) is off by a good part of ``S`` itself.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnlab
from cnnlab import functional as F
from cnnlab import gradcheck
from cnnlab.functional import _workspace, winograd

PADDINGS = [0, 1, 2, (0, 1), (2, 0), "same", "valid"]


def bound(dtype, sums):
    return 16 * np.finfo(dtype).eps * np.max(sums)


def exact(x, w, b, padding):
    """The naive loops in float64 on the (possibly float32) inputs: the reference, and the
    sum of absolute products that scales its rounding error."""
    x64, w64, b64 = (a.astype(np.float64) for a in (x, w, b))
    return (F.conv2d_naive(x64, w64, b64, padding=padding),
            F.conv2d_naive(np.abs(x64), np.abs(w64), np.abs(b64), padding=padding))


def test_one_tile_is_16_multiplications_that_give_the_direct_2x2_output():
    """The matrices themselves, on one 4x4 tile, against np.correlate row by row."""
    rng = np.random.default_rng(0)
    d, g = rng.standard_normal((4, 4)), rng.standard_normal((3, 3))
    products = (winograd.G @ g @ winograd.G.T) * (winograd.BT @ d @ winograd.BT.T)  # 16 products
    direct = sum(np.array([np.correlate(d[i + p], g[p], "valid") for i in range(2)]) for p in range(3))
    np.testing.assert_allclose(winograd.AT @ products @ winograd.AT.T, direct, atol=1e-13)
    assert products.size == winograd.MULTIPLICATIONS_WINOGRAD == 16
    assert direct.size * g.size == winograd.MULTIPLICATIONS_DIRECT == 36


shapes = st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(3, 8), st.integers(3, 8))


@settings(max_examples=25, deadline=None)
@given(shape=shapes, padding=st.sampled_from(PADDINGS), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16))
def test_forward_and_backward_equal_the_naive_loops_up_to_rounding(shape, padding, dtype, seed):
    n, c, fn, h, w = shape
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    k, b = rng.standard_normal((fn, c, 3, 3)).astype(dtype), rng.standard_normal(fn).astype(dtype)
    out = F.conv2d(x, k, b, padding=padding, algorithm="winograd")
    ref, scale = exact(x, k, b, padding)
    assert out.dtype == dtype and out.shape == ref.shape
    assert np.all(np.abs(out - ref) <= bound(dtype, scale))
    g = rng.standard_normal(ref.shape).astype(dtype)
    grads = F.conv2d_backward(g, x, k, padding=padding, algorithm="winograd")
    g64, x64, k64 = g.astype(np.float64), x.astype(np.float64), k.astype(np.float64)
    refs = F.conv2d_backward_naive(g64, x64, k64, padding=padding)
    scales = F.conv2d_backward_naive(np.abs(g64), np.abs(x64), np.abs(k64), padding=padding)
    for got, want, s in zip(grads, refs, scales):
        assert got.dtype == dtype and got.shape == want.shape
        assert np.all(np.abs(got - want) <= bound(dtype, s))


@pytest.mark.parametrize("padding, size", [(1, (5, 7)), ((0, 2), (6, 6)), ("same", (6, 5))])  # odd and even
def test_backward_matches_numerical_gradients(padding, size):
    rng = np.random.default_rng(1)
    x, k, b = rng.standard_normal((2, 3) + size), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2)

    def conv(x_=x, k_=k, b_=b):
        return F.conv2d(x_, k_, b_, padding=padding, algorithm="winograd")

    def grads(g):
        return F.conv2d_backward(g, x, k, padding=padding, algorithm="winograd")

    assert gradcheck(lambda x_: conv(x_=x_), x, lambda g: grads(g)[0]).passed
    assert gradcheck(lambda k_: conv(k_=k_), k, lambda g: grads(g)[1]).passed
    assert gradcheck(lambda b_: conv(b_=b_), b, lambda g: grads(g)[2]).passed


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "circular"])
def test_layer_gradients_with_padding_modes(padding_mode):
    layer = cnnlab.Conv2d(2, 3, 3, padding=1, padding_mode=padding_mode, dtype=np.float64, rng=0,
                          algorithm="winograd")
    result = gradcheck(layer, np.random.default_rng(2).standard_normal((2, 2, 5, 6)))
    assert result.passed, str(result)


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_against_pytorch(dtype, tol):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 5, 9, 8)).astype(dtype)
    k, b = rng.standard_normal((4, 5, 3, 3)).astype(dtype), rng.standard_normal(4).astype(dtype)
    tx, tk, tb = (torch.from_numpy(a).requires_grad_() for a in (x, k, b))
    ty = torch.nn.functional.conv2d(tx, tk, tb, padding=(2, 1))
    g = rng.standard_normal(ty.shape).astype(dtype)
    ty.backward(torch.from_numpy(g))
    out = F.conv2d(x, k, b, padding=(2, 1), algorithm="winograd")
    ours = (out,) + F.conv2d_backward(g, x, k, padding=(2, 1), algorithm="winograd")
    for got, want in zip(ours, (ty, tx.grad, tk.grad, tb.grad)):
        want = want.detach().numpy()
        assert np.linalg.norm(got - want) <= tol * np.linalg.norm(want)


def test_float32_stays_float32_and_single_images_keep_their_form():
    rng = np.random.default_rng(4)
    x, k = rng.standard_normal((3, 6, 6)).astype(np.float32), rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    out = F.conv2d(x, k, padding=1, algorithm="winograd")
    assert out.shape == (2, 6, 6) and out.dtype == np.float32
    dx, dk, db = F.conv2d_backward(np.ones_like(out), x, k, padding=1, algorithm="winograd")
    assert (dx.shape, dk.shape, db.shape) == (x.shape, k.shape, (2,))
    assert {dx.dtype, dk.dtype, db.dtype} == {np.dtype(np.float32)}
    grey = F.conv2d(x[0], k[0, 0], algorithm="winograd")
    np.testing.assert_allclose(grey, F.conv2d_naive(x[0], k[0, 0]), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, x_shape, w_shape, dtype, message", [
    ({}, (1, 2, 8, 8), (3, 2, 5, 5), float, r"the kernel is 5x5, not 3x3"),
    ({"stride": 2}, (1, 2, 8, 8), (3, 2, 3, 3), float, r"the stride is \(2, 2\), not 1"),
    ({"dilation": 2}, (1, 2, 8, 8), (3, 2, 3, 3), float, r"the dilation is \(2, 2\), not 1"),
    ({"groups": 2}, (1, 2, 8, 8), (2, 1, 3, 3), float, r"groups is 2, not 1"),
    ({}, (1, 2, 8, 8), (3, 2, 3, 3), int, r"the dtype is int64, not float32 or float64"),
])
def test_asking_for_winograd_where_it_cannot_run_teaches(kwargs, x_shape, w_shape, dtype, message):
    x, k = np.ones(x_shape, dtype), np.ones(w_shape, dtype)
    for call in (lambda: F.conv2d(x, k, algorithm="winograd", **kwargs),
                 lambda: F.conv2d_backward(np.ones_like(F.conv2d(x, k, **kwargs)), x, k, algorithm="winograd", **kwargs)):
        with pytest.raises(ValueError, match=message) as err:
            call()
        text = str(err.value)
        assert "needs a 3x3 kernel, stride 1" in text and str(w_shape) in text and "algorithm='im2col'" in text


def test_unknown_algorithm_and_impossible_layers_are_refused_early():
    with pytest.raises(ValueError, match=r"algorithm='fft' is not one of 'auto'"):
        F.conv2d(np.ones((4, 4)), np.ones((3, 3)), algorithm="fft")
    with pytest.raises(ValueError, match=r"Conv2d: algorithm='fft'"):
        cnnlab.Conv2d(1, 1, 3, algorithm="fft")
    with pytest.raises(ValueError, match=r"Conv2d: .*the kernel is 5x5"):
        cnnlab.Conv2d(1, 1, 5, algorithm="winograd")
    assert "algorithm='winograd'" in repr(cnnlab.Conv2d(1, 1, 3, algorithm="winograd"))


@pytest.mark.parametrize("x_shape, w_shape, stride, picked", [
    ((32, 64, 32, 32), (64, 64, 3, 3), 1, "winograd"),  # the benchmark's 64-channel layer
    ((32, 32, 32, 32), (32, 32, 3, 3), 1, "winograd"),  # 32 channels, 8,192 tiles
    ((32, 32, 16, 16), (32, 32, 3, 3), 1, "im2col"),  # 32 channels, 2,048 tiles: too little work
    ((32, 64, 16, 16), (64, 64, 3, 3), 1, "im2col"),  # 64 channels, 2,048 tiles: measured slower
    ((8, 128, 32, 32), (128, 128, 3, 3), 1, "winograd"),  # 128 channels, 2,048 tiles
    ((256, 16, 32, 32), (16, 16, 3, 3), 1, "winograd"),  # 16 channels, 65,536 tiles
    ((256, 8, 32, 32), (8, 8, 3, 3), 1, "im2col"),  # 8 channels: too few, however large the batch
    ((256, 64, 32, 32), (8, 64, 3, 3), 1, "im2col"),  # 8 filters: too few
    ((32, 64, 32, 32), (64, 64, 3, 3), 2, "im2col"),  # stride 2: Winograd does not apply
    ((64, 6, 14, 14), (16, 6, 5, 5), 1, "im2col"),  # LeNet's conv2: 5x5
])
def test_the_rule_takes_winograd_only_where_it_applies_and_was_measured_faster(x_shape, w_shape, stride, picked):
    layer = cnnlab.Conv2d(x_shape[1], w_shape[0], w_shape[2], stride=stride, padding=1)
    spec = cnnlab.functional.conv.ConvSpec(layer.stride, layer.pads, (1, 1), 1, layer.output_shape(x_shape)[2:])
    assert winograd.choose("auto", x_shape, w_shape, spec, np.float32, "conv2d") == picked


def test_auto_runs_what_the_rule_picks_when_measuring_is_off():
    previous = cnnlab.set_algorithm_search(False)
    try:
        check_auto_runs_the_rule()
    finally:
        cnnlab.set_algorithm_search(previous)


def check_auto_runs_the_rule():
    rng = np.random.default_rng(5)
    x, k = rng.standard_normal((4, 64, 64, 64)), rng.standard_normal((64, 64, 3, 3))  # 4,096 tiles, 64 channels
    auto = F.conv2d(x, k, padding=1)
    assert np.array_equal(auto, F.conv2d(x, k, padding=1, algorithm="winograd"))
    assert not np.array_equal(auto, F.conv2d(x, k, padding=1, algorithm="im2col"))  # rounding differs
    small = x[:1, :, :8, :8]
    assert np.array_equal(F.conv2d(small, k, padding=1), F.conv2d(small, k, padding=1, algorithm="im2col"))


@pytest.mark.parametrize("algorithm", ["winograd", "im2col"])
def test_results_do_not_depend_on_call_history_nor_alias_the_workspace(algorithm):
    rng = np.random.default_rng(6)
    cases = [(rng.standard_normal((n, 3, h, w)), rng.standard_normal((4, 3, 3, 3)), p)
             for n, h, w, p in [(2, 6, 6, 1), (1, 7, 5, 0), (2, 6, 6, 1), (1, 7, 5, 0)]]  # shapes alternate

    def run(x, k, p):
        y = F.conv2d(x, k, padding=p, algorithm=algorithm)
        return (y,) + F.conv2d_backward(np.ones_like(y), x, k, padding=p, algorithm=algorithm)

    first = [run(*case) for case in cases]
    kept = [tuple(a.copy() for a in results) for results in first]
    for _ in range(2):
        for case, want in zip(cases, kept):
            for got, w in zip(run(*case), want):
                assert np.array_equal(got, w)
    for results, want in zip(first, kept):  # later calls did not write into earlier results
        for got, w in zip(results, want):
            assert np.array_equal(got, w)
    buffers = list(_workspace.scratch().buffers.values())
    assert buffers and not any(np.shares_memory(a, buf) for results in first for a in results for buf in buffers)
    _workspace.scratch().clear()
    for got, w in zip(run(*cases[1]), kept[1]):  # a fresh workspace gives the same results
        assert np.array_equal(got, w)


@pytest.mark.parametrize("algorithm", ["winograd", "im2col"])
def test_two_layers_of_one_shape_keep_their_own_saved_arrays(algorithm):
    """A network with two identical 3x3 layers: the second layer's forward must not overwrite
    what the first one's backward needs (each layer keeps its own columns or V)."""
    rng = np.random.default_rng(7)
    first, second = (cnnlab.Conv2d(3, 3, 3, padding=1, dtype=np.float64, rng=i, algorithm=algorithm) for i in (0, 1))
    x, g = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((2, 3, 6, 6))
    net = cnnlab.Sequential(first, second)
    net(x)
    net.backward(g)
    hidden = F.conv2d_naive(x, first.weight.data, first.bias.data, padding=1)
    dh, dw2, _ = F.conv2d_backward_naive(g, hidden, second.weight.data, padding=1)
    _, dw1, _ = F.conv2d_backward_naive(dh, x, first.weight.data, padding=1)
    np.testing.assert_allclose(second.weight.grad, dw2, atol=1e-12)
    np.testing.assert_allclose(first.weight.grad, dw1, atol=1e-12)


def test_the_workspace_is_bounded_and_least_recently_used():
    ws = _workspace.Workspace(max_entries=2, max_bytes=1000)
    a = ws.get("a", (10,), np.float64)
    assert ws.get("a", (10,), np.float64) is a and ws.get("a", (10,), np.float32) is not a
    ws.get("b", (10,), np.float64)  # three keys asked for, two kept: the oldest, ("a", float64), went
    assert len(ws.buffers) == 2 and ws.get("a", (10,), np.float64) is not a
    ws.get("c", (100,), np.float64)  # 800 bytes: pushes the total over 1000, so others go
    assert ws.nbytes <= 1000
    assert ws.get("huge", (200,), np.float64).nbytes == 1600 and ("huge", (200,), "<f8") not in ws.buffers
    defaults = _workspace.Workspace()
    assert (defaults.max_entries, defaults.max_bytes) == (_workspace.MAX_ENTRIES, _workspace.MAX_BYTES)


def test_two_threads_give_identical_results(monkeypatch):
    monkeypatch.setattr(winograd, "MIN_SPLIT", 0)  # split even these small arrays
    rng = np.random.default_rng(8)
    x, k, b = rng.standard_normal((2, 5, 7, 6)), rng.standard_normal((3, 5, 3, 3)), rng.standard_normal(3)
    g = rng.standard_normal((2, 3, 7, 6))
    results = {}
    previous = F.set_num_threads(1)
    try:
        for threads in (1, 2):
            F.set_num_threads(threads)
            assert F.get_num_threads() == threads
            results[threads] = (F.conv2d(x, k, b, padding="same", algorithm="winograd"),
                                *F.conv2d_backward(g, x, k, padding="same", algorithm="winograd"))
    finally:
        F.set_num_threads(previous)
    for one, two in zip(results[1], results[2]):
        assert np.array_equal(one, two)
    with pytest.raises(ValueError, match="set_num_threads takes 1 or 2"):
        F.set_num_threads(4)


def test_the_environment_variable_turns_threads_off():
    env = os.environ | {"CNNLAB_NUM_THREADS": "1"}
    code = "from cnnlab import functional as F; print(F.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
