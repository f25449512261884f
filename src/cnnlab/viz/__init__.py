"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, the shape
calculator, figures."""

from .animation import ConvStep, conv_animation, conv_steps, format_number
from .explorer import conv_explorer
from .figures import show_images, show_matrices, show_matrix
from .shape_calculator import axis_report, shape_calculator

__all__ = [
    "ConvStep",
    "axis_report",
    "conv_animation",
    "conv_steps",
    "conv_explorer",
    "format_number",
    "shape_calculator",
    "show_images",
    "show_matrices",
    "show_matrix",
]
