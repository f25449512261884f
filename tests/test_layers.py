"""Every layer: shapes, numerical gradient checks in float64, initialisation and errors."""

import numpy as np
import pytest

from cnnlab import AdaptiveAvgPool2d, AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Parameter, ReLU, Sequential, gradcheck

f64 = {"dtype": np.float64}

# (layer, input shape): stride above 1, padding, non-square kernels and inputs,
# overlapping pooling, sizes that do not divide, a batch of 1.
LAYERS = [
    (lambda: Conv2d(1, 2, 3, rng=0, **f64), (1, 1, 5, 5)),
    (lambda: Conv2d(3, 4, (3, 2), stride=2, padding=1, rng=1, **f64), (2, 3, 7, 6)),
    (lambda: Conv2d(2, 3, (2, 4), stride=(1, 2), padding=(2, 0), rng=2, **f64), (1, 2, 6, 9)),
    (lambda: Conv2d(2, 2, 1, bias=False, rng=3, **f64), (2, 2, 3, 4)),
    (lambda: Conv2d(2, 3, 3, padding="same", dilation=2, padding_mode="reflect", rng=4, **f64), (1, 2, 5, 6)),
    (lambda: Conv2d(4, 2, (2, 3), padding=(2, 1), groups=2, padding_mode="replicate", rng=5, **f64), (2, 4, 3, 4)),
    (lambda: Conv2d(3, 3, 4, padding="same", groups=3, padding_mode="circular", rng=6, **f64), (1, 3, 4, 5)),
    (lambda: Conv2d(2, 2, 3, stride=2, padding=2, dilation=(1, 2), padding_mode="circular", rng=7, **f64), (1, 2, 3, 4)),
    (lambda: MaxPool2d(2), (2, 3, 4, 4)),
    (lambda: MaxPool2d(3, stride=2), (1, 2, 7, 9)),
    (lambda: MaxPool2d(2), (1, 1, 5, 7)),
    (lambda: MaxPool2d((2, 3), stride=(1, 2)), (2, 1, 5, 8)),
    (lambda: AvgPool2d(2), (2, 3, 4, 4)),
    (lambda: AvgPool2d(3, stride=2), (1, 2, 7, 9)),
    (lambda: AvgPool2d(2), (1, 1, 5, 7)),
    (lambda: MaxPool2d(3, stride=2, padding=1), (1, 2, 7, 6)),
    (lambda: MaxPool2d(2, padding=1, ceil_mode=True), (2, 1, 5, 4)),
    (lambda: AvgPool2d(3, stride=2, padding=1, ceil_mode=True), (1, 2, 6, 7)),
    (lambda: AvgPool2d((3, 2), padding=(1, 0), ceil_mode=True, count_include_pad=False), (2, 1, 7, 5)),
    (lambda: AdaptiveAvgPool2d((3, 2)), (2, 2, 5, 7)),
    (lambda: AdaptiveAvgPool2d(1), (1, 3, 4, 4)),
    (lambda: Linear(5, 3, rng=4, **f64), (4, 5)),
    (lambda: Linear(6, 2, bias=False, rng=5, **f64), (1, 6)),
    (lambda: ReLU(), (2, 3, 4, 5)),
    (lambda: Flatten(), (2, 3, 4, 5)),
]


@pytest.mark.parametrize("make, shape", LAYERS)
def test_backward_matches_numerical_gradients(make, shape):
    layer = make()
    x = np.random.default_rng(10).standard_normal(shape)
    assert layer(x).shape == layer.output_shape(shape)
    result = gradcheck(layer, x)
    assert result.passed, f"{layer!r}\n{result}"


def test_a_small_cnn_backward_matches_numerical_gradients():
    rng = np.random.default_rng(0)
    model = Sequential(
        Conv2d(1, 3, 3, padding=1, rng=rng, **f64), ReLU(), MaxPool2d(3, stride=2),
        Conv2d(3, 2, 2, rng=rng, **f64), ReLU(), AvgPool2d(2), Flatten(), Linear(2, 3, rng=rng, **f64),
    )
    result = gradcheck(model, rng.standard_normal((2, 1, 8, 8)))
    assert result.passed, str(result)
    assert set(result.errors) == {"x", "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"}


