"""Chapter 6's new claims against independent references: the 1×1 convolution as one matrix
product per pixel (numpy's einsum), the colour filters on the red|green image (hand-worked and
scipy.signal.correlate2d), the multiply-add count of a convolution and of GoogLeNet's 5×5
bottleneck (the formula by hand), and the block diagram's logarithmic scale and fitted
picture in Chromium."""

import math

import numpy as np
import pytest
from scipy.signal import correlate2d

import cnnlab
from cnnlab import functional as F
from cnnlab import viz
from cnnlab.kernels import classic_kernels

SOBEL = classic_kernels()["sobel x"]
ZERO = 0 * SOBEL


@pytest.mark.parametrize("n, c, fn, h, w", [(1, 3, 4, 5, 7), (2, 8, 2, 3, 3), (3, 1, 5, 1, 6)])
def test_a_1x1_convolution_is_one_matrix_product_per_pixel(n, c, fn, h, w):
    rng = np.random.default_rng(n * 100 + c)
    x, weight, bias = rng.standard_normal((n, c, h, w)), rng.standard_normal((fn, c)), rng.standard_normal(fn)
    by_einsum = np.einsum("nchw,fc->nfhw", x, weight) + bias[None, :, None, None]
    got = F.conv2d(x, weight.reshape(fn, c, 1, 1), bias)
    assert got.shape == (n, fn, h, w)
    assert np.abs(got - by_einsum).max() < 1e-12
    # the chapter's layout: one row per pixel, (H*W, C) @ W.T
    rows = x[0].reshape(c, -1).T @ weight.T + bias
    assert np.abs(rows.T.reshape(fn, h, w) - got[0]).max() < 1e-12


def test_a_1x1_convolution_keeps_height_and_width_only_at_stride_1_and_padding_0():
    x = np.zeros((3, 107, 160))
    one = np.ones((1, 3, 1, 1))
    assert F.conv2d(x, one).shape == (1, 107, 160)
    assert F.conv2d(x, one, stride=2).shape == (1, 54, 80)        # ceil(107 / 2), 160 / 2
    assert F.conv2d(x, one, padding=1).shape == (1, 109, 162)
    # a stride of 2 keeps every other pixel of the stride-1 output: it skips pixels, nothing else
    rng = np.random.default_rng(7)
    y, mix = rng.random((3, 7, 6)), rng.standard_normal((2, 3, 1, 1))
    assert np.array_equal(F.conv2d(y, mix, stride=2), F.conv2d(y, mix)[:, ::2, ::2])


def test_two_linear_1x1_layers_collapse_and_a_relu_between_them_does_not():
    rng = np.random.default_rng(3)
    x, y = rng.random((3, 6, 6)), rng.random((3, 6, 6))
    w_a, w_b = rng.standard_normal((8, 3, 1, 1)), rng.standard_normal((2, 8, 1, 1))
    product = np.einsum("fk,kc->fc", w_b[:, :, 0, 0], w_a[:, :, 0, 0])[:, :, None, None]
    assert np.allclose(F.conv2d(F.conv2d(x, w_a), w_b), F.conv2d(x, product))

    def pair(v):
        return F.conv2d(F.relu(F.conv2d(v, w_a)), w_b)

    assert not np.allclose(pair(x + y), pair(x) + pair(y))
    assert np.array_equal(pair(np.zeros_like(x)), np.zeros((2, 6, 6)))  # no bias: g(0) = 0


def _halves() -> np.ndarray:
    image = np.zeros((3, 5, 10))
    image[0, :, :5] = 1   # red
    image[1, :, 5:] = 1   # green
    return image


def test_the_mean_filter_is_blind_to_a_red_green_border_and_the_opponent_filter_fires():
    halves = _halves()
    mean_edges = np.stack([SOBEL, SOBEL, SOBEL]) / 3
    red_edges = np.stack([SOBEL, ZERO, ZERO])
    opponent = np.stack([SOBEL, -SOBEL, ZERO])
    assert np.abs(F.conv2d(halves, mean_edges[None])).max() < 1e-12
    # by hand: the window at columns 3..5 straddles the border (columns 4 | 5), likewise 4..6;
    # Sobel-x gives (-1 - 2 - 1) times the left column plus (1 + 2 + 1) times the right one
    expected_red = np.array([0, 0, 0, -4, -4, 0, 0, 0], dtype=float)
    assert np.array_equal(F.conv2d(halves, red_edges[None])[0], np.tile(expected_red, (3, 1)))
    assert np.array_equal(F.conv2d(halves, opponent[None])[0], np.tile(2 * expected_red, (3, 1)))


