"""Initial values of learned parameters, as PyTorch draws them by default.

``torch.nn.Conv2d`` and ``torch.nn.Linear`` draw their weights with Kaiming-uniform
initialisation (``a = sqrt(5)``) and their biases from the same range, which comes to

    weight, bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))

where ``fan_in`` is the number of inputs that feed one output: ``in_features`` for a linear
layer, ``in_channels * kh * kw`` for a convolution. Pass a seed or a
``numpy.random.Generator`` as ``rng`` to get the same numbers every run.
"""

from __future__ import annotations

import numpy as np


def uniform_fan_in(
    shape: tuple[int, ...], fan_in: int, rng: int | np.random.Generator | None = None, dtype=np.float32
) -> np.ndarray:
    """An array of ``shape`` drawn from ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``.

    ``dtype`` is float32 or float64; the numbers are drawn in it directly, so a large
    float32 layer never passes through a float64 copy.
    """
    bound = 1.0 / np.sqrt(fan_in)
    values = np.random.default_rng(rng).random(shape, dtype=dtype)  # U[0, 1)
    values *= 2 * bound
    values -= bound
    return values
