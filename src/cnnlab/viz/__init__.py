"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, figures."""

from .animation import ConvStep, conv_animation, conv_steps, format_number
from .backprop_animation import BackpropAnimation, conv_dw_animation, conv_dx_animation, pool_backward_animation
from .explorer import conv_explorer
from .figures import show_images, show_matrices, show_matrix
from .progress import ProgressBar, progress_bar
from .training_plots import plot_history, show_confusion, show_digits, show_feature_maps, show_kernels

__all__ = [
    "BackpropAnimation",
    "ConvStep",
    "conv_dw_animation",
    "conv_dx_animation",
    "pool_backward_animation",
    "conv_animation",
    "conv_steps",
    "conv_explorer",
    "format_number",
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
