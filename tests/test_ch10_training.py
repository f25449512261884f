"""Chapter 10: the models, the training loop and its measurements, the figures and the bar.

References are independent of the code under test: counts by formula, scikit-learn's
confusion matrix, a hand-written loop, a shift worked by hand, and PyTorch where installed.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import cnnlab
from cnnlab import CrossEntropyLoss, SGD, data, training, viz
from cnnlab.models import digits_cnn, mlp


def conv_params(c, fn, k=3):
    return (k * k * c + 1) * fn


def test_digits_cnn_counts_and_shapes_by_formula():
    model = digits_cnn(rng=0)
    expected = conv_params(1, 16) + conv_params(16, 32) + (32 * 2 * 2 + 1) * 64 + (64 + 1) * 10
    assert cnnlab.count_params(model) == expected == 13_706
    assert model(np.zeros((3, 1, 8, 8))).shape == (3, 10)
    big = digits_cnn(rng=0, size=28, classes=4)
    assert big(np.zeros((2, 1, 28, 28))).shape == (2, 4)
    assert big[7].weight.shape == (64, 32 * 7 * 7)
    with pytest.raises(ValueError, match="at least 4"):
        digits_cnn(size=3)


def test_mlp_counts_by_formula_and_errors():
    model = mlp((64, 182, 10), rng=0)
    assert cnnlab.count_params(model) == 64 * 182 + 182 + 182 * 10 + 10
    assert [type(layer).__name__ for layer in model] == ["Flatten", "Linear", "ReLU", "Linear"]
    with pytest.raises(ValueError, match=r"at least an input and an output size"):
        mlp((64,))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_both_networks_compute_in_the_dtype_asked_for(dtype):
    x = np.zeros((2, 1, 8, 8))
    for model in (digits_cnn(rng=0, dtype=dtype), mlp((64, 10), rng=0, dtype=dtype)):
        assert {p.data.dtype for p in model.parameters()} == {np.dtype(dtype)}
        assert model(x).dtype == dtype


def test_the_chapter_network_reaches_97_percent():
    """The chapter's hyper-parameters, seed and float64 (whose result is the same under every
    BLAS kernel measured): the accuracy target of the issue."""
    digits = data.load_digits(seed=0, dtype=np.float64)
    with threadpool_limits(1):
        history = training.fit(digits_cnn(rng=0, dtype=np.float64), (digits.x_train, digits.y_train), (digits.x_test, digits.y_test),
                               epochs=12, lr=0.05, batch_size=32, momentum=0.9, seed=0)
    assert history.test_accuracy[-1] >= 0.97, history.test_accuracy
    assert history.train_loss[-1] < history.train_loss[0] / 10
    assert len(history.test_loss) == 12


def test_fit_is_the_hand_written_loop():
    digits = data.load_digits(seed=0)
    x, y = digits.x_train[:100], digits.y_train[:100]
    packaged, by_hand = digits_cnn(rng=3), digits_cnn(rng=3)
    calls = []
    training.fit(packaged, (x, y), (x[:10], y[:10]), epochs=2, lr=0.05, batch_size=16, seed=5,
                 after_epoch=lambda epoch, h: calls.append((epoch, len(h.test_accuracy))))
    assert calls == [(1, 1), (2, 2)]
    rng, loss_fn = np.random.default_rng(5), CrossEntropyLoss()
    optimizer = SGD(by_hand.parameters(), lr=0.05, momentum=0.9)
    for _ in range(2):
        for xb, yb in data.batches(x, y, 16, rng):
            loss_fn(by_hand(xb), yb)
            optimizer.zero_grad()
            by_hand.backward(loss_fn.backward())
            optimizer.step()
    for (name, a), (_, b) in zip(packaged.state_dict().items(), by_hand.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    with pytest.raises(ValueError, match="epochs >= 1"):
        training.fit(packaged, (x, y), (x, y), epochs=0, lr=0.1)


def test_evaluate_and_predict_by_hand():
    model = digits_cnn(rng=0)
    x = np.random.default_rng(0).random((700, 1, 8, 8)).astype(np.float32)  # more than one chunk
    y = np.arange(700) % 10
    logits = model(x)
    np.testing.assert_allclose(training.predict(model, x), logits, rtol=1e-5, atol=1e-6)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss, accuracy = training.evaluate(model, x, y)
    assert np.isclose(loss, -log_p[np.arange(700), y].mean(), rtol=1e-5)
    assert accuracy == np.mean(logits.argmax(axis=1) == y)


def test_confusion_matrix_against_scikit_learn():
    from sklearn.metrics import confusion_matrix as reference

    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 6, 200), rng.integers(0, 6, 200)
    np.testing.assert_array_equal(training.confusion_matrix(y_true, y_pred), reference(y_true, y_pred))
    np.testing.assert_array_equal(training.confusion_matrix([0, 1], [1, 1], 3), [[0, 1, 0], [0, 1, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        training.confusion_matrix(y_true, np.zeros((200, 6)))


def test_activations_are_each_layer_in_turn():
    model = digits_cnn(rng=0)
    x = np.random.default_rng(2).random((2, 1, 8, 8))
    acts = training.activations(model, x)
    assert [name for name, _ in acts][:3] == ["0 Conv2d", "1 ReLU", "2 MaxPool2d"]
    assert [a.shape for _, a in acts][5] == (2, 32, 2, 2)
    np.testing.assert_array_equal(acts[-1][1], model(x))


def test_shift_by_hand_and_errors():
    a = np.arange(1, 10).reshape(3, 3)
    np.testing.assert_array_equal(data.shift(a, 1, -1), [[0, 0, 0], [2, 3, 0], [5, 6, 0]])
    np.testing.assert_array_equal(data.shift(a, -2, 2), [[0, 0, 7], [0, 0, 0], [0, 0, 0]])
    batch = np.random.default_rng(0).random((2, 1, 5, 5))
    np.testing.assert_array_equal(data.shift(batch, 0, 0), batch)
    assert data.shift(batch, 1, 1)[..., 0, :].sum() == 0
    with pytest.raises(ValueError, match="out of view"):
        data.shift(a, 3, 0)


def test_progress_bar_output_is_fixed_while_it_moves():
    bar = viz.progress_bar(3, "epoch")
    before = bar._repr_mimebundle_()
    bar.update("loss 0.5")
    bar.update()
    assert (bar.bar.value, bar.bar.description, bar.text.value) == (2, "epoch 2/3", "")
    for _ in range(5):
        bar.update()
    assert bar.bar.value == 3
    after = bar._repr_mimebundle_()
    assert before["text/plain"] == after["text/plain"] == "Progress bar: 3 epochs"
    assert before["text/html"] == after["text/html"] and "http" not in after["text/html"]
    with pytest.raises(ValueError, match="at least 1"):
        viz.progress_bar(0)


def test_training_figures_draw_and_refuse_wrong_shapes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = training.History([1.0, 0.5], [0.5, 0.8], [1.1, 0.6], [0.4, 0.7])
    assert len(viz.plot_history(history).axes) == 2
    assert len(viz.show_kernels(np.zeros((4, 1, 3, 3))).axes) == 8
    assert len(viz.show_feature_maps(np.ones((3, 4, 4)), "maps", ncols=3).axes) == 3
    assert len(viz.show_confusion(np.eye(3, dtype=int)).axes) == 1
    assert len(viz.show_digits(np.zeros((2, 1, 8, 8)), ["a", "b"], ncols=2).axes) == 2
    plt.close("all")
    with pytest.raises(ValueError, match=r"\(FN, 1, FH, FW\)"):
        viz.show_kernels(np.zeros((4, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        viz.show_feature_maps(np.zeros((1, 3, 4, 4)), "x")


def test_the_chapters_pytorch_model_matches_cnnlab():
    """The PyTorch code shown in chapter 10 builds the same network: same keys, same logits."""
    torch = pytest.importorskip("torch")
    from torch import nn

    ours = digits_cnn(rng=0)
    theirs = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10),
    )
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).random((5, 1, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), ours(x), rtol=1e-4, atol=1e-5)
