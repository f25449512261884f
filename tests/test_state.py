"""state_dict, load_state_dict, save and load: PyTorch's names, round trips through a file,
and the errors that say how to fix a state that does not fit."""

import numpy as np
import pytest

from cnnlab import AdaptiveAvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, load, save


def small_cnn(seed, bias=True, width=4, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return Sequential(
        Conv2d(1, width, 3, padding=1, bias=bias, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2),
        Conv2d(width, 6, 3, rng=rng, dtype=dtype), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(6, 3, rng=rng, dtype=dtype),
    )


def test_keys_follow_pytorch():
    state = small_cnn(0).state_dict()
    assert list(state) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"]
    assert state["0.weight"].shape == (4, 1, 3, 3) and state["7.weight"].shape == (3, 6)
    assert list(Linear(2, 3, rng=0).state_dict()) == ["weight", "bias"]
    assert list(Conv2d(1, 2, 3, bias=False, rng=0).state_dict()) == ["weight"]
    assert list(Sequential(Sequential(Linear(2, 2, rng=0)), ReLU()).state_dict()) == ["0.0.weight", "0.0.bias"]
    assert small_cnn(0, bias=False).state_dict().keys() == {"0.weight", "3.weight", "3.bias", "7.weight", "7.bias"}


def test_state_dict_holds_copies():
    layer = Linear(2, 3, rng=0)
    state = layer.state_dict()
    state["weight"][...] = 7.0
    assert not (layer.weight.data == 7.0).any()
    assert state["weight"].dtype == np.float32


def test_round_trip_through_a_file_gives_identical_predictions(tmp_path):
    x = np.random.default_rng(5).standard_normal((4, 1, 8, 8)).astype(np.float32)
    trained, fresh = small_cnn(0), small_cnn(1)
    assert not np.array_equal(trained(x), fresh(x))  # different seeds, different predictions
    path = tmp_path / "small_cnn.npz"
    save(trained, path)
    state = load(path)
    assert list(state) == list(trained.state_dict())
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh(x), trained(x))
    # A plain numpy file with no pickled objects, at exactly the path given.
    with np.load(path, allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["3.weight"], trained[3].weight.data)
    save(trained.state_dict(), tmp_path / "state")  # a state dict saves too, under its own name
    assert (tmp_path / "state").exists() and not (tmp_path / "state.npz").exists()


def test_loading_keeps_the_parameters_and_their_dtype():
    layer = Linear(3, 2, rng=0)
    weight = layer.weight  # optimisers hold the Parameter objects: they must stay the same
    layer.load_state_dict({"weight": np.ones((2, 3)), "bias": np.zeros(2)})
    assert layer.weight is weight and layer.weight.data.dtype == np.float32
    np.testing.assert_array_equal(layer.weight.data, np.ones((2, 3)))


def test_mismatched_shape_names_the_key_and_both_shapes():
    model = small_cnn(0)
    before = model.state_dict()
    state = small_cnn(1, width=5).state_dict()
    with pytest.raises(ValueError, match=r"'0.weight' has shape \(5, 1, 3, 3\) in the state but \(4, 1, 3, 3\) in this model.*out_channels, in_channels"):
        model.load_state_dict(state)
    for key, value in model.state_dict().items():  # nothing was loaded
        np.testing.assert_array_equal(value, before[key])


def test_missing_and_unexpected_keys_are_listed():
    with pytest.raises(ValueError, match=r"Missing key\(s\): \['0.bias'\]; unexpected key\(s\): none\..*bias on or off"):
        small_cnn(0).load_state_dict(small_cnn(1, bias=False).state_dict())
    with pytest.raises(ValueError, match=r"Sequential.load_state_dict.*Missing key\(s\): \['0.weight', '0.bias'\]; unexpected key\(s\): \['weight', 'bias'\]"):
        Sequential(Linear(2, 3, rng=0)).load_state_dict(Linear(2, 3, rng=1).state_dict())
    with pytest.raises(TypeError, match=r"state\['weight'\] must hold real numbers"):
        Linear(1, 1, rng=0).load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})


def test_same_keys_and_shapes_as_pytorch():
    torch = pytest.importorskip("torch")
    tmodel = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(6, 3),
    ).double()
    model = small_cnn(0)
    ours = model.state_dict()
    theirs = tmodel.state_dict()
    assert list(ours) == list(theirs)
    assert [v.shape for v in ours.values()] == [tuple(v.shape) for v in theirs.values()]
    # Our state loads into PyTorch's model, and PyTorch's into ours: the same predictions.
    tmodel.load_state_dict({k: torch.from_numpy(v.astype(np.float64)) for k, v in ours.items()})
    x = np.random.default_rng(6).standard_normal((2, 1, 8, 8))
    mirror = small_cnn(1, dtype=np.float64)
    mirror.load_state_dict({k: v.numpy() for k, v in tmodel.state_dict().items()})
    np.testing.assert_allclose(mirror(x), tmodel(torch.from_numpy(x)).detach().numpy(), atol=1e-12)
