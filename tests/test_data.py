"""The shipped digits and the synthetic strokes-versus-rings images."""

import numpy as np
import pytest

from cnnlab import data


def test_digits_are_nchw_and_split_by_seed():
    d = data.load_digits(test_fraction=0.2, seed=0)
    assert d.x_train.shape == (1438, 1, 8, 8) and d.x_test.shape == (359, 1, 8, 8)
    assert d.y_train.shape == (1438,) and d.x_train.dtype == np.float32
    assert 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    assert set(np.unique(d.y_test)) == set(range(10))
    again, other = data.load_digits(seed=0), data.load_digits(seed=1)
    assert np.array_equal(again.y_test, d.y_test) and not np.array_equal(other.y_test, d.y_test)


def test_digits_split_is_disjoint_and_complete():
    from sklearn.datasets import load_digits

    d = data.load_digits(test_fraction=0.5, seed=3, dtype=np.float64)
    everything = np.concatenate([d.x_train, d.x_test]).reshape(-1, 64) * 16
    reference = load_digits().data
    assert sorted(map(tuple, everything)) == sorted(map(tuple, reference))


@pytest.mark.parametrize("size", [8, 16, 28])
def test_strokes_and_rings(size):
    x, y = data.strokes_and_rings(40, size=size, seed=1)
    assert x.shape == (40, 1, size, size) and y.shape == (40,)
    assert np.bincount(y).tolist() == [20, 20]
    assert x.min() >= 0 and x.max() == 1.0
    x2, y2 = data.strokes_and_rings(40, size=size, seed=1)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_rings_have_an_empty_centre_and_strokes_do_not_fill_a_ring():
    x, y = data.strokes_and_rings(200, size=24, seed=2)
    ink = x[:, 0].reshape(200, -1).sum(axis=1)
    assert ink[y == 0].mean() > ink[y == 1].mean()  # a ring is longer than a stroke
    stroke = x[y == 1][0, 0]
    rows, cols = np.nonzero(stroke > 0.5)
    # The pixels of a stroke lie on one line: their coordinates have rank-1 spread.
    spread = np.linalg.svd(np.c_[rows - rows.mean(), cols - cols.mean()], compute_uv=False)
    assert spread[1] < 0.35 * spread[0]


def test_bad_arguments():
    with pytest.raises(ValueError, match="size >= 8"):
        data.strokes_and_rings(10, size=4)
    with pytest.raises(ValueError, match="test_fraction"):
        data.load_digits(test_fraction=1.5)


def test_batches_cover_everything_once():
    x, y = np.arange(10)[:, None], np.arange(10)
    seen = [yb for _, yb in data.batches(x, y, 4, rng=0)]
    assert [len(b) for b in seen] == [4, 4, 2]
    assert sorted(np.concatenate(seen)) == list(range(10))
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in data.batches(x, y, 3, rng=1))
