"""Time cnnlab's convolution (each fast path, 'auto', naive) against PyTorch on the CPU, in one run.

    .venv/bin/python benchmarks/bench_conv.py            # the full table (about a minute)
    .venv/bin/python benchmarks/bench_conv.py --quick    # fewer repeats
    .venv/bin/python benchmarks/bench_conv.py --kernels Haswell,Sandybridge --runs 3
        # each run in a fresh process under each OpenBLAS kernel; every cell's ratios with spreads

PyTorch is optional (``pip install torch==2.13.0``): without it, its columns are skipped.
The script re-starts itself with ``OPENBLAS_THREAD_TIMEOUT=4`` (so that OpenBLAS's idle
threads stop spinning and do not slow the next PyTorch call) and ``MALLOC_MMAP_MAX_=0``
(so that large temporaries do not cost fresh page faults on every call); both libraries
run with the same number of threads. Times are medians of repeats, each function timed in
blocks of its own calls after a warm-up call, in three rounds (see :func:`medians`).

Paths: ``Conv2d(..., algorithm=...)`` with 'im2col', 'winograd' (where it applies: 3x3,
stride 1; also with its transforms on one thread) and 'auto' (the default, which measures
the candidates on its first call and keeps the fastest: the table says which won, and what
the measuring cost). "products only" times the im2col path's three matrix products alone,
on arrays of their shapes, and "Winograd products" Winograd's 48: what the BLAS library
needs whatever the copies and transforms around them cost.
"""

from __future__ import annotations

import os
import sys

ENV = {"OPENBLAS_THREAD_TIMEOUT": "4", "MALLOC_MMAP_MAX_": "0"}
if any(os.environ.get(k) != v for k, v in ENV.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | ENV)

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from cnnlab import SGD, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU, Sequential, data  # noqa: E402
from cnnlab import functional as F  # noqa: E402
from cnnlab.functional import algorithm_search, winograd  # noqa: E402
from cnnlab.functional.conv import ConvSpec  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

THREADS = os.cpu_count()

# name, batch, in_channels, size, out_channels, kernel, padding, naive batch
LAYERS = [
    ("LeNet conv1", 64, 1, 28, 6, 5, 2, 4),
    ("LeNet conv2", 64, 6, 14, 16, 5, 0, 4),
    ("64-channel", 32, 64, 32, 64, 3, 1, 1),
]


def medians(timed: dict, repeats: int, rounds: int = 3) -> dict[str, float]:
    """Median seconds of each function: ``rounds`` rounds in which each function in turn is
    called once to warm up, then ``repeats // rounds`` (at least 1) times, timed.

    Each function runs in a block of its own calls: after a PyTorch call, libgomp's worker
    threads spin for about 10 ms, and a cnnlab call straight after it ran up to 2-3 ms
    slower (LeNet conv2, float32), so strict alternation measured the order of the calls.
    The rounds still spread every function over the whole run (other load, clocks).
    """
    times = {name: [] for name in timed}
    for _ in range(rounds):
        for name, fn in timed.items():
            fn()
            for _ in range(max(1, repeats // rounds)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def cnnlab_calls(x, conv, name: str = "", threads: int | None = None) -> dict:
    """Forward and forward+backward of ``conv``, keyed ``fwd{name}`` and ``fwdbwd{name}``;
    with ``threads``, Winograd's transforms run on that many threads during the call."""

    def on_threads(fn):
        if threads is None:
            return fn

        def call():
            previous = F.set_num_threads(threads)
            try:
                fn()
            finally:
                F.set_num_threads(previous)
        return call

    def forward_backward():
        conv.backward(conv(x))

    return {f"fwd{name}": on_threads(lambda: conv(x)), f"fwdbwd{name}": on_threads(forward_backward)}


def path_calls(x, c, fn, k, pad, dtype) -> tuple[dict, str, float, float | None]:
    """The timed calls of every path that applies, the plan 'auto' picks, the seconds of
    its first call (the measuring included) and of the measuring alone (None: one candidate)."""
    auto = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype)
    start = time.perf_counter()
    auto(x)
    first = time.perf_counter() - start
    row = next((r for r in algorithm_search.winners() if r["x"] == x.shape and r["weight"] == auto.weight.shape
                and r["dtype"] == np.dtype(dtype).name), None)
    search = None if row is None else row["search ms"] / 1e3
    timed = cnnlab_calls(x, auto)
    timed |= cnnlab_calls(x, Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype, algorithm="im2col"), " im2col")
    spec = ConvSpec((1, 1), auto.pads, auto.dilation, 1, auto.output_shape(x.shape)[2:])
    if not winograd.why_not(x.shape, auto.weight.shape, spec, dtype):
        wino = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype, algorithm="winograd")
        timed |= cnnlab_calls(x, wino, " winograd") | cnnlab_calls(x, wino, " winograd 1 thread", threads=1)
        timed["winograd products"] = winograd_products_call(x, auto)
    timed["products"] = products_call(x, auto)
    return timed, str(auto.saved[0]), first, search


