"""Time cnnlab's convolution (each fast path, 'auto', naive) against PyTorch on the CPU, in one run.

    .venv/bin/python benchmarks/bench_conv.py            # the full table (about a minute)
    .venv/bin/python benchmarks/bench_conv.py --quick    # fewer repeats

PyTorch is optional (``pip install torch==2.13.0``): without it, its columns are skipped.
The script re-starts itself with ``OPENBLAS_THREAD_TIMEOUT=4`` (so that OpenBLAS's idle
threads stop spinning and do not slow the next PyTorch call) and ``MALLOC_MMAP_MAX_=0``
(so that large temporaries do not cost fresh page faults on every call); both libraries
run with the same number of threads. Times are medians of repeats, each function timed in
blocks of its own calls after a warm-up call, in three rounds (see :func:`medians`).

Paths: ``Conv2d(..., algorithm=...)`` with 'im2col', 'winograd' (where it applies: 3x3,
stride 1; also with its transforms on one thread) and 'auto' (the default, which picks one).
"""

from __future__ import annotations

import os
import sys

ENV = {"OPENBLAS_THREAD_TIMEOUT": "4", "MALLOC_MMAP_MAX_": "0"}
if any(os.environ.get(k) != v for k, v in ENV.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | ENV)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from cnnlab import SGD, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU, Sequential, data  # noqa: E402
from cnnlab import functional as F  # noqa: E402
from cnnlab.functional import winograd  # noqa: E402
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


def path_calls(x, c, fn, k, pad, dtype) -> tuple[dict, str]:
    """The timed calls of every path that applies, and the path 'auto' picks."""
    auto = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype)
    timed = cnnlab_calls(x, auto)
    timed |= cnnlab_calls(x, Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype, algorithm="im2col"), " im2col")
    spec = ConvSpec((1, 1), auto.pads, auto.dilation, 1, auto.output_shape(x.shape)[2:])
    if not winograd.why_not(x.shape, auto.weight.shape, spec, dtype):
        wino = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype, algorithm="winograd")
        timed |= cnnlab_calls(x, wino, " winograd") | cnnlab_calls(x, wino, " winograd 1 thread", threads=1)
    auto(x)
    return timed, auto.saved[0]


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


def conv_rows(repeats: int) -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)
    for name, n, c, size, fn, k, pad, n_naive in LAYERS:
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal((n, c, size, size)).astype(dtype)
            conv = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype)
            out_size = conv.output_shape(x.shape)[2]
            gflop = 2 * n * fn * out_size**2 * c * k * k / 1e9  # forward; the backward is twice that
            timed, picked = path_calls(x, c, fn, k, pad, dtype)
            row = {"layer": name, "dtype": np.dtype(dtype).name, "gflop": gflop, "picked": picked}
            timed |= torch_calls(x, conv) if torch is not None else {}
            row |= medians(timed, repeats)
            naive = time_naive(x[:n_naive], conv.weight.data, conv.bias.data, pad)
            row["naive_fwd"], row["naive_fwdbwd"] = (t * n / n_naive for t in naive)  # per full batch
            rows.append(row)
            print(".", end="", flush=True)
    print()
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
    """fwd+bwd of each path, and its ratio to PyTorch when installed."""
    paths = ["im2col", "winograd", "winograd 1 thread"]
    head = ["layer", "dtype", "'auto' picks"] + [f"{p} fwd+bwd ms" for p in paths]
    if torch is not None:
        head += [f"ratio {p}" for p in paths]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        times = [r.get(f"fwdbwd {p}") for p in paths]
        cells = [r["layer"], r["dtype"], r["picked"]] + ["-" if t is None else ms(t) for t in times]
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
        cells += [f"{r['naive_fwdbwd'] * 1e3:.0f}", f"{r['naive_fwdbwd'] / r['fwdbwd']:.0f}x"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 15")
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(THREADS)
    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed")
    print(f"{THREADS} threads; {versions}; medians of {3 if args.quick else 15} repeats")
    rows = conv_rows(3 if args.quick else 15)
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
