"""Numerics against float64 references: the sigmoid family far into its tails, and
softmax + cross-entropy with targets that do not sum to 1."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.engine.activations import get_activation
from nnviz.engine.network import Network

TAIL = [-745.0 + 45.0, -300.0, -50.0, -37.5, -25.0, -20.0, -5.0, -0.5]


def exact_sigmoid(z: float) -> float:
    """1/(1 + e^(−z)) for z ≥ 0, e^z/(1 + e^z) for z < 0: each a few ulp in float64."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def values(name: str, z, what: str = "forward") -> np.ndarray:
    act = get_activation(name)
    return getattr(act, what)(np.array([z], dtype=np.float64))[0]


@pytest.mark.parametrize("z", TAIL + [0.0, 0.5, 5.0, 20.0, 50.0])
def test_sigmoid_to_1e15_relative(z):
    assert values("sigmoid", [z])[0] == pytest.approx(exact_sigmoid(z), rel=1e-15, abs=0)


def test_sigmoid_far_tail_is_e_to_the_z():
    # σ(z) = e^z·(1 − e^z + …): below z = −40 it equals e^z to double precision
    for z in (-50.0, -100.0, -700.0):
        assert values("sigmoid", [z])[0] == pytest.approx(math.exp(z), rel=1e-15)
    assert values("sigmoid", [-1000.0])[0] == 0.0  # e^(−1000) underflows to 0, without a warning


@pytest.mark.parametrize("z", TAIL)
def test_softplus_derivative_and_silu_in_the_tail(z):
    s = exact_sigmoid(z)
    assert values("softplus", [z], "derivative")[0] == pytest.approx(s, rel=1e-15)
    assert values("silu", [z])[0] == pytest.approx(z * s, rel=1e-15)
    assert values("silu", [z], "derivative")[0] == pytest.approx(s * (1.0 + z * (1.0 - s)), rel=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "silu"])
@pytest.mark.parametrize("z", [-60.0, -40.0, -25.0, -10.0])
def test_tail_derivatives_match_relative_central_differences(name, z):
    act = get_activation(name)
    h = 1e-5  # f ∝ e^z here: the difference quotient is off by h²/6 relative, far below the tolerance
    numeric = (act.forward(np.array([[z + h]])) - act.forward(np.array([[z - h]])))[0, 0] / (2 * h)
    assert act.derivative(np.array([[z]]))[0, 0] == pytest.approx(numeric, rel=1e-7)


def test_softplus_backprop_uses_the_precise_sigmoid():
    z = np.array([[-50.0, -30.0]])
    g = np.ones_like(z)
    get_activation("softplus").backprop(g, z, get_activation("softplus").forward(z), np.empty_like(z))
    np.testing.assert_allclose(g, [[math.exp(-50.0), exact_sigmoid(-30.0)]], rtol=1e-15)


# ---- softmax + cross-entropy with general targets ------------------------------------------------

def softmax_network() -> Network:
    net = Network([2, 3, 3], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(4))
    return net


def central_difference_gradient(net: Network, x, y, h: float = 1e-6) -> np.ndarray:
    grad = np.empty(net.size)
    for i in range(net.size):
        saved = net.params[i]
        net.params[i] = saved + h
        up = net.loss_value(x, y)
        net.params[i] = saved - h
        down = net.loss_value(x, y)
        net.params[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("y", [
    [[0.3, 0.3, 0.0]],  # sums to 0.6
    [[2.0, 0.5, 0.0], [0.0, 0.0, 0.0], [0.2, 0.3, 0.5]],  # 2.5, 0 (no target at all) and 1
    [[1.0, 0.0, 0.0]],  # one-hot, as before
])
def test_softmax_ce_gradient_for_targets_of_any_sum(y):
    net = softmax_network()
    x = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]])[:len(y)]
    loss, grads = net.loss_and_grads(x, y)
    assert loss == pytest.approx(net.loss_value(x, y), rel=1e-15)
    np.testing.assert_allclose(grads, central_difference_gradient(net, x, y), rtol=1e-6, atol=1e-9)
    # the output δ is ŷ·Σy − y (per sample, averaged over the batch)
    trace = net.trace(x, y)
    y = np.asarray(y)
    expected = (trace.prediction * y.sum(axis=1, keepdims=True) - y) / len(y)
    np.testing.assert_allclose(trace.layers[-1].delta, expected, rtol=1e-13, atol=1e-16)


def test_nnviz_trace_check_passes_for_a_target_that_does_not_sum_to_1(tmp_path, capsys):
    net = softmax_network()
    model = {"format": "nnviz-model", "version": 1, "layers": [2, 3, 3], "activations": ["tanh", "softmax"],
             "loss": "ce", "weights": [w.tolist() for w in net.weights], "biases": [b.tolist() for b in net.biases]}
    path = tmp_path / "softmax.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    code = main(["trace", str(path), "--input", "0.5,-1", "--target", "0.3,0.3,0", "--check", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["gradient_check"]["passed"] is True
    assert data["gradient_check"]["max_relative_error"] < 1e-6
    prediction = np.array(data["prediction"])
    np.testing.assert_allclose(data["layers"][1]["delta"], 0.6 * prediction - [0.3, 0.3, 0.0], atol=1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "silu", "softplus"])
def test_scalars_go_through_the_stable_sigmoid(name):
    """A Python float and a 0-d array give the same number as a 1-element array."""
    act = get_activation(name)
    for z in (0.3, -41.0, np.float64(2.5)):
        row = np.array([float(z)])
        assert float(act.forward(z)) == act.forward(row)[0]
        assert float(act.forward(np.array(z))) == act.forward(row)[0]
        assert float(act.derivative(z)) == act.derivative(row)[0]
