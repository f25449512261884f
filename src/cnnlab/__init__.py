"""cnnlab: the small numpy toolkit of the CNN Lab book.

Names and array layouts follow PyTorch: tensors are NCHW, convolution weights are
``(out_channels, in_channels, kernel_height, kernel_width)``.
"""

from . import functional
from .shapes import conv_output_size, pool_output_size

__all__ = ["functional", "conv_output_size", "pool_output_size"]
__version__ = "0.1.0"