def test_the_same_kernel_on_every_channel_answers_a_constant_to_a_flat_sum_and_0_only_if_its_weights_add_to_0():
    halves = _halves()
    box = np.full((3, 3), 1 / 9)                                   # weights add up to 1, not 0
    blurred = F.conv2d(halves, np.stack([box, box, box])[None])[0]
    assert np.allclose(blurred, 1.0)                               # flat, but not 0: the sum is 1 everywhere
    assert SOBEL.sum() == 0
    assert np.abs(F.conv2d(halves, np.stack([SOBEL] * 3)[None])).max() < 1e-12


def test_equal_thirds_on_every_channel_is_the_kernel_on_the_channel_mean():
    rng = np.random.default_rng(5)
    image = rng.random((3, 9, 11))
    got = F.conv2d(image, (np.stack([SOBEL] * 3) / 3)[None])[0]
    assert np.abs(got - correlate2d(image.mean(axis=0), SOBEL, mode="valid")).max() < 1e-12


def test_multiply_adds_follow_the_formula_and_the_bottleneck_saves_nine_tenths():
    def count(net, shape):
        return cnnlab.summary(net, shape, col_names="mult_adds").total_mult_adds

    h = w = 28
    direct = cnnlab.Sequential(cnnlab.Conv2d(192, 32, 5, padding=2))
    bottleneck = cnnlab.Sequential(cnnlab.Conv2d(192, 16, 1), cnnlab.ReLU(), cnnlab.Conv2d(16, 32, 5, padding=2))
    # OH*OW*FH*FW*C*FN, plus one bias addition per output value
    assert count(direct, (1, 192, h, w)) == h * w * 5 * 5 * 192 * 32 + h * w * 32 == 120_447_488
    assert count(bottleneck, (1, 192, h, w)) == (h * w * 192 * 16 + h * w * 16) + (h * w * 5 * 5 * 16 * 32 + h * w * 32)
    assert count(bottleneck, (1, 192, h, w)) == 12_481_280
    # exercise 6.7: weights only
    assert count(cnnlab.Sequential(cnnlab.Conv2d(256, 64, 1)), (1, 256, 14, 14)) - 64 * 14 * 14 == 3_211_264


def test_a_batch_of_first_layer_activations_outweighs_its_parameters():
    first = cnnlab.Conv2d(3, 64, kernel_size=3, padding=1)
    shape = first.output_shape((32, 3, 224, 224))
    assert shape == (32, 64, 224, 224)
    assert math.prod(shape) * 4 == 411_041_792 and round(411_041_792 / 2**20) == 392
    assert cnnlab.count_params(first) == 3 * 3 * 3 * 64 + 64 == 1792
    assert 411_041_792 == 57_344 * 1792 * 4                        # the printed ratio is exact, not floored


def test_the_block_diagram_draws_sizes_on_a_log_scale_and_fits_its_picture(tmp_path):
    from browser import chromium

    page_file = tmp_path / "blocks.html"
    page_file.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + viz.conv_blocks()._repr_html_() + "</body></html>")
    fit = """() => { const s = document.querySelector('.cnnlab-blocks svg'), vb = s.viewBox.baseVal, b = s.getBBox();
        return vb.x <= b.x && vb.y <= b.y && b.x + b.width <= vb.x + vb.width && b.y + b.height <= vb.y + vb.height; }"""
    face = "() => Number(document.querySelector('.cnnlab-blocks rect.face.in').getAttribute('width'))"
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page_file.as_uri())
        blocks = tab.locator(".cnnlab-blocks").first
        assert "log scale" in blocks.locator(".cnnlab-note").inner_text()
        widths = {}
        for size in ["16", "32", "64", "224"]:
            blocks.locator("select[data-choice=H]").select_option(size)
            widths[int(size)] = tab.evaluate(face)
            assert tab.evaluate(fit), size
        sides = tab.evaluate("[1, 112, 224].map(n => window.cnnlabBlocks.side(n))")
        # the widest and tallest settings, and an impossible one, still fit the picture
        for key, value in [("C", "64"), ("FN", "64"), ("N", "32"), ("K", "1"), ("P", "3")]:
            blocks.locator(f"select[data-choice={key}]").select_option(value)
            assert tab.evaluate(fit), (key, value)
        blocks.locator("select[data-choice=K]").select_option("11")
        assert tab.evaluate(fit)
        blocks.locator("select[data-choice=H]").select_option("4")
        blocks.locator("select[data-choice=P]").select_option("0")
        assert "output none" in blocks.locator(".cnnlab-status").inner_text()
        assert tab.evaluate(fit)
    assert errors == []
    assert widths[32] - widths[16] == pytest.approx(widths[64] - widths[32])   # a doubling adds one step
    assert widths[16] < widths[32] < widths[64] < widths[224]
    step = sides[2] - sides[1]
    assert step == pytest.approx(widths[32] - widths[16]) and step > 10       # 224 is one step longer than 112
    assert sides[0] > 0 and sides[2] < 1.2 * sides[1]                            # not twice as long
