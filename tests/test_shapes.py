"""Output sizes against hand-worked examples from the syllabus and the formula's definition."""

import itertools

import pytest

from cnnlab import conv_output_size, pool_output_size, same_padding, unread_positions


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
        (lambda: conv_output_size(6, 3, dilation=0), ValueError, "dilation must be at least 1"),
        (lambda: conv_output_size(6, 3, padding="full"), ValueError, "padding='full' is not a padding"),
        (lambda: conv_output_size(6, 3, stride=2, padding="same"), ValueError, "not supported for strided"),
        (lambda: pool_output_size(6, 3, padding="same"), TypeError, "padding must be a whole number"),
        (lambda: same_padding(0), ValueError, "kernel_size must be at least 1"),
        (lambda: unread_positions(0, 1), ValueError, "input size n must be at least 1"),
        (lambda: unread_positions(5, (3, 3)), TypeError, "kernel_size=(3, 3) is a (height, width) pair, but this function works along one axis"),
        (lambda: unread_positions(5, 3, stride=2, padding="same"), ValueError, "not supported for strided"),
    ],
)
def test_bad_hyper_parameters_explain_themselves(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_the_error_suggests_a_fix():
    with pytest.raises(ValueError, match=r"kernel of size at most 3, or padding of at least 1"):
        conv_output_size(3, 5)


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((7, 3), {"dilation": 2}, 3),  # a 3-tap kernel spread over 5 cells: 7 - 5 + 1
        ((10, 3, 1, 0), {"dilation": 4}, 2),  # it spans 4*2 + 1 = 9 cells
        ((9, 2, 2, 1), {"dilation": 3}, 4),  # floor((9 + 2 - 4) / 2) + 1
        ((5, 4), {"padding": "same"}, 5),
        ((5, 4), {"padding": "valid"}, 2),
        (((6, 8), 3), {"padding": "same", "dilation": (2, 3)}, (6, 8)),
        ((9, 3, 2, 1), {"dilation": 2}, 4),  # pooling takes the same formula
    ],
)
def test_dilation_and_padding_strings(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected


def test_dilated_kernel_too_large_says_so():
    with pytest.raises(ValueError, match=r"dilated kernel \(size 3, dilation 3: it spans 3\*\(3-1\)\+1 = 7 cells\)"):
        conv_output_size(5, 3, dilation=3)


@pytest.mark.parametrize(
    "args, expected",
    [((3,), (1, 1)), ((4,), (1, 2)), ((1,), (0, 0)), ((2,), (0, 1)), ((3, 2), (2, 2)), ((2, 3), (1, 2)),
     (((3, 4),), ((1, 1), (1, 2))), (((3, 2), (1, 2)), ((1, 1), (1, 1)))],
)
def test_same_padding_by_hand(args, expected):
    """d*(k - 1) zeros in all; the odd one goes after (below, right), as PyTorch does."""
    assert same_padding(*args) == expected


def covered_by_brute_force(n, k, s, before, after, d):
    """Mark every cell each window reads, window by window: the definition, without the formula."""
    padded = n + before + after
    read = set()
    start = 0
    while start + d * (k - 1) < padded:  # the window's last tap still lands on the padded input
        read.update(start + t * d - before for t in range(k))
        start += s
    return [i for i in range(n) if i not in read]


def unread_cases():
    """Every small case where at least one window fits: n, kernel, stride, padding, dilation."""
    for n, k, s, p, d in itertools.product(range(1, 10), range(1, 4), range(1, 4), [0, 1, 2, "same", "valid"], range(1, 4)):
        if p == "same":
            if s == 1:
                yield n, k, s, p, d, same_padding(k, d)
        else:
            pad = 0 if p == "valid" else p
            if d * (k - 1) + 1 <= n + 2 * pad:
                yield n, k, s, p, d, (pad, pad)


@pytest.mark.parametrize("n, k, s, p, d, pads", list(unread_cases()))
def test_unread_positions_by_brute_force(n, k, s, p, d, pads):
    before, after = pads
    assert unread_positions(n, k, s, p, d) == covered_by_brute_force(n, k, s, before, after, d)


@pytest.mark.parametrize("args, expected", [
    ((8, 3, 2), [7]),  # floor((8 - 3) / 2) + 1 = 3 windows read 0..6: the last column is dropped
    ((7, 3, 2), []),  # (7 - 3) / 2 is whole: every cell is read
    ((5, 1, 2), [1, 3]),  # a 1x1 kernel with stride 2 skips every other cell
    ((8, 2, 2, 0, 2), [1, 3, 5, 7]),  # stride 2 and dilation 2: only even cells
    ((6, 2, 1, 0, 3), []),  # dilation 3, stride 1: windows 0..2 read 0..5
    ((6, 3, 3, 1), [5]),  # padded 0 [0..5] 0: windows start at -1 and 2, reading -1..4
])
def test_unread_positions_by_hand(args, expected):
    assert unread_positions(*args) == expected
