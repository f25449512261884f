"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, the
decision-line explorer, the pixel inspector, figures."""

from .animation import ConvStep, conv_animation, conv_steps, format_number
from .explorer import conv_explorer
from .figures import show_images, show_matrices, show_matrix
from .perceptron import perceptron_explorer
from .pixels import pixel_inspector

__all__ = [
    "ConvStep",
    "conv_animation",
    "conv_steps",
    "conv_explorer",
    "format_number",
    "perceptron_explorer",
    "pixel_inspector",
    "show_images",
    "show_matrices",
    "show_matrix",
]
