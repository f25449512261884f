"""Output sizes against hand-worked examples from the syllabus and the formula's definition."""

import pytest

from cnnlab import conv_output_size, pool_output_size


@pytest.mark.parametrize(
    "args, expected",
    [
        ((6, 3), 4),  # the worked 6x6 example: 6 - 3 + 1
        ((4, 2, 1), 3),  # anti-diagonal, stride 1
        ((4, 2, 2), 2),  # anti-diagonal, stride 2
        ((39, 3, 1, 0), 37),  # Ng's network, layer 1
        ((37, 5, 2, 0), 17),  # layer 2
        ((17, 5, 2, 0), 7),  # layer 3
        ((32, 5), 28),  # 32x32x3 image, 5x5x3 kernel
        ((7, 3, 2, 0), 3),  # (7 - 3) / 2 + 1
        ((8, 3, 2, 0), 3),  # floor((8 - 3) / 2) + 1: the last column is dropped
        ((5, 5), 1),  # kernel as large as the input
        ((1, 3, 1, 1), 1),  # padding makes room
    ],
)
def test_conv_output_size(args, expected):
    assert conv_output_size(*args) == expected


def test_same_padding_keeps_40_by_50():
    assert conv_output_size((40, 50), 3, stride=1, padding=1) == (40, 50)


def test_pairs_mix_with_ints():
    assert conv_output_size(10, (3, 5), stride=(1, 2)) == (8, 3)


@pytest.mark.parametrize("args, expected", [((4, 2), 2), ((55, 3, 2), 27), ((5, 2), 2), ((6, 3, 1, 1), 6)])
def test_pool_output_size(args, expected):
    assert pool_output_size(*args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((5, 2), 3),  # ceil(3 / 2) + 1: a last window over the leftover row
        ((4, 2), 2),  # nothing left over: as with floor
        ((55, 3, 2), 27),  # AlexNet: (55 - 3) / 2 divides
        ((56, 3, 2), 28),  # ceil(53 / 2) + 1 = 28, floor gives 27
        ((5, 2, 2, 1), 3),  # ceil(5 / 2) + 1 = 4, but window 4 would start in the right padding
        ((6, 3, 2, 1), 4),  # ceil(5 / 2) + 1 = 4: window 4 starts on the last real column
        ((2, 3, 2), 1),  # the kernel overhangs the input, as PyTorch allows in ceil mode
        (((5, 8), (2, 3), (2, 2), (1, 1)), (3, 5)),  # height: 4 less the padding-only window
    ],
)
def test_pool_output_size_ceil_mode(args, expected):
    assert pool_output_size(*args, ceil_mode=True) == expected


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: conv_output_size(3, 5), ValueError, "larger than the padded input"),
        (lambda: conv_output_size(6, 3, stride=0), ValueError, "stride must be at least 1"),
        (lambda: conv_output_size(6, 3, stride=-1), ValueError, "stride must be at least 1"),
        (lambda: conv_output_size(6, 3, stride=1.5), TypeError, "stride must be a whole number"),
        (lambda: conv_output_size(6, 3, stride=True), TypeError, "stride must be a whole number"),
        (lambda: conv_output_size(6, 3, padding=-1), ValueError, "padding must be 0 or more"),
        (lambda: conv_output_size(6, 0), ValueError, "kernel_size must be at least 1"),
        (lambda: conv_output_size(0, 1), ValueError, "input size n must be at least 1"),
        (lambda: conv_output_size(6, (3, 3, 3)), TypeError, "(height, width) pair"),
        (lambda: pool_output_size(4, 2, padding=2), ValueError, "more than half of kernel_size"),
        (lambda: pool_output_size(4, 3, padding=2, ceil_mode=True), ValueError, "more than half of kernel_size"),
        (lambda: pool_output_size(1, 5, 1, ceil_mode=True), ValueError, "not even ceil_mode fits one window"),
        (lambda: pool_output_size(2, 3, 1, ceil_mode=True), ValueError, "Use a kernel of size at most 2."),
    ],
)
def test_bad_hyper_parameters_explain_themselves(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_the_error_suggests_a_fix():
    with pytest.raises(ValueError, match=r"kernel of size at most 3, or padding of at least 1"):
        conv_output_size(3, 5)
