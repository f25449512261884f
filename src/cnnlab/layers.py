"""Layers with PyTorch's names and semantics, each with its forward and backward pass.

Every layer is called on a batch, ``y = layer(x)``, and remembers what its backward pass
needs (the cache, named for what it holds). ``layer.backward(dL/dy)`` then returns
``dL/dx`` and *adds* the gradients of the layer's parameters to their ``.grad``, as
PyTorch does: clear them with ``zero_grad()`` before the next backward pass.

Layers with parameters compute in the dtype of their parameters (float32 by default, as in
PyTorch; pass ``dtype=np.float64`` for gradient checking); inputs are converted to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from . import functional as F
from .functional._common import _check_grad_output, _check_pad, _numeric
from .functional._workspace import Workspace
from .functional.conv import ConvSpec, _conv2d_fast, _conv2d_fast_backward
from .functional.winograd import check_algorithm, choose
from .functional.pool import (
    OutputSize,
    _adaptive_output_size,
    _avg_pool2d,
    _avg_pool2d_spread,
    _max_pool2d_argmax,
    _max_pool2d_backward_argmax,
    _pool_windows,
    _Windows,
)
from .init import uniform_fan_in
from .shapes import (
    IntOrPair, Padding, check_count, check_dilation, check_groups, check_hyper, check_pool_hyper, conv_output_size,
    padding_pairs,
)

Shape = tuple[int, ...]
Rng = int | np.random.Generator | None


class Parameter:
    """A learned array ``data`` and its gradient ``grad``, both of one shape."""

    def __init__(self, data: np.ndarray):
        self.data = np.asarray(data)
        # np.zeros takes zeroed pages from the system, which hold no memory until written:
        # a model built only to count its parameters (VGG-16's 138 million in chapter 8)
        # costs its weights alone. np.zeros_like would write every zero.
        self.grad = np.zeros(self.data.shape, self.data.dtype)

    @property
    def shape(self) -> Shape:
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """The base of all layers: call it to run ``forward``; ``backward`` runs it in reverse.

    A subclass defines ``output_shape`` (which also checks the input shape with a clear
    error), ``forward`` and ``backward``.
    """

    last_output_shape: Shape | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = _numeric(x, "x")
        self.output_shape(x.shape)
        out = self.forward(x)
        self.last_output_shape = out.shape
        return out

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def output_shape(self, input_shape: Shape) -> Shape:
        """The shape of ``self(x)`` for ``x`` of ``input_shape``, without computing it."""
        raise NotImplementedError

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs: ``("weight", ...)``, then ``("bias", ...)``."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value

    def parameters(self) -> Iterator[Parameter]:
        """Yield the learned parameters, as ``torch.nn.Module.parameters`` does."""
        for _, parameter in self.named_parameters():
            yield parameter

    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter under its PyTorch name, as a copy: ``{"weight": ..., "bias": ...}``
        for one layer, ``{"0.weight": ..., "0.bias": ..., "3.weight": ...}`` for a Sequential."""
        return {name: parameter.data.copy() for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, np.ndarray]) -> None:
        """Copy the arrays of ``state`` (from :meth:`state_dict` or ``cnnlab.load``) into the
        parameters of the same names, keeping their dtype, as ``torch.nn.Module.load_state_dict``.

        The keys must be exactly this model's parameter names and each array must have its
        parameter's shape; otherwise nothing is copied and a ValueError says what differs.
        """
        parameters = dict(self.named_parameters())
        missing = [name for name in parameters if name not in state]
        unexpected = [name for name in state if name not in parameters]
        name = type(self).__name__
        if missing or unexpected:
            raise ValueError(
                f"{name}.load_state_dict: the state does not fit this model. Missing key(s): "
                f"{missing or 'none'}; unexpected key(s): {unexpected or 'none'}. The state was "
                "saved from a model with other layers: build the model exactly as the one that was "
                "saved (the same layers in the same order, with bias on or off alike; "
                "model.state_dict().keys() lists what this one expects), then load again."
            )
        arrays = {key: _numeric(value, f"state[{key!r}]") for key, value in state.items()}
        for key, parameter in parameters.items():
            if arrays[key].shape != parameter.shape:
                raise ValueError(
                    f"{name}.load_state_dict: {key!r} has shape {arrays[key].shape} in the state but "
                    f"{parameter.shape} in this model. Build the layer with the sizes used when the "
                    "state was saved (a Conv2d weight is (out_channels, in_channels, kh, kw), a Linear "
                    "weight (out_features, in_features)); nothing was loaded."
                )
        for key, parameter in parameters.items():
            parameter.data[...] = arrays[key]

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zero."""
        for parameter in self.parameters():
            parameter.grad[...] = 0

    def _grad(self, grad_output: np.ndarray, dtype=None) -> np.ndarray:
        """Check ``grad_output`` against the last forward pass and return it as an array."""
        name = type(self).__name__
        if self.last_output_shape is None:
            raise RuntimeError(
                f"{name}.backward was called before a forward pass. Call the layer on a batch "
                f"first, y = layer(x), then pass dL/dy (shaped like y) to layer.backward."
            )
        grad = _check_grad_output(grad_output, self.last_output_shape, f"{name}.backward")
        return grad if dtype is None else grad.astype(dtype, copy=False)

    def _expect(self, input_shape: Shape, layout: str, hint: str) -> None:
        """Raise a clear error unless ``input_shape`` has as many dimensions as ``layout``."""
        ndim = layout.count(",") + 1
        if len(input_shape) != ndim:
            raise ValueError(
                f"{type(self).__name__} expects a batch of shape {layout}; got {len(input_shape)} "
                f"dimension(s), shape {tuple(input_shape)}. {hint}"
            )


def _check_count(layer: str, what: str, got: int, want: int, input_shape: Shape, fix: str) -> None:
    if got != want:
        raise ValueError(
            f"{layer} was built for {want} {what} but the input has {got} (input shape "
            f"{tuple(input_shape)}). {fix}"
        )


class Conv2d(Module):
    """2D convolution, as ``torch.nn.Conv2d``; the fast paths of ``functional`` (im2col, or
    Winograd F(2x2, 3x3) for 3x3 stride-1 layers).

    Shapes: ``x`` ``(N, in_channels, H, W)`` -> ``(N, out_channels, OH, OW)`` with
    ``OH = floor((H + top + bottom - dh*(kh - 1) - 1) / sh) + 1`` (likewise ``OW``);
    ``weight`` ``(out_channels, in_channels/groups, kh, kw)``, ``bias`` ``(out_channels,)``.
    Parameters: ``(kh*kw*in_channels/groups + 1) * out_channels``.

    ``padding`` is an int, an ``(h, w)`` pair, ``'valid'`` or ``'same'`` (stride 1);
    ``padding_mode`` fills it with ``'zeros'``, or as :func:`cnnlab.functional.pad` does
    with ``'reflect'``, ``'replicate'`` or ``'circular'``; its gradient flows back to the
    input cells the padding copied. ``dilation`` and ``groups`` as in
    :func:`cnnlab.functional.conv2d`. ``algorithm`` (``'auto'``, ``'im2col'`` or
    ``'winograd'``) as in :func:`cnnlab.functional.conv2d`; 'auto' decides on each forward
    call from the input's shape. The layer keeps what its backward pass needs (the im2col
    columns, or Winograd's transformed input) in a workspace of its own: one buffer, reused
    while the input shape stays the same.
    """

    padding_modes = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: Padding = 0,
        dilation: IntOrPair = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        rng: Rng = None,
        dtype=np.float32,
        algorithm: str = "auto",
    ):
        self.in_channels = check_count(in_channels, "Conv2d's in_channels", "the channels of x (3 for RGB)")
        self.out_channels = check_count(out_channels, "Conv2d's out_channels", "the filters")
        self.kernel_size, self.stride, _ = check_hyper(kernel_size, stride, 0)
        self.dilation = check_dilation(dilation)
        self.groups = check_groups(groups, self.in_channels, self.out_channels)
        if padding_mode not in self.padding_modes:
            raise ValueError(
                f"padding_mode={padding_mode!r} is not a padding mode of Conv2d. Use 'zeros' (the "
                "default), 'reflect' (mirror the input), 'replicate' (repeat the edge) or "
                "'circular' (wrap around), as in PyTorch."
            )
        self.padding_mode = padding_mode
        self.algorithm = algorithm
        self.workspace = Workspace(max_entries=1)  # the columns or Winograd's V, kept for backward
        self.pads = padding_pairs(padding, self.kernel_size, self.stride, self.dilation)  # ((top, bottom), (left, right))
        self.padding = padding if isinstance(padding, str) else (self.pads[0][0], self.pads[1][0])
        rng = np.random.default_rng(rng)
        channels_per_group = self.in_channels // self.groups  # each filter sees this many channels
        fan_in = channels_per_group * self.kernel_size[0] * self.kernel_size[1]
        weight_shape = (self.out_channels, channels_per_group) + self.kernel_size
        self.weight = Parameter(uniform_fan_in(weight_shape, fan_in, rng, dtype))
        self.bias = Parameter(uniform_fan_in((self.out_channels,), fan_in, rng, dtype)) if bias else None
        check_algorithm(algorithm, "Conv2d")
        if algorithm == "winograd":  # refuse a layer Winograd can never run, when it is built
            spec = ConvSpec(self.stride, self.pads, self.dilation, self.groups, (1, 1))
            choose(algorithm, (1, self.in_channels, 1, 1), weight_shape, spec, dtype, "Conv2d")

    def output_shape(self, input_shape: Shape) -> Shape:
        self._expect(input_shape, "(N, C, H, W)", "For one image of shape (C, H, W) use x[None].")
        n, c, h, w = input_shape
        fix = f"Give x {self.in_channels} channels, or build Conv2d({c}, {self.out_channels}, ...)."
        _check_count("Conv2d", "input channels", c, self.in_channels, input_shape, fix)
        try:
            _check_pad((h, w), self.pads, self.padding_modes[self.padding_mode])
            oh, ow = conv_output_size((h, w), self.kernel_size, self.stride, self.padding, self.dilation)
        except ValueError as err:
            raise ValueError(f"Conv2d on input shape {tuple(input_shape)}: {err}") from None
        return (n, self.out_channels, oh, ow)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = x.astype(self.weight.data.dtype, copy=False)
        bias = None if self.bias is None else self.bias.data
        self.input_shape = x.shape
        self.spec = ConvSpec(self.stride, self.pads, self.dilation, self.groups, self.output_shape(x.shape)[2:],
                             self.padding_modes[self.padding_mode])
        out, self.saved = _conv2d_fast(x, self.weight.data, bias, self.spec, self.algorithm, "Conv2d",
                                       keep=self.workspace)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = self._grad(grad_output, self.weight.data.dtype)
        dx, dweight, dbias = _conv2d_fast_backward(grad, self.saved, self.input_shape, self.weight.data, self.spec)
        self.weight.grad += dweight
        if self.bias is not None:
            self.bias.grad += dbias
        return dx

    def __repr__(self) -> str:
        options = [(f"dilation={self.dilation}", self.dilation != (1, 1)), (f"groups={self.groups}", self.groups != 1),
                   (f"bias={self.bias is not None}", True),
                   (f"padding_mode={self.padding_mode}", self.padding_mode != "zeros"),
                   (f"algorithm={self.algorithm!r}", self.algorithm != "auto")]
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}"
                + "".join(f", {text}" for text, shown in options if shown) + ")")


class _Pool2d(Module):
    """What max and average pooling share: hyper-parameters and the output shape."""

    def __init__(
        self,
        kernel_size: IntOrPair,
        stride: IntOrPair | None = None,
        padding: IntOrPair = 0,
        *,
        ceil_mode: bool = False,
    ):
        self.kernel_size, self.stride, self.padding = check_pool_hyper(kernel_size, stride, padding)
        self.ceil_mode = ceil_mode

    def _windows(self, input_shape: Shape) -> _Windows:
        self._expect(input_shape, "(N, C, H, W)", "For one image of shape (C, H, W) use x[None].")
        try:
            return _pool_windows(tuple(input_shape[2:]), self.kernel_size, self.stride, self.padding, self.ceil_mode)
        except ValueError as err:
            raise ValueError(f"{type(self).__name__} on input shape {tuple(input_shape)}: {err}") from None

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape[:2]) + self._windows(input_shape).out

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, ceil_mode={self.ceil_mode}{self._extra_repr()})")

    def _extra_repr(self) -> str:
        return ""


class MaxPool2d(_Pool2d):
    """Max pooling, as ``torch.nn.MaxPool2d``: ``stride`` defaults to ``kernel_size``.

    Shapes: ``x`` ``(N, C, H, W)`` -> ``(N, C, OH, OW)``, ``OH = floor((H + 2*ph - kh) / sh) + 1``
    (``ceil`` with ``ceil_mode=True``). Padding cells never win. No parameters. The backward
    pass sends each window's gradient to its maximum.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input_shape = x.shape
        self.windows = self._windows(x.shape)
        out, self.argmax = _max_pool2d_argmax(x, self.windows)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = self._grad(grad_output)
        return _max_pool2d_backward_argmax(grad, self.argmax, self.input_shape, self.windows)


