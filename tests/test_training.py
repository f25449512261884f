"""The loss, the optimisers, and a smoke training run on real handwritten digits."""

import numpy as np
import pytest

from cnnlab import SGD, Adam, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, Parameter, ReLU, Sequential, data
from cnnlab import functional as F
from cnnlab import gradcheck


def test_cross_entropy_by_hand():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    target = np.array([0, 2])
    by_hand = (-(2 - np.log(np.e**2 + np.e + 1)) + np.log(3)) / 2
    loss_fn = CrossEntropyLoss()
    assert np.isclose(loss_fn(logits, target), by_hand)
    assert np.isclose(F.cross_entropy(logits, target), by_hand)
    p0 = np.exp([2.0, 1.0, 0.0]) / (np.e**2 + np.e + 1)
    expected = np.array([p0 - [1, 0, 0], np.full(3, 1 / 3) - [0, 0, 1]]) / 2
    np.testing.assert_allclose(loss_fn.backward(), expected)
    np.testing.assert_allclose(F.cross_entropy_backward(logits, target), expected)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = CrossEntropyLoss()(np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 0]))
    assert np.isclose(loss, 500.0)
    np.testing.assert_allclose(F.softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])


def test_cross_entropy_gradient_is_numerically_right():
    rng = np.random.default_rng(0)
    logits, target = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    result = gradcheck(lambda z: np.array(F.cross_entropy(z, target)), logits,
                       lambda g: g * F.cross_entropy_backward(logits, target))
    assert result.passed, str(result)


def test_cross_entropy_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    logits, target = rng.standard_normal((6, 10)) * 5, rng.integers(0, 10, 6)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(target)).item()
    assert np.isclose(CrossEntropyLoss()(logits, target), expected)


def test_loss_errors_teach():
    loss_fn = CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes .*got labels from 0 to 3"):
        loss_fn(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"NaN or infinite .*index \(1, 0\)"):
        loss_fn(np.array([[0.0, 1.0], [np.nan, 0.0]]), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"NaN or infinite"):
        loss_fn(np.array([[np.inf, 1.0]]), np.array([0]))
    with pytest.raises(ValueError, match=r"one integer class label per example, shape \(2,\).*one-hot"):
        loss_fn(np.zeros((2, 3)), np.eye(3)[:2])
    with pytest.raises(ValueError, match=r"logits must have shape \(N, K\)"):
        loss_fn(np.zeros(3), np.array([0]))
    with pytest.raises(RuntimeError, match="before the loss"):
        CrossEntropyLoss().backward()


def test_sgd_with_momentum_by_hand():
    p = Parameter(np.array([1.0, 2.0]))
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad[:] = [1.0, -1.0]
    opt.step()  # v = g
    np.testing.assert_allclose(p.data, [0.9, 2.1])
    opt.step()  # v = 0.9 g + g
    np.testing.assert_allclose(p.data, [0.9 - 0.19, 2.1 + 0.19])
    opt.zero_grad()
    assert not p.grad.any()


def test_adam_first_steps_move_by_lr():
    p = Parameter(np.array([1.0, -1.0]))
    opt = Adam([p], lr=0.01)
    p.grad[:] = [3.0, -0.5]
    opt.step()  # with bias correction the first step is lr * sign(grad)
    np.testing.assert_allclose(p.data, [0.99, -0.99], atol=1e-9)


def test_optimizers_match_pytorch():
    torch = pytest.importorskip("torch")
    grads = np.random.default_rng(2).standard_normal((3, 4))
    for ours_cls, torch_cls, kwargs in ((SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
                                        (Adam, torch.optim.Adam, {"lr": 0.01})):
        p, tp = Parameter(np.ones(4)), torch.ones(4, dtype=torch.float64, requires_grad=True)
        ours, theirs = ours_cls([p], **kwargs), torch_cls([tp], **kwargs)
        for g in grads:
            p.grad[:] = g
            tp.grad = torch.from_numpy(g.copy())
            ours.step()
            theirs.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), atol=1e-12)


def test_optimizer_errors():
    with pytest.raises(ValueError, match="no parameters"):
        SGD(ReLU().parameters(), lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        SGD([Parameter(np.zeros(1))], lr=0)


def small_cnn(rng):
    return Sequential(
        Conv2d(1, 16, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
        Conv2d(16, 32, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
        Flatten(), Linear(32 * 2 * 2, 10, rng=rng),
    )


def test_a_small_cnn_learns_the_digits():
    digits = data.load_digits(seed=0)
    rng = np.random.default_rng(0)
    model, loss_fn = small_cnn(rng), CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(8):
        for xb, yb in data.batches(digits.x_train, digits.y_train, 32, rng):
            losses.append(loss_fn(model(xb), yb))
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
    accuracy = np.mean(model(digits.x_test).argmax(axis=1) == digits.y_test)
    assert losses[-1] < losses[0] / 5
    assert accuracy >= 0.90, f"test accuracy {accuracy:.3f}"
