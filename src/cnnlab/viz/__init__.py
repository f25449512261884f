"""Pictures of what the numbers do: the sliding-kernel, multi-channel and pooling animations, the
block diagram of a convolution, the live explorer, figures."""
"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, the shape
calculator, figures."""
"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, the
decision-line explorer, the pixel inspector, figures."""

from .animation import ConvStep, conv_animation, conv_steps, format_number
from .blocks import conv_blocks
from .channel_animation import channel_animation
from .backprop_animation import BackpropAnimation, conv_dw_animation, conv_dx_animation, pool_backward_animation
from .explorer import conv_explorer
from .pool_animation import pool_animation, pool_windows
from .figures import show_images, show_matrices, show_matrix
from .tracer import network_tracer
from .progress import ProgressBar, progress_bar
from .training_plots import plot_history, show_confusion, show_digits, show_feature_maps, show_kernels
from .shape_calculator import axis_report, shape_calculator
from .perceptron import perceptron_explorer
from .pixels import pixel_inspector

__all__ = [
    "BackpropAnimation",
    "ConvStep",
    "channel_animation",
    "conv_dw_animation",
    "conv_dx_animation",
    "pool_backward_animation",
    "axis_report",
    "conv_animation",
    "conv_blocks",
    "conv_steps",
    "conv_explorer",
    "format_number",
    "network_tracer",
    "pool_animation",
    "pool_windows",
    "shape_calculator",
    "perceptron_explorer",
    "pixel_inspector",
    "show_images",
    "show_matrices",
    "show_matrix",
    "ProgressBar",
    "progress_bar",
    "plot_history",
    "show_confusion",
    "show_digits",
    "show_feature_maps",
    "show_kernels",
]
