"""Optimizers against their textbook updates, regularization, schedules, names."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.optimizers import (
    OPTIMIZERS, SCHEDULES, add_regularization, make_optimizer, regularization_penalty, scheduled_lr,
)

THETA0 = np.array([0.5, -1.0, 2.0, 0.0])
GRADS = [
    np.array([0.1, -0.2, 0.3, 0.0]),
    np.array([-0.4, 0.05, 0.3, 1.0]),
    np.array([0.2, 0.2, -0.6, -2.0]),
]
LR = 0.1
EPS = 1e-8


def run(name: str, lr: float = LR) -> list[np.ndarray]:
    opt = make_optimizer(name, THETA0.size)
    theta = THETA0.copy()
    out = []
    for g in GRADS:
        g_copy = g.copy()
        opt.step(theta, g_copy, lr)
        np.testing.assert_array_equal(g_copy, g)  # the gradient is not modified
        out.append(theta.copy())
    assert opt.t == 3
    return out


# ---- textbook references, element by element in plain Python loops / numpy ----------------------

def ref_sgd():
    theta, out = THETA0.copy(), []
    for g in GRADS:
        theta = theta - LR * g
        out.append(theta)
    return out


def ref_momentum(mu=0.9):
    theta, v, out = THETA0.copy(), np.zeros(4), []
    for g in GRADS:
        v = mu * v - LR * g
        theta = theta + v
        out.append(theta)
    return out


def ref_nesterov(mu=0.9):
    """Look-ahead form: g is evaluated at θ + μv (here the gradients are given),
    φ = θ + μv is the stored parameter; v ← μv − ηg(φ); φ ← φ + μ·v_new − η·g."""
    phi, v, out = THETA0.copy(), np.zeros(4), []
    for g in GRADS:
        v_prev = v
        v = mu * v - LR * g
        phi = phi - mu * v_prev + (1 + mu) * v  # Bengio et al. 2013, eq. (7)
        out.append(phi)
    return out


def ref_adagrad():
    theta, G, out = THETA0.copy(), np.zeros(4), []
    for g in GRADS:
        G = G + g * g
        theta = theta - LR * g / (np.sqrt(G) + EPS)
        out.append(theta)
    return out


def ref_rmsprop(rho=0.9):
    theta, E, out = THETA0.copy(), np.zeros(4), []
    for g in GRADS:
        E = rho * E + (1 - rho) * g * g
        theta = theta - LR * g / (np.sqrt(E) + EPS)
        out.append(theta)
    return out


def ref_adam(b1=0.9, b2=0.999):
    theta, m, v, out = THETA0.copy(), np.zeros(4), np.zeros(4), []
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        theta = theta - LR * m_hat / (np.sqrt(v_hat) + EPS)
        out.append(theta)
    return out


REFERENCES = {
    "sgd": ref_sgd, "momentum": ref_momentum, "nesterov": ref_nesterov,
    "adagrad": ref_adagrad, "rmsprop": ref_rmsprop, "adam": ref_adam,
}


def test_all_optimizers_have_a_reference():
    assert set(OPTIMIZERS) == set(REFERENCES)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_three_steps_match_textbook(name):
    got = run(name)
    for step, (g, r) in enumerate(zip(got, REFERENCES[name]())):
        np.testing.assert_allclose(g, r, rtol=1e-13, atol=1e-15, err_msg=f"{name} step {step + 1}")


def test_sgd_hand_numbers():
    got = run("sgd")
    np.testing.assert_allclose(got[0], [0.49, -0.98, 1.97, 0.0], rtol=1e-15)
    np.testing.assert_allclose(got[2], [0.51, -1.005, 2.0, 0.1], rtol=1e-14)


def test_momentum_hand_numbers():
    # v1 = −0.1·g1 = (−0.01, 0.02, −0.03, 0);  θ1 = (0.49, −0.98, 1.97, 0)
    # v2 = 0.9·v1 − 0.1·g2 = (−0.009 + 0.04, 0.018 − 0.005, −0.027 − 0.03, −0.1) = (0.031, 0.013, −0.057, −0.1)
    got = run("momentum")
    np.testing.assert_allclose(got[0], [0.49, -0.98, 1.97, 0.0], rtol=1e-15)
    np.testing.assert_allclose(got[1], [0.521, -0.967, 1.913, -0.1], rtol=1e-14)


def test_nesterov_hand_numbers():
    # step 1: v1 = −η g1, θ1 = θ0 + μ v1 − η g1 = θ0 − 1.9·η g1 = (0.481, −0.962, 1.943, 0)
    got = run("nesterov")
    np.testing.assert_allclose(got[0], [0.481, -0.962, 1.943, 0.0], rtol=1e-14)


def test_adam_first_step_is_lr_times_sign():
    # t = 1: m̂ = g, v̂ = g², so the step is η·g/(|g| + ε) ≈ η·sign(g)
    got = run("adam")
    np.testing.assert_allclose(got[0], THETA0 - LR * np.sign(GRADS[0]), rtol=1e-7, atol=1e-12)


def test_adagrad_first_step_is_lr_times_sign():
    got = run("adagrad")
    np.testing.assert_allclose(got[0], THETA0 - LR * np.sign(GRADS[0]), rtol=1e-7, atol=1e-12)


def test_rmsprop_first_step():
    # E1 = 0.1·g², step = η g /(√0.1·|g|) = η·sign(g)/√0.1
    got = run("rmsprop")
    np.testing.assert_allclose(got[0], THETA0 - LR * np.sign(GRADS[0]) / math.sqrt(0.1), rtol=0, atol=2e-7)
    # with ε: 0.5 − 0.1·0.1/(√0.001 + 1e-8)
    assert got[0][0] == pytest.approx(0.5 - 0.01 / (math.sqrt(0.001) + 1e-8), rel=1e-15)


def test_optimizers_differ():
    finals = {name: run(name)[-1] for name in REFERENCES}
    names = list(finals)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not np.allclose(finals[a], finals[b]), (a, b)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_state_round_trip(name):
    a = make_optimizer(name, 4)
    theta_a = THETA0.copy()
    for g in GRADS[:2]:
        a.step(theta_a, g, LR)
    b = make_optimizer(name, 4)
    b.load_state(a.state())
    theta_b = theta_a.copy()
    a.step(theta_a, GRADS[2], LR)
    b.step(theta_b, GRADS[2], LR)
    np.testing.assert_array_equal(theta_a, theta_b)
    assert b.t == 3
    # state() returns copies
    s = a.state()
    for key, value in s.items():
        if key != "t":
            value[...] = 123.0
            assert not np.any(getattr(a, key) == 123.0)


# ---- regularization ------------------------------------------------------------------------------------

def test_regularization_gradient_weights_only():
    net = Network([2, 2, 1], ["tanh", "linear"], "mse")
    net.set_layer(0, [[0.5, -2.0], [0.0, 1.0]], [3.0, -4.0])
    net.set_layer(1, [[-0.25, 1.5]], [7.0])
    grads = np.zeros(net.size)
    add_regularization(grads, net.params, net.weight_mask, 0.0, 0.1, np.empty(net.size))
    g = Network([2, 2, 1], ["tanh", "linear"], "mse", grads)
    # L2: λ₂·w
    np.testing.assert_allclose(g.weights[0], [[0.05, -0.2], [0.0, 0.1]], rtol=1e-15)
    np.testing.assert_allclose(g.weights[1], [[-0.025, 0.15]], rtol=1e-15)
    assert (g.biases[0] == 0).all() and (g.biases[1] == 0).all()

    grads = np.full(net.size, 1.0)
    add_regularization(grads, net.params, net.weight_mask, 0.01, 0.0, np.empty(net.size))
    g = Network([2, 2, 1], ["tanh", "linear"], "mse", grads)
    # L1: λ₁·sign(w), sign(0) = 0, added to the existing gradient
    np.testing.assert_allclose(g.weights[0], [[1.01, 0.99], [1.0, 1.01]], rtol=1e-15)
    np.testing.assert_allclose(g.weights[1], [[0.99, 1.01]], rtol=1e-15)
    np.testing.assert_array_equal(g.biases[0], [1.0, 1.0])
    np.testing.assert_array_equal(g.biases[1], [1.0])

    grads = np.zeros(net.size)
    add_regularization(grads, net.params, net.weight_mask, 0.01, 0.1, np.empty(net.size))
    g = Network([2, 2, 1], ["tanh", "linear"], "mse", grads)
    np.testing.assert_allclose(g.weights[0], [[0.06, -0.21], [0.0, 0.11]], rtol=1e-14)


def test_no_regularization_leaves_grads_alone():
    grads = np.array([1.0, 2.0, 3.0])
    add_regularization(grads, np.array([5.0, 6.0, 7.0]), np.ones(3), 0.0, 0.0, np.empty(3))
    np.testing.assert_array_equal(grads, [1.0, 2.0, 3.0])


def test_regularization_penalty_and_its_gradient():
    net = Network([2, 2, 1], ["tanh", "linear"], "mse")
    net.set_layer(0, [[0.5, -2.0], [0.25, 1.0]], [3.0, -4.0])
    net.set_layer(1, [[-0.25, 1.5]], [7.0])
    l1, l2 = 0.01, 0.1
    w = [0.5, -2.0, 0.25, 1.0, -0.25, 1.5]
    expected = l1 * sum(abs(v) for v in w) + 0.5 * l2 * sum(v * v for v in w)
    assert regularization_penalty(net.params, net.weight_mask, l1, l2) == pytest.approx(expected, rel=1e-14)
    # its gradient by central differences (no weight is 0, so |w| is smooth here)
    h = 1e-6
    num = np.empty(net.size)
    for j in range(net.size):
        p, m = net.params.copy(), net.params.copy()
        p[j] += h
        m[j] -= h
        num[j] = (regularization_penalty(p, net.weight_mask, l1, l2)
                  - regularization_penalty(m, net.weight_mask, l1, l2)) / (2 * h)
    grads = np.zeros(net.size)
    add_regularization(grads, net.params, net.weight_mask, l1, l2, np.empty(net.size))
    np.testing.assert_allclose(grads, num, atol=1e-8)


# ---- schedules ------------------------------------------------------------------------------------------

def test_schedules():
    assert SCHEDULES == ("constant", "step", "exponential")
    for epoch in (0, 1, 99, 1000):
        assert scheduled_lr(0.3, "constant", epoch) == 0.3
    assert scheduled_lr(0.4, "step", 0, step_epochs=10, gamma=0.5) == 0.4
    assert scheduled_lr(0.4, "step", 9, step_epochs=10, gamma=0.5) == 0.4
    assert scheduled_lr(0.4, "step", 10, step_epochs=10, gamma=0.5) == 0.2
    assert scheduled_lr(0.4, "step", 29, step_epochs=10, gamma=0.5) == 0.1
    assert scheduled_lr(0.4, "step", 30, step_epochs=10, gamma=0.5) == 0.05
    assert scheduled_lr(1.0, "step", 250) == 0.25  # defaults: every 100 epochs, × 0.5
    assert scheduled_lr(0.4, "exponential", 0, step_epochs=10, gamma=0.5) == 0.4
    assert scheduled_lr(0.4, "exponential", 10, step_epochs=10, gamma=0.5) == pytest.approx(0.2, rel=1e-15)
    assert scheduled_lr(0.4, "exponential", 5, step_epochs=10, gamma=0.5) == pytest.approx(0.4 / math.sqrt(2), rel=1e-15)
    assert scheduled_lr(0.4, "exponential", 25, step_epochs=10, gamma=0.25) == pytest.approx(0.4 * 0.25 ** 2.5, rel=1e-14)


# ---- names ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["SGD", "adamw", "", None])
def test_unknown_optimizer(bad):
    with pytest.raises(NnvizError, match="unknown optimizer"):
        make_optimizer(bad, 3)


@pytest.mark.parametrize("bad", ["linear", "cosine", ""])
def test_unknown_schedule(bad):
    with pytest.raises(NnvizError, match="unknown learning-rate schedule"):
        scheduled_lr(0.1, bad, 0)
