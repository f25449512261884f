"""Parameter counts and shape tables against the syllabus's hand-worked numbers."""

import time
import tracemalloc

import numpy as np
import pytest

from cnnlab import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, count_params, summary
from cnnlab import functional as F
from cnnlab.models import VGG16_BLOCKS, alexnet, alexnet_torchvision, lenet5, vgg16

ALL = ("output_size", "activation_size", "num_params", "mult_adds", "output_bytes")


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


VGG16_FC = ((512 * 7 * 7, 4096), (4096, 4096), (4096, 1000))


def test_imagenet_sized_summary_is_quick_and_small():
    model = vgg16()  # 138 million parameters (553 MB in float32) are built once
    tracemalloc.start()
    start = time.perf_counter()
    table = summary(model, (1, 3, 224, 224), col_names=ALL)
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


# --- Multiply-adds and activation bytes --------------------------------------------------------


def test_lenet5_mult_adds_and_bytes_by_hand():
    table = summary(lenet5(), (1, 1, 32, 32), col_names=ALL)
    # Conv2d-1: 6 filters of 5x5x1 weights plus a bias, at each of 28x28 positions.
    assert table[0].mult_adds == (5 * 5 * 1 + 1) * 6 * 28 * 28 == 122_304
    assert table[3].mult_adds == (5 * 5 * 6 + 1) * 16 * 10 * 10
    assert table[7].mult_adds == 400 * 120 + 120 and table[-1].mult_adds == 84 * 10 + 10
    assert [r.mult_adds for r in table if not r.params] == [0] * 7  # ReLU, pooling, Flatten
    assert table[0].output_bytes == 6 * 28 * 28 * 4  # float32
    assert summary(lenet5(), (1, 1, 32, 32), dtype=np.float64)[0].output_bytes == 6 * 28 * 28 * 8


def test_conv_mult_adds_count_what_a_convolution_computes():
    # With every input, weight and bias equal to 1, each output value is the number of
    # multiply-adds that made it (kh*kw*C products added up, plus the bias): their sum is the count.
    layer = Conv2d(3, 4, (3, 2), stride=2, rng=0)
    x = np.ones((1, 3, 9, 8))
    ones = F.conv2d(x, np.ones(layer.weight.shape), np.ones(layer.bias.shape), stride=2)
    assert summary(layer, x.shape, col_names=("mult_adds",)).total_mult_adds == ones.sum()


def test_vgg16_mult_adds_and_activation_memory():
    # Computed here from the architecture alone: 3x3 convolutions with padding 1 keep the size,
    # each block ends with a 2x2 max pooling; every layer's output counts (ReLU included).
    macs, values, c, size = 0, 0, 3, 224
    for width, repeat in VGG16_BLOCKS:
        for _ in range(repeat):
            macs += (3 * 3 * c + 1) * width * size * size
            values += 2 * width * size * size  # Conv2d and ReLU
            c = width
        size //= 2
        values += c * size * size  # MaxPool2d
    values += 512 * 7 * 7  # Flatten
    for n_in, n_out in VGG16_FC:
        macs += (n_in + 1) * n_out
        values += n_out * (1 if n_out == 1000 else 2)  # Linear (and ReLU)
    table = summary(vgg16(), (1, 3, 224, 224), col_names=ALL)
    assert table.total_mult_adds == macs == 15_483_821_032  # torchinfo prints 15.48 G
    assert table.total_output_bytes == 4 * values == 114_671_520  # about 115 MB per image
    text = str(table)
    assert "Mult-Adds" in text and "Output bytes" in text
    assert "Total mult-adds: 15,483,821,032 (15.48 G)" in text
    assert "Forward activations: 114,671,520 bytes (114.67 MB)" in text
    html = table._repr_html_()
    assert "<th>Mult-Adds</th>" in html and "<td>15,483,821,032</td>" in html and "<td>114,671,520</td>" in html


def test_counts_are_per_example():
    one, any_batch, eight = (summary(lenet5(), (n, 1, 32, 32), col_names=ALL) for n in (1, -1, 8))
    assert one.total_mult_adds == any_batch.total_mult_adds == eight.total_mult_adds
    assert one.total_output_bytes == eight.total_output_bytes


def test_columns_are_chosen_and_ordered():
    table = summary(lenet5(), (1, 1, 32, 32), col_names=("num_params", "mult_adds"))
    assert table.headers == ("Layer", "Param #", "Mult-Adds")
    assert str(table).splitlines()[2].split() == ["Layer", "Param", "#", "Mult-Adds"]
    assert "Forward activations" not in str(table) and "Total mult-adds: 423,038" in str(table)
    assert summary(lenet5(), (1, 1, 32, 32), col_names="mult_adds").headers == ("Layer", "Mult-Adds")
    with pytest.raises(ValueError, match=r"unknown column\(s\) \['macs'\]; col_names is a tuple of names from"):
        summary(lenet5(), (1, 1, 32, 32), col_names=("macs",))


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
    table = summary(alexnet_torchvision(), (1, 3, 224, 224))
    assert table[-7].output_shape == (1, 256, 6, 6)
    assert table.total_params == 61_100_840
