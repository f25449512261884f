"""cnnlab: the small numpy toolkit of the CNN Lab book.

Names and array layouts follow PyTorch: tensors are NCHW, convolution weights are
``(out_channels, in_channels, kernel_height, kernel_width)``.
"""

from . import data, functional, models, optim, training
from .functional.algorithm_search import get_algorithm_search, set_algorithm_cache, set_algorithm_search
from .gradients import gradcheck, numerical_gradient
from .layers import AdaptiveAvgPool2d, AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Module, Parameter, ReLU, Sequential
from .layout import to_chw, to_hwc
from .losses import CrossEntropyLoss
from .neuron import perceptron
from .optim import SGD, Adam
from .serialization import load, save
from .shapes import (
    conv_output_size, pool_output_size, same_padding, tf_output_size, tf_padding, unread_positions,
    window_coverage,
)
from .tables import count_params, summary

__all__ = [
    "functional", "data", "optim", "models", "training", "conv_output_size", "pool_output_size", "same_padding",
    "unread_positions", "window_coverage", "tf_padding", "tf_output_size",
    "Parameter", "Module", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Linear", "ReLU", "Flatten",
    "Sequential", "CrossEntropyLoss", "SGD", "Adam", "count_params", "summary", "gradcheck", "numerical_gradient",
    "save", "load", "to_chw", "to_hwc", "perceptron",
    "set_algorithm_search", "get_algorithm_search", "set_algorithm_cache",
]
__version__ = "0.1.0"
