"""Which fast algorithm ``algorithm='auto'`` runs: measured on this machine, once per layer shape.

Which of im2col and Winograd is faster, and whether Winograd's transforms gain from a second
thread, depends on the processor, the BLAS library's kernel and the layer: the rule in
:func:`.winograd.is_faster` was measured on one 2-core AMD EPYC and missed on an Intel Xeon
with AVX-512 (benchmarks/README.md). So, like cuDNN's benchmark mode and oneDNN's primitive
cache, 'auto' times the candidates on the first call with a new key, forward and backward on
arrays of the call's shapes, and keeps the fastest for the rest of the process.

The key: the input and weight shapes, stride, padding (and its mode), dilation, groups,
dtype, the thread setting of Winograd's transforms and the BLAS library's thread count.
The candidates (:func:`candidates`): im2col; where Winograd applies, Winograd with its
transforms on the threads :func:`.winograd.get_num_threads` allows, and on one thread when
that is two. Winograd's thread setting never changes its results (the same operations on
each half of the channels); im2col and Winograd agree up to rounding.

Switches (:func:`set_algorithm_search`, or the environment variable
``CNNLAB_ALGORITHM_SEARCH`` read at import):

- ``True`` (``1``, the default): measure, as above;
- ``False`` (``0``): no measuring, the rule of :func:`.winograd.is_faster` decides;
- ``'im2col'`` or ``'winograd'``: take that algorithm wherever it applies (for tests and
  comparisons; 'winograd' falls back to im2col where Winograd cannot run).

A disk cache is off unless asked for (:func:`set_algorithm_cache`, or
``CNNLAB_ALGORITHM_CACHE=1`` for the user's cache directory or ``=<file>``): winners are
then stored in a JSON file under a key of the CPU, the BLAS library (name, version, kernel)
and the numpy, Python and cnnlab versions, so that another machine, kernel or version
measures afresh.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from . import winograd


class Plan(NamedTuple):
    """One way to run a convolution: ``algorithm`` ('im2col' or 'winograd') and, for
    Winograd, the threads its element-wise transforms use (1 or 2)."""

    algorithm: str
    threads: int = 1

    def __str__(self) -> str:
        if self.algorithm == "winograd":
            return f"winograd ({self.threads} thread{'s' if self.threads > 1 else ''})"
        return self.algorithm


MODES = (True, False, "im2col", "winograd")
REPEATS = 2
"""Timed runs per candidate (after one warm-up run that also fills the workspace); the
fastest of them counts."""


def _mode_from_environment() -> bool | str:
    raw = os.environ.get("CNNLAB_ALGORITHM_SEARCH", "1").strip().lower()
    words = {"1": True, "on": True, "true": True, "": True, "0": False, "off": False, "false": False,
             "im2col": "im2col", "winograd": "winograd"}
    if raw not in words:
        raise ValueError(f"CNNLAB_ALGORITHM_SEARCH={raw!r} is not one of 1 (measure, the default), "
                         "0 (the fixed rule), im2col or winograd (take that one wherever it applies).")
    return words[raw]


_mode: bool | str = _mode_from_environment()
_winners: dict[tuple, Plan] = {}
_known: dict[tuple, Plan] = {}  # every 'auto' plan handed out while measuring, by a key quick to build
_seconds: dict[tuple, dict[str, float]] = {}
_search_seconds: dict[tuple, float] = {}
_cache_file: Path | None = None
_cache_loaded = False


def set_algorithm_search(mode: bool | str = True) -> bool | str:
    """How ``algorithm='auto'`` chooses: ``True`` measures (the default), ``False`` takes the
    fixed rule, ``'im2col'`` or ``'winograd'`` takes that algorithm wherever it applies.
    Returns the previous setting; the winners measured so far are kept."""
    global _mode
    if not any(mode is m or (isinstance(m, str) and mode == m) for m in MODES):
        raise ValueError(f"set_algorithm_search takes True (measure), False (the fixed rule), 'im2col' "
                         f"or 'winograd'; got {mode!r}.")
    previous, _mode = _mode, mode
    return previous


def get_algorithm_search() -> bool | str:
    """The current setting of :func:`set_algorithm_search`."""
    return _mode


def default_cache_file() -> Path:
    """``$XDG_CACHE_HOME/cnnlab/algorithms.json`` (``~/.cache/...`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlab" / "algorithms.json"


def set_algorithm_cache(path: str | Path | bool | None = True) -> Path | None:
    """Keep measured winners on disk: ``True`` in :func:`default_cache_file`, a path in that
    file, ``None`` or ``False`` not at all (the default). Returns the previous file."""
    global _cache_file, _cache_loaded
    previous = _cache_file
    _cache_file = default_cache_file() if path is True else (Path(path) if path else None)
    _cache_loaded = False
    return previous


def _cache_from_environment() -> None:
    raw = os.environ.get("CNNLAB_ALGORITHM_CACHE", "").strip()
    if raw.lower() in ("", "0", "off", "false"):
        return
    set_algorithm_cache(True if raw.lower() in ("1", "on", "true") else raw)


_cache_from_environment()


def blas_threads() -> int:
    """The BLAS library's thread count now (chapter 10 lowers it with threadpoolctl)."""
    return _blas()[0].num_threads if _blas() else 1


_controller = None


def _blas():
    """threadpoolctl's controllers of numpy's BLAS (an empty list where threadpoolctl finds none)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController().select(user_api="blas")
    return _controller.lib_controllers


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """What the disk cache is keyed by: CPU, BLAS library and kernel, versions, cores."""
    blas = _blas()
    lib = blas[0] if blas else None
    try:
        version = metadata.version("cnnlab")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        "cpu": _cpu(),
        "cores": str(os.cpu_count()),
        "blas": f"{lib.internal_api} {lib.version}" if lib else "unknown",
        "blas kernel": str(getattr(lib, "architecture", None) or os.environ.get("OPENBLAS_CORETYPE", "unknown")),
        "numpy": np.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "cnnlab": version,
    }


def _machine_key() -> str:
    return json.dumps(machine(), sort_keys=True)


def _load_cache() -> None:
    global _cache_loaded
    _cache_loaded = True
    if _cache_file is None or not _cache_file.exists():
        return
    try:
        stored = json.loads(_cache_file.read_text()).get(_machine_key(), {})
    except (OSError, ValueError):
        return  # an unreadable cache is measured afresh, and rewritten
    for key, (algorithm, threads) in stored.items():
        _winners.setdefault(_as_key(json.loads(key)), Plan(algorithm, threads))


def _save_cache(key: tuple, plan: Plan) -> None:
    if _cache_file is None:
        return
    try:
        everything = json.loads(_cache_file.read_text()) if _cache_file.exists() else {}
    except (OSError, ValueError):
        everything = {}
    everything.setdefault(_machine_key(), {})[json.dumps(key)] = list(plan)
    _cache_file.parent.mkdir(parents=True, exist_ok=True)
    partial = _cache_file.with_suffix(".tmp")
    partial.write_text(json.dumps(everything, indent=1))
    partial.replace(_cache_file)  # whole or not at all, also when two processes write


def candidates(x_shape: tuple, weight_shape: tuple, spec, dtype) -> list[Plan]:
    """The plans that can run this convolution: im2col always; Winograd where it applies,
    on :func:`.winograd.get_num_threads` threads and, when that is 2 and some transform is
    large enough to be split (:data:`.winograd.MIN_SPLIT`), also on one."""
    plans = [Plan("im2col")]
    if not winograd.why_not(x_shape, weight_shape, spec, dtype):
        threads = winograd.get_num_threads()
        th, tw = -(-spec.out_size[0] // 2), -(-spec.out_size[1] // 2)
        largest = 16 * max(x_shape[1], weight_shape[0]) * x_shape[0] * th * tw  # values of V or M
        splits = threads == 2 and largest >= winograd.MIN_SPLIT
        plans += [Plan("winograd", threads)] + ([Plan("winograd", 1)] if splits else [])
    return plans


def key(x_shape: tuple, weight_shape: tuple, spec, dtype) -> tuple:
    """What a winner is kept under (JSON-friendly: nested lists become tuples again)."""
    return (tuple(x_shape), tuple(weight_shape), spec.stride, tuple(map(tuple, spec.padding)), spec.mode,
            spec.dilation, spec.groups, np.dtype(dtype).str, winograd.get_num_threads(), blas_threads())


def _as_key(k) -> tuple:
    """A key read back from JSON (its tuples became lists) as :func:`key` builds it."""
    return tuple(_as_key(v) if isinstance(v, list) else v for v in k)


def plan(algorithm: str, x_shape: tuple, weight_shape: tuple, spec, dtype, fname: str,
         run: Callable[[Plan], None]) -> Plan:
    """The plan for a call with ``algorithm`` ('auto', 'im2col' or 'winograd').

    'im2col' and 'winograd' are taken as asked (Winograd's transforms on
    :func:`.winograd.get_num_threads` threads; a clear error where Winograd cannot run).
    'auto' follows :func:`set_algorithm_search`; when it measures, ``run(plan)`` must run
    the forward and backward pass of this convolution by ``plan`` once (on any data of the
    call's shapes), and is timed.
    """
    quick = (tuple(x_shape), tuple(weight_shape), spec, dtype, winograd.get_num_threads(), blas_threads())
    if algorithm == "auto" and _mode is True and quick in _known:
        return _known[quick]
    chosen = winograd.choose(algorithm, x_shape, weight_shape, spec, dtype, fname)
    threads = winograd.get_num_threads()
    if algorithm != "auto" or _mode is False:
        return Plan(chosen, threads if chosen == "winograd" else 1)
    plans = candidates(x_shape, weight_shape, spec, dtype)
    if isinstance(_mode, str):
        return next((p for p in plans if p.algorithm == _mode), plans[0])
    if len(plans) == 1:
        _known[quick] = plans[0]
        return plans[0]
    if not _cache_loaded:
        _load_cache()
    k = key(x_shape, weight_shape, spec, dtype)
    if k not in _winners:
        start = time.perf_counter()
        _winners[k], _seconds[k] = measure(plans, run)
        _search_seconds[k] = time.perf_counter() - start
        _save_cache(k, _winners[k])
    _known[quick] = _winners[k]
    return _winners[k]


def measure(plans: list[Plan], run: Callable[[Plan], None]) -> tuple[Plan, dict[str, float]]:
    """Time ``run(plan)`` for each plan: one warm-up, then :data:`REPEATS` timed runs in
    turn (so that every plan sees the same moments of the machine's load); the plan with
    the fastest run wins. Returns the winner and each plan's best seconds."""
    for p in plans:
        run(p)
    best = {p: float("inf") for p in plans}
    for _ in range(REPEATS):
        for p in plans:
            start = time.perf_counter()
            run(p)
            best[p] = min(best[p], time.perf_counter() - start)
    return min(plans, key=best.get), {str(p): s for p, s in best.items()}


def winners() -> list[dict]:
    """Every winner measured in this process (or read from the disk cache): the layer's
    shapes, the plan chosen and, where measured here, each candidate's best time and the
    whole measurement's time ("search ms"), in ms."""
    rows = []
    for k, p in _winners.items():
        x_shape, weight_shape, stride, padding, mode, dilation, groups, dtype, threads, blas = k
        rows.append({"x": x_shape, "weight": weight_shape, "stride": stride, "padding": padding,
                     "dtype": np.dtype(dtype).name, "winner": str(p),
                     "ms": {name: round(s * 1e3, 3) for name, s in _seconds.get(k, {}).items()},
                     "search ms": round(_search_seconds[k] * 1e3, 3) if k in _search_seconds else None})
    return rows


def forget() -> None:
    """Drop every winner kept in this process (the disk cache stays)."""
    global _cache_loaded
    _winners.clear()
    _known.clear()
    _seconds.clear()
    _search_seconds.clear()
    _cache_loaded = False
