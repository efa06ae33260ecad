"""Losses: hand values, gradients vs finite differences, the fused output delta, pairing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.engine.activations import get_activation
from nnviz.engine.errors import NnvizError
from nnviz.engine.losses import (
    LOSSES, batch_loss, check_pairing, get_loss, output_delta,
)
from nnviz.engine.network import Network

MSE, BCE, CE = get_loss("mse"), get_loss("bce"), get_loss("ce")
SIGMOID, SOFTMAX = get_activation("sigmoid"), get_activation("softmax")


def arr(x) -> np.ndarray:
    return np.array(x, dtype=np.float64)


# ---- values and gradients against hand numbers ----------------------------------------------

def test_registry():
    assert set(LOSSES) == {"mse", "bce", "ce"}


def test_mse_hand_values():
    y, y_hat = arr([[1.0, 0.0], [0.5, 2.0]]), arr([[0.8, 0.3], [0.5, -1.0]])
    # ½(0.2² + 0.3²) = 0.065;  ½(0² + 3²) = 4.5
    np.testing.assert_allclose(MSE.value(y, y_hat), [0.065, 4.5], rtol=1e-14)
    np.testing.assert_allclose(MSE.grad(y, y_hat), [[-0.2, 0.3], [0.0, -3.0]], rtol=1e-14, atol=1e-16)


def test_bce_hand_values():
    y, y_hat = arr([[1.0], [0.0], [1.0]]), arr([[0.8], [0.3], [0.5]])
    expected = [-math.log(0.8), -math.log(0.7), math.log(2.0)]
    np.testing.assert_allclose(BCE.value(y, y_hat), expected, rtol=1e-14)
    assert BCE.value(y, y_hat)[0] == pytest.approx(0.22314355131420976, rel=1e-14)
    # (ŷ − y)/(ŷ(1 − ŷ)): −0.2/0.16 = −1.25;  0.3/0.21 = 10/7;  −0.5/0.25 = −2
    np.testing.assert_allclose(BCE.grad(y, y_hat), [[-1.25], [10.0 / 7.0], [-2.0]], rtol=1e-14)
    # two outputs are summed per sample
    two = BCE.value(arr([[1.0, 0.0]]), arr([[0.8, 0.3]]))
    assert two[0] == pytest.approx(-math.log(0.8) - math.log(0.7), rel=1e-14)


def test_ce_hand_values():
    y = arr([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    y_hat = arr([[0.2, 0.7, 0.1], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(CE.value(y, y_hat), [-math.log(0.7), math.log(4.0)], rtol=1e-14)
    np.testing.assert_allclose(CE.grad(y, y_hat), [[0.0, -1.0 / 0.7, 0.0], [-4.0, 0.0, 0.0]], rtol=1e-14)


def test_batch_loss_is_mean_of_per_sample():
    y, y_hat = arr([[1.0, 0.0], [0.5, 2.0]]), arr([[0.8, 0.3], [0.5, -1.0]])
    linear = get_activation("linear")
    assert batch_loss(MSE, linear, y, y_hat, y_hat) == pytest.approx((0.065 + 4.5) / 2, rel=1e-14)
    assert math.isnan(batch_loss(MSE, linear, y[:0], y_hat[:0], y_hat[:0]))


def test_batch_loss_fused_equals_plain_formula():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 1)) * 2
    y = (rng.random((6, 1)) > 0.5).astype(float)
    a = SIGMOID.forward(z)
    assert batch_loss(BCE, SIGMOID, y, z, a) == pytest.approx(BCE.value(y, a).mean(), rel=1e-12)
    z3 = rng.normal(size=(6, 3)) * 2
    y3 = np.eye(3)[rng.integers(0, 3, 6)]
    a3 = SOFTMAX.forward(z3)
    assert batch_loss(CE, SOFTMAX, y3, z3, a3) == pytest.approx(CE.value(y3, a3).mean(), rel=1e-12)


# ---- gradients vs finite differences ---------------------------------------------------------

def numeric_grad(loss, y, y_hat, h=1e-6):
    out = np.empty_like(y_hat)
    for idx in np.ndindex(y_hat.shape):
        plus, minus = y_hat.copy(), y_hat.copy()
        plus[idx] += h
        minus[idx] -= h
        i = idx[0]
        out[idx] = (loss.value(y, plus)[i] - loss.value(y, minus)[i]) / (2 * h)
    return out


@pytest.mark.parametrize("name", ["mse", "bce", "ce"])
def test_grad_matches_finite_differences(name):
    loss = get_loss(name)
    rng = np.random.default_rng(4)
    if name == "mse":
        y, y_hat = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    elif name == "bce":
        y, y_hat = rng.random((4, 3)), rng.uniform(0.05, 0.95, (4, 3))
    else:
        y = np.eye(3)[[0, 2, 1, 2]]
        y_hat = SOFTMAX.forward(rng.normal(size=(4, 3)))
    np.testing.assert_allclose(loss.grad(y, y_hat), numeric_grad(loss, y, y_hat), rtol=1e-7, atol=1e-8)


# ---- the fused output delta ---------------------------------------------------------------------

def delta(loss, act, y, z):
    a = act.forward(z)
    out, tmp = np.empty_like(z), np.empty_like(z)
    ret = output_delta(loss, act, y, z, a, out, tmp)
    assert ret is out
    return out


def test_fused_sigmoid_bce_is_yhat_minus_y_and_equals_chain_rule():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(5, 2)) * 3
    y = (rng.random((5, 2)) > 0.5).astype(float)
    a = SIGMOID.forward(z)
    d = delta(BCE, SIGMOID, y, z)
    np.testing.assert_array_equal(d, a - y)
    unfused = BCE.grad(y, a) * SIGMOID.derivative(z)  # ∂L/∂ŷ · σ'(z)
    np.testing.assert_allclose(d, unfused, rtol=1e-9, atol=1e-12)


def test_fused_softmax_ce_is_yhat_minus_y_and_equals_jacobian_product():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(5, 4)) * 2
    y = np.eye(4)[[0, 3, 1, 1, 2]]
    a = SOFTMAX.forward(z)
    d = delta(CE, SOFTMAX, y, z)
    np.testing.assert_array_equal(d, a - y)
    g = CE.grad(y, a)  # −y/ŷ
    unfused = np.stack([(np.diag(a[i]) - np.outer(a[i], a[i])).T @ g[i] for i in range(5)])
    np.testing.assert_allclose(d, unfused, rtol=1e-9, atol=1e-12)


def test_fused_delta_in_units_by_batch_layout():
    z = arr([[2.0, -1.0, 0.5], [0.0, 1.0, -3.0]])  # (k=2, B=3)
    y = arr([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    a = SOFTMAX.forward(z, axis=0)
    out = np.empty_like(z)
    output_delta(CE, SOFTMAX, y, z, a, out, np.empty_like(z), 0)
    np.testing.assert_array_equal(out, a - y)


def test_unfused_mse_delta():
    z = arr([[0.0, 2.0]])
    y = arr([[1.0, 0.0]])
    # sigmoid: (σ(z) − y)·σ'(z): (0.5 − 1)·0.25 = −0.125 at z = 0
    d = delta(MSE, SIGMOID, y, z)
    s2 = 1 / (1 + math.exp(-2.0))
    np.testing.assert_allclose(d, [[-0.125, s2 * s2 * (1 - s2)]], rtol=1e-13)
    # tanh: (tanh z − y)(1 − tanh² z)
    t2 = math.tanh(2.0)
    np.testing.assert_allclose(delta(MSE, get_activation("tanh"), y, z),
                               [[-1.0, t2 * (1 - t2 * t2)]], rtol=1e-13)
    # linear: ŷ − y
    np.testing.assert_array_equal(delta(MSE, get_activation("linear"), y, z), [[-1.0, 2.0]])
    # softmax with MSE: the Jacobian applied to ŷ − y
    a = SOFTMAX.forward(z)[0]
    jac = np.diag(a) - np.outer(a, a)
    np.testing.assert_allclose(delta(MSE, SOFTMAX, y, z)[0], jac.T @ (a - y[0]), rtol=1e-13)


def test_unfused_delta_matches_finite_differences_of_loss_in_z():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(3, 3))
    y = rng.normal(size=(3, 3))
    for act in (get_activation("tanh"), SOFTMAX, get_activation("gelu")):
        d = delta(MSE, act, y, z)
        h = 1e-6
        num = np.empty_like(z)
        for idx in np.ndindex(z.shape):
            zp, zm = z.copy(), z.copy()
            zp[idx] += h
            zm[idx] -= h
            i = idx[0]
            num[idx] = (MSE.value(y, act.forward(zp))[i] - MSE.value(y, act.forward(zm))[i]) / (2 * h)
        np.testing.assert_allclose(d, num, rtol=1e-6, atol=1e-9)


# ---- saturated outputs -------------------------------------------------------------------------------

def test_bce_and_ce_at_exact_zero_and_one_are_finite():
    with np.errstate(all="raise", under="ignore"):
        v = BCE.value(arr([[1.0], [0.0], [1.0], [0.0]]), arr([[0.0], [1.0], [1.0], [0.0]]))
        g = BCE.grad(arr([[1.0], [0.0], [1.0], [0.0]]), arr([[0.0], [1.0], [1.0], [0.0]]))
        vc = CE.value(arr([[1.0, 0.0], [0.0, 1.0]]), arr([[0.0, 1.0], [0.0, 1.0]]))
        gc = CE.grad(arr([[1.0, 0.0], [0.0, 1.0]]), arr([[0.0, 1.0], [0.0, 1.0]]))
    assert np.isfinite(v).all() and np.isfinite(g).all()
    assert np.isfinite(vc).all() and np.isfinite(gc).all()
    # a confident wrong answer costs −ln ε ≈ 27.6, a confident right one about 0
    assert v[0] == pytest.approx(-math.log(1e-12), rel=1e-6)
    assert v[1] == pytest.approx(-math.log(1e-12), rel=1e-6)
    assert v[2] == pytest.approx(0.0, abs=1e-11)
    assert v[3] == pytest.approx(0.0, abs=1e-11)
    assert vc[0] == pytest.approx(-math.log(1e-12), rel=1e-6)
    assert vc[1] == pytest.approx(0.0, abs=1e-15)


def test_fused_batch_loss_and_delta_at_saturation():
    with np.errstate(all="raise", under="ignore"):
        z = arr([[1000.0], [-1000.0], [40.0]])
        y = arr([[0.0], [1.0], [1.0]])
        a = SIGMOID.forward(z)
        # softplus(z) − y·z: 1000, 1000, ≈ e^-40
        assert batch_loss(BCE, SIGMOID, y, z, a) == pytest.approx(2000.0 / 3.0, rel=1e-12)
        np.testing.assert_array_equal(delta(BCE, SIGMOID, y, z), [[1.0], [-1.0], [0.0]])
        z2 = arr([[1000.0, -1000.0]])
        y2 = arr([[0.0, 1.0]])
        assert batch_loss(CE, SOFTMAX, y2, z2, SOFTMAX.forward(z2)) == pytest.approx(2000.0, rel=1e-12)
        np.testing.assert_array_equal(delta(CE, SOFTMAX, y2, z2), [[1.0, -1.0]])


# ---- pairing and names -----------------------------------------------------------------------------

@pytest.mark.parametrize("loss, act", [
    ("bce", "tanh"), ("bce", "linear"), ("bce", "softmax"), ("bce", "relu"),
    ("ce", "sigmoid"), ("ce", "linear"), ("ce", "tanh"),
])
def test_bad_pairing_raises(loss, act):
    with pytest.raises(NnvizError, match=f"loss '{loss}' needs a"):
        check_pairing(get_loss(loss), get_activation(act))
    with pytest.raises(NnvizError, match=act):
        Network([2, 3], [act], loss)


@pytest.mark.parametrize("loss, act", [
    ("bce", "sigmoid"), ("ce", "softmax"), ("mse", "linear"), ("mse", "tanh"), ("mse", "softmax"),
    ("mse", "sigmoid"), ("mse", "relu"),
])
def test_good_pairing_accepted(loss, act):
    check_pairing(get_loss(loss), get_activation(act))
    assert Network([2, 3], [act], loss).loss_name == loss


@pytest.mark.parametrize("bad", ["MSE", "cross_entropy", "", None])
def test_unknown_loss_raises(bad):
    with pytest.raises(NnvizError, match="unknown loss"):
        get_loss(bad)
