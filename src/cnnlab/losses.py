"""The classification loss, as ``torch.nn.CrossEntropyLoss``, with its backward pass."""

from __future__ import annotations

import numpy as np

from . import functional as F
from .functional.dense import _check_logits_target


class CrossEntropyLoss:
    """Softmax, then the negative log-likelihood of the true class, averaged over the batch.

    ``loss = loss_fn(logits, target)`` with ``logits`` ``(N, K)`` (raw scores, no softmax
    before) and ``target`` ``(N,)`` integer labels in ``[0, K)``; returns a float.
    ``loss_fn.backward()`` returns ``dL/dlogits`` ``(N, K)``, which is
    ``(softmax(logits) - onehot(target)) / N``: start the model's backward pass with it.
    """

    def __call__(self, logits: np.ndarray, target: np.ndarray) -> float:
        self.logits, self.target = _check_logits_target(logits, target, "CrossEntropyLoss")
        return F.cross_entropy(self.logits, self.target)

    def backward(self) -> np.ndarray:
        if not hasattr(self, "logits"):
            raise RuntimeError(
                "CrossEntropyLoss.backward was called before the loss: compute "
                "loss = loss_fn(logits, target) first, then loss_fn.backward()."
            )
        return F.cross_entropy_backward(self.logits, self.target)

    def __repr__(self) -> str:
        return "CrossEntropyLoss()"
