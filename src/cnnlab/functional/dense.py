"""ReLU, the fully connected layer, softmax and the cross-entropy loss: one-liners of numpy."""

from __future__ import annotations

import numpy as np

from ._common import _check_grad_output, _numeric


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)`` element-wise; any shape, dtype kept."""
    x = _numeric(x, "x")
    return np.maximum(x, 0)


def relu_backward(grad_output: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of :func:`relu`: ``grad_output`` where ``x > 0``, else 0. Shapes equal ``x``'s."""
    x = _numeric(x, "x")
    grad = _check_grad_output(grad_output, x.shape, "relu_backward")
    return np.where(x > 0, grad, 0).astype(grad.dtype, copy=False)


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """A fully connected layer, ``x @ weight.T + bias`` (as ``torch.nn.functional.linear``).

    Shapes: ``x`` ``(N, in_features)``, ``weight`` ``(out_features, in_features)``,
    ``bias`` ``(out_features,)`` or None; returns ``(N, out_features)``.
    """
    x, weight = _numeric(x, "x"), _numeric(weight, "weight")
    if x.ndim != 2 or weight.ndim != 2:
        raise ValueError(
            f"linear: x must be (N, in_features) and weight (out_features, in_features); got x "
            f"shape {x.shape} and weight shape {weight.shape}. Flatten images first: "
            "x.reshape(len(x), -1)."
        )
    if x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"linear: x has {x.shape[1]} features (shape {x.shape}) but weight expects "
            f"{weight.shape[1]} (shape {weight.shape}, (out_features, in_features)). Use a "
            f"weight of shape ({weight.shape[0]}, {x.shape[1]}), or give x {weight.shape[1]} features."
        )
    out = x @ weight.T
    if bias is not None:
        bias = _numeric(bias, "bias")
        if bias.shape != (weight.shape[0],):
            raise ValueError(
                f"linear: bias must have shape ({weight.shape[0]},), one number per output "
                f"feature; got {bias.shape}."
            )
        out = out + bias
    return out


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``log(softmax(logits))`` along the last axis, computed stably.

    Subtracting each row's maximum first keeps ``exp`` from overflowing:
    ``log_softmax(z) = (z - max z) - log(sum(exp(z - max z)))``. Shapes: ``(..., K)`` in and out.
    """
    z = logits - np.max(logits, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities along the last axis: ``exp(z_k) / sum_j exp(z_j)``, computed stably."""
    return np.exp(log_softmax(_numeric(logits, "logits")))


def _check_logits_target(logits, target, fname: str):
    """Validate a classification loss's inputs: logits ``(N, K)``, finite; labels in ``[0, K)``."""
    logits = _numeric(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(
            f"{fname}: logits must have shape (N, K), one row of K class scores per example; got "
            f"shape {logits.shape}. For a single example use logits[None]."
        )
    if not np.all(np.isfinite(logits)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(logits))[0])
        raise ValueError(
            f"{fname}: logits contain NaN or infinite values (first at index {bad}, "
            f"value {logits[bad]}), shape {logits.shape}. The model diverged or its input "
            "was not finite: lower the learning rate, and check the input with np.isfinite."
        )
    target = np.asarray(target)
    n, k = logits.shape
    if target.shape != (n,) or target.dtype.kind not in "iu":
        raise ValueError(
            f"{fname}: target must hold one integer class label per example, shape ({n},) for "
            f"logits of shape {logits.shape}; got shape {target.shape}, dtype {target.dtype}. "
            "Labels are class indices, not one-hot rows: use onehot.argmax(axis=1)."
        )
    if target.min() < 0 or target.max() >= k:
        raise ValueError(
            f"{fname}: labels must lie in [0, {k - 1}] for {k} classes (logits shape "
            f"{logits.shape}); got labels from {target.min()} to {target.max()}. Give the model "
            "one output per class."
        )
    return logits, target


def cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Softmax then negative log-likelihood, averaged over the batch (as ``F.cross_entropy``).

    ``loss = -(1/N) * sum_n log softmax(logits[n])[target[n]]``.
    Shapes: ``logits`` ``(N, K)`` raw class scores, ``target`` ``(N,)`` integer labels in
    ``[0, K)``; returns a Python float.
    """
    logits, target = _check_logits_target(logits, target, "cross_entropy")
    return float(-np.mean(log_softmax(logits)[np.arange(len(target)), target]))


def cross_entropy_backward(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits: ``(softmax - onehot) / N``.

    Shapes: ``logits`` ``(N, K)``, ``target`` ``(N,)``; returns ``(N, K)``.
    """
    logits, target = _check_logits_target(logits, target, "cross_entropy_backward")
    grad = softmax(logits)
    grad[np.arange(len(target)), target] -= 1
    return grad / len(target)
