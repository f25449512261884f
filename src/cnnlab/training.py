"""Training a classifier: the mini-batch loop, its measurements, and a look inside the model.

Chapter 10 writes the loop out in the notebook; :func:`fit` is the same loop, packaged so that
comparisons (a fully connected network, another data set) take one line. Shapes: ``x`` is a
batch ``(N, ...)`` the model accepts, ``y`` integer labels ``(N,)``, the model returns logits
``(N, K)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .data import batches
from .layers import Module, Sequential
from .losses import CrossEntropyLoss
from .optim import SGD


def predict(model: Module, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """The model's logits ``(N, K)`` for ``x`` ``(N, ...)``, computed ``batch_size`` at a time."""
    return np.concatenate([model(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])


def evaluate(model: Module, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(loss, accuracy)`` on ``(x, y)``: the mean cross-entropy and the share of right answers."""
    logits = predict(model, x)
    return float(CrossEntropyLoss()(logits, y)), float(np.mean(logits.argmax(axis=1) == y))


@dataclass
class History:
    """One number per epoch, measured after the epoch: loss and accuracy on both sets.

    :func:`fit` also keeps one number per step: ``batch_loss``, the loss of each mini-batch
    before its step, and (with ``measure_steps=True``) ``batch_loss_after``, the same batch's
    loss right after the step.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    batch_loss_after: list[float] = field(default_factory=list)

    def record(self, model: Module, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> None:
        """Measure ``model`` on ``train`` and ``test`` (each ``(x, y)``) and append the four numbers."""
        for (loss, accuracy), prefix in ((evaluate(model, *train), "train"), (evaluate(model, *test), "test")):
            getattr(self, f"{prefix}_loss").append(loss)
            getattr(self, f"{prefix}_accuracy").append(accuracy)


def fit(
    model: Module, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray], *,
    epochs: int, lr: float, batch_size: int = 32, momentum: float = 0.9, seed: int = 0,
    after_epoch: Callable[[int, History], None] | None = None,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    measure_steps: bool = False,
) -> History:
    """Train ``model`` with mini-batch SGD on ``train = (x, y)``; measure it on both sets.

    Each epoch visits the training examples once in a new shuffled order (fixed by ``seed``),
    ``batch_size`` at a time: forward, cross-entropy, backward, one SGD step. ``after_epoch``
    (optional) is called with the epoch's number (from 1) and the history, e.g. to move a
    progress bar. ``augment`` (optional) turns each batch of images into the one trained on,
    e.g. ``lambda xb, rng: data.random_shift(xb, 1, rng)``; it gets the same generator that
    shuffles. ``measure_steps=True`` also records each batch's loss after its step (one more
    forward pass per step, which changes no weight). Returns the :class:`History`.
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"fit needs epochs >= 1 and batch_size >= 1; got epochs={epochs!r}, batch_size={batch_size!r}.")
    rng = np.random.default_rng(seed)
    loss_fn, history = CrossEntropyLoss(), History()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    for epoch in range(1, epochs + 1):
        for xb, yb in batches(*train, batch_size, rng):
            if augment is not None:
                xb = augment(xb, rng)
            history.batch_loss.append(loss_fn(model(xb), yb))
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
            if measure_steps:
                history.batch_loss_after.append(loss_fn(model(xb), yb))
        history.record(model, train, test)
        if after_epoch is not None:
            after_epoch(epoch, history)
    return history


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """Counts ``(K, K)``: row ``i``, column ``j`` holds how many examples of class ``i`` were
    predicted as ``j``; the diagonal holds the right answers. ``K`` defaults to the largest label + 1."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"confusion_matrix needs two label vectors of one shape (N,); got {y_true.shape} and {y_pred.shape}. "
            "Pass labels, not logits: use logits.argmax(axis=1) for the predictions."
        )
    k = int(max(y_true.max(initial=-1), y_pred.max(initial=-1)) + 1) if num_classes is None else num_classes
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def dead_units(model: Sequential, x: np.ndarray, layer: int) -> np.ndarray:
    """Which units of layer ``layer``'s output are 0 for every example of ``x`` ``(N, ...)``.

    A unit is a channel of an output ``(N, C, H, W)`` (0 at every position of every image) or
    a feature of an output ``(N, F)``. Returns a boolean mask ``(C,)`` or ``(F,)``. After a
    ReLU such a unit passes no gradient back for any of these examples: it is "dead" for them.
    """
    outputs = activations(model, x)
    if not -len(outputs) <= layer < len(outputs):
        raise ValueError(f"layer must index one of the model's {len(outputs)} layers; got {layer!r}.")
    out = outputs[layer][1]
    if out.ndim not in (2, 4):
        raise ValueError(f"dead_units counts channels of (N, C, H, W) or features of (N, F); layer {layer} gives {out.shape}.")
    return np.all(out == 0, axis=(0, 2, 3) if out.ndim == 4 else 0)


def activations(model: Sequential, x: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Run ``x`` through a ``Sequential`` layer by layer; return ``(name, output)`` per layer,
    the name as ``"0 Conv2d"`` (index and type), so each layer's feature maps can be drawn."""
    out = []
    for i, layer in enumerate(model):
        x = layer(x)
        out.append((f"{i} {type(layer).__name__}", x))
    return out
