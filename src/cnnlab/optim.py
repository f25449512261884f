"""Optimisers, as ``torch.optim``: they move every parameter against its gradient.

A training step: ``optimizer.zero_grad()``, forward, loss, backward, ``optimizer.step()``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .layers import Parameter


class Optimizer:
    """Holds the parameters to update; subclasses define ``step``."""

    def __init__(self, parameters: Iterable[Parameter], lr: float):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(
                f"{type(self).__name__} got no parameters to optimise. Pass model.parameters() "
                "of a model that has layers with weights (Conv2d, Linear)."
            )
        for p in self.parameters:
            if not isinstance(p, Parameter):
                raise TypeError(f"{type(self).__name__} needs Parameter objects; got {type(p).__name__}.")
        if not lr > 0:
            raise ValueError(f"the learning rate lr must be positive, got {lr!r}; try 0.01.")
        self.lr = lr

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (backward passes add to it)."""
        for p in self.parameters:
            p.grad[...] = 0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    ``velocity = momentum * velocity + grad`` (just ``grad`` on the first step), then
    ``data -= lr * velocity``. With ``momentum=0`` this is ``data -= lr * grad``.
    """

    def __init__(self, parameters: Iterable[Parameter], lr: float, momentum: float = 0.0):
        super().__init__(parameters, lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}; 0.9 is usual.")
        self.momentum = momentum
        self.velocities: list[np.ndarray | None] = [None] * len(self.parameters)

    def step(self) -> None:
        for i, p in enumerate(self.parameters):
            step = p.grad
            if self.momentum:
                v = self.velocities[i]
                self.velocities[i] = step = p.grad.copy() if v is None else self.momentum * v + p.grad
            p.data -= self.lr * step


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: steps scaled by running averages of the gradient.

    ``m = b1*m + (1-b1)*grad``, ``v = b2*v + (1-b2)*grad**2``; with the bias corrections
    ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``:
    ``data -= lr * m_hat / (sqrt(v_hat) + eps)``.
    """

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ):
        super().__init__(parameters, lr)
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = [np.zeros_like(p.data) for p in self.parameters]
        self.v = [np.zeros_like(p.data) for p in self.parameters]

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.parameters, self.m, self.v):
            m *= b1
            m += (1 - b1) * p.grad
            v *= b2
            v += (1 - b2) * p.grad**2
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            p.data -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(p.data.dtype, copy=False)