class AvgPool2d(_Pool2d):
    """Average pooling, as ``torch.nn.AvgPool2d``: ``stride`` defaults to ``kernel_size``.

    Shapes as in :class:`MaxPool2d`. Padding counts as zeros; ``count_include_pad=True``
    (PyTorch's default) divides by the whole window, ``False`` by its cells inside the input
    (see ``functional.avg_pool2d``). The backward pass spreads each window's gradient evenly.
    """

    def __init__(
        self,
        kernel_size: IntOrPair,
        stride: IntOrPair | None = None,
        padding: IntOrPair = 0,
        *,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ):
        super().__init__(kernel_size, stride, padding, ceil_mode=ceil_mode)
        self.count_include_pad = count_include_pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input_shape = x.shape
        self.windows = self._windows(x.shape)
        return _avg_pool2d(x, self.windows, self.count_include_pad)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = self._grad(grad_output)
        return _avg_pool2d_spread(grad, self.input_shape, self.windows, self.count_include_pad)

    def _extra_repr(self) -> str:
        return f", count_include_pad={self.count_include_pad}"


class AdaptiveAvgPool2d(Module):
    """Adaptive average pooling, as ``torch.nn.AdaptiveAvgPool2d``: the output size is fixed
    and the windows adapt to the input (``functional.adaptive_avg_pool2d``).

    Shapes: ``x`` ``(N, C, H, W)`` -> ``(N, C, OH, OW)`` with ``(OH, OW)`` from ``output_size``
    (an int or a pair; ``None`` keeps that size of the input). ``AdaptiveAvgPool2d(1)`` is
    global average pooling: ``(N, C, H, W)`` -> ``(N, C, 1, 1)``. No parameters.
    """

    def __init__(self, output_size: OutputSize):
        _adaptive_output_size(output_size, (1, 1))  # checks output_size now, not at the first call
        self.output_size = output_size

    def output_shape(self, input_shape: Shape) -> Shape:
        self._expect(input_shape, "(N, C, H, W)", "For one image of shape (C, H, W) use x[None].")
        return tuple(input_shape[:2]) + _adaptive_output_size(self.output_size, tuple(input_shape[2:]))

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return F.adaptive_avg_pool2d(x, self.output_size)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return F.adaptive_avg_pool2d_backward(self._grad(grad_output), self.x, self.output_size)

    def __repr__(self) -> str:
        return f"AdaptiveAvgPool2d(output_size={self.output_size!r})"


