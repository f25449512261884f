"""Does the im2col path gain from reused buffers? The same forward+backward steps with fresh
arrays and with arrays reused from a workspace (columns, product, column gradients, padded
dx), interleaved, medians of 15, on the benchmark layers.

    .venv/bin/python benchmarks/im2col_buffers.py                     # glibc's default malloc
    MALLOC_MMAP_MAX_=0 .venv/bin/python benchmarks/im2col_buffers.py  # as bench_conv.py runs
"""
import os, sys, time
if os.environ.get("OPENBLAS_THREAD_TIMEOUT") != "4":
    os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | {"OPENBLAS_THREAD_TIMEOUT": "4"})
import numpy as np
from cnnlab.functional import conv as C
from cnnlab.functional._common import _pad, _unpad
from cnnlab.functional._workspace import Workspace

def run(x, w, spec, ws=None):
    fn, c, fh, fw = w.shape
    xp = _pad(x, spec.padding)
    n, _, hp, wpp = xp.shape
    oh, ow = spec.out_size
    shape = (1, fh, fw, c, n, oh, ow)
    cols = np.empty(shape, x.dtype) if ws is None else ws.get("cols", shape, x.dtype)
    by_group = xp.transpose(1, 0, 2, 3).reshape(1, c, n, hp, wpp)
    for p, q, win in C._kernel_cells((fh, fw), spec.stride, spec.out_size, spec.dilation):
        cols[:, p, q] = by_group[win]
    cols = cols.reshape(1, -1, n * oh * ow)
    rows = C._filters_as_rows(w, 1)
    out2 = rows[0] @ cols[0] if ws is None else np.matmul(rows[0], cols[0], out=ws.get("out", (fn, n * oh * ow), x.dtype))
    out = np.ascontiguousarray(out2.reshape(fn, n, oh, ow).transpose(1, 0, 2, 3))
    grad = out.transpose(1, 0, 2, 3).reshape(fn, -1)
    dweight = grad @ cols[0].T
    dc = rows[0].T @ grad if ws is None else np.matmul(rows[0].T, grad, out=ws.get("dcols", (fh * fw * c, n * oh * ow), x.dtype))
    dcols = dc.reshape((1, fh, fw, c, n, oh, ow))
    if ws is None:
        dxp = np.zeros((1, c, n, hp, wpp), x.dtype)
    else:
        dxp = ws.get("dxp", (1, c, n, hp, wpp), x.dtype); dxp[...] = 0
    for p, q, win in C._kernel_cells((fh, fw), spec.stride, spec.out_size, spec.dilation):
        dxp[win] += dcols[:, p, q]
    dx = _unpad(dxp.reshape(c, n, hp, wpp).transpose(1, 0, 2, 3), x.shape, spec.padding)
    return out, dx

LAYERS = [("LeNet conv1", 64, 1, 28, 6, 5, 2), ("LeNet conv2", 64, 6, 14, 16, 5, 0), ("64-channel", 32, 64, 32, 64, 3, 1)]
print("MALLOC_MMAP_MAX_ =", os.environ.get("MALLOC_MMAP_MAX_"), "| load", os.getloadavg()[0])
for name, n, c, s, fn, k, pad in LAYERS:
    for dt in (np.float32, np.float64):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((n, c, s, s)).astype(dt); w = rng.standard_normal((fn, c, k, k)).astype(dt)
        spec = C._prepare_conv(x, w, None, 1, pad, 1, 1, "t")[3]
        ws = Workspace(max_bytes=1 << 30)
        a, b = run(x, w, spec), run(x, w, spec, ws)
        assert np.allclose(a[0], b[0]) and np.allclose(a[1], b[1])
        t = {"fresh": [], "reused": []}
        for r in range(16):
            for key, f in (("fresh", lambda: run(x, w, spec)), ("reused", lambda: run(x, w, spec, ws))):
                st = time.perf_counter(); f(); e = time.perf_counter() - st
                if r: t[key].append(e)
        f_, r_ = np.median(t["fresh"]) * 1e3, np.median(t["reused"]) * 1e3
        print(f"{name:12s} {np.dtype(dt).name}: fresh {f_:6.1f} ms  reused {r_:6.1f} ms  reused/fresh {r_ / f_:.2f}", flush=True)
