"""Parameter counts and shape tables against the syllabus's hand-worked numbers."""

import time
import tracemalloc

import pytest

from cnnlab import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, count_params, summary


def lenet5():
    return Sequential(
        Conv2d(1, 6, 5, rng=0), ReLU(), MaxPool2d(2), Conv2d(6, 16, 5, rng=0), ReLU(), MaxPool2d(2),
        Flatten(), Linear(400, 120, rng=0), ReLU(), Linear(120, 84, rng=0), ReLU(), Linear(84, 10, rng=0),
    )


def test_syllabus_parameter_counts():
    assert count_params(Conv2d(3, 10, 3, rng=0)) == (27 + 1) * 10 == 280
    assert count_params(Conv2d(128, 64, 3, padding=1, rng=0)) == 73_792
    assert count_params(Linear(784, 512, rng=0)) == 784 * 512 + 512
    assert count_params(lenet5()) == 61_706
    assert count_params(Sequential(ReLU(), MaxPool2d(2), Flatten())) == 0


def test_lenet5_table():
    table = summary(lenet5(), (1, 1, 32, 32))
    rows = list(table)
    assert [r.output_shape for r in rows[:6]] == [(1, 6, 28, 28), (1, 6, 28, 28), (1, 6, 14, 14),
                                                  (1, 16, 10, 10), (1, 16, 10, 10), (1, 16, 5, 5)]
    assert [r.params for r in rows if r.params] == [156, 2416, 48120, 10164, 850]
    assert rows[0].name == "Conv2d-1" and rows[3].name == "Conv2d-2" and rows[-1].name == "Linear-3"
    assert rows[0].activation_size == 4704
    assert table.total_params == 61_706


def test_andrew_ngs_example_with_any_batch():
    model = Sequential(Conv2d(3, 10, 3, rng=0), Conv2d(10, 20, 5, stride=2, rng=0),
                       Conv2d(20, 40, 5, stride=2, rng=0), Flatten())
    shapes = [r.output_shape for r in summary(model, (-1, 3, 39, 39))]
    assert shapes == [(-1, 10, 37, 37), (-1, 20, 17, 17), (-1, 40, 7, 7), (-1, 1960)]


def test_prints_as_text_and_html():
    table = summary(lenet5(), (-1, 1, 32, 32))
    text = str(table)
    assert "Conv2d-1" in text and "(-1, 6, 28, 28)" in text and "Total params: 61,706" in text
    html = table._repr_html_()
    assert html.startswith("<table>") and "<td>(-1, 16, 5, 5)</td>" in html and "61,706" in html


def test_bad_input_shape_is_explained():
    with pytest.raises(ValueError, match="Linear was built for 400 input features but the input has 576"):
        summary(lenet5(), (1, 1, 36, 36))


def vgg16():
    layers, c = [], 3
    for width, repeat in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(repeat):
            layers += [Conv2d(c, width, 3, padding=1, rng=0), ReLU()]
            c = width
        layers.append(MaxPool2d(2))
    layers += [Flatten(), Linear(512 * 7 * 7, 4096, rng=0), ReLU(), Linear(4096, 4096, rng=0), ReLU(),
               Linear(4096, 1000, rng=0)]
    return Sequential(*layers)


def test_imagenet_sized_summary_is_quick_and_small():
    model = vgg16()  # 138 million parameters (553 MB in float32) are built once
    tracemalloc.start()
    start = time.perf_counter()
    table = summary(model, (1, 3, 224, 224))
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert table.total_params == 138_357_544
    assert table[-1].output_shape == (1, 1000) and table[-7].output_shape == (1, 512, 7, 7)
    print(f"summary of VGG-16 in {seconds:.3f} s, peak {peak / 1e6:.1f} MB")
    assert peak < 50e6  # no activations are computed: shapes come from the formulas


def test_avg_pool_counts_nothing():
    table = summary(Sequential(AvgPool2d(3, 2)), (2, 4, 55, 55))
    assert table[0].output_shape == (2, 4, 27, 27) and table.total_params == 0


def alexnet(groups):
    """AlexNet as Krizhevsky et al. (2012) trained it on two GPUs (groups=2: conv2, conv4 and
    conv5 see only their own GPU's half of the channels), without its parameter-free
    response normalisation."""
    return Sequential(
        Conv2d(3, 96, 11, stride=4, rng=0), ReLU(), MaxPool2d(3, 2),
        Conv2d(96, 256, 5, padding=2, groups=groups, rng=0), ReLU(), MaxPool2d(3, 2),
        Conv2d(256, 384, 3, padding=1, rng=0), ReLU(),
        Conv2d(384, 384, 3, padding=1, groups=groups, rng=0), ReLU(),
        Conv2d(384, 256, 3, padding=1, groups=groups, rng=0), ReLU(), MaxPool2d(3, 2),
        Flatten(), Linear(9216, 4096, rng=0), ReLU(), Linear(4096, 4096, rng=0), ReLU(), Linear(4096, 1000, rng=0),
    )


def torchvision_alexnet():
    """torchvision's single-tower AlexNet (64, 192, 384, 256, 256 filters)."""
    return Sequential(
        Conv2d(3, 64, 11, stride=4, padding=2, rng=0), ReLU(), MaxPool2d(3, 2),
        Conv2d(64, 192, 5, padding=2, rng=0), ReLU(), MaxPool2d(3, 2),
        Conv2d(192, 384, 3, padding=1, rng=0), ReLU(), Conv2d(384, 256, 3, padding=1, rng=0), ReLU(),
        Conv2d(256, 256, 3, padding=1, rng=0), ReLU(), MaxPool2d(3, 2),
        Flatten(), Linear(9216, 4096, rng=0), ReLU(), Linear(4096, 4096, rng=0), ReLU(), Linear(4096, 1000, rng=0),
    )


def test_alexnet_with_two_groups_has_the_papers_count():
    table = summary(alexnet(groups=2), (1, 3, 227, 227))
    assert [r.output_shape for r in table if r.name.startswith(("Conv2d", "MaxPool2d"))] == [
        (1, 96, 55, 55), (1, 96, 27, 27), (1, 256, 27, 27), (1, 256, 13, 13),
        (1, 384, 13, 13), (1, 384, 13, 13), (1, 256, 13, 13), (1, 256, 6, 6)]
    assert [r.params for r in table if r.name.startswith("Conv2d")] == [
        (11 * 11 * 3 + 1) * 96, (5 * 5 * 48 + 1) * 256, (3 * 3 * 256 + 1) * 384, (3 * 3 * 192 + 1) * 384,
        (3 * 3 * 192 + 1) * 256]
    assert table.total_params == 60_965_224


def test_torchvision_alexnet_count():
    table = summary(torchvision_alexnet(), (1, 3, 224, 224))
    assert table[-7].output_shape == (1, 256, 6, 6)
    assert table.total_params == 61_100_840
