"""The measurements behind Winograd's two settings: the 'auto' rule and ``winograd.MIN_SPLIT``.

    .venv/bin/python benchmarks/auto_grid.py

1. The 'auto' grid: Winograd's forward+backward time over im2col's, for 3x3 ``Conv2d`` layers
   with padding 1 (channels = filters), float32 and float64. Below 1, Winograd is faster.
2. The thread split: Winograd's forward+backward time with its transforms on two threads over
   one thread, every transform split (``MIN_SPLIT = 0``), by the size of the largest
   transform (the ``16 * C * N * tiles`` values of ``V``). Below 1, two threads are faster.

Times are medians as in ``bench_conv.py`` (each function in blocks of its own calls, three
rounds), with the same environment. It takes about three minutes; run it on a quiet machine.
"""

from __future__ import annotations

import os

from bench_conv import medians  # restarts this script with bench_conv's environment

import numpy as np  # noqa: E402

from cnnlab import Conv2d  # noqa: E402
from cnnlab.functional import winograd  # noqa: E402
from cnnlab.functional.conv import ConvSpec  # noqa: E402

GRID = [(8, 32, 32), (8, 64, 32), (16, 32, 16), (16, 16, 32), (16, 32, 32), (16, 64, 32),
        (32, 8, 16), (32, 32, 16), (32, 16, 32), (32, 32, 32), (64, 8, 16), (64, 32, 8),
        (64, 32, 16), (64, 16, 32), (64, 32, 32), (128, 8, 16), (128, 32, 8), (128, 32, 16),
        (128, 8, 32), (128, 16, 32)]
"""(channels = filters, batch, image size)."""

SPLIT = [(32, 2, 16), (32, 8, 16), (32, 32, 16), (64, 8, 16), (32, 32, 32), (64, 32, 16), (64, 32, 32)]


def fwdbwd(layer, x):
    return lambda: layer.backward(layer(x))


def ratio_row(channels: int, batch: int, size: int, dtype, repeats: int = 9) -> tuple[float, bool]:
    """Winograd / im2col, forward+backward; and whether 'auto' takes Winograd."""
    x = np.random.default_rng(0).standard_normal((batch, channels, size, size)).astype(dtype)
    layers = {a: Conv2d(channels, channels, 3, padding=1, rng=0, dtype=dtype, algorithm=a)
              for a in ("winograd", "im2col")}
    t = medians({a: fwdbwd(layer, x) for a, layer in layers.items()}, repeats)
    spec = ConvSpec((1, 1), ((1, 1), (1, 1)), (1, 1), 1, (size, size))
    return t["winograd"] / t["im2col"], winograd.is_faster(x.shape, layers["im2col"].weight.shape, spec)


def split_row(channels: int, batch: int, size: int, dtype, repeats: int = 9) -> tuple[float, int]:
    """Two threads / one thread for Winograd's transforms, every transform split; and the
    number of values of ``V``."""
    x = np.random.default_rng(0).standard_normal((batch, channels, size, size)).astype(dtype)
    layer = Conv2d(channels, channels, 3, padding=1, rng=0, dtype=dtype, algorithm="winograd")

    def on(threads):
        def call():
            previous = winograd.set_num_threads(threads)
            try:
                layer.backward(layer(x))
            finally:
                winograd.set_num_threads(previous)
        return call

    saved, winograd.MIN_SPLIT = winograd.MIN_SPLIT, 0
    try:
        t = medians({"1": on(1), "2": on(2)}, repeats)
    finally:
        winograd.MIN_SPLIT = saved
    return t["2"] / t["1"], 16 * channels * batch * (-(-size // 2)) ** 2


def main() -> None:
    print(f"numpy {np.__version__}; load average at the start: {os.getloadavg()[0]:.2f}")
    print("\n'auto' grid: Winograd / im2col, forward+backward (below 1: Winograd faster)")
    print("| channels = filters | batch x size | 2x2 tiles | float32 | float64 | 'auto' picks |")
    print("|---|---|---|---|---|---|")
    for c, n, size in GRID:
        (r32, winograd_picked), (r64, _) = (ratio_row(c, n, size, dt) for dt in (np.float32, np.float64))
        picked = "winograd" if winograd_picked else "im2col"
        print(f"| {c} | {n} x {size}x{size} | {n * (size // 2) ** 2:,} | {r32:.2f} | {r64:.2f} | {picked} |", flush=True)
    print("\nThread split: two threads / one, Winograd forward+backward, every transform split")
    print("| channels = filters | batch x size | values of V | float32 | float64 |")
    print("|---|---|---|---|---|")
    for c, n, size in SPLIT:
        (r32, values), (r64, _) = (split_row(c, n, size, dt) for dt in (np.float32, np.float64))
        print(f"| {c} | {n} x {size}x{size} | {values:,} | {r32:.2f} | {r64:.2f} |", flush=True)
    print(f"\nMIN_SPLIT is {winograd.MIN_SPLIT:,}; load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