def test_gradients_accumulate_until_zero_grad():
    layer = Linear(3, 2, rng=0, **f64)
    x = np.ones((1, 3))
    for _ in range(2):
        layer(x)
        layer.backward(np.ones((1, 2)))
    np.testing.assert_array_equal(layer.weight.grad, 2 * np.ones((2, 3)))
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()


def test_conv_by_hand():
    """The syllabus's worked example through the layer, with its weights set by hand."""
    conv = Conv2d(1, 1, 3, rng=0, **f64)
    conv.weight.data[0, 0] = [[0, 0, 1], [-1, 1, -1], [1, -1, 0]]
    conv.bias.data[:] = 0
    image = [[8, 8, 8, 7, 6, 5], [8, 8, 7, 6, 5, 5], [8, 8, 6, 5, 5, 5],
             [8, 5, 5, 5, 4, 4], [5, 5, 5, 5, 4, 4], [4, 4, 4, 3, 3, 3]]
    out = conv(np.array(image, dtype=float)[None, None])
    assert out[0, 0].tolist() == [[1, 2, 1, -1], [4, -1, -1, 1], [-2, 0, 1, 1], [0, 0, 1, -1]]


def test_parameters_shapes_and_default_init():
    conv = Conv2d(3, 8, 5, rng=0)
    assert conv.weight.shape == (8, 3, 5, 5) and conv.bias.shape == (8,)
    assert [p.shape for p in Sequential(conv, Linear(4, 2, rng=0)).parameters()] == [(8, 3, 5, 5), (8,), (2, 4), (2,)]
    assert conv.weight.data.dtype == np.float32 and conv.weight.grad.shape == conv.weight.shape
    bound = 1 / np.sqrt(3 * 5 * 5)  # PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    big = Conv2d(3, 200, 5, rng=1)
    assert np.abs(big.weight.data).max() <= bound and np.abs(big.weight.data).max() > 0.95 * bound
    assert np.abs(big.bias.data).max() <= bound
    assert np.array_equal(Conv2d(3, 8, 5, rng=0).weight.data, conv.weight.data)  # seeded
    assert not np.array_equal(Conv2d(3, 8, 5, rng=7).weight.data, conv.weight.data)


def test_float32_model_keeps_float32():
    model = Sequential(Conv2d(1, 2, 3, rng=0), ReLU(), MaxPool2d(2), Flatten(), Linear(2, 3, rng=0))
    out = model(np.ones((2, 1, 4, 4)))  # float64 input is converted to the layers' float32
    assert out.dtype == np.float32
    assert model.backward(np.ones_like(out)).dtype == np.float32


def test_parameter_holds_data_and_grad():
    p = Parameter(np.arange(6.0).reshape(2, 3))
    assert p.grad.shape == p.data.shape == (2, 3) and not p.grad.any()
    assert "shape=(2, 3)" in repr(p)


def test_reprs_follow_pytorch():
    assert repr(Conv2d(1, 6, 5, padding=2, rng=0)) == (
        "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), bias=True)")
    assert repr(Conv2d(4, 6, 3, padding="same", dilation=2, groups=2, bias=False, padding_mode="reflect", rng=0)) == (
        "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, bias=False, "
        "padding_mode=reflect)")
    assert repr(MaxPool2d(3, 2)) == "MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(0, 0), ceil_mode=False)"
    assert "(1): ReLU()" in repr(Sequential(Flatten(), ReLU()))


# --- Errors that teach -------------------------------------------------------------------


def test_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match=r"Conv2d expects a batch of shape \(N, C, H, W\); got 3 .*\(1, 28, 28\).*x\[None\]"):
        Conv2d(1, 6, 5, rng=0)(np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match=r"Linear expects .*\(2, 16, 5, 5\).*Flatten\(\)"):
        Linear(400, 10, rng=0)(np.zeros((2, 16, 5, 5)))
    with pytest.raises(ValueError, match=r"MaxPool2d expects"):
        MaxPool2d(2)(np.zeros((4, 4)))


def test_channel_and_feature_counts_must_match():
    with pytest.raises(ValueError, match=r"Conv2d was built for 3 input channels but the input has 1 \(input shape \(2, 1, 8, 8\)\)"):
        Conv2d(3, 6, 3, rng=0)(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"Linear was built for 100 input features but the input has 400.*Linear\(400, 10\)"):
        Sequential(Flatten(), Linear(100, 10, rng=0))(np.zeros((2, 16, 5, 5)))


