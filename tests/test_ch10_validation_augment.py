"""Chapter 10, second edition: the validation split, shift augmentation, dead units, the
per-step measurements of ``fit`` and the feature maps drawn on one scale.

References are independent of the code under test: index bookkeeping, shifts written with
``np.roll`` and a zeroed border, layers whose weights are set by hand, and a hand-written loop.
"""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from cnnlab import CrossEntropyLoss, SGD, data, training, viz  # noqa: E402
from cnnlab.layers import Conv2d, Flatten, Linear, ReLU, Sequential  # noqa: E402
from cnnlab.models import digits_cnn  # noqa: E402


def test_validation_split_partitions_the_training_set():
    x = np.arange(50, dtype=float).reshape(50, 1, 1, 1)   # each example is its own index
    y = np.arange(50)
    (x_fit, y_fit), (x_val, y_val) = data.validation_split(x, y, fraction=0.2, seed=3)
    assert (len(y_fit), len(y_val)) == (40, 10)
    assert sorted(np.concatenate([y_fit, y_val]).tolist()) == list(range(50))   # disjoint, nothing lost
    np.testing.assert_array_equal(x_fit[:, 0, 0, 0], y_fit)                       # pairs stay together
    np.testing.assert_array_equal(x_val[:, 0, 0, 0], y_val)
    again = data.validation_split(x, y, fraction=0.2, seed=3)
    np.testing.assert_array_equal(again[1][1], y_val)
    assert not np.array_equal(data.validation_split(x, y, fraction=0.2, seed=4)[1][1], y_val)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_validation_split_refuses_a_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match="between 0 and 1"):
        data.validation_split(np.zeros((10, 1)), np.zeros(10), fraction=fraction)


def test_validation_split_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of examples"):
        data.validation_split(np.zeros((10, 1)), np.zeros(9))


def shifted_by_hand(img, r, c):
    """Move a 2D image down r and right c with np.roll, then zero what wrapped around."""
    out = np.roll(img, (r, c), axis=(0, 1))
    if r > 0:
        out[:r] = 0
    elif r < 0:
        out[r:] = 0
    if c > 0:
        out[:, :c] = 0
    elif c < 0:
        out[:, c:] = 0
    return out


def test_random_shift_moves_each_image_by_one_allowed_offset():
    rng = np.random.default_rng(0)
    x = rng.random((300, 1, 6, 6)) + 1.0                  # no zeros: every offset is identifiable
    out = data.random_shift(x, 2, rng=5)
    assert out.shape == x.shape and out.dtype == x.dtype
    seen = set()
    for before, after in zip(x[:, 0], out[:, 0]):
        offsets = [(r, c) for r in range(-2, 3) for c in range(-2, 3)
                   if np.array_equal(after, shifted_by_hand(before, r, c))]
        assert len(offsets) == 1
        seen.add(offsets[0])
    assert len(seen) == 25                                # every offset in -2..2 occurs
    np.testing.assert_array_equal(data.random_shift(x, 2, rng=5), out)   # seeded
    np.testing.assert_array_equal(data.random_shift(x, 0, rng=5), x)     # max_shift 0: unchanged


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_random_shift_refuses_a_bad_max_shift(bad):
    with pytest.raises(ValueError, match="whole number of pixels"):
        data.random_shift(np.zeros((2, 1, 4, 4)), bad)


def test_dead_units_by_hand():
    conv = Conv2d(1, 3, 1)
    conv.weight.data[...] = np.array([1.0, -1.0, 1.0]).reshape(3, 1, 1, 1)
    conv.bias.data[...] = [0.0, 0.0, -5.0]           # inputs in [0, 1]: channels 1 and 2 never fire
    model = Sequential(conv, ReLU(), Flatten(), Linear(3 * 2 * 2, 2), ReLU())
    model[3].weight.data[...] = 0.0
    model[3].bias.data[...] = [1.0, -1.0]            # feature 1 is negative whatever the input
    x = np.random.default_rng(1).random((5, 1, 2, 2))
    np.testing.assert_array_equal(training.dead_units(model, x, 1), [False, True, True])
    np.testing.assert_array_equal(training.dead_units(model, x, 4), [False, True])
    np.testing.assert_array_equal(training.dead_units(model, x, -1), [False, True])
    x[0, 0, 0, 0] = 6.0                              # one pixel is enough to make channel 2 fire
    np.testing.assert_array_equal(training.dead_units(model, x, 1), [False, True, False])
    with pytest.raises(ValueError, match="one of the model's 5 layers"):
        training.dead_units(model, x, 5)


