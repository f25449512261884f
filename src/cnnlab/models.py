"""The book's reference networks, written once as *specs* and built into cnnlab layers.

A spec is plain data (a dict that JSON can carry), so the same description feeds
:func:`build` here and the network tracer in the browser (``viz/assets/tracer.js``)::

    {"input": [C, H, W],
     "layers": [{"type": "conv", "in": 1, "out": 6, "kernel": 5, "stride": 1, "padding": 0, "groups": 1},
                {"type": "relu"},
                {"type": "maxpool", "kernel": 2, "stride": 2, "padding": 0},   # or "avgpool"
                {"type": "flatten"},
                {"type": "linear", "in": 400, "out": 120}]}

Kernels, strides and paddings are square (one int). Layer types map to ``Conv2d``, ``ReLU``,
``MaxPool2d``, ``AvgPool2d``, ``Flatten`` and ``Linear``; omitted fields take PyTorch's
defaults (stride 1, padding 0, groups 1 for ``conv``; stride = kernel for pooling).

The specs: :data:`NG_EXAMPLE` (Andrew Ng's 39x39x3 example), :data:`LENET5`,
:data:`ALEXNET` (Krizhevsky et al., 2012, two GPUs: ``groups=2``), :data:`ALEXNET_TORCHVISION`
(the single tower that libraries ship) and :data:`VGG16`. Chapter 10's networks for the
8x8 digits, :func:`digits_cnn` and :func:`mlp`, are built directly.
"""

from __future__ import annotations

import copy

import numpy as np

from .layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential

Spec = dict
Rng = int | np.random.Generator | None


def conv(c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0, groups: int = 1) -> dict:
    """The spec of one ``Conv2d(c_in, c_out, kernel, stride, padding, groups=groups)``."""
    return {"type": "conv", "in": c_in, "out": c_out, "kernel": kernel, "stride": stride,
            "padding": padding, "groups": groups}


def pool(kernel: int, stride: int | None = None, padding: int = 0, kind: str = "maxpool") -> dict:
    """The spec of one ``MaxPool2d`` (or ``AvgPool2d`` with ``kind="avgpool"``)."""
    return {"type": kind, "kernel": kernel, "stride": kernel if stride is None else stride, "padding": padding}


def linear(n_in: int, n_out: int) -> dict:
    """The spec of one ``Linear(n_in, n_out)``."""
    return {"type": "linear", "in": n_in, "out": n_out}


RELU, FLATTEN = {"type": "relu"}, {"type": "flatten"}

NG_EXAMPLE: Spec = {"input": [3, 39, 39], "layers": [
    conv(3, 10, 3), conv(10, 20, 5, stride=2), conv(20, 40, 5, stride=2), FLATTEN]}

LENET5: Spec = {"input": [1, 32, 32], "layers": [
    conv(1, 6, 5), RELU, pool(2), conv(6, 16, 5), RELU, pool(2), FLATTEN,
    linear(400, 120), RELU, linear(120, 84), RELU, linear(84, 10)]}


def _alexnet(widths: tuple[int, ...], size: int, pad1: int, groups: int) -> Spec:
    c1, c2, c3, c4, c5 = widths
    return {"input": [3, size, size], "layers": [
        conv(3, c1, 11, stride=4, padding=pad1), RELU, pool(3, 2),
        conv(c1, c2, 5, padding=2, groups=groups), RELU, pool(3, 2),
        conv(c2, c3, 3, padding=1), RELU,
        conv(c3, c4, 3, padding=1, groups=groups), RELU,
        conv(c4, c5, 3, padding=1, groups=groups), RELU, pool(3, 2), FLATTEN,
        linear(c5 * 6 * 6, 4096), RELU, linear(4096, 4096), RELU, linear(4096, 1000)]}


ALEXNET: Spec = _alexnet((96, 256, 384, 384, 256), 227, 0, groups=2)
ALEXNET_TORCHVISION: Spec = _alexnet((64, 192, 384, 256, 256), 224, 2, groups=1)

VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))  # (filters, convolutions) per block


def _vgg16() -> Spec:
    layers, c = [], 3
    for width, repeat in VGG16_BLOCKS:
        for _ in range(repeat):
            layers += [conv(c, width, 3, padding=1), RELU]
            c = width
        layers.append(pool(2))
    layers += [FLATTEN, linear(512 * 7 * 7, 4096), RELU, linear(4096, 4096), RELU, linear(4096, 1000)]
    return {"input": [3, 224, 224], "layers": layers}


VGG16: Spec = _vgg16()

PRESETS: dict[str, Spec] = {
    "Ng's example": NG_EXAMPLE, "LeNet-5": LENET5, "AlexNet (two GPUs)": ALEXNET,
    "AlexNet (one tower)": ALEXNET_TORCHVISION, "VGG-16": VGG16,
}

LAYER_TYPES = ("conv", "relu", "maxpool", "avgpool", "flatten", "linear")


def build_layer(layer: dict, rng=0) -> Module:
    """One layer of a spec as a cnnlab layer (its parameters drawn from ``rng``)."""
    kind = layer.get("type")
    if kind == "conv":
        return Conv2d(layer["in"], layer["out"], layer["kernel"], stride=layer.get("stride", 1),
                      padding=layer.get("padding", 0), groups=layer.get("groups", 1), rng=rng)
    if kind in ("maxpool", "avgpool"):
        cls = MaxPool2d if kind == "maxpool" else AvgPool2d
        return cls(layer["kernel"], layer.get("stride", layer["kernel"]), layer.get("padding", 0))
    if kind == "linear":
        return Linear(layer["in"], layer["out"], rng=rng)
    if kind == "relu":
        return ReLU()
    if kind == "flatten":
        return Flatten()
    raise ValueError(f"unknown layer type {kind!r} in {layer!r}: a spec's layer types are {list(LAYER_TYPES)}.")


