"""The book's reference networks (cnnlab.models) against their published counts and against
PyTorch, find_error on hand-made broken networks, and the tracer fragment's size and form."""

from __future__ import annotations

import pytest

from cnnlab import count_params, models, summary
from cnnlab.viz import network_tracer

PUBLISHED = {  # parameters as the papers, courses and torchvision report them
    "LeNet-5": 61_706, "AlexNet (two GPUs)": 60_965_224, "AlexNet (one tower)": 61_100_840, "VGG-16": 138_357_544,
}


def test_lenet5_and_ngs_example_by_hand():
    assert count_params(models.lenet5()) == (5 * 5 * 1 + 1) * 6 + (5 * 5 * 6 + 1) * 16 + 401 * 120 + 121 * 84 + 85 * 10
    shapes = [r.output_shape for r in summary(models.build(models.NG_EXAMPLE), models.input_shape(models.NG_EXAMPLE))]
    assert shapes == [(-1, 10, 37, 37), (-1, 20, 17, 17), (-1, 40, 7, 7), (-1, 7 * 7 * 40)]


@pytest.mark.parametrize("name", ["LeNet-5", "AlexNet (two GPUs)", "AlexNet (one tower)"])
def test_presets_have_their_published_counts(name):
    spec = models.PRESETS[name]
    table = summary(models.build(spec), models.input_shape(spec))
    assert table.total_params == PUBLISHED[name]
    assert table[-1].output_shape[1] in (10, 1000)


def test_builders_match_the_presets():
    assert count_params(models.alexnet(groups=2)) == 60_965_224
    # groups=1 joins the towers with the paper's widths: conv2, conv4 and conv5 double their weights
    assert count_params(models.alexnet(groups=1)) == 60_965_224 + 5 * 5 * 48 * 256 + 3 * 3 * 192 * 384 + 3 * 3 * 192 * 256
    assert count_params(models.alexnet_torchvision()) == 61_100_840


def test_alexnet_groups_must_divide_its_channels():
    with pytest.raises(ValueError, match="groups=3 does not divide out_channels=256"):
        models.alexnet(groups=3)


def test_build_rejects_an_unknown_layer_type():
    with pytest.raises(ValueError, match=r"unknown layer type 'dense'.*\['conv', 'relu', 'maxpool', 'avgpool', 'flatten', 'linear'\]"):
        models.build({"input": [1, 4, 4], "layers": [{"type": "dense", "in": 16, "out": 2}]})


def test_specs_are_copied_not_shared():
    spec = models.copy_spec(models.LENET5)
    spec["layers"][0]["out"] = 7
    assert models.LENET5["layers"][0]["out"] == 6


BROKEN = [  # (spec, index of the first failing layer, words of cnnlab's message)
    ({"input": [1, 36, 36], "layers": models.LENET5["layers"]}, 7, "built for 400 input features but the input has 576"),
    ({"input": [3, 32, 32], "layers": [models.conv(3, 16, 5), models.pool(2), models.conv(16, 32, 5), models.pool(2),
                                       models.conv(32, 64, 7)]}, 4, "larger than the padded input"),
    ({"input": [3, 8, 8], "layers": [models.conv(3, 4, 3), models.conv(3, 4, 3)]}, 1, "built for 3 input channels but the input has 4"),
    ({"input": [3, 8, 8], "layers": [models.FLATTEN, models.pool(2)]}, 1, "expects a batch of shape (N, C, H, W)"),
    ({"input": [3, 8, 8], "layers": [models.linear(192, 2)]}, 0, "put a Flatten() layer before Linear"),
    ({"input": [4, 8, 8], "layers": [models.RELU, models.conv(4, 6, 3, groups=4)]}, 1, "groups=4 does not divide out_channels=6"),
    ({"input": [4, 8, 8], "layers": [models.pool(2, padding=2)]}, 0, "more than half of kernel_size"),
    ({"input": [4, 0, 8], "layers": []}, -1, "at least 1"),
]


@pytest.mark.parametrize("spec, index, words", BROKEN)
def test_find_error_names_the_first_layer_that_cannot_run(spec, index, words):
    at, message = models.find_error(spec)
    assert at == index and words in message


def test_find_error_passes_sound_networks():
    for spec in models.PRESETS.values():
        assert models.find_error(spec) is None


def test_matches_pytorch_layer_by_layer():
    torch = pytest.importorskip("torch")
    nn = torch.nn

    def torch_layer(layer):
        t = layer["type"]
        if t == "conv":
            return nn.Conv2d(layer["in"], layer["out"], layer["kernel"], layer["stride"], layer["padding"], groups=layer["groups"])
        if t in ("maxpool", "avgpool"):
            return (nn.MaxPool2d if t == "maxpool" else nn.AvgPool2d)(layer["kernel"], layer["stride"], layer["padding"])
        return {"relu": nn.ReLU, "flatten": nn.Flatten}[t]() if t != "linear" else nn.Linear(layer["in"], layer["out"])

    for name, spec in models.PRESETS.items():
        if name == "VGG-16":
            continue  # its counts are golden-tested in test_summary.py; 138 M weights twice is slow
        with torch.device("meta"):  # shapes and sizes only, no memory and no arithmetic
            net = nn.Sequential(*(torch_layer(layer) for layer in spec["layers"]))
            x = torch.empty(1, *spec["input"])
            shapes = []
            for layer in net:
                x = layer(x)
                shapes.append(tuple(x.shape[1:]))
        ours = summary(models.build(spec), models.input_shape(spec))
        assert [r.output_shape[1:] for r in ours] == shapes, name
        assert [r.params for r in ours] == [sum(p.numel() for p in m.parameters()) for m in net], name


def test_tracer_fragment_is_small_deterministic_and_offline():
    html = network_tracer()._repr_html_()
    assert len(html.encode()) < 60_000
    assert html == network_tracer()._repr_html_()
    assert " id=" not in html and "http" not in html
    assert "window.cnnlabTracer" in html and "LeNet-5" in html and "VGG-16" in html
    assert "Network tracer (LeNet-5). It needs JavaScript" in html  # the plain-text fallback
    assert repr(network_tracer("VGG-16")).startswith("<Network tracer starting from VGG-16")


def test_tracer_names_its_presets_on_a_wrong_start():
    with pytest.raises(ValueError, match=r"no preset named 'LeNet'; the presets are \[\"Ng's example\", 'LeNet-5'"):
        network_tracer("LeNet")
