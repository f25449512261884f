"""Winograd's F(2x2, 3x3): a 3x3 convolution with 16 multiplications per 2x2 output tile, not 36.

Direct convolution spends 9 multiplications on each output cell, 36 on a 2x2 tile. Winograd's
minimal filtering algorithm (Lavin and Gray, 2016, "Fast Algorithms for Convolutional Neural
Networks") computes the same tile from the 4x4 input tile ``d`` under it and the 3x3 kernel
``g`` as

    Y = AT @ ((G @ g @ G.T) * (BT @ d @ BT.T)) @ AT.T        (* is element-wise: 16 products)

with the constant matrices ``BT`` (4x4), ``G`` (4x3) and ``AT`` (2x4) below. Their entries are
0, +-1 and 1/2, so the transforms are additions and subtractions; ``G @ g @ G.T`` is computed
once per filter. Over channels, the 16 element-wise products of every tile become 16 matrix
products ``U[k] (FN, C) @ V[k] (C, tiles)``: 16/36 = 4/9 of the direct method's
multiply-adds, paid for by the transforms (element-wise passes over memory). Rounding differs
from the direct sum, so results agree with it up to rounding (see tests/test_winograd.py for
the tolerance).

Applies to 3x3 kernels, stride 1, dilation 1, groups 1, float32 or float64 (any padding,
any padding mode, odd or even output sizes: the last tiles are padded with zeros and the
output cropped). Everything else takes the im2col path of :mod:`.conv`.

The backward pass differentiates through the same steps: the output gradient is transformed
once (``dM = AT.T @ dY @ AT`` per tile) and shared by ``dweight`` (``G.T @ (dM @ V.T) @ G``)
and ``dx`` (``BT.T @ (U.T @ dM) @ BT`` per tile, overlapping tiles added).

Layouts: ``V (4, 4, C, N, TH, TW)``, ``U (4, 4, FN, C)``, ``M (4, 4, FN, N, TH, TW)`` for
``TH = ceil(OH / 2)`` by ``TW = ceil(OW / 2)`` tiles; the padded input is kept channel-first,
``(C, N, 2*TH + 2, 2*TW + 2)``, so that every transform reads and writes long runs.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._common import _pad_into, _unpad
from ._workspace import Workspace, scratch

BT = np.array([[1, 0, -1, 0],
               [0, 1, 1, 0],
               [0, -1, 1, 0],
               [0, 1, 0, -1]], dtype=np.int64)
"""Input transform: ``V = BT @ d @ BT.T`` for a 4x4 input tile ``d``."""

G = np.array([[1, 0, 0],
              [0.5, 0.5, 0.5],
              [0.5, -0.5, 0.5],
              [0, 0, 1]])
"""Kernel transform: ``U = G @ g @ G.T`` for a 3x3 kernel ``g``."""

AT = np.array([[1, 1, 1, 0],
               [0, 1, -1, -1]], dtype=np.int64)
"""Output transform: ``Y = AT @ M @ AT.T`` for the 4x4 tile of products ``M = U * V``."""

TILE, KERNEL = 2, 3
MULTIPLICATIONS_DIRECT = TILE * TILE * KERNEL * KERNEL  # 36 per 2x2 output tile
MULTIPLICATIONS_WINOGRAD = (TILE + KERNEL - 1) ** 2  # 16 per 2x2 output tile


def _tiles(out_size: tuple[int, int]) -> tuple[int, int]:
    """``(TH, TW)``: how many 2x2 output tiles cover an ``(OH, OW)`` output."""
    return -(-out_size[0] // 2), -(-out_size[1] // 2)


# --- When it applies, and the rule 'auto' takes when it does not measure ----------------------
#
# With measuring on (the default), 'auto' times the candidates instead (:mod:`.algorithm_search`).

AUTO_MIN_CHANNELS = 16
"""The rule takes Winograd only when the input channels and the filters both number at least this..."""
AUTO_MIN_WORK = 2**18
"""...and ``min(C, FN) * tiles`` (tiles: the batch's 2x2 output tiles) is at least this, so
that for ``C = FN`` the transformed input ``V`` holds at least 2**22 (4 million) values.
Measured on this project's 2-core machine (``benchmarks/auto_grid.py``, table in
benchmarks/README.md), over four runs: in float32, Winograd was faster in every run from
16 channels on 16,384 tiles, 32 on 8,192, 64 on 4,096 and 128 on 2,048; with fewer tiles it
was slower in most runs (64 channels on 2,048 tiles: 0.91-1.10 of im2col's time); 8
channels were even at best."""


def why_not(x_shape: tuple, weight_shape: tuple, spec, dtype) -> list[str]:
    """What keeps Winograd F(2x2, 3x3) from this convolution (an empty list when it applies)."""
    reasons = []
    if tuple(weight_shape[2:]) != (3, 3):
        reasons.append(f"the kernel is {weight_shape[2]}x{weight_shape[3]}, not 3x3")
    if spec.stride != (1, 1):
        reasons.append(f"the stride is {spec.stride}, not 1")
    if spec.dilation != (1, 1):
        reasons.append(f"the dilation is {spec.dilation}, not 1")
    if spec.groups != 1:
        reasons.append(f"groups is {spec.groups}, not 1")
    if np.dtype(dtype) not in (np.float32, np.float64):
        reasons.append(f"the dtype is {np.dtype(dtype)}, not float32 or float64 (its transforms "
                       "multiply by 1/2, so integers would not stay exact)")
    return reasons


def is_faster(x_shape: tuple, weight_shape: tuple, spec) -> bool:
    """The rule of 'auto' when measuring is off, measured on one machine: enough channels and filters that the multiply-adds saved
    (which grow with ``C * FN`` per tile) outweigh the transforms (which grow with ``C + FN``),
    and enough tiles that Winograd's 16 matrix products and its transforms (about 150 numpy
    calls) are large: ``min(C, FN) >= AUTO_MIN_CHANNELS`` and ``min(C, FN) * tiles >= AUTO_MIN_WORK``."""
    channels = min(x_shape[1], weight_shape[0])
    th, tw = _tiles(spec.out_size)
    return channels >= AUTO_MIN_CHANNELS and channels * x_shape[0] * th * tw >= AUTO_MIN_WORK


def check_algorithm(algorithm: str, fname: str) -> None:
    """A clear error unless ``algorithm`` is one of 'auto', 'winograd' and 'im2col'."""
    if algorithm not in ("auto", "winograd", "im2col"):
        raise ValueError(
            f"{fname}: algorithm={algorithm!r} is not one of 'auto' (Winograd where it applies and "
            "is faster, else im2col), 'winograd' (F(2x2, 3x3): 3x3 kernels, stride 1) or 'im2col' "
            "(every convolution). The naive loops are separate functions, e.g. conv2d_naive."
        )


def choose(algorithm: str, x_shape: tuple, weight_shape: tuple, spec, dtype, fname: str) -> str:
    """``'winograd'`` or ``'im2col'`` for ``algorithm`` ('auto', 'winograd' or 'im2col') by the
    fixed rule (:func:`is_faster` for 'auto'), or a clear error when ``algorithm`` is unknown
    or Winograd was asked for where it cannot run. :func:`.algorithm_search.plan` starts here."""
    check_algorithm(algorithm, fname)
    if algorithm == "im2col":
        return algorithm
    reasons = why_not(x_shape, weight_shape, spec, dtype)
    if algorithm == "winograd" and reasons:
        raise ValueError(
            f"{fname}: algorithm='winograd' computes F(2x2, 3x3), which needs a 3x3 kernel, stride 1, "
            f"dilation 1, groups 1 and float32 or float64 arrays; here {' and '.join(reasons)} "
            f"(x shape {tuple(x_shape)}, weight shape {tuple(weight_shape)}, stride {spec.stride}, "
            f"dilation {spec.dilation}, groups {spec.groups}, dtype {np.dtype(dtype)}). Use "
            "algorithm='im2col', which computes every convolution, or 'auto', which takes Winograd "
            "only where it applies."
        )
    if algorithm == "winograd" or (not reasons and is_faster(x_shape, weight_shape, spec)):
        return "winograd"
    return "im2col"


# --- Two threads for the element-wise transforms ----------------------------------------------
#
# numpy releases the GIL inside its element-wise loops, so two Python threads can run the
# transforms of two halves of the channels on two cores. Every output cell is computed by the
# same operations either way, so the results are identical with and without threads.

_threads = 2 if (os.cpu_count() or 1) >= 2 else 1
if os.environ.get("CNNLAB_NUM_THREADS", "").strip() in ("1", "2"):
    _threads = int(os.environ["CNNLAB_NUM_THREADS"])
_pool: ThreadPoolExecutor | None = None
MIN_SPLIT = 1 << 19
"""Transforms that write fewer values than this run on one thread. Measured with
``benchmarks/auto_grid.py`` in four runs: two threads took 1.02-2.6x the time of one at
262,144 values and below (the hand-over costs more than it saves), 0.81-1.01x at 524,288,
and 0.58-0.94x from 1,048,576 up."""


def set_num_threads(n: int) -> int:
    """Run Winograd's element-wise transforms on ``n`` threads (1 or 2); returns the previous
    setting. The default is 2 on a machine with 2 or more cores, unless the environment
    variable ``CNNLAB_NUM_THREADS=1`` is set. The matrix products use BLAS's own threads
    either way."""
    global _threads
    if n not in (1, 2):
        raise ValueError(f"set_num_threads takes 1 or 2 (threads for Winograd's transforms), got {n!r}.")
    previous, _threads = _threads, n
    return previous


def get_num_threads() -> int:
    """The number of threads Winograd's element-wise transforms run on (1 or 2)."""
    return _threads


