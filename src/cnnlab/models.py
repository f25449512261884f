"""The small networks of chapter 10, built from cnnlab's layers (shapes for 8x8 digits)."""

from __future__ import annotations

import numpy as np

from .layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential

Rng = int | np.random.Generator | None


def digits_cnn(
    rng: Rng = 0, channels: tuple[int, int] = (16, 32), hidden: int = 64, classes: int = 10, size: int = 8,
) -> Sequential:
    """CONV-POOL-CONV-POOL-FC-FC for ``(N, 1, size, size)`` images; returns logits ``(N, classes)``.

    Both convolutions are 3x3 with padding 1 (size kept) and ReLU; both poolings 2x2 max,
    so the maps go 8x8 -> 4x4 -> 2x2 (``size`` -> ``size // 2`` -> ``size // 4``) and the
    first FC layer reads ``channels[1] * (size // 4) ** 2`` numbers. Softmax is left to the loss (``CrossEntropyLoss``), as in PyTorch.
    """
    if size < 4:
        raise ValueError(f"digits_cnn pools twice by 2, so images need a side of at least 4; got size={size!r}.")
    rng = np.random.default_rng(rng)
    c1, c2 = channels
    return Sequential(
        Conv2d(1, c1, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
        Conv2d(c1, c2, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
        Flatten(), Linear(c2 * (size // 4) ** 2, hidden, rng=rng), ReLU(), Linear(hidden, classes, rng=rng),
    )


def mlp(sizes: tuple[int, ...], rng: Rng = 0) -> Sequential:
    """A fully connected network: Flatten, then ``Linear(sizes[i], sizes[i+1])`` with ReLU
    between them (none after the last). ``sizes = (64, 32, 10)`` maps an 8x8 image to 10 logits."""
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least an input and an output size, e.g. (64, 10); got {sizes!r}.")
    rng = np.random.default_rng(rng)
    layers = [Flatten()]
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(Linear(n_in, n_out, rng=rng))
        if i < len(sizes) - 2:
            layers.append(ReLU())
    return Sequential(*layers)
