"""The multi-channel and pooling animations and the block diagram (chapters 6 and 7): their
numbers against hand-worked examples, their errors, size, determinism and absence of ids."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnnlab import data, viz
from cnnlab.viz.blocks import OPTIONS

# The two-channel example of chapter 6, worked by hand (see the notebook's prose).
X = np.array([[[1, 2, 0], [0, 1, 3], [2, 0, 1]], [[0, 1, 1], [2, 0, 1], [1, 1, 0]]])
W = np.array([[[[1, 0], [0, 1]], [[0, 1], [-1, 0]]], [[[-1, 1], [0, 0]], [[1, 1], [1, 1]]]])
B = np.array([1, 0])


def test_channel_shares_and_outputs_are_the_hand_worked_ones():
    d = viz.channel_animation(X, W, B).data
    case = d["cases"][0][0]
    # channel 0 with slice [[1, 0], [0, 1]]: x[0, i, j] + x[0, i+1, j+1]
    assert case["shares"][0][0] == [["2", "5"], ["0", "2"]]
    # channel 1 with slice [[0, 1], [-1, 0]]: x[1, i, j+1] - x[1, i+1, j]
    assert case["shares"][0][1] == [["−1", "1"], ["−1", "0"]]
    assert case["out"][0] == [["2", "7"], ["0", "3"]]  # 2 + (-1) + 1 = 2, 5 + 1 + 1 = 7, ...
    # filter 1: channel 0 gives x[0,i,j+1] - x[0,i,j], channel 1 the sum of the window, bias 0
    assert case["out"][1] == [["4", "1"], ["5", "4"]]
    assert d["bias"] == ["1", "0"] and d["filters"][0]["terms"][1] == [["0", "1"], ["(−1)", "0"]]


def test_channel_sums_plus_bias_give_every_output_for_every_choice():
    rng = np.random.default_rng(3)
    x, w, b = rng.integers(-3, 4, (3, 5, 5)), rng.integers(-2, 3, (2, 3, 3, 3)), rng.integers(-2, 3, 2)
    d = viz.channel_animation(x, w, b, stride=[1, 2], padding=[0, 1]).data
    for si, s in enumerate([1, 2]):
        for pi, p in enumerate([0, 1]):
            case = d["cases"][si][pi]
            n = (5 + 2 * p - 3) // s + 1
            assert np.array(case["out"]).shape == (2, n, n)
            num = lambda t: float(t.replace("−", "-"))  # noqa: E731
            for f in range(2):
                for i in range(n):
                    for j in range(n):
                        total = sum(num(case["shares"][f][c][i][j]) for c in range(3)) + b[f]
                        assert total == num(case["out"][f][i][j])


@pytest.mark.parametrize("x, w, b, words", [
    (np.zeros((3, 3)), np.zeros((1, 1, 2, 2)), None, "(C, H, W)"),
    (np.zeros((2, 3, 3)), np.zeros((1, 3, 2, 2)), None, "as deep as the input"),
    (np.zeros((3, 12, 12)), np.zeros((1, 3, 2, 2)), None, "at most 300"),
    (np.zeros((2, 3, 3)), np.zeros((5, 2, 2, 2)), None, "4 filters"),
    (np.zeros((2, 3, 3)), np.zeros((2, 2, 2, 2)), np.zeros(3), "bias must have shape (FN,) = (2,)"),
])
def test_channel_animation_explains_what_it_cannot_draw(x, w, b, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        viz.channel_animation(x, w, b)


# The 4x4 example of chapter 7, and D2L's MaxPool2d(3, padding=1, stride=2) on 0..15.
Q = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])


def test_pool_windows_by_hand():
    wins = viz.pool_windows(Q, 2)
    assert [w["argmax"] for w in wins] == [[1, 1], [1, 3], [2, 0], [3, 3]]
    assert [w["sum"] for w in wins] == [13, 21, 8, 8]
    assert [w["count"] for w in wins] == [4, 4, 4, 4]
    d2l = viz.pool_windows(np.arange(16).reshape(4, 4), 3, stride=2, padding=1)
    assert [w["argmax"] for w in d2l] == [[1, 1], [1, 3], [3, 1], [3, 3]]  # 5, 7, 13, 15
    assert [w["rows"] for w in d2l] == [[0, 2], [0, 2], [1, 4], [1, 4]]
    assert [w["count"] for w in d2l] == [9, 9, 9, 9]  # PyTorch's default counts the padding


def test_ties_go_to_the_first_cell_in_reading_order_as_in_pytorch():
    assert viz.pool_windows(np.ones((2, 2)), 2)[0]["argmax"] == [0, 0]
    assert viz.pool_windows(np.array([[0, 5], [5, 0]]), 2)[0]["argmax"] == [0, 1]


def test_pool_animation_numbers_and_unread_cells():
    grid = np.arange(36).reshape(6, 6) % 7
    d = viz.pool_animation(grid, choices={"a": dict(kernel_size=2), "b": dict(kernel_size=3, stride=2)}).data
    a, b = d["settings"]
    assert a["max"][0][0] == str(max(grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]))
    assert a["unread"] == []
    # 3x3 windows at stride 2 start at 0 and 2 and end at row/column 4: row 5 and column 5 unread
    assert sorted(map(tuple, b["unread"])) == sorted({(5, c) for c in range(6)} | {(r, 5) for r in range(6)})
    assert b["avg"][0][0] == viz.format_number(round(grid[:3, :3].mean(), 2))


@pytest.mark.parametrize("kwargs, words", [
    (dict(x=np.zeros((1, 4, 4))), "one channel of shape (H, W)"),
    (dict(x=np.zeros((21, 20))), "at most 400"),
    (dict(x=np.zeros((4, 4)), modes=["min"]), '"max" and "average"'),
    (dict(x=np.zeros((4, 4)), kernel_size=3, padding=2), "more than half of kernel_size"),
])
def test_pool_animation_explains_what_it_cannot_draw(kwargs, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        viz.pool_animation(**kwargs)


@pytest.mark.parametrize("make", [
    lambda: viz.channel_animation(X, W, B, stride=[1, 2], padding=[0, 1]),
    lambda: viz.pool_animation(np.arange(36).reshape(6, 6) % 10, choices={
        "2": dict(kernel_size=2), "3": dict(kernel_size=3, stride=2), "3p": dict(kernel_size=3, stride=2, padding=1)}),
    lambda: viz.conv_blocks(),
])
def test_fragments_are_small_deterministic_id_free_and_offline(make):
    html = make()._repr_html_()
    assert len(html.encode()) < 50_000
    assert html == make()._repr_html_()
    assert " id=" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")


def test_conv_blocks_describes_its_start_and_refuses_values_off_the_menu():
    assert "output 1×4×28×28" in viz.conv_blocks().description
    assert "output 8×16×16×16" in viz.conv_blocks(n=8, fn=16, size=32, kernel=3, stride=2, padding=1).description
    with pytest.raises(ValueError, match=re.escape(f"channels C = 5 is not on the menu; choose one of {OPTIONS['C']}")):
        viz.conv_blocks(c=5)


def test_sample_photo_rgb_is_the_colour_photo_channels_first():
    rgb = data.sample_photo_rgb("china", step=4)
    assert rgb.shape == (3, 107, 160) and rgb.dtype == np.float64
    assert 0 <= rgb.min() and rgb.max() <= 1
    from sklearn.datasets import load_sample_image  # the independent reference
    assert np.array_equal(rgb[0], load_sample_image("china.jpg")[::4, ::4, 0] / 255)
    assert np.allclose(rgb.mean(axis=0), data.sample_photo("china", step=4))


@pytest.mark.parametrize("step", [0, -1, 1.5, True])
def test_sample_photo_rgb_rejects_a_bad_step(step):
    with pytest.raises(ValueError, match="step must be a whole number of at least 1"):
        data.sample_photo_rgb(step=step)
