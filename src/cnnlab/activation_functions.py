"""Activation functions and their slopes (chapter 1): what a neuron does with its sum ``z``.

Each function works element-wise on an array of any shape and returns that shape; its
``*_slope`` twin returns the derivative at every element. The ReLU is
:func:`cnnlab.functional.relu`; at ``z = 0``, where its derivative does not exist, its slope
is taken as 0, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from .functional._common import _numeric
from .functional.dense import relu, relu_backward


def sigmoid(z) -> np.ndarray:
    """``1 / (1 + exp(-z))``, between 0 and 1, computed without overflow for large ``|z|``."""
    z = np.asarray(_numeric(z, "z"), dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_slope(z) -> np.ndarray:
    """``sigmoid(z) * (1 - sigmoid(z))``: at most 0.25 (at ``z = 0``), near 0 for large ``|z|``."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z) -> np.ndarray:
    """``tanh(z) = 2 * sigmoid(2z) - 1``, between -1 and 1."""
    return np.tanh(np.asarray(_numeric(z, "z"), dtype=float))


def tanh_slope(z) -> np.ndarray:
    """``1 - tanh(z)**2``: 1 at ``z = 0``, near 0 for large ``|z|``."""
    return 1 - tanh(z) ** 2


def relu_slope(z) -> np.ndarray:
    """1 where ``z > 0``, else 0: a unit whose ``z`` is negative passes no gradient back."""
    z = np.asarray(_numeric(z, "z"), dtype=float)
    return relu_backward(np.ones_like(z), z)


def leaky_relu(z, negative_slope: float = 0.01) -> np.ndarray:
    """``z`` where ``z > 0``, else ``negative_slope * z`` (as ``torch.nn.LeakyReLU``)."""
    z = np.asarray(_numeric(z, "z"), dtype=float)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_slope(z, negative_slope: float = 0.01) -> np.ndarray:
    """1 where ``z > 0``, else ``negative_slope``: never exactly 0, so no unit dies."""
    z = np.asarray(_numeric(z, "z"), dtype=float)
    return np.where(z > 0, 1.0, negative_slope)


ACTIVATIONS = {  # name: (function, slope), in the order chapter 1 draws them
    "sigmoid": (sigmoid, sigmoid_slope),
    "tanh": (tanh, tanh_slope),
    "ReLU": (lambda z: relu(np.asarray(_numeric(z, "z"), dtype=float)), relu_slope),
    "leaky ReLU (0.1)": (lambda z: leaky_relu(z, 0.1), lambda z: leaky_relu_slope(z, 0.1)),
}