def _split(job, channels: int, size: int, threads: int) -> None:
    """Run ``job(lo, hi)`` over the channel range ``[0, channels)``: in two halves on two
    threads when ``threads`` is 2 and the work (``size`` values written) is large enough."""
    global _pool
    if threads == 1 or channels < 2 or size < MIN_SPLIT:
        job(0, channels)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnnlab-winograd")
    half = channels // 2
    other = _pool.submit(job, half, channels)
    try:
        job(0, half)
    finally:
        other.result()


# --- Transforms: each row of a 0/+-1 matrix is a few additions --------------------------------


def _combine(coefficients, terms, out: np.ndarray, accumulate: bool = False) -> None:
    """``out = sum_k coefficients[k] * terms[k]`` (``out +=`` with ``accumulate``) for
    coefficients in {-1, 0, 1}, with one numpy call per term and no temporary arrays."""
    pairs = sorted(((int(c), t) for c, t in zip(coefficients, terms) if c), key=lambda pair: -pair[0])
    if not accumulate:  # the first call writes out: a positive term first, if there is one
        (c0, t0), pairs = pairs[0], pairs[1:]
        if c0 < 0:
            np.negative(t0, out=out)
        elif pairs:
            (c1, t1), pairs = pairs[0], pairs[1:]
            (np.add if c1 > 0 else np.subtract)(t0, t1, out=out)
        else:
            np.copyto(out, t0)
    for c, t in pairs:
        (np.add if c > 0 else np.subtract)(out, t, out=out)