def test_options_and_parameter_counts():
    conv = Conv2d(6, 4, 3, groups=2, rng=0)
    assert conv.weight.shape == (4, 3, 3, 3) and conv.groups == 2
    assert sum(p.data.size for p in conv.parameters()) == 4 * 3 * 9 + 4
    bound = 1 / np.sqrt(3 * 3 * 3)  # fan_in counts the channels one filter sees
    assert np.abs(Conv2d(6, 400, 3, groups=2, rng=0).weight.data).max() > 0.95 * bound
    assert np.abs(Conv2d(6, 400, 3, groups=2, rng=0).weight.data).max() <= bound
    same = Conv2d(1, 1, 4, padding="same", dilation=(1, 2))
    assert same.padding == "same" and same.output_shape((2, 1, 7, 9)) == (2, 1, 7, 9)
    assert Conv2d(1, 1, 3, padding="valid").output_shape((1, 1, 7, 9)) == (1, 1, 5, 7)
    assert Conv2d(1, 1, 3, dilation=3).output_shape((1, 1, 7, 9)) == (1, 1, 1, 3)


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((3, 2.5, 3), {}, ValueError, r"out_channels must be a whole number of at least 1, got 2.5 \(type float\)"),
    ((3, 2, 0), {}, ValueError, "kernel_size must be at least 1, got 0"),
    ((3, 2, (3, -1)), {}, ValueError, "kernel_size must be at least 1"),
    ((3, 2, 3), {"dilation": 0}, ValueError, "dilation must be at least 1, got 0"),
    ((3, 2, 3), {"groups": 0}, ValueError, "groups must be a whole number of at least 1, got 0"),
    ((4, 6, 3), {"groups": 3}, ValueError, r"groups=3 does not divide in_channels=4.*Use groups in \[1, 2\]"),
    ((4, 6, 3), {"groups": 4}, ValueError, r"groups=4 does not divide out_channels=6.*make out_channels a multiple of 4"),
    ((3, 2, 3), {"padding_mode": "mirror"}, ValueError, r"padding_mode='mirror' is not a padding mode of Conv2d.*'circular'"),
    ((3, 2, 3), {"padding": "same", "stride": 2}, ValueError, "padding='same' is not supported for strided convolutions"),
    ((3, 2, 3), {"padding": "full"}, ValueError, "padding='full' is not a padding"),
])
def test_bad_options_are_refused_when_built(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        Conv2d(*args, **kwargs)


def test_padding_modes_check_the_input_size():
    with pytest.raises(ValueError, match=r"Conv2d on input shape \(1, 1, 3, 8\): reflect padding of 3 at the top .*at most 2"):
        Conv2d(1, 1, 3, padding=3, padding_mode="reflect")(np.zeros((1, 1, 3, 8)))
    with pytest.raises(ValueError, match=r"circular padding of 4 at the left .*more than once"):
        Conv2d(1, 1, 3, padding=4, padding_mode="circular").output_shape((1, 1, 9, 3))
    assert Conv2d(1, 1, 3, padding=3, padding_mode="circular").output_shape((1, 1, 3, 3)) == (1, 1, 7, 7)


def test_kernel_larger_than_input():
    with pytest.raises(ValueError, match=r"Conv2d on input shape \(1, 1, 3, 3\).*larger than the padded input"):
        Conv2d(1, 1, 5, rng=0)(np.zeros((1, 1, 3, 3)))


@pytest.mark.parametrize("layer", [Conv2d(1, 1, 3, rng=0), MaxPool2d(2), AvgPool2d(2), Linear(2, 2, rng=0), ReLU(), Flatten()])
def test_backward_before_forward(layer):
    with pytest.raises(RuntimeError, match="before a forward pass.*y = layer\\(x\\)"):
        layer.backward(np.zeros((1, 1, 2, 2)))


def test_gradient_shape_must_match_the_output():
    conv = Conv2d(1, 2, 3, rng=0)
    conv(np.zeros((4, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"shape of the forward output, \(4, 2, 4, 4\); got \(4, 2, 6, 6\)"):
        conv.backward(np.zeros((4, 2, 6, 6)))


def test_sequential_wants_instances():
    with pytest.raises(TypeError, match=r"ReLU instead of ReLU\(\)"):
        Sequential(Flatten(), ReLU)


# --- Optional: the same numbers as PyTorch -------------------------------------------------


def test_forward_and_backward_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8))
    conv, pool, fc = Conv2d(3, 4, (3, 2), stride=2, padding=1, rng=0, **f64), MaxPool2d(3, 1), Linear(36, 5, rng=1, **f64)
    model = Sequential(conv, ReLU(), pool, AvgPool2d(1), Flatten(), fc)
    out = model(x)
    g = rng.standard_normal(out.shape)
    dx = model.backward(g)

    tconv = torch.nn.Conv2d(3, 4, (3, 2), stride=2, padding=1).double()
    tfc = torch.nn.Linear(36, 5).double()
    with torch.no_grad():
        for t, ours in ((tconv, conv), (tfc, fc)):
            t.weight.copy_(torch.from_numpy(ours.weight.data))
            t.bias.copy_(torch.from_numpy(ours.bias.data))
    tmodel = torch.nn.Sequential(tconv, torch.nn.ReLU(), torch.nn.MaxPool2d(3, 1), torch.nn.AvgPool2d(1), torch.nn.Flatten(), tfc)
    tx = torch.from_numpy(x).requires_grad_()
    tout = tmodel(tx)
    tout.backward(torch.from_numpy(g))
    np.testing.assert_allclose(out, tout.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(conv.weight.grad, tconv.weight.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(fc.bias.grad, tfc.bias.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Conv2d(0, 3, 3), r"Conv2d's in_channels must be a whole number of at least 1, got 0 \(type int\): it counts the channels of x"),
        (lambda: Conv2d(3, -2, 3), r"Conv2d's out_channels must be a whole number of at least 1, got -2 .*the filters"),
        (lambda: Conv2d(2.0, 3, 3), r"Conv2d's in_channels must be a whole number of at least 1, got 2.0 \(type float\)"),
        (lambda: Conv2d(True, 3, 3), r"in_channels must be a whole number of at least 1, got True \(type bool\)"),
        (lambda: Linear(0, 10), r"Linear's in_features must be a whole number of at least 1, got 0 .*inputs per example"),
        (lambda: Linear(10, 1.5), r"Linear's out_features must be a whole number of at least 1, got 1.5"),
        (lambda: AdaptiveAvgPool2d((2, 0)), r"output_size must be a whole number of at least 1, got 0"),
    ],
)
def test_channel_and_feature_counts_must_be_whole_and_positive(make, words):
    with pytest.raises(ValueError, match=words):
        make()
    assert Conv2d(np.int64(3), 2, 1, rng=0).in_channels == 3  # numpy integers are whole numbers too


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # PyTorch's note on its speed
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", [
    {"padding": 1},
    {"padding": (2, 1), "stride": (2, 1)},
    {"padding": "same", "dilation": (2, 1)},
    {"padding": "same", "groups": 2},
    {"padding": (1, 3), "dilation": 2, "groups": 4},
])
def test_conv2d_options_match_pytorch(mode, dtype, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 5, 6)).astype(dtype)
    kernel = (4, 3) if kwargs["padding"] == "same" else (3, 2)  # 'same' with an even kernel height
    conv = Conv2d(4, 8, kernel, padding_mode=mode, rng=1, dtype=dtype, **kwargs)
    tconv = torch.nn.Conv2d(4, 8, kernel, padding_mode=mode, dtype=torch.float64 if dtype == np.float64 else torch.float32,
                            **kwargs)
    with torch.no_grad():
        tconv.weight.copy_(torch.from_numpy(conv.weight.data))
        tconv.bias.copy_(torch.from_numpy(conv.bias.data))
    assert repr(conv).replace(", bias=True", "") == repr(tconv)
    out = conv(x)
    g = rng.standard_normal(out.shape).astype(dtype)
    dx = conv.backward(g)
    tx = torch.from_numpy(x).requires_grad_()
    tout = tconv(tx)
    tout.backward(torch.from_numpy(g))
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    assert out.dtype == dx.dtype == conv.weight.grad.dtype == dtype
    np.testing.assert_allclose(out, tout.detach().numpy(), **tol)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **tol)
    np.testing.assert_allclose(conv.weight.grad, tconv.weight.grad.numpy(), **tol)
    np.testing.assert_allclose(conv.bias.grad, tconv.bias.grad.numpy(), **tol)