def products_call(x, conv):
    """The im2col path's three matrix products, forward and backward, alone: ``W (FN, K) @
    cols (K, L)``, ``cols @ grad.T`` and ``W.T @ grad (FN, L)`` with ``K = C*FH*FW`` and
    ``L = OH*OW*N``, in the layouts the path uses."""
    rng = np.random.default_rng(1)
    fn, c, fh, fw = conv.weight.shape
    oh, ow = conv.output_shape(x.shape)[2:]
    k, l = c * fh * fw, oh * ow * x.shape[0]
    w, cols, grad = (rng.standard_normal(s).astype(x.dtype) for s in ((fn, k), (k, l), (fn, l)))
    out, dcols = np.empty((fn, l), x.dtype), np.empty((k, l), x.dtype)

    def products():
        np.matmul(w, cols, out=out)
        cols @ grad.T
        np.matmul(w.T, grad, out=dcols)

    return products


def winograd_products_call(x, conv):
    """Winograd's matrix products alone, forward and backward: 16 products each of ``U[k]
    (FN, C) @ V[k] (C, T)``, ``dM[k] (FN, T) @ V[k].T`` and ``U[k].T @ dM[k]``, with ``T``
    the batch's 2x2 output tiles, in the layouts the path uses."""
    rng = np.random.default_rng(1)
    fn, c = conv.weight.shape[:2]
    oh, ow = conv.output_shape(x.shape)[2:]
    t = x.shape[0] * -(-oh // 2) * -(-ow // 2)
    u, v, dm = (rng.standard_normal(s).astype(x.dtype) for s in ((16, fn, c), (16, c, t), (16, fn, t)))
    m, dv = np.empty((16, fn, t), x.dtype), np.empty((16, c, t), x.dtype)

    def products():
        np.matmul(u, v, out=m)
        np.matmul(dm, v.transpose(0, 2, 1))
        np.matmul(u.transpose(0, 2, 1), dm, out=dv)

    return products


def torch_calls(x, conv) -> dict:
    tx = torch.from_numpy(x).requires_grad_()
    tconv = torch.nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, padding=conv.padding)
    tconv = tconv.to(tx.dtype)

    def forward():
        with torch.no_grad():
            tconv(tx)

    def forward_backward():
        out = tconv(tx)
        out.backward(out.detach())

    return {"torch_fwd": forward, "torch_fwdbwd": forward_backward}


def time_naive(x, w, b, padding):
    start = time.perf_counter()
    out = F.conv2d_naive(x, w, b, padding=padding)
    forward = time.perf_counter() - start
    F.conv2d_backward_naive(out, x, w, padding=padding)
    return forward, time.perf_counter() - start