def transform_kernels(weight: np.ndarray) -> np.ndarray:
    """``weight (FN, C, 3, 3)`` -> ``U (4, 4, FN, C)``, ``U[:, :, f, c] = G @ weight[f, c] @ G.T``."""
    return np.einsum("ap,fcpq,bq->abfc", G.astype(weight.dtype), weight, G.astype(weight.dtype), optimize=True)


def _transform_input(xp: np.ndarray, v: np.ndarray, rows: np.ndarray, threads: int) -> None:
    """Padded input ``xp (C, N, 2*TH + 2, 2*TW + 2)`` -> ``v (4, 4, C, N, TH, TW)``, tile
    ``(i, j)`` read from rows ``2i..2i+3`` and columns ``2j..2j+3``; ``rows (4, C, N, TH, 2*TW + 2)``
    is scratch for ``BT @ d`` (the rows' step)."""
    th, tw = v.shape[-2:]

    def job(lo, hi):
        ins = [xp[lo:hi, :, r : r + 2 * th : 2] for r in range(4)]
        for a in range(4):
            _combine(BT[a], ins, rows[a, lo:hi])
        for a in range(4):
            cols = [rows[a, lo:hi, ..., s : s + 2 * tw : 2] for s in range(4)]
            for b in range(4):
                _combine(BT[b], cols, v[a, b, lo:hi])

    _split(job, xp.shape[0], v.size, threads)


def _transform_output(m: np.ndarray, out: np.ndarray, half: np.ndarray, threads: int) -> None:
    """``m (4, 4, FN, N, TH, TW)`` -> ``out (N, FN, 2*TH, 2*TW)``: ``AT @ M @ AT.T`` per tile;
    ``half (2, 4, FN, N, TH, TW)`` is scratch for ``AT @ M``."""
    fn, n, th, tw = m.shape[2:]
    tiles = out.reshape(n, fn, th, 2, tw, 2).transpose(3, 5, 1, 0, 2, 4)  # (2, 2, FN, N, TH, TW), a view

    def job(lo, hi):
        for r in range(2):
            for b in range(4):
                _combine(AT[r], [m[a, b, lo:hi] for a in range(4)], half[r, b, lo:hi])
            for s in range(2):
                _combine(AT[s], [half[r, b, lo:hi] for b in range(4)], tiles[r, s, lo:hi])

    _split(job, fn, m.size, threads)