def build(spec: Spec, rng=0) -> Sequential:
    """A spec as a ``Sequential`` of cnnlab layers; ``summary(model, (-1, *spec["input"]))``
    then traces it. ``rng`` seeds every layer's initial weights."""
    return Sequential(*(build_layer(layer, rng) for layer in spec["layers"]))


def input_shape(spec: Spec, batch: int = -1) -> tuple[int, ...]:
    """The spec's input as a batch shape: ``(batch, C, H, W)``; ``-1`` means any batch."""
    return (batch, *spec["input"])


def copy_spec(spec: Spec) -> Spec:
    """A deep copy to edit without touching the book's presets."""
    return copy.deepcopy(spec)


def lenet5(rng=0) -> Sequential:
    """LeNet-5 as the book counts it (ReLU for the original's tanh, max pooling for its
    trainable subsampling): 61,706 parameters on a 32x32 grey image."""
    return build(LENET5, rng)


def alexnet(groups: int = 2, rng=0) -> Sequential:
    """AlexNet on a 3x227x227 image, without its parameter-free response normalisation.

    ``groups=2`` is the paper's two-GPU network (Krizhevsky et al., 2012): conv2, conv4 and
    conv5 see only their own GPU's half of the channels; 60,965,224 parameters.
    ``groups=1`` joins the towers with the paper's widths (96, 256, 384, 384, 256 filters).
    For the single tower that libraries ship (64, 192, 384, 256, 256 filters, 224x224
    input), use :func:`alexnet_torchvision`.
    """
    spec = copy_spec(ALEXNET)
    for layer in spec["layers"]:
        if layer["type"] == "conv" and layer["groups"] != 1:
            layer["groups"] = groups
    return build(spec, rng)


def alexnet_torchvision(rng=0) -> Sequential:
    """torchvision's single-tower AlexNet on a 3x224x224 image: 61,100,840 parameters."""
    return build(ALEXNET_TORCHVISION, rng)


def vgg16(rng=0) -> Sequential:
    """VGG-16 (configuration D of Simonyan and Zisserman, 2014) on a 3x224x224 image:
    138,357,544 parameters."""
    return build(VGG16, rng)


def find_error(spec: Spec) -> tuple[int, str] | None:
    """The first layer of ``spec`` that cannot be built or cannot take what arrives, as
    ``(index, cnnlab's message)``; ``index`` is -1 for a bad input, and None means the whole
    network traces. What a reader does by hand when a model fails: walk the shapes layer by
    layer (``layer.output_shape``, no data) until one does not fit."""
    shape = input_shape(spec)
    try:
        if any(int(v) != v or v < 1 for v in spec["input"]):
            raise ValueError(f"the input's C, H and W must be whole numbers of at least 1, got {spec['input']}.")
    except (TypeError, ValueError) as err:
        return -1, str(err)
    for i, layer in enumerate(spec["layers"]):
        try:
            shape = build_layer(layer).output_shape(shape)
        except (TypeError, ValueError) as err:
            return i, str(err)
    return None


def digits_cnn(
    rng: Rng = 0, channels: tuple[int, int] = (16, 32), hidden: int = 64, classes: int = 10, size: int = 8,
    dtype=np.float32,
) -> Sequential:
    """CONV-POOL-CONV-POOL-FC-FC for ``(N, 1, size, size)`` images; returns logits ``(N, classes)``.

    Both convolutions are 3x3 with padding 1 (size kept) and ReLU; both poolings 2x2 max,
    so the maps go 8x8 -> 4x4 -> 2x2 (``size`` -> ``size // 2`` -> ``size // 4``) and the
    first FC layer reads ``channels[1] * (size // 4) ** 2`` numbers. Softmax is left to the loss (``CrossEntropyLoss``), as in PyTorch.
    Every layer computes in ``dtype`` (float32 by default, as in PyTorch).
    """
    if size < 4:
        raise ValueError(f"digits_cnn pools twice by 2, so images need a side of at least 4; got size={size!r}.")
    rng = np.random.default_rng(rng)
    c1, c2 = channels
    return Sequential(
        Conv2d(1, c1, 3, padding=1, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2),
        Conv2d(c1, c2, 3, padding=1, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2),
        Flatten(), Linear(c2 * (size // 4) ** 2, hidden, rng=rng, dtype=dtype), ReLU(),
        Linear(hidden, classes, rng=rng, dtype=dtype),
    )


def mlp(sizes: tuple[int, ...], rng: Rng = 0, dtype=np.float32) -> Sequential:
    """A fully connected network: Flatten, then ``Linear(sizes[i], sizes[i+1])`` with ReLU
    between them (none after the last), computing in ``dtype``. ``sizes = (64, 32, 10)`` maps
    an 8x8 image to 10 logits."""
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least an input and an output size, e.g. (64, 10); got {sizes!r}.")
    rng = np.random.default_rng(rng)
    layers = [Flatten()]
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(Linear(n_in, n_out, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ReLU())
    return Sequential(*layers)
