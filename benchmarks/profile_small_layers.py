"""Where the time of the small (LeNet) layers goes on the im2col path, forward+backward.

    .venv/bin/python benchmarks/profile_small_layers.py

Times each step of the layer (padding, the im2col copy, the three matrix products, the
layout copies, col2im) on its own, the whole layer, and the layer on a batch of one image
(whose time is almost all fixed Python overhead). Medians of 25 repeats.
"""
import os, sys, time
ENV = {"OPENBLAS_THREAD_TIMEOUT": "4", "MALLOC_MMAP_MAX_": "0"}
if any(os.environ.get(k) != v for k, v in ENV.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | ENV)
import numpy as np
from cnnlab import Conv2d
from cnnlab.functional import conv as C
from cnnlab.functional._common import _pad, _unpad

def parts(x, layer):
    w = layer.weight.data; b = layer.bias.data
    spec = C.ConvSpec((1, 1), layer.pads, (1, 1), 1, layer.output_shape(x.shape)[2:])
    fn, c, fh, fw = w.shape
    t = {}; s = time.perf_counter()
    xp = _pad(x, spec.padding); t["pad"] = time.perf_counter() - s; s = time.perf_counter()
    cols = C._im2col(xp, (fh, fw), spec); t["im2col copy"] = time.perf_counter() - s; s = time.perf_counter()
    out = C._filters_as_rows(w, 1)[0] @ cols[0]; t["gemm fwd"] = time.perf_counter() - s; s = time.perf_counter()
    out += b[:, None]
    out = np.ascontiguousarray(out.reshape((fn, x.shape[0]) + spec.out_size).transpose(1, 0, 2, 3)); t["bias+layout"] = time.perf_counter() - s; s = time.perf_counter()
    grad = out.transpose(1, 0, 2, 3).reshape(1, fn, -1); t["grad layout"] = time.perf_counter() - s; s = time.perf_counter()
    dw = grad[0] @ cols[0].T; t["gemm dW"] = time.perf_counter() - s; s = time.perf_counter()
    dcols = (C._filters_as_rows(w, 1)[0].T @ grad[0])[None]; t["gemm dcols"] = time.perf_counter() - s; s = time.perf_counter()
    n, c_, h, w_ = x.shape
    dxp = C._col2im(dcols, xp.shape, (fh, fw), spec); t["col2im"] = time.perf_counter() - s; s = time.perf_counter()
    dx = np.ascontiguousarray(_unpad(dxp, x.shape, spec.padding)); t["unpad"] = time.perf_counter() - s
    return t

for name, n, c, size, fn, k, pad in [("LeNet conv1", 64, 1, 28, 6, 5, 2), ("LeNet conv2", 64, 6, 14, 16, 5, 0)]:
    for dt in (np.float32, np.float64):
        x = np.random.default_rng(0).standard_normal((n, c, size, size)).astype(dt)
        layer = Conv2d(c, fn, k, padding=pad, rng=0, dtype=dt, algorithm="im2col")
        res = [parts(x, layer) for _ in range(30)][5:]
        med = {k_: np.median([r[k_] for r in res]) * 1e3 for k_ in res[0]}
        def whole():
            s = time.perf_counter(); layer.backward(layer(x)); return time.perf_counter() - s
        total = np.median([whole() for _ in range(30)][5:]) * 1e3
        x1 = x[:1]
        tiny = np.median([(lambda: (lambda s: (layer.backward(layer(x1)), time.perf_counter() - s)[1])(time.perf_counter()))() for _ in range(50)][5:]) * 1e3
        print(f"{name} {np.dtype(dt).name}: layer fwd+bwd {total:.2f} ms (batch of 1: {tiny:.2f} ms = fixed Python overhead); parts sum {sum(med.values()):.2f}: "
              + ", ".join(f"{k_} {v:.2f}" for k_, v in med.items()), flush=True)