def _transform_output_grad(grad: np.ndarray, dm: np.ndarray, half: np.ndarray, threads: int) -> None:
    """The adjoint of :func:`_transform_output`: ``grad (N, FN, 2*TH, 2*TW)`` -> ``dm (4, 4,
    FN, N, TH, TW)``, ``AT.T @ dY @ AT`` per tile; ``half (4, 2, FN, N, TH, TW)`` is scratch."""
    fn, n, th, tw = dm.shape[2:]
    tiles = grad.reshape(n, fn, th, 2, tw, 2).transpose(3, 5, 1, 0, 2, 4)

    def job(lo, hi):
        for a in range(4):
            for s in range(2):
                _combine(AT[:, a], [tiles[r, s, lo:hi] for r in range(2)], half[a, s, lo:hi])
            for b in range(4):
                _combine(AT[:, b], [half[a, s, lo:hi] for s in range(2)], dm[a, b, lo:hi])

    _split(job, fn, dm.size, threads)


def _scatter(parts, place, tiles: int) -> None:
    """Add ``BT.T``'s combinations of ``parts`` (4 arrays, one per tile row or column ``a``)
    back where the tiles were read: combination ``s`` lands on positions ``2*t + s`` for
    ``t < tiles`` of ``place(positions)``. Tiles overlap by two, so ``s = 0, 1`` are written
    (and the two last positions zeroed) before ``s = 2, 3`` are added."""
    for s in range(4):
        _combine(BT[:, s], parts, place(slice(s, s + 2 * tiles, 2)), accumulate=s >= 2)
        if s < 2:
            place(slice(2 * tiles + s, 2 * tiles + s + 1))[...] = 0


def _transform_input_grad(dv: np.ndarray, dxp: np.ndarray, rows: np.ndarray, threads: int) -> None:
    """The adjoint of :func:`_transform_input`: ``dv (4, 4, C, N, TH, TW)`` -> ``dxp (C, N,
    2*TH + 2, 2*TW + 2)``, ``BT.T @ dV @ BT`` per tile with overlapping tiles added;
    ``rows (4, C, N, TH, 2*TW + 2)`` is scratch for the columns' step."""
    th, tw = dv.shape[-2:]

    def job(lo, hi):
        for a in range(4):
            _scatter([dv[a, b, lo:hi] for b in range(4)], lambda cols: rows[a, lo:hi, ..., cols], tw)
        _scatter([rows[a, lo:hi] for a in range(4)], lambda r: dxp[lo:hi, :, r], th)

    _split(job, dxp.shape[0], dv.size, threads)


# --- Forward and backward ---------------------------------------------------------------------
#
# Scratch comes from the thread's workspace under a few roles that calls share: "xp" (the
# padded input, then the gradient of it), "rows" (the first step of a transform), "m" (the
# products, then their gradient), "half" (the first step of the output transform), "v" and
# "dv" (the transformed input and its gradient), "edge" (whole tiles of an odd-sized output
# or its gradient). For the 64-channel benchmark layer (32x64x32x32) that is about 145 MB in
# float32 and 290 MB in float64, within the workspace's bound of 384 MiB.


def _padded_input(x: np.ndarray, spec, th: int, tw: int) -> np.ndarray:
    """``x (N, C, H, W)`` padded as ``spec`` says, then with zeros at the bottom and right up
    to whole tiles, channel-first: ``(C, N, 2*TH + 2, 2*TW + 2)`` (a scratch buffer)."""
    n, c = x.shape[:2]
    xp = scratch().get("xp", (c, n, 2 * th + 2, 2 * tw + 2), x.dtype)
    _pad_into(x, spec.padding, spec.mode, xp.transpose(1, 0, 2, 3))
    return xp


def transform_input(x: np.ndarray, spec, out: np.ndarray | None = None, threads: int | None = None) -> np.ndarray:
    """``x (N, C, H, W)`` -> ``V (4, 4, C, N, TH, TW)``: every 4x4 input tile ``d`` as
    ``BT @ d @ BT.T``, tile ``(i, j)`` read from padded rows ``2i..2i+3``, columns ``2j..2j+3``.
    Written into ``out``, or into this thread's workspace (valid until its next call).
    ``threads``: for the transform (default :func:`get_num_threads`)."""
    th, tw = _tiles(spec.out_size)
    n, c = x.shape[:2]
    if out is None:
        out = scratch().get("v", (4, 4, c, n, th, tw), x.dtype)
    _transform_input(_padded_input(x, spec, th, tw), out, scratch().get("rows", (4, c, n, th, 2 * tw + 2), x.dtype),
                     threads or _threads)
    return out


def forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, spec,
            keep: Workspace | None = None, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Winograd convolution of a batch: ``x (N, C, H, W)``, ``weight (FN, C, 3, 3)``, ``bias
    (FN,)`` or None, all of one float dtype -> ``(out (N, FN, OH, OW), V (4, 4, C, N, TH, TW))``.

    ``V`` is what the backward pass needs. It is a buffer of ``keep`` (a layer's own
    workspace, so that V survives other layers' calls), or of this thread's workspace when
    ``keep`` is None (then valid only until the next call). ``out`` is always a new array.
    ``threads``: for the transforms (default :func:`get_num_threads`; the results are the same).
    """
    (n, c), fn, ws, threads = x.shape[:2], weight.shape[0], scratch(), threads or _threads
    (oh, ow), (th, tw) = spec.out_size, _tiles(spec.out_size)
    v = transform_input(x, spec, None if keep is None else keep.get("v", (4, 4, c, n, th, tw), x.dtype), threads)
    m = ws.get("m", (4, 4, fn, n, th, tw), x.dtype)
    np.matmul(transform_kernels(weight).reshape(16, fn, c), v.reshape(16, c, -1), out=m.reshape(16, fn, -1))
    whole = (oh, ow) == (2 * th, 2 * tw)
    out = np.empty((n, fn, oh, ow), x.dtype) if whole else ws.get("edge", (n, fn, 2 * th, 2 * tw), x.dtype)
    _transform_output(m, out, ws.get("half", (8, fn, n, th, tw), x.dtype).reshape(2, 4, fn, n, th, tw), threads)
    if not whole:
        out = out[:, :, :oh, :ow].copy()
    if bias is not None:
        out += bias.reshape(1, fn, 1, 1)
    return out, v


def backward(grad: np.ndarray, v: np.ndarray, x_shape: tuple, weight: np.ndarray, spec,
             threads: int | None = None):
    """Gradients of :func:`forward` from its ``V``: ``grad (N, FN, OH, OW)`` ->
    ``dx (N, C, H, W)``, ``dweight (FN, C, 3, 3)``, ``dbias (FN,)``, all new arrays.
    ``threads`` as in :func:`forward`."""
    threads = threads or _threads
    (n, c, h, w), fn = x_shape, weight.shape[0]
    (oh, ow), (th, tw) = spec.out_size, _tiles(spec.out_size)
    ws, dtype = scratch(), v.dtype
    if (oh, ow) != (2 * th, 2 * tw):  # the cropped outputs changed nothing: zero gradient
        tiles = ws.get("edge", (n, fn, 2 * th, 2 * tw), dtype)
        tiles[:, :, oh:] = 0
        tiles[:, :, :oh, ow:] = 0
        tiles[:, :, :oh, :ow] = grad
    else:
        tiles = np.ascontiguousarray(grad)
    dm = ws.get("m", (4, 4, fn, n, th, tw), dtype)
    _transform_output_grad(tiles, dm, ws.get("half", (8, fn, n, th, tw), dtype).reshape(4, 2, fn, n, th, tw), threads)
    dm16 = dm.reshape(16, fn, -1)
    du = np.matmul(dm16, v.reshape(16, c, -1).transpose(0, 2, 1))  # (16, FN, C); dm serves dx below too
    g = G.astype(dtype)
    dweight = np.einsum("ap,abfc,bq->fcpq", g, du.reshape(4, 4, fn, c), g, optimize=True)
    dv = ws.get("dv", v.shape, dtype)
    np.matmul(transform_kernels(weight).reshape(16, fn, c).transpose(0, 2, 1), dm16, out=dv.reshape(16, c, -1))
    dxp = ws.get("xp", (c, n, 2 * th + 2, 2 * tw + 2), dtype)
    _transform_input_grad(dv, dxp, ws.get("rows", (4, c, n, th, 2 * tw + 2), dtype), threads)
    (top, bottom), (left, right) = spec.padding
    dxp = dxp[:, :, : h + top + bottom, : w + left + right].transpose(1, 0, 2, 3)
    if spec.mode == "constant":
        dx = dxp[:, :, top : top + h, left : left + w].copy()
    else:
        dx = _unpad(dxp, x_shape, spec.padding, spec.mode)
    return dx, np.ascontiguousarray(dweight), grad.sum(axis=(0, 2, 3))
