"""Strict nbval under other BLAS kernels than this processor's own.

numpy's OpenBLAS picks a kernel for the processor it runs on (SkylakeX on an Intel Xeon with
AVX-512, Haswell on most AMD and older Intel machines, ...), and the kernels add the terms of
a matrix product in different orders. A stored output that prints digits which depend on
that order passes on the machine that wrote it and fails on the next. ``OPENBLAS_CORETYPE``
makes OpenBLAS run another processor's kernel (one that this CPU can execute), so the checks
here re-run strict nbval on the notebooks with such kernels: every one this CPU can run when
``dev.py refresh`` stores new outputs, and the first of them on every test run (each costs
about as long as the notebooks' own nbval run, and the test run has a 10-minute budget).

The same runs also force the convolution's algorithm where ``'auto'`` would measure
(``CNNLAB_ALGORITHM_SEARCH``): which of im2col and Winograd wins depends on the machine too,
and they round differently. The test run forces Winograd wherever it applies (the notebooks'
own run mostly measures im2col the faster on their small layers); ``dev.py refresh`` forces
Winograd under the first other kernel and im2col under the next.

Figures are not drawn in these runs (an IPython profile sets ``figure_formats`` to nothing):
nbval does not compare their PNGs, the ``<Figure ...>`` text it does compare is unchanged,
and drawing is about a fifth of the notebooks' time.

As a script, ``python tests/portability.py [notebook ...]`` checks the given notebooks (all
of them by default); ``dev.py refresh`` runs it after writing new outputs.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_paths import NOTEBOOKS, ROOT  # noqa: E402

CANDIDATES = ("Haswell", "SkylakeX", "Sandybridge", "Nehalem")
"""OpenBLAS's x86-64 kernels (for AVX2, AVX-512, AVX and SSE4.2 machines), in the order
tried: the test run re-runs the notebooks under the first that this CPU can run, other than
the one this run uses (on an AVX-512 machine Haswell, elsewhere usually Sandybridge)."""


CRASHED = "crashed"
"""What :func:`openblas_kernel` returns when a matrix product under the kernel kills Python."""


def openblas_kernel(coretype: str | None) -> str | None:
    """The kernel numpy's OpenBLAS runs with ``OPENBLAS_CORETYPE=coretype`` (``None``: this
    run's own, the CPU's choice unless the environment sets one), ``None`` when numpy does
    not use OpenBLAS (Accelerate, MKL), or :data:`CRASHED` when a matrix product under it
    dies. OpenBLAS accepts a kernel this CPU lacks the instructions for (SkylakeX on an AMD
    EPYC without AVX-512) and reports it as running; its first product then stops the process
    with an illegal instruction, and a notebook kernel that dies so leaves nbval waiting."""
    env = os.environ | ({"OPENBLAS_CORETYPE": coretype} if coretype else {})
    probe = ("import json, numpy; from threadpoolctl import threadpool_info; "
             "a = numpy.ones((64, 64)); assert (a @ a)[0, 0] == 64; "
             "print(json.dumps([i.get('architecture') for i in threadpool_info() if i['internal_api'] == 'openblas']))")
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    if run.returncode:
        return CRASHED
    found = json.loads(run.stdout)
    return found[0] if found else None


@functools.cache
def plan(wanted: int = 1) -> dict[str, str | None]:
    """Each candidate kernel with ``None`` (test it) or the reason it is not tested: the first
    ``wanted`` kernels that this CPU can run are tested."""
    native = openblas_kernel(None)
    if native is None:
        return {k: "numpy here does not use OpenBLAS, so OPENBLAS_CORETYPE cannot change its kernel"
                for k in CANDIDATES}
    reasons: dict[str, str | None] = {}
    for kernel in CANDIDATES:
        runs = openblas_kernel(kernel)
        if kernel == native:
            reasons[kernel] = f"{kernel} is the kernel of this run, which the notebooks' own nbval run tests"
        elif runs == CRASHED:
            reasons[kernel] = f"this CPU cannot run OpenBLAS's {kernel} kernel (a matrix product under it crashed)"
        elif runs != kernel:
            reasons[kernel] = f"this CPU cannot run OpenBLAS's {kernel} kernel (asked for it, OpenBLAS ran {runs})"
        elif list(reasons.values()).count(None) >= wanted:
            reasons[kernel] = (f"{wanted} other kernel{'s' if wanted > 1 else ''} tested already (dev.py refresh "
                               "tests every kernel this CPU can run)")
        else:
            reasons[kernel] = None
    return reasons


def nbval(kernel: str, notebooks: list[Path], algorithm: str = "winograd") -> subprocess.CompletedProcess:
    """Strict nbval on ``notebooks`` with OpenBLAS's ``kernel`` and the convolution's
    ``algorithm`` forced wherever it applies, figures not drawn."""
    with tempfile.TemporaryDirectory() as ipython:
        profile = Path(ipython) / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text("c.InlineBackend.figure_formats = set()\n")
        env = os.environ | {"OPENBLAS_CORETYPE": kernel, "IPYTHONDIR": ipython, "CNNLAB_ALGORITHM_SEARCH": algorithm}
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-o", "addopts=", "--nbval", "-p", "no:cacheprovider", "-q",
             *map(str, notebooks)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )


def main(paths: list[str]) -> int:
    notebooks = [Path(p).resolve() for p in paths] or NOTEBOOKS
    failed, algorithms = [], ["winograd", "im2col"]
    for kernel, reason in plan(len(CANDIDATES)).items():
        if reason:
            print(f"{kernel}: not tested: {reason}")
            continue
        algorithm = algorithms[0]
        algorithms.reverse()
        result = nbval(kernel, notebooks, algorithm)
        print(f"{kernel}, {algorithm} wherever it applies: {result.stdout.strip().splitlines()[-1]}")
        if result.returncode:
            print(result.stdout[-6000:])
            failed.append(f"{kernel} kernel with {algorithm}")
    if failed:
        print(f"\nStored outputs differ under OpenBLAS's {' and '.join(failed)}: they print digits "
              "that depend on the order of the sums. Print such a value as a bound (\"below 1e-12\") or at "
              "the digits that hold, then refresh again.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