def conv_rows(repeats: int, naive: bool = True) -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)
    for name, n, c, size, fn, k, pad, n_naive in LAYERS:
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal((n, c, size, size)).astype(dtype)
            conv = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype)
            out_size = conv.output_shape(x.shape)[2]
            gflop = 2 * n * fn * out_size**2 * c * k * k / 1e9  # forward; the backward is twice that
            timed, picked, first, search = path_calls(x, c, fn, k, pad, dtype)
            row = {"layer": name, "dtype": np.dtype(dtype).name, "gflop": gflop, "picked": picked,
                   "first": first, "search": search}
            timed |= torch_calls(x, conv) if torch is not None else {}
            row |= medians(timed, repeats)
            if naive:
                times = time_naive(x[:n_naive], conv.weight.data, conv.bias.data, pad)
                row["naive_fwd"], row["naive_fwdbwd"] = (t * n / n_naive for t in times)  # per full batch
            rows.append(row)
            print(".", end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    return rows


def blas_peak(dtype) -> float:
    """GFLOP/s of numpy's matrix product on two 2048x2048 matrices: this run's BLAS ceiling."""
    a = np.random.default_rng(0).standard_normal((2048, 2048)).astype(dtype)
    return 2 * 2048**3 / medians({"matmul": lambda: a @ a}, 5, rounds=1)["matmul"] / 1e9


def epoch_time() -> tuple[float, float]:
    """Seconds for one epoch of a small CNN on the shipped digits, and its test accuracy."""
    digits = data.load_digits(seed=0)
    rng = np.random.default_rng(0)
    model = Sequential(Conv2d(1, 16, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
                       Conv2d(16, 32, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
                       Flatten(), Linear(128, 10, rng=rng))
    loss_fn, optimizer = CrossEntropyLoss(), SGD(model.parameters(), lr=0.05, momentum=0.9)
    start = time.perf_counter()
    for xb, yb in data.batches(digits.x_train, digits.y_train, 32, rng):
        loss_fn(model(xb), yb)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        optimizer.step()
    seconds = time.perf_counter() - start
    return seconds, float(np.mean(model(digits.x_test).argmax(axis=1) == digits.y_test))


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def paths_table(rows: list[dict]) -> str:
    """fwd+bwd of each path, the im2col path's products alone, and their ratios to PyTorch
    when installed; what 'auto' picked and what its first call and its measuring cost."""
    paths = ["im2col", "winograd", "winograd 1 thread"]
    head = (["layer", "dtype", "'auto' picks", "first call ms", "measuring ms"]
            + [f"{p} fwd+bwd ms" for p in paths] + ["products only ms"])
    if torch is not None:
        head += [f"ratio {p}" for p in paths] + ["ratio products only"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        times = [r.get(f"fwdbwd {p}") for p in paths] + [r["products"]]
        cells = [r["layer"], r["dtype"], r["picked"], ms(r["first"]), "-" if r["search"] is None else ms(r["search"])]
        cells += ["-" if t is None else ms(t) for t in times]
        if torch is not None:
            cells += ["-" if t is None else f"{t / r['torch_fwdbwd']:.2f}" for t in times]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    head = ["layer", "dtype", "fwd ms", "fwd+bwd ms", "GFLOP/s fwd+bwd"]
    if torch is not None:
        head += ["torch fwd ms", "torch fwd+bwd ms", "ratio fwd", "ratio fwd+bwd"]
    head += ["naive fwd+bwd ms", "naive / fast"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["layer"], r["dtype"], ms(r["fwd"]), ms(r["fwdbwd"]), f"{3 * r['gflop'] / r['fwdbwd']:.0f}"]
        if torch is not None:
            cells += [ms(r["torch_fwd"]), ms(r["torch_fwdbwd"]), f"{r['fwd'] / r['torch_fwd']:.2f}",
                      f"{r['fwdbwd'] / r['torch_fwdbwd']:.2f}"]
        cells += ([f"{r['naive_fwdbwd'] * 1e3:.0f}", f"{r['naive_fwdbwd'] / r['fwdbwd']:.0f}x"]
                  if "naive_fwdbwd" in r else ["-", "-"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


TARGETS = {("64-channel", "float32"): 1.6, ("64-channel", "float64"): 1.0,
           ("LeNet conv1", "float64"): 1.5, ("LeNet conv2", "float64"): 1.5}
"""Issue 24's bounds on 'auto' forward+backward over PyTorch's; every other float32 cell: 2.0."""


def target(row: dict) -> float:
    return TARGETS.get((row["layer"], row["dtype"]), 2.0)


def spread(values: list[float]) -> str:
    """``median (lowest-highest)``, or the one value."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def compare(kernels: list[str], runs: int, quick: bool) -> None:
    """Run this script ``runs`` times under each OpenBLAS kernel (fresh processes, kernels
    interleaved so that each sees the same moments of the machine's load) and print, per
    kernel, every cell's ratios to PyTorch: median and range over the runs."""
    if torch is None:
        raise SystemExit("--kernels compares with PyTorch: pip install torch==2.13.0 first")
    results: dict[str, list[dict]] = {k: [] for k in kernels}
    for run in range(runs):
        for kernel in kernels:
            env = os.environ | {"OPENBLAS_CORETYPE": kernel}
            out = subprocess.run([sys.executable, __file__, "--json", "--no-naive"] + (["--quick"] if quick else []),
                                 env=env, capture_output=True, text=True)
            if out.returncode:
                print(f"{kernel}: run {run + 1} failed ({out.stderr.strip().splitlines()[-1:]})")
                continue
            results[kernel].append(json.loads(out.stdout))
            print(f"run {run + 1}/{runs} under {kernel} done", file=sys.stderr)
    for kernel, done in results.items():
        if not done:
            continue
        m = done[0]["machine"]
        print(f"\n### OpenBLAS kernel {m['blas kernel']} (OPENBLAS_CORETYPE={kernel}), {len(done)} runs")
        print(f"{m['cpu']}, {m['cores']} cores; {m['blas']}; numpy {m['numpy']}, torch {done[0]['torch']}; "
              f"load average at the runs' ends {', '.join(format(d['load'], '.2f') for d in done)}\n")
        head = ["layer", "dtype", "'auto' picked", "first call ms", "torch ms", "auto", "im2col", "winograd", "winograd 1 thread",
                "im2col products only", "Winograd products only", "target", "met in"]
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for i, row in enumerate(done[0]["rows"]):
            cells = [d["rows"][i] for d in done]
            ratio = {col: [c[key] / c["torch_fwdbwd"] for c in cells if c.get(key)]
                     for col, key in [("auto", "fwdbwd"), ("im2col", "fwdbwd im2col"), ("winograd", "fwdbwd winograd"),
                                      ("winograd 1 thread", "fwdbwd winograd 1 thread"), ("products", "products"),
                                      ("winograd products", "winograd products")]}
            picked = sorted({c["picked"] for c in cells})
            met = sum(r <= target(row) for r in ratio["auto"])
            first = statistics.median(c["first"] * 1e3 for c in cells)
            torch_ms = statistics.median(c["torch_fwdbwd"] * 1e3 for c in cells)
            line = [row["layer"], row["dtype"], " / ".join(picked), f"{first:.0f}", f"{torch_ms:.1f}"]
            line += [spread(v) if v else "-" for v in ratio.values()] + [f"<= {target(row):.1f}", f"{met}/{len(cells)}"]
            print("| " + " | ".join(line) + " |")
    print("\nRatios: cnnlab forward+backward time / PyTorch's in the same run, median (range) over the runs")
    print("(OPENBLAS_CORETYPE changes numpy's BLAS only: PyTorch keeps its own kernels for this CPU);")
    print("'products only': the path's matrix products alone (im2col's 3, Winograd's 48) over PyTorch's whole layer.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 15")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON (no tables, no naive loops' epoch)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive loops (they take about a minute)")
    parser.add_argument("--kernels", help="comma-separated OPENBLAS_CORETYPE values: compare them, see the module")
    parser.add_argument("--runs", type=int, default=3, help="runs per kernel with --kernels (default 3)")
    args = parser.parse_args()
    if args.kernels:
        compare(args.kernels.split(","), args.runs, args.quick)
        return
    if torch is not None:
        torch.set_num_threads(THREADS)
    rows = conv_rows(3 if args.quick else 15, naive=not args.no_naive)
    if args.json:
        print(json.dumps({"machine": algorithm_search.machine(), "torch": torch.__version__ if torch else None,
                          "load": os.getloadavg()[0], "rows": rows}))
        return
    m = algorithm_search.machine()
    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed")
    print(f"{m['cpu']}, {THREADS} threads; {m['blas']}, kernel {m['blas kernel']}; {versions}; "
          f"medians of {3 if args.quick else 15} repeats")
    print("Conv2d with algorithm='auto' (the default):")
    print(table(rows))
    print("\nEach path, forward+backward:")
    print(paths_table(rows))
    print(f"numpy matmul 2048x2048 in this run: {blas_peak(np.float32):.0f} GFLOP/s float32, "
          f"{blas_peak(np.float64):.0f} GFLOP/s float64")
    print(f"Winograd's transforms on {F.get_num_threads()} thread(s) unless stated; "
          f"load average at the end: {os.getloadavg()[0]:.2f}")
    print("ratio = cnnlab time / PyTorch time (below 1: cnnlab is faster); naive times are scaled")
    print("from a smaller batch to the full one. GFLOP/s counts 3x the forward multiply-adds.")
    seconds, accuracy = epoch_time()
    print(f"One training epoch, small CNN on the digits (1,438 images, batch 32): "
          f"{seconds:.2f} s, test accuracy after it {accuracy:.1%}")


if __name__ == "__main__":
    main()
