"""Activations: hand values, derivatives vs central differences, backprop, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, get_activation
from nnviz.engine.errors import NnvizError

ALL = tuple(ACTIVATIONS)
ELEMENTWISE = tuple(name for name in ALL if name != "softmax")


# ---- independent reference formulas (scalar, with math) --------------------------------

def ref_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def ref_elu(z: float) -> float:
    return z if z > 0 else math.exp(z) - 1.0


def ref_softplus(z: float) -> float:
    return math.log1p(math.exp(z))


def ref_silu(z: float) -> float:
    return z * ref_sigmoid(z)


def ref_gelu(z: float) -> float:
    return 0.5 * z * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z ** 3)))


def f(name: str, z) -> np.ndarray:
    return get_activation(name).forward(np.asarray(z, dtype=np.float64))


def df(name: str, z) -> np.ndarray:
    return get_activation(name).derivative(np.asarray(z, dtype=np.float64))


# ---- hand-computed values -------------------------------------------------------------------

def test_registry_names():
    assert set(ALL) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu",
                        "gelu", "linear", "softmax"}
    assert "softmax" not in HIDDEN_ACTIVATIONS
    assert len(HIDDEN_ACTIVATIONS) == len(ALL) - 1
    assert get_activation("softmax").output_only
    assert not any(get_activation(n).output_only for n in HIDDEN_ACTIVATIONS)


def test_sigmoid_hand_values():
    assert f("sigmoid", [[0.0]])[0, 0] == 0.5
    assert df("sigmoid", [[0.0]])[0, 0] == 0.25
    # σ(ln 3) = 3/4, σ'(ln 3) = 3/4 · 1/4 = 3/16
    assert f("sigmoid", [[math.log(3.0)]])[0, 0] == pytest.approx(0.75, abs=1e-15)
    assert df("sigmoid", [[math.log(3.0)]])[0, 0] == pytest.approx(3.0 / 16.0, abs=1e-15)
    assert f("sigmoid", [[-math.log(3.0)]])[0, 0] == pytest.approx(0.25, abs=1e-15)
    z = np.array([[-3.0, -1.0, 0.5, 2.0, 7.0]])
    expected = [[ref_sigmoid(v) for v in z[0]]]
    np.testing.assert_allclose(f("sigmoid", z), expected, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(
        df("sigmoid", z), [[ref_sigmoid(v) * (1 - ref_sigmoid(v)) for v in z[0]]], rtol=1e-12, atol=1e-16
    )


def test_tanh_hand_values():
    assert f("tanh", [[0.0]])[0, 0] == 0.0
    assert df("tanh", [[0.0]])[0, 0] == 1.0
    # tanh(ln 2) = (2 − ½)/(2 + ½) = 3/5, tanh' = 1 − 9/25 = 16/25
    assert f("tanh", [[math.log(2.0)]])[0, 0] == pytest.approx(0.6, abs=1e-15)
    assert df("tanh", [[math.log(2.0)]])[0, 0] == pytest.approx(0.64, abs=1e-15)


def test_relu_hand_values():
    z = np.array([[-2.0, -1e-9, 1e-9, 3.5]])
    np.testing.assert_array_equal(f("relu", z), [[0.0, 0.0, 1e-9, 3.5]])
    np.testing.assert_array_equal(df("relu", z), [[0.0, 0.0, 1.0, 1.0]])
    assert df("relu", [[0.0]])[0, 0] == 0.0  # the documented convention at the kink


def test_leaky_relu_hand_values():
    z = np.array([[-200.0, -1.0, 0.0, 2.0]])
    np.testing.assert_allclose(f("leaky_relu", z), [[-2.0, -0.01, 0.0, 2.0]], rtol=1e-15)
    np.testing.assert_array_equal(df("leaky_relu", z), [[0.01, 0.01, 0.01, 1.0]])


def test_elu_hand_values():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_allclose(f("elu", z), [[ref_elu(v) for v in z[0]]], rtol=1e-14, atol=1e-16)
    assert f("elu", [[-1.0]])[0, 0] == pytest.approx(math.exp(-1.0) - 1.0, rel=1e-15)
    np.testing.assert_allclose(
        df("elu", z), [[math.exp(-2.0), math.exp(-0.5), 1.0, 1.0, 1.0]], rtol=1e-15
    )


def test_softplus_hand_values():
    assert f("softplus", [[0.0]])[0, 0] == pytest.approx(math.log(2.0), rel=1e-15)
    assert df("softplus", [[0.0]])[0, 0] == 0.5
    z = np.array([[-5.0, -1.0, 1.0, 4.0, 20.0]])
    np.testing.assert_allclose(f("softplus", z), [[ref_softplus(v) for v in z[0]]], rtol=1e-14)
    np.testing.assert_allclose(df("softplus", z), [[ref_sigmoid(v) for v in z[0]]], rtol=1e-12)


def test_silu_hand_values():
    assert f("silu", [[0.0]])[0, 0] == 0.0
    assert df("silu", [[0.0]])[0, 0] == 0.5
    z = np.array([[-4.0, -1.0, 1.0, 2.5]])
    np.testing.assert_allclose(f("silu", z), [[ref_silu(v) for v in z[0]]], rtol=1e-13)
    expected_d = [[ref_sigmoid(v) * (1 + v * (1 - ref_sigmoid(v))) for v in z[0]]]
    np.testing.assert_allclose(df("silu", z), expected_d, rtol=1e-12)
    # SiLU(1) = 1/(1 + e^-1) = 0.7310585786300049
    assert f("silu", [[1.0]])[0, 0] == pytest.approx(0.7310585786300049, rel=1e-14)


def test_gelu_hand_values():
    assert f("gelu", [[0.0]])[0, 0] == 0.0
    assert df("gelu", [[0.0]])[0, 0] == 0.5
    z = np.array([[-3.0, -1.0, 0.5, 1.0, 2.0]])
    np.testing.assert_allclose(f("gelu", z), [[ref_gelu(v) for v in z[0]]], rtol=1e-13)
    # the tanh form approximates z·Φ(z) closely
    exact = [[v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z[0]]]
    np.testing.assert_allclose(f("gelu", z), exact, atol=1e-3)
    # GELU_tanh(1) = 0.8411919906082768
    assert f("gelu", [[1.0]])[0, 0] == pytest.approx(0.8411919906082768, rel=1e-13)


def test_linear_hand_values():
    z = np.array([[-3.0, 0.0, 2.5]])
    np.testing.assert_array_equal(f("linear", z), z)
    np.testing.assert_array_equal(df("linear", z), [[1.0, 1.0, 1.0]])
    out = f("linear", z)
    out[0, 0] = 99.0
    assert z[0, 0] == -3.0  # forward without out= returns a copy


def test_softmax_hand_values():
    a = f("softmax", [[0.0, 0.0]])
    np.testing.assert_array_equal(a, [[0.5, 0.5]])
    a = f("softmax", [[0.0, math.log(3.0)]])
    np.testing.assert_allclose(a, [[0.25, 0.75]], rtol=1e-15)
    z = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    e = np.exp(z)
    np.testing.assert_allclose(f("softmax", z), e / e.sum(axis=1, keepdims=True), rtol=1e-14)
    # per-row normalization; axis=0 normalizes columns
    np.testing.assert_allclose(f("softmax", z).sum(axis=1), [1.0, 1.0], rtol=1e-15)
    cols = get_activation("softmax").forward(z.T.copy(), axis=0)
    np.testing.assert_allclose(cols, f("softmax", z).T, rtol=1e-15)
    # derivative = diagonal of the Jacobian, a(1 − a)
    np.testing.assert_allclose(df("softmax", [[0.0, math.log(3.0)]]), [[0.1875, 0.1875]], rtol=1e-14)


def test_forward_out_parameter_is_used():
    z = np.array([[-1.0, 0.5, 2.0]])
    for name in ALL:
        out = np.full_like(z, np.nan)
        ret = get_activation(name).forward(z, out)
        np.testing.assert_array_equal(out, f(name, z))
        assert ret is out or np.shares_memory(ret, out)
        np.testing.assert_array_equal(z, [[-1.0, 0.5, 2.0]])  # input untouched


# ---- derivative vs central differences ------------------------------------------------------

GRID = np.linspace(-6.0, 6.0, 48)  # an even count: 0 (the ReLU kink) is not on the grid


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = get_activation(name)
    z = GRID[None, :]
    h = 1e-6
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-7, atol=1e-8)


def test_softmax_diagonal_derivative_matches_central_differences():
    act = get_activation("softmax")
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 3)) * 2
    h = 1e-6
    numeric = np.empty_like(z)
    for k in range(z.shape[1]):
        e = np.zeros_like(z)
        e[:, k] = h
        numeric[:, k] = (act.forward(z + e)[:, k] - act.forward(z - e)[:, k]) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-7, atol=1e-9)


# ---- backprop --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backprop_is_g_times_derivative(name):
    act = get_activation(name)
    rng = np.random.default_rng(7)
    z = rng.normal(size=(5, 4)) * 3
    g0 = rng.normal(size=(5, 4))
    g = g0.copy()
    act.backprop(g, z, act.forward(z), np.empty_like(z))
    np.testing.assert_allclose(g, g0 * act.derivative(z), rtol=1e-13, atol=1e-15)
    # the (units, batch) layout of the hot path gives the same numbers
    gt = g0.T.copy()
    act.backprop(gt, z.T.copy(), act.forward(z.T.copy(), axis=0), np.empty_like(gt), 0)
    np.testing.assert_allclose(gt.T, g, rtol=1e-13, atol=1e-15)


def softmax_jacobian(a_row: np.ndarray) -> np.ndarray:
    """J[k, j] = ∂a_k/∂z_j = a_k(δ_kj − a_j), written out element by element."""
    n = len(a_row)
    jac = np.empty((n, n))
    for k in range(n):
        for j in range(n):
            jac[k, j] = a_row[k] * ((1.0 if k == j else 0.0) - a_row[j])
    return jac


def test_softmax_jacobian_matches_central_differences():
    act = get_activation("softmax")
    z = np.array([[0.3, -1.2, 2.0, 0.7]])
    h = 1e-6
    numeric = np.empty((4, 4))
    for j in range(4):
        e = np.zeros_like(z)
        e[0, j] = h
        numeric[:, j] = (act.forward(z + e)[0] - act.forward(z - e)[0]) / (2 * h)
    np.testing.assert_allclose(softmax_jacobian(act.forward(z)[0]), numeric, atol=1e-9)


def test_softmax_backprop_is_jacobian_vector_product():
    act = get_activation("softmax")
    rng = np.random.default_rng(3)
    z = rng.normal(size=(6, 4)) * 2
    a = act.forward(z)
    g0 = rng.normal(size=(6, 4))
    expected = np.stack([softmax_jacobian(a[i]).T @ g0[i] for i in range(6)])
    g = g0.copy()
    act.backprop(g, z, a, np.empty_like(z))
    np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-15)
    # a JVP is not the element-wise product with the diagonal
    assert not np.allclose(g, g0 * act.derivative(z))
    # axis 0 (units, batch)
    gt = g0.T.copy()
    act.backprop(gt, z.T.copy(), a.T.copy(), np.empty_like(gt), 0)
    np.testing.assert_allclose(gt.T, expected, rtol=1e-12, atol=1e-15)


# ---- numerical stability -----------------------------------------------------------------------

EXTREMES = np.array([[1000.0, -1000.0, 1e6, -1e6, 0.0]])


@pytest.mark.parametrize("name", ALL)
def test_extreme_inputs_finite_without_warnings(name):
    act = get_activation(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.forward(EXTREMES)
        d = act.derivative(EXTREMES)
        g = np.ones_like(EXTREMES)
        act.backprop(g, EXTREMES, a, np.empty_like(EXTREMES))
    assert np.isfinite(a).all()
    assert np.isfinite(d).all()
    assert np.isfinite(g).all()


def test_extreme_values():
    z = EXTREMES
    np.testing.assert_array_equal(f("sigmoid", z), [[1.0, 0.0, 1.0, 0.0, 0.5]])
    np.testing.assert_array_equal(df("sigmoid", z), [[0.0, 0.0, 0.0, 0.0, 0.25]])
    np.testing.assert_array_equal(f("tanh", z), [[1.0, -1.0, 1.0, -1.0, 0.0]])
    np.testing.assert_array_equal(f("relu", z), [[1000.0, 0.0, 1e6, 0.0, 0.0]])
    np.testing.assert_allclose(f("leaky_relu", z), [[1000.0, -10.0, 1e6, -1e4, 0.0]], rtol=1e-15)
    np.testing.assert_array_equal(f("elu", z), [[1000.0, -1.0, 1e6, -1.0, 0.0]])
    np.testing.assert_array_equal(df("elu", z), [[1.0, 0.0, 1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(f("softplus", z)[0, [0, 2]], [1000.0, 1e6])
    assert f("softplus", z)[0, 1] == pytest.approx(0.0, abs=1e-300)
    np.testing.assert_array_equal(f("silu", z)[0, [0, 2]], [1000.0, 1e6])
    np.testing.assert_array_equal(df("silu", z)[0, [0, 1, 2, 3]], [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(f("gelu", z)[0, [0, 2]], [1000.0, 1e6])
    np.testing.assert_array_equal(df("gelu", z)[0, [0, 1, 2, 3]], [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(f("softmax", [[1000.0, -1000.0]]), [[1.0, 0.0]])
    np.testing.assert_array_equal(f("softmax", [[-1000.0, 1000.0]]), [[0.0, 1.0]])
    np.testing.assert_allclose(f("softmax", [[1e6, 1e6]]), [[0.5, 0.5]], rtol=1e-15)
    np.testing.assert_allclose(f("softmax", [[-1e6, -1e6, -1e6, -1e6]]), [[0.25] * 4], rtol=1e-15)


# ---- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["Sigmoid", "swish", "", None, 3])
def test_unknown_name_raises(bad):
    with pytest.raises(NnvizError, match="unknown activation"):
        get_activation(bad)


def test_unknown_name_message_lists_choices():
    with pytest.raises(NnvizError) as info:
        get_activation("sigmod")
    assert "'sigmod'" in str(info.value)
    assert "sigmoid" in str(info.value) and "softmax" in str(info.value)
