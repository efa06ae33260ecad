"""Loss curves are the engine's losses, and a network's samples lie exactly on them."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.datasets import make_dataset
from nnviz.engine.loss_curves import CURVE_LOSSES, default_grid, loss_curves, per_sample_losses
from nnviz.engine.losses import get_loss
from nnviz.engine.network import Network

P = np.array([1e-6, 0.01, 0.2, 0.5, 0.73, 0.99, 1 - 1e-6])


def test_curves_hold_the_engines_values_and_gradients():
    curves = loss_curves(P)
    assert {name: sorted(c) for name, c in curves.items()} == {n: sorted(t) for n, t in CURVE_LOSSES.items()}
    for name, by_target in curves.items():
        loss = get_loss(name)
        for t, curve in by_target.items():
            assert (curve.loss, curve.target) == (name, t)
            np.testing.assert_array_equal(curve.p, P)
            for i, p in enumerate(P):
                y, y_hat = np.array([[float(t)]]), np.array([[p]])
                assert curve.value[i] == loss.value(y, y_hat)[0]
                assert curve.derivative[i] == loss.grad(y, y_hat)[0, 0]


def test_known_values():
    c = loss_curves(np.array([0.25, 0.5]))
    np.testing.assert_allclose(c["mse"][1].value, [0.5 * 0.75 ** 2, 0.125])
    np.testing.assert_allclose(c["mse"][0].derivative, [0.25, 0.5])
    np.testing.assert_allclose(c["bce"][1].value, -np.log([0.25, 0.5]))
    np.testing.assert_allclose(c["bce"][0].value, -np.log([0.75, 0.5]))
    np.testing.assert_allclose(c["ce"][1].value, -np.log([0.25, 0.5]))
    np.testing.assert_allclose(c["ce"][1].derivative, [-4.0, -2.0])
    # for the true class, binary and categorical cross-entropy are the same curve
    grid = default_grid()
    np.testing.assert_allclose(loss_curves(grid)["ce"][1].value, loss_curves(grid)["bce"][1].value, rtol=1e-12)
    assert grid.min() > 0 and grid.max() < 1


@pytest.mark.parametrize("name", ["mse", "bce", "ce"])
def test_derivatives_match_finite_differences(name):
    p = np.linspace(0.02, 0.98, 49)
    h = 1e-6
    curves = loss_curves(p)[name]
    up, down = loss_curves(p + h)[name], loss_curves(p - h)[name]
    for t, curve in curves.items():
        numeric = (up[t].value - down[t].value) / (2 * h)
        np.testing.assert_allclose(curve.derivative, numeric, rtol=1e-6, atol=1e-7)


def trained(layers, acts, loss, data, epochs=30):
    from nnviz.engine.trainer import TrainConfig, Trainer

    net = Network(layers, acts, loss)
    net.initialize("xavier", np.random.default_rng(0))
    Trainer(net, data, TrainConfig(learning_rate=0.1, batch_size=10)).train_epochs(epochs)
    return net


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_binary_samples_lie_on_the_curve_of_the_networks_loss(loss):
    data = make_dataset("circles", samples=200, noise=0.2, seed=1)
    net = trained([2, 6, 1], ["tanh", "sigmoid"], loss, data)
    y_hat, targets, losses = per_sample_losses(net, data)
    n = data.n_train
    assert y_hat.shape == targets.shape == losses.shape == (n,)
    np.testing.assert_array_equal(y_hat, net.predict(data.x_train)[:, 0])
    np.testing.assert_array_equal(targets, data.y_train)
    for t in (0, 1):
        mask = targets == t
        assert mask.any()
        on_curve = loss_curves(y_hat[mask])[loss][t].value
        np.testing.assert_array_equal(losses[mask], on_curve)  # exactly on the curve
    # and they are the samples' share of the network's mean loss
    assert losses.mean() == pytest.approx(net.loss_value(data.x_train, data.y_train[:, None]), rel=1e-9)
    y_test, _, _ = per_sample_losses(net, data, "test")
    assert y_test.shape == (data.n_test,)


def test_multiclass_samples_sit_on_the_cross_entropy_curve_of_the_true_class():
    data = make_dataset("blobs", samples=150, noise=0.2, seed=2)
    net = trained([2, 6, 3], ["tanh", "softmax"], "ce", data, epochs=5)
    y_hat, targets, losses = per_sample_losses(net, data)
    probs = net.predict(data.x_train)
    labels = data.y_train.astype(int)
    np.testing.assert_array_equal(y_hat, probs[np.arange(len(labels)), labels])
    assert (targets == 1).all()
    np.testing.assert_array_equal(losses, loss_curves(y_hat)["ce"][1].value)
    assert losses.mean() == pytest.approx(net.loss_value(data.x_train, data.targets("train", 3)), rel=1e-9)
