"""cnnlab.gradcheck against gradients known in closed form."""

import numpy as np
import pytest

from cnnlab import Linear, gradcheck, numerical_gradient


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after probing


def test_a_correct_backward_passes():
    x = np.random.default_rng(0).standard_normal((3, 4))
    result = gradcheck(np.sin, x, lambda g: g * np.cos(x))
    assert result.passed and result.errors["x"] < 1e-8


def test_a_wrong_backward_fails():
    x = np.random.default_rng(0).standard_normal((3, 4))
    result = gradcheck(np.sin, x, lambda g: g * np.cos(x) * 1.01)
    assert not result.passed and result.errors["x"] > 1e-3
    assert "FAILED" in str(result)
    assert result.shown("x") == "5.0e-03"  # ||0.01 a|| / (||1.01 a|| + ||a||) = 0.01 / 2.01


def test_rounding_level_errors_print_as_a_bound():
    """Below 1e-8 the digits depend on the BLAS kernel: the printout shows the bound only."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    result = gradcheck(np.sin, x, lambda g: g * np.cos(x))
    assert 0 < result.errors["x"] < 1e-8
    assert result.shown("x") == "< 1e-08"
    assert str(result) == "         x: relative error < 1e-08\npassed (tolerance 1e-07)"


def test_layer_reports_every_parameter():
    layer = Linear(3, 2, rng=0, dtype=np.float64)
    result = gradcheck(layer, np.random.default_rng(1).standard_normal((4, 3)))
    assert list(result.errors) == ["x", "weight", "bias"]
    assert result.passed


def test_float32_is_refused_with_advice():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(Linear(3, 2, rng=0), np.zeros((4, 3)))
    with pytest.raises(TypeError, match="astype"):
        gradcheck(np.sin, np.zeros(3, dtype=np.float32), np.cos)


def test_a_function_needs_its_backward():
    with pytest.raises(TypeError, match="backward"):
        gradcheck(np.sin, np.zeros(3))