def test_fit_records_each_batch_loss_before_and_after_its_step():
    digits = data.load_digits(seed=0, dtype=np.float64)
    x, y = digits.x_train[:64], digits.y_train[:64]
    h = training.fit(digits_cnn(rng=2, dtype=np.float64), (x, y), (x, y), epochs=2, lr=0.05,
                     batch_size=16, momentum=0.9, seed=7, measure_steps=True)
    by_hand, loss_fn = digits_cnn(rng=2, dtype=np.float64), CrossEntropyLoss()
    optimizer, rng = SGD(by_hand.parameters(), lr=0.05, momentum=0.9), np.random.default_rng(7)
    before, after = [], []
    for _ in range(2):
        for xb, yb in data.batches(x, y, 16, rng):
            before.append(loss_fn(by_hand(xb), yb))
            optimizer.zero_grad()
            by_hand.backward(loss_fn.backward())
            optimizer.step()
            after.append(loss_fn(by_hand(xb), yb))
    np.testing.assert_allclose(h.batch_loss, before, rtol=1e-12)
    np.testing.assert_allclose(h.batch_loss_after, after, rtol=1e-12)
    plain = training.fit(digits_cnn(rng=2, dtype=np.float64), (x, y), (x, y), epochs=2, lr=0.05, batch_size=16, seed=7)
    assert len(plain.batch_loss) == 8 and plain.batch_loss_after == []


def test_a_small_plain_gradient_step_lowers_its_batch_loss():
    """Without momentum and with a small enough step, a step downhill lowers its batch's loss."""
    digits = data.load_digits(seed=0, dtype=np.float64)
    x, y = digits.x_train[:96], digits.y_train[:96]
    h = training.fit(digits_cnn(rng=0, dtype=np.float64), (x, y), (x, y), epochs=1, lr=1e-3,
                     batch_size=32, momentum=0.0, seed=0, measure_steps=True)
    assert all(a < b for a, b in zip(h.batch_loss_after, h.batch_loss))


def test_fit_augments_each_batch_with_the_shuffling_generator():
    digits = data.load_digits(seed=0, dtype=np.float64)
    x, y = digits.x_train[:40], digits.y_train[:40]
    seen = []

    def identity(xb, rng):
        seen.append((xb.shape, isinstance(rng, np.random.Generator)))
        return xb

    same = digits_cnn(rng=1, dtype=np.float64)
    training.fit(same, (x, y), (x, y), epochs=1, lr=0.05, batch_size=16, seed=0, augment=identity)
    plain = digits_cnn(rng=1, dtype=np.float64)
    training.fit(plain, (x, y), (x, y), epochs=1, lr=0.05, batch_size=16, seed=0)
    assert seen == [((16, 1, 8, 8), True), ((16, 1, 8, 8), True), ((8, 1, 8, 8), True)]
    for (name, a), (_, b) in zip(same.state_dict().items(), plain.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    blank = digits_cnn(rng=1, dtype=np.float64)
    training.fit(blank, (x, y), (x, y), epochs=1, lr=0.05, batch_size=16, seed=0,
                 augment=lambda xb, rng: np.zeros_like(xb))
    np.testing.assert_array_equal(blank[0].weight.data, digits_cnn(rng=1, dtype=np.float64)[0].weight.data)


def test_feature_maps_share_one_scale_from_zero_dark_on_white():
    maps = np.zeros((3, 4, 4))
    maps[0, 1, 1], maps[1, 2, 2] = 2.0, 0.5          # map 2 stays 0 everywhere
    fig = viz.show_feature_maps(maps, "maps", ncols=3)
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert [im.get_clim() for im in images] == [(0.0, 2.0)] * 3
    assert {im.get_cmap().name for im in images} == {"gray_r"}
    with pytest.raises(ValueError, match="after the ReLU"):
        viz.show_feature_maps(-maps, "pre-ReLU")
