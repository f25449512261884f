"""Chapter 3's second edition: the explorer's marks for unread cells (against a window-by-window
brute force), its precomputed photo preview, the JPEG helpers, and the chapter's identities
for the transpose of the convolution matrix and for turned kernels (against SciPy)."""

from __future__ import annotations

import base64
import io
import re

import matplotlib
import numpy as np
import pytest
from PIL import Image
from scipy.signal import convolve2d

from cnnlab import data, functional as F, matrices, viz
from cnnlab.kernels import classic_kernels
from cnnlab.viz.explorer import _unread_mask, explorer_view, unread_line
from cnnlab.viz.jpeg import figure_jpeg, figure_png, grey_jpeg_uri


def _brute_unread(h: int, w: int, f: int, s: int, p: int) -> np.ndarray:
    """Visit every window of the padded input and mark what it reads; True where nothing did."""
    read = np.zeros((h + 2 * p, w + 2 * p), dtype=bool)
    oh, ow = (h + 2 * p - f) // s + 1, (w + 2 * p - f) // s + 1
    for i in range(oh):
        for j in range(ow):
            read[i * s:i * s + f, j * s:j * s + f] = True
    inside = np.zeros_like(read)
    inside[p:p + h, p:p + w] = True
    return inside & ~read


@pytest.mark.parametrize("h, w", [(6, 6), (7, 5), (8, 9)])
@pytest.mark.parametrize("f", [1, 2, 3])
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2])
def test_unread_mask_matches_brute_force(h, w, f, s, p):
    assert np.array_equal(_unread_mask((h, w), (f, f), s, p), _brute_unread(h, w, f, s, p))


def test_worked_example_at_stride_2_outlines_row_5_and_column_5():
    view = explorer_view("worked example", "worked example", 2, 0)
    assert "input row 5 and column 5" in view
    assert view.count('class="unread"') == 11  # row 5 (6 cells) and column 5 (5 more)
    assert 'class="unread"' not in explorer_view("worked example", "worked example", 1, 0)
    assert unread_line((6, 6), (3, 3), 1, 1) == ""


def test_photo_view_names_its_unread_column():
    view = explorer_view("photo", "sobel x", 2, 0)  # 160 columns: (160 - 3) / 2 leaves column 159
    assert "input column 159." in view and view.count("<img") == 2


def test_static_preview_shows_the_photo_and_stays_small():
    html = viz.conv_explorer().static_html()
    assert html == viz.conv_explorer().static_html()
    kernels = classic_kernels()
    assert html.count("<table") == 1 + len(kernels)
    assert html.count("<img") == 1 + len(kernels) - 1  # the photo, then every kernel but the identity
    assert len(html.encode()) < 50_000
    assert not re.search(r'\sid="|https?://', html)
    for alt in re.findall(r'alt="([^"]*)"', html):
        assert len(alt) > 20


def test_grey_jpeg_is_one_pixel_per_cell_with_zero_at_mid_grey():
    a = np.zeros((10, 16))
    a[:, 8:] = 1.0
    uri = grey_jpeg_uri(a, -1.0, 1.0)
    img = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
    assert img.shape == (10, 16)
    assert abs(int(img[5, 2]) - 128) <= 3 and int(img[5, 13]) >= 250


@pytest.mark.parametrize("a, low, high, words", [
    (np.zeros((2, 3, 4)), 0, 1, r"one grey image \(H, W\)"),
    (np.zeros((3, 3)), 1, 1, "high must be above low"),
])
def test_grey_jpeg_errors_teach(a, low, high, words):
    with pytest.raises(ValueError, match=words):
        grey_jpeg_uri(a, low, high)


def test_figure_jpeg_is_a_jpeg_and_closes_the_figure():
    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig = viz.show_images({"photo": data.sample_photo(step=8)})
    image = figure_jpeg(fig)
    assert image.data[:3] == b"\xff\xd8\xff" and not plt.fignum_exists(fig.number)


def test_figure_png_keeps_a_small_palette_at_the_same_size():
    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    grid = np.arange(49).reshape(7, 7)
    fig = viz.show_matrices({"grid": grid}, cell=0.3)
    full = io.BytesIO()
    fig.savefig(full, format="png", bbox_inches="tight")
    image = figure_png(fig, colours=16)
    png = Image.open(io.BytesIO(image.data))
    assert png.format == "PNG" and png.mode == "P" and len(png.getcolors()) <= 16
    assert png.size == Image.open(full).size and len(image.data) < len(full.getvalue())
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(ValueError, match="between 2 and 256"):
        figure_png(viz.show_matrices({"grid": grid}), colours=1)


def test_transpose_of_the_conv_matrix_is_the_full_convolution():
    rng = np.random.default_rng(3)
    for shape, ks in [((6, 6), (3, 3)), ((5, 7), (2, 3)), ((4, 4), (1, 1))]:
        k = rng.integers(-3, 4, size=ks)
        oh, ow = shape[0] - ks[0] + 1, shape[1] - ks[1] + 1
        g = rng.integers(-5, 6, size=(oh, ow))
        back = (matrices.conv_matrix(k, shape).T @ g.ravel()).reshape(shape)
        assert np.array_equal(back, convolve2d(g, k, mode="full"))  # SciPy flips k
        assert np.array_equal(back, F.conv2d(g, np.flip(k), padding=(ks[0] - 1, ks[1] - 1)))


def test_a_turned_kernel_follows_a_turned_image():
    rng = np.random.default_rng(4)
    x, k = rng.integers(0, 9, size=(7, 9)), rng.integers(-2, 3, size=(3, 2))
    for turns in range(4):
        assert np.array_equal(F.conv2d(np.rot90(x, turns), np.rot90(k, turns)), np.rot90(F.conv2d(x, k), turns))
