"""Chapter 2's helpers: the photograph as its file stores it (against PIL's own decoding of
the JPEG), colour figures, and the pixel inspector, whose in-page index arithmetic is held
equal to numpy's on every pixel."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

from browser import chromium
from cnnlab import data, to_chw
from cnnlab.viz import pixel_inspector, show_images

matplotlib.use("Agg")


def pil_reference(name: str) -> np.ndarray:
    from PIL import Image
    import sklearn

    path = Path(sklearn.__file__).parent / "datasets" / "images" / f"{name}.jpg"
    with Image.open(path) as img:
        return np.array(img.convert("RGB"))


@pytest.mark.parametrize("name", ["china", "flower"])
def test_the_photo_is_the_files_pixels(name):
    hwc = data.photo_hwc(name)
    ref = pil_reference(name)
    assert hwc.shape == (427, 640, 3) and hwc.dtype == np.uint8
    assert np.array_equal(hwc, ref)
    assert np.array_equal(data.photo_hwc(name, step=4), ref[::4, ::4])
    # sample_photo: the same pixels, channels first, scaled to [0, 1]; grey is their mean
    colour = data.sample_photo(name, grey=False, step=2)
    assert colour.shape == (3, 214, 320)
    assert np.allclose(colour[1, 5, 7], ref[10, 14, 1] / 255)
    assert np.allclose(data.sample_photo(name, step=2)[5, 7], ref[10, 14].mean() / 255)


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "temple"}, 'name must be "china" or "flower"'),
    ({"step": 0}, "step must be a whole number of at least 1"),
    ({"step": 1.5}, "step must be a whole number"),
])
def test_photo_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.photo_hwc(**kwargs)


def test_show_images_draws_colour_as_it_is():
    img = data.photo_hwc("china", step=8)
    fig = show_images({"colour": img, "grey": img[..., 0], "floats": img / 255})
    drawn = [ax.images[0].get_array() for ax in fig.axes]
    assert np.array_equal(drawn[0], img) and drawn[1].ndim == 2 and np.allclose(drawn[2], img / 255)
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("img, match", [
    (np.zeros((3, 4, 5), dtype=np.uint8), r"has shape \(3, 4, 5\). It looks channels first: show cnnlab.to_hwc"),
    (np.full((4, 5, 3), 2.0), "must be uint8 .* or floats in \\[0, 1\\]"),
    (np.zeros((2, 4, 5, 3)), r"draws \(H, W\) grey or \(H, W, 3\) colour images"),
])
def test_show_images_errors(img, match):
    with pytest.raises(ValueError, match=match):
        show_images({"x": img})


@pytest.mark.parametrize("img, match", [
    (np.zeros((3, 4, 5), dtype=np.uint8), "It looks channels first: pass cnnlab.to_hwc"),
    (np.zeros((4, 5), dtype=np.uint8), r"colour image \(H, W, 3\)"),
    (np.zeros((4, 5, 3)), "got dtype float64"),
    (np.zeros((17, 5, 3), dtype=np.uint8), "at most 16x16; got 17x5"),
])
def test_inspector_errors(img, match):
    with pytest.raises(ValueError, match=match):
        pixel_inspector(img)


def test_inspector_is_small_deterministic_and_offline():
    crop = data.photo_hwc()[88:100, 190:202]
    html = pixel_inspector(crop)._repr_html_()
    assert html == pixel_inspector(crop)._repr_html_()
    assert len(html.encode()) < 50_000 and " id=" not in html and "http" not in html
    assert "12×12" in repr(pixel_inspector(crop))


def test_the_page_indexes_every_pixel_as_numpy_does(tmp_path):
    crop = data.photo_hwc()[88:98, 190:203]     # 10x13: not square, so rows and columns cannot be swapped
    h, w, c = crop.shape
    page = tmp_path / "pixels.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>' + pixel_inspector(crop)._repr_html_() + "</body></html>")
    cases = [(i, j, ch) for i in range(h) for j in range(w) for ch in range(c)]
    with chromium() as context:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.as_uri())
        js = tab.evaluate("([h, w, c, cases]) => cases.map(([i, j, ch]) => window.cnnlabPixels.offsets(h, w, c, i, j, ch))",
                          [h, w, c, cases])
        # the readout of a clicked pixel shows the photo's own values
        tab.locator("button.cnnlab-px").nth(2 * w + 5).click()
        status = tab.locator(".cnnlab-status").inner_text()
        assert errors == []
    for (i, j, ch), (last, first) in zip(cases, js):
        assert last == np.ravel_multi_index((i, j, ch), (h, w, c))
        assert first == np.ravel_multi_index((ch, i, j), (c, h, w))
        assert crop.ravel()[last] == to_chw(crop).copy().ravel()[first] == crop[i, j, ch]
    r, g, b = crop[2, 5].tolist()
    assert status.startswith(f"Row 2, column 5: (r, g, b) = ({r}, {g}, {b}).")
