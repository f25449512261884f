"""Where the time of the small (LeNet) layers goes on the im2col path, forward+backward.

    .venv/bin/python benchmarks/profile_small_layers.py

Times each step of the layer on its own (the batch-last copy and im2col, the three matrix
products, the layout copies, col2im), the whole layer, and the layer on a batch of one image
(whose time is almost all fixed Python overhead). Medians of 25 repeats, timed and run
in the environment of ``bench_conv.py``.
"""

from __future__ import annotations

import os
import time

from bench_conv import medians  # restarts this script with bench_conv's environment

import numpy as np  # noqa: E402

from cnnlab import Conv2d  # noqa: E402
from cnnlab.functional import conv as C  # noqa: E402
from cnnlab.functional._workspace import scratch  # noqa: E402

LAYERS = [("LeNet conv1", 64, 1, 28, 6, 5, 2), ("LeNet conv2", 64, 6, 14, 16, 5, 0)]


def steps(x: np.ndarray, layer: Conv2d) -> dict[str, float]:
    """Seconds of each step of one forward+backward pass, the layer's output as its gradient."""
    w, b = layer.weight.data, layer.bias.data
    spec = C.ConvSpec((1, 1), layer.pads, (1, 1), 1, layer.output_shape(x.shape)[2:])
    fn, _, fh, fw = w.shape
    n = x.shape[0]
    times, start = {}, time.perf_counter()

    def lap(name):
        nonlocal start
        now = time.perf_counter()
        times[name], start = now - start, now

    cols = C._im2col(x, (fh, fw), spec)[0]
    lap("padding + im2col")
    rows = C._filters_as_rows(w, 1)[0]
    out = rows @ cols
    lap("product fwd")
    out += b[:, None]
    out = out.reshape((fn,) + spec.out_size + (n,)).transpose(3, 0, 1, 2).copy()
    lap("bias + layout")
    grad = np.ascontiguousarray(out.transpose(1, 2, 3, 0)).reshape(fn, -1)
    lap("grad layout")
    (cols @ grad.T).T
    lap("product dW")
    dcols = np.matmul(rows.T, grad, out=scratch().get("dcols", (rows.shape[1], grad.shape[1]), x.dtype))  # as the layer
    lap("product dcols")
    C._col2im(dcols[None], x.shape, (fh, fw), spec)
    lap("col2im + dx layout")
    return times


def main() -> None:
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    for name, n, c, size, fn, k, pad in LAYERS:
        for dtype in (np.float32, np.float64):
            x = np.random.default_rng(0).standard_normal((n, c, size, size)).astype(dtype)
            layer = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dtype, algorithm="im2col")
            runs = [steps(x, layer) for _ in range(30)][5:]
            parts = {step: float(np.median([r[step] for r in runs])) * 1e3 for step in runs[0]}
            whole, one = (medians({"layer": lambda b=b: layer.backward(layer(b))}, 25)["layer"] * 1e3
                          for b in (x, x[:1]))
            print(f"{name} {np.dtype(dtype).name}: layer fwd+bwd {whole:.2f} ms (batch of 1: {one:.2f} ms, "
                  f"the fixed Python overhead); steps sum to {sum(parts.values()):.2f}: "
                  + ", ".join(f"{step} {ms:.2f}" for step, ms in parts.items()), flush=True)


if __name__ == "__main__":
    main()
