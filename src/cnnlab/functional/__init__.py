"""Functions on arrays, named and shaped as in ``torch.nn.functional``.

Import it as ``from cnnlab import functional as F``. Shapes use the letters of
*Deep Learning from Scratch*: a batch ``x`` of shape ``(N, C, H, W)``, filters
``weight`` of shape ``(FN, C, FH, FW)``, and an output of shape ``(N, FN, OH, OW)``
with ``OH = floor((H + 2*padding - FH) / stride) + 1`` (likewise ``OW``; the ``conv``
module gives the general formula with dilation and groups).

Convolution and pooling (max, average, adaptive average), forward and backward, come
twice: a ``*_naive`` version whose loops read like the formula (the book teaches with it)
and a fast version built on matrix products and strided views (the book trains with it).
The tests hold the two equal. ReLU, ``linear``, the loss functions and ``pad`` (PyTorch's
padding modes, with its backward) come once.

The fast convolution has two algorithms, chosen by ``algorithm=`` ('auto' by default):
im2col for every convolution, and Winograd's F(2x2, 3x3) (module ``winograd``) for 3x3,
stride-1 layers; 'auto' times both on the first call of each shape and keeps the faster
(module ``algorithm_search``: ``cnnlab.set_algorithm_search(False)`` or the environment
variable ``CNNLAB_ALGORITHM_SEARCH=0`` takes a fixed rule instead). ``set_num_threads(1)``
(or the environment variable ``CNNLAB_NUM_THREADS=1``) keeps Winograd's element-wise
transforms on one thread.

The code lives in one module per job (``conv``, ``input_grad``, ``winograd``, ``algorithm_search``,
``pool``, ``dense``); every
public name is here.
"""

from ._common import pad, pad2d, pad_backward
from .conv import conv2d, conv2d_backward, conv2d_backward_naive, conv2d_naive, conv_transpose2d, im2col
from .dense import cross_entropy, cross_entropy_backward, linear, log_softmax, relu, relu_backward, softmax
from .input_grad import conv2d_input_grad, spread
from .pool import (
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_backward,
    adaptive_avg_pool2d_backward_naive,
    adaptive_avg_pool2d_naive,
    avg_pool2d,
    avg_pool2d_backward,
    avg_pool2d_backward_naive,
    avg_pool2d_naive,
    max_pool2d,
    max_pool2d_backward,
    max_pool2d_backward_naive,
    max_pool2d_naive,
)
from .winograd import get_num_threads, set_num_threads

__all__ = [
    "pad", "pad_backward", "pad2d",
    "conv2d", "conv2d_naive", "conv2d_backward", "conv2d_backward_naive", "conv_transpose2d", "im2col",
    "spread", "conv2d_input_grad",
    "max_pool2d", "max_pool2d_naive", "max_pool2d_backward", "max_pool2d_backward_naive",
    "avg_pool2d", "avg_pool2d_naive", "avg_pool2d_backward", "avg_pool2d_backward_naive",
    "adaptive_avg_pool2d", "adaptive_avg_pool2d_naive", "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool2d_backward_naive",
    "set_num_threads", "get_num_threads",
    "relu", "relu_backward", "linear", "log_softmax", "softmax", "cross_entropy", "cross_entropy_backward",
]
