"""Pictures of what the numbers do: the sliding-kernel animation, the live explorer, figures."""

from .animation import ConvStep, conv_animation, conv_steps, format_number
from .explorer import conv_explorer
from .figures import show_images, show_matrices, show_matrix
from .tracer import network_tracer

__all__ = [
    "ConvStep",
    "conv_animation",
    "conv_steps",
    "conv_explorer",
    "format_number",
    "network_tracer",
    "show_images",
    "show_matrices",
    "show_matrix",
]
