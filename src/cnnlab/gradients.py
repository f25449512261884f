"""Check a backward pass against numerical gradients (central differences).

For a scalar function ``L`` and a tiny step ``eps``,

    dL/dx[i] ~ (L(x + eps*e_i) - L(x - eps*e_i)) / (2*eps)

with an error of order ``eps**2``. :func:`gradcheck` turns any layer's or function's
output ``y`` into the scalar ``L = sum(y * g)`` with a random ``g``, so that
``dL/dy = g``: the backward pass receives ``g`` and must return ``dL/dx``. It compares the
two gradients by their relative error

    ||analytic - numerical|| / (||analytic|| + ||numerical||)

which is far below 1e-8 in float64 when the backward pass is right (typically near 1e-10),
and near 1 when it is wrong. Below 1e-8 the error is rounding in the differences, and its
digits depend on the order in which the processor's BLAS library adds: printed results show
it as ``< 1e-08`` (:data:`ROUNDING_LEVEL`), so that they read the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .functional._common import _numeric
from .layers import Module


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to the array ``x``, shaped like ``x``.

    ``f`` takes no arguments and reads ``x``, which is changed in place one entry at a time
    and restored; ``x`` must be a float64 array.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(*x.shape):
        saved = x[i]
        x[i] = saved + eps
        up = f()
        x[i] = saved - eps
        down = f()
        x[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """``||a - n|| / (||a|| + ||n||)``, or 0 when both gradients are zero."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numerical) / scale)


ROUNDING_LEVEL = 1e-8
"""Relative errors below this are float64 rounding in the central differences: their digits
change from one CPU or BLAS library to another, so :meth:`GradcheckResult.shown` prints a bound."""


@dataclass
class GradcheckResult:
    """Relative errors per checked array (``"x"``, then each parameter), and both gradients."""

    errors: dict[str, float]
    analytic: dict[str, np.ndarray] = field(repr=False)
    numerical: dict[str, np.ndarray] = field(repr=False)
    tol: float = 1e-7

    @property
    def max_error(self) -> float:
        return max(self.errors.values())

    @property
    def passed(self) -> bool:
        return self.max_error < self.tol

    def shown(self, name: str) -> str:
        """The relative error of ``name`` as printed: ``"< 1e-08"`` at rounding level (the same
        on every machine), else to two significant digits, e.g. ``"6.8e-01"``. The exact value
        is ``errors[name]``."""
        err = self.errors[name]
        return f"< {ROUNDING_LEVEL:.0e}" if err < ROUNDING_LEVEL else f"{err:.1e}"

    def __str__(self) -> str:
        lines = [f"{name:>10}: relative error {self.shown(name)}" for name in self.errors]
        verdict = "passed" if self.passed else "FAILED"
        return "\n".join(lines + [f"{verdict} (tolerance {self.tol:.0e})"])


def _float64(a: np.ndarray, name: str) -> np.ndarray:
    if a.dtype != np.float64:
        raise TypeError(
            f"gradcheck needs float64 for {name} (shape {a.shape}), got {a.dtype}: in float32 "
            "rounding alone gives relative errors near 1e-3. Use x.astype(np.float64) and build "
            "layers with dtype=np.float64."
        )
    return a


def gradcheck(
    fn: Module | Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    backward: Callable[[np.ndarray], np.ndarray] | None = None,
    *,
    eps: float = 1e-6,
    tol: float = 1e-7,
    seed: int = 0,
) -> GradcheckResult:
    """Compare the backward pass of ``fn`` with central differences at ``x`` (float64).

    - ``gradcheck(layer, x)``: a layer (or model); checks ``dL/dx`` and the gradient of
      every parameter, named ``weight``, ``bias`` or ``3.weight`` in a ``Sequential``.
    - ``gradcheck(f, x, backward)``: a function ``y = f(x)`` and ``backward(g)`` that returns
      ``dL/dx`` for ``dL/dy = g``, e.g. ``gradcheck(F.relu, x, lambda g: F.relu_backward(g, x))``.

    Returns a :class:`GradcheckResult`; ``.passed`` is true when every relative error is
    below ``tol``. Each entry of ``x`` and of the parameters costs two forward passes: use
    small shapes.
    """
    x = _float64(_numeric(x, "x"), "x").copy()
    if isinstance(fn, Module):
        if backward is not None:
            raise TypeError("gradcheck(layer, x) takes no backward: the layer's own backward is checked.")
        parameters = dict(fn.named_parameters())
        named = {"x": x} | {name: _float64(p.data, name) for name, p in parameters.items()}
        g = np.random.default_rng(seed).standard_normal(fn(x).shape)
        fn.zero_grad()
        dx = fn.backward(g)
        analytic = {"x": dx} | {name: p.grad.copy() for name, p in parameters.items()}
    else:
        if backward is None:
            raise TypeError(
                "gradcheck(f, x, backward) needs the backward function of f: backward(g) returns "
                "dL/dx when dL/dy = g. For a layer, call gradcheck(layer, x)."
            )
        named = {"x": x}
        g = np.random.default_rng(seed).standard_normal(np.shape(fn(x)))
        analytic = {"x": np.asarray(backward(g))}

    def loss() -> float:
        return float(np.sum(fn(x) * g))

    numerical = {name: numerical_gradient(loss, data, eps) for name, data in named.items()}
    for name in named:
        if analytic[name].shape != numerical[name].shape:
            raise ValueError(
                f"gradcheck: the backward pass returned a gradient of shape {analytic[name].shape} "
                f"for {name}, which has shape {numerical[name].shape}; they must match."
            )
    errors = {name: relative_error(analytic[name], numerical[name]) for name in named}
    return GradcheckResult(errors, analytic, numerical, tol)