class Linear(Module):
    """A fully connected layer, as ``torch.nn.Linear``: ``y = x @ weight.T + bias``.

    Shapes: ``x`` ``(N, in_features)`` -> ``(N, out_features)``; ``weight``
    ``(out_features, in_features)``, ``bias`` ``(out_features,)``.
    Parameters: ``in_features * out_features + out_features``.
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, *, rng: Rng = None, dtype=np.float32
    ):
        self.in_features = check_count(in_features, "Linear's in_features", "the inputs per example")
        self.out_features = check_count(out_features, "Linear's out_features", "the outputs per example")
        rng = np.random.default_rng(rng)
        self.weight = Parameter(uniform_fan_in((out_features, in_features), in_features, rng, dtype))
        self.bias = Parameter(uniform_fan_in((out_features,), in_features, rng, dtype)) if bias else None

    def output_shape(self, input_shape: Shape) -> Shape:
        self._expect(input_shape, "(N, in_features)", "For images, put a Flatten() layer before Linear.")
        fix = (f"Build Linear({input_shape[1]}, {self.out_features}), or check the layer before "
               "(summary(model, input_shape) prints every layer's output shape).")
        _check_count("Linear", "input features", input_shape[1], self.in_features, input_shape, fix)
        return (input_shape[0], self.out_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x.astype(self.weight.data.dtype, copy=False)
        return F.linear(self.x, self.weight.data, None if self.bias is None else self.bias.data)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = self._grad(grad_output, self.weight.data.dtype)
        self.weight.grad += grad.T @ self.x
        if self.bias is not None:
            self.bias.grad += grad.sum(axis=0)
        return grad @ self.weight.data

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None})")


class ReLU(Module):
    """``max(x, 0)`` element-wise, as ``torch.nn.ReLU``. Any shape; no parameters."""

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return F.relu(x)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return F.relu_backward(self._grad(grad_output), self.x)

    def __repr__(self) -> str:
        return "ReLU()"


class Flatten(Module):
    """Flatten every axis after the batch axis, as ``torch.nn.Flatten``.

    Shapes: ``x`` ``(N, C, H, W)`` (or any ``(N, ...)``) -> ``(N, C*H*W)``.
    """

    def output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) < 2:
            raise ValueError(
                f"Flatten expects a batch (N, ...) with at least 2 dimensions; got shape "
                f"{tuple(input_shape)}. For one example use x[None]."
            )
        return (input_shape[0], int(np.prod(input_shape[1:])))

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return self._grad(grad_output).reshape(self.input_shape)

    def __repr__(self) -> str:
        return "Flatten()"


class Sequential(Module):
    """Layers applied one after another, as ``torch.nn.Sequential``.

    ``backward`` runs the layers' backward passes in reverse order (the chain rule).
    """

    def __init__(self, *layers: Module):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential takes layers such as Conv2d(...) or ReLU(); argument {i} is "
                    f"{layer!r} (type {type(layer).__name__}). Did you pass the class instead of "
                    "an instance (ReLU instead of ReLU())?"
                )
        self.layers = list(layers)

    def output_shape(self, input_shape: Shape) -> Shape:
        for layer in self.layers:
            input_shape = layer.output_shape(input_shape)
        return tuple(input_shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad = self._grad(grad_output)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``("0.weight", ...)``, ...: each name is prefixed by its layer's index."""
        for i, layer in enumerate(self.layers):
            for name, parameter in layer.named_parameters():
                yield f"{i}.{name}", parameter

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"  ({i}): {layer!r}\n" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner})"
