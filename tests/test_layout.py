"""to_chw and to_hwc: hand-built images, np.moveaxis, batches, and the layout mix-ups."""

import numpy as np
import pytest

from cnnlab import to_chw, to_hwc


def rgb_image():
    """A 2x3 image whose pixel (i, j) is (R, G, B) = (10*i + j, 100 + 10*i + j, 200 + 10*i + j)."""
    i, j = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
    return np.stack([10 * i + j, 100 + 10 * i + j, 200 + 10 * i + j], axis=-1).astype(np.uint8)


def test_one_image_by_hand():
    img = rgb_image()  # (H, W, C) = (2, 3, 3)
    chw = to_chw(img)
    assert chw.shape == (3, 2, 3) and chw.dtype == np.uint8
    assert chw[0].tolist() == [[0, 1, 2], [10, 11, 12]]  # the red plane
    assert chw[2].tolist() == [[200, 201, 202], [210, 211, 212]]  # the blue plane
    assert chw[:, 1, 2].tolist() == img[1, 2].tolist() == [12, 112, 212]  # pixel (1, 2) keeps its colour
    assert not np.array_equal(img.reshape(3, 2, 3), chw)  # reshape would scramble the pixels
    np.testing.assert_array_equal(to_hwc(chw), img)
    assert np.shares_memory(chw, img)  # a view: no copy


@pytest.mark.parametrize("shape", [(5, 7, 3), (4, 5, 7, 3), (2, 6, 6, 1), (3, 2, 2, 4), (8, 8, 64)])
def test_matches_moveaxis_and_round_trips(shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    chw = to_chw(x)
    np.testing.assert_array_equal(chw, np.moveaxis(x, -1, -3))
    np.testing.assert_array_equal(to_hwc(chw), x)
    assert chw.dtype == np.float32


def test_batches():
    batch = np.stack([rgb_image(), rgb_image() + 1])  # (N, H, W, C) = (2, 2, 3, 3)
    nchw = to_chw(batch)
    assert nchw.shape == (2, 3, 2, 3)
    assert nchw[1, 2].tolist() == [[201, 202, 203], [211, 212, 213]]
    assert to_hwc(nchw).shape == (2, 2, 3, 3)


def test_mixed_up_layouts_are_explained():
    with pytest.raises(ValueError, match=r"to_chw expects \(H, W, C\) .*shape \(3, 32, 32\), whose axis -1 has 32 "
                                         r"entries but axis -3 has 3: the image is probably channels-first"):
        to_chw(np.zeros((3, 32, 32)))
    with pytest.raises(ValueError, match=r"to_hwc expects \(C, H, W\) .*shape \(16, 28, 28, 1\).*probably channels-last"):
        to_hwc(np.zeros((16, 28, 28, 1)))
    with pytest.raises(ValueError, match=r"to_chw expects an image \(H, W, C\) .*got 2 dimension\(s\).*img\[\.\.\., None\]"):
        to_chw(np.zeros((28, 28)))
    with pytest.raises(ValueError, match=r"to_hwc expects .*got 5 dimension\(s\)"):
        to_hwc(np.zeros((1, 1, 3, 4, 4)))
    with pytest.raises(TypeError, match=r"img must hold real numbers"):
        to_chw(np.array([[["a"]]]))
