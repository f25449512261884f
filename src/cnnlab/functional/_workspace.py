"""Scratch buffers reused from call to call: a small, bounded cache keyed by (role, shape, dtype).

A fast convolution of a 32x64x32x32 batch needs scratch arrays of about 33 MB. Allocating
them afresh on every call costs thousands of page faults (the operating system hands out
new pages, zeroed, on first touch), which made the matrix products around them 2-4x slower
in measurements on this project's machine. A :class:`Workspace` keeps the last few such
arrays and hands the same memory back when a call asks again for the same role, shape and
dtype.

Rules that keep results independent of call history:

- a buffer's content is undefined when handed out (it is ``np.empty``-like): callers write
  every cell they read;
- nothing a public function returns is a workspace buffer or a view of one (results are
  fresh arrays), so a later call can never change an array a caller holds;
- each thread has its own workspace (:func:`scratch`), so two threads never share scratch.

Bound: at most ``max_entries`` buffers and ``max_bytes`` bytes per workspace (by default 32
buffers and 384 MiB per thread); the least recently used buffers are dropped first, and a
single request larger than ``max_bytes`` is allocated fresh and not kept. An im2col layer
asks for five buffers of its own shapes per forward+backward pass, so 32 keep the
buffers of a network of six such layers from one step to the next (with 8, chapter 10's
two convolutions evicted each other's buffers: 10 fresh arrays per training step).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

MAX_ENTRIES = 32
MAX_BYTES = 384 * 2**20


class Workspace:
    """A least-recently-used cache of scratch arrays: ``get(role, shape, dtype)``."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.buffers: OrderedDict[tuple, np.ndarray] = OrderedDict()

    @property
    def nbytes(self) -> int:
        return sum(b.nbytes for b in self.buffers.values())

    def get(self, role: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        """A C-contiguous array of ``shape`` and ``dtype`` with undefined content; the same
        memory as the last request with the same ``role``, ``shape`` and ``dtype`` when it is
        still cached."""
        key = (role, tuple(shape), np.dtype(dtype).str)
        buffer = self.buffers.pop(key, None)
        if buffer is None:
            buffer = np.empty(shape, dtype)
            if buffer.nbytes > self.max_bytes:
                return buffer
        self.buffers[key] = buffer  # now the most recently used
        while len(self.buffers) > self.max_entries or self.nbytes > self.max_bytes:
            self.buffers.popitem(last=False)
        return buffer

    def clear(self) -> None:
        self.buffers.clear()


_local = threading.local()


def scratch() -> Workspace:
    """This thread's workspace (created on first use)."""
    if not hasattr(_local, "workspace"):
        _local.workspace = Workspace()
    return _local.workspace
