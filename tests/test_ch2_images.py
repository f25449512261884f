"""Chapter 2's claims about memory, dtypes and greys, held against independent references:
numpy's own strides and errors, PIL's grey conversion, a loop for per-channel normalisation,
and the pixel inspector's labels in Chromium."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from browser import chromium
from cnnlab import data, to_chw, to_hwc
from cnnlab.viz import pixel_inspector


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return data.photo_hwc("china")


def test_to_chw_is_a_view_with_reordered_strides(rgb):
    chw = to_chw(rgb)
    assert rgb.strides == (1920, 3, 1) and rgb.flags.c_contiguous
    assert chw.strides == (1, 1920, 3) and not chw.flags.c_contiguous and np.shares_memory(chw, rgb)
    copy = np.ascontiguousarray(chw)
    assert copy.strides == (273_280, 640, 1) and copy.flags.c_contiguous and not np.shares_memory(copy, rgb)
    # a value's byte offset is the dot product of its index with the strides, in the view and in the copy
    base = rgb.__array_interface__["data"][0]
    for c in range(3):
        assert chw[c:, 2:, 5:].__array_interface__["data"][0] - base == np.dot((c, 2, 5), chw.strides) == 3855 + c
        assert copy.ravel()[np.dot((c, 2, 5), copy.strides)] == rgb[2, 5, c]


def test_writing_through_the_view_changes_the_original(rgb):
    mine = rgb.copy()
    to_chw(mine)[0] = 0
    assert mine[..., 0].max() == 0 and np.array_equal(mine[..., 1:], rgb[..., 1:])


def test_a_slice_is_a_view_and_its_copy_is_contiguous(rgb):
    piece = rgb[88:100, 190:202]
    assert np.shares_memory(piece, rgb) and piece.strides == (1920, 3, 1) and not piece.flags.c_contiguous
    crop = piece.copy()
    assert crop.strides == (36, 3, 1)
    assert to_chw(crop).strides == (1, 36, 3) and np.ascontiguousarray(to_chw(crop)).strides == (144, 12, 1)


def test_stacking_views_keeps_their_memory_order():
    files = np.stack([data.photo_hwc(name) for name in ["china", "flower"]])
    photos = np.stack([to_chw(data.photo_hwc(name)) for name in ["china", "flower"]])
    assert photos.strides == to_chw(files).strides == (819_840, 1, 1920, 3)  # PyTorch's channels_last strides
    assert np.ascontiguousarray(photos).strides == (819_840, 273_280, 640, 1)
    assert np.array_equal(photos, to_chw(files))
    one = to_chw(files[0])[None]
    assert one.shape == (1, 3, 427, 640) and np.shares_memory(one, files)


def test_a_shape_that_could_be_either_layout_is_taken_as_channels_last():
    # (3, 4, 4): a 4x4 RGB image channels first, or a 3x4 RGBA image channels last
    img = np.arange(48).reshape(3, 4, 4)
    assert to_chw(img).shape == (4, 3, 4)
    np.testing.assert_array_equal(to_chw(img), np.moveaxis(img, -1, 0))
    assert to_hwc(np.zeros((3, 4, 4))).shape == (4, 4, 3)


def test_an_array_with_no_image_channel_count_at_either_end_passes_unchecked():
    # 64 feature maps channels first: neither 64 nor 224 is 1, 3 or 4, so to_chw cannot object
    maps = np.zeros((64, 224, 224))
    assert to_chw(maps).shape == (224, 64, 224)
    with pytest.raises(ValueError, match="probably channels-first"):
        to_chw(np.zeros((3, 224, 224)))


def test_uint8_arithmetic_on_numpy_2():
    a = np.array([200, 250, 10], dtype=np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # array arithmetic wraps without any warning
        assert (a + 100).tolist() == [44, 94, 110] and (a + a).tolist() == [144, 244, 20]
        assert (a + 100).dtype == np.uint8
    with pytest.raises(OverflowError, match="Python integer 300 out of bounds for uint8"):
        a + 300
    with pytest.raises(OverflowError, match="Python integer -1 out of bounds for uint8"):
        a + (-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy uint8 number with an array wraps silently too
        assert (a + np.uint8(100)).tolist() == [44, 94, 110]
        assert (a - 20).tolist() == [180, 230, 246]  # 10 - 20 = -10, and -10 + 256 = 246
    with pytest.warns(RuntimeWarning, match="overflow encountered in scalar add"):
        total = a[1] + 10
    assert total == 4 and total.dtype == np.uint8


def test_luma_matches_pil_and_differs_from_the_mean(rgb):
    from PIL import Image

    luma = (rgb * np.array([0.299, 0.587, 0.114])).sum(axis=-1)
    pil = np.asarray(Image.fromarray(rgb).convert("L")).astype(float)
    assert np.abs(luma - pil).max() <= 1  # PIL rounds its fixed-point sum
    mean = data.sample_photo("china") * 255
    np.testing.assert_allclose(mean, rgb.mean(axis=-1))  # sample_photo's grey is the plain mean
    assert np.abs(mean - pil).max() > 20
    # equal on grey pixels, far apart on pure green and blue, close on pure red (PIL's own numbers)
    pure = np.array([[[90, 90, 90], [255, 0, 0], [0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    pil_pure = np.asarray(Image.fromarray(pure).convert("L"))[0].tolist()
    assert pil_pure == [90, 76, 150, 29]  # 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1
    assert [round(v) for v in pure[0].mean(axis=-1)] == [90, 85, 85, 85]


def normalise_by_loop(x, mean, std):
    """``x (N, C, H, W)`` with each channel ``c`` shifted by ``mean[c]`` and divided by ``std[c]``, value by value."""
    out = np.empty_like(x, dtype=float)
    for index in np.ndindex(*x.shape):
        out[index] = (x[index] - mean[index[1]]) / std[index[1]]
    return out


def test_per_channel_normalisation_by_broadcasting():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (2, 3, 4, 5))
    mean, std = x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3))
    broadcast = (x - mean[:, None, None]) / std[:, None, None]
    np.testing.assert_allclose(broadcast, normalise_by_loop(x, mean, std), rtol=1e-12)
    assert np.abs(broadcast.mean(axis=(0, 2, 3))).max() < 1e-12 and np.abs(broadcast.std(axis=(0, 2, 3)) - 1).max() < 1e-12
    for wrong in (lambda m: m, lambda m: m[None, :], lambda m: m[:, None]):  # exercise 2.8's other options
        with pytest.raises(ValueError, match="could not be broadcast"):
            x - wrong(mean)
    # with 3 columns the first mistake broadcasts silently, against the wrong axis
    square = rng.uniform(0, 1, (2, 3, 3, 3))
    assert not np.allclose(square - mean, normalise_by_loop(square, mean, np.ones(3)))


def test_the_inspector_says_its_channels_first_positions_are_a_contiguous_copys(tmp_path, rgb):
    crop = rgb[88:100, 190:202].copy()
    page = tmp_path / "pixels.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + pixel_inspector(crop)._repr_html_() + "</body></html>")
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        tab.locator("button.cnnlab-px").nth(2 * 12 + 5).click()
        status = tab.locator(".cnnlab-status").inner_text()
        header = tab.locator("table.cnnlab-readout tr").first.inner_text().split("\t")
        assert errors == []
    first = [np.ravel_multi_index((c, 2, 5), (3, 12, 12)) for c in range(3)]
    assert first == [29, 173, 317]
    assert status.endswith("(C, H, W): to_chw(crop)[0 to 2, 2, 5]; in a contiguous copy, positions 29, 173, 317, "
                           "144 apart (in the view that to_chw returns, still side by side).")
    assert header[3] == "position in C order" and header[5] == "position in a contiguous copy"
    # what "still side by side" means: the view's strides put a pixel's channels 1 byte apart
    assert to_chw(crop).strides[0] == 1
