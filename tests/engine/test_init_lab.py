"""The initialization lab: symmetric initializations stay symmetric, random ones do not,
and the classic depth effects of Xavier/He on tanh/ReLU show in the step-0 statistics."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.datasets import make_dataset
from nnviz.engine.init_lab import (
    build_network, identical_neurons, init_statistics, symmetric_rows, train_and_track_symmetry,
)
from nnviz.engine.network import Network

DATA = make_dataset("circles", samples=500, noise=0.1, seed=0)
X, Y = DATA.x_train, DATA.targets("train", 1)
DEEP = [2, 32, 32, 32, 32, 32, 32, 1]  # the panel's default: 6 hidden layers of 32
SEEDS = range(8)


def hidden_std(activation, init, seed, scale=None):
    return init_statistics(DEEP, activation, init, X, Y, seed=seed, scale=scale).activation_std()[:-1]


def geometric_mean_ratio(activation, init, scale=None):
    """std(a) of the deepest hidden layer over the first, geometric mean over seeds."""
    ratios = [s[-1] / s[0] for s in (hidden_std(activation, init, seed, scale) for seed in SEEDS)]
    return float(np.exp(np.mean(np.log(ratios))))


# ---- symmetry -----------------------------------------------------------------------------------


def test_symmetric_rows_is_the_largest_difference_between_neurons():
    net = Network([3, 2, 1], ["tanh", "sigmoid"], "bce")
    net.set_layer(0, [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [0.5, 0.5])
    assert symmetric_rows(net, 0) == 0.0
    assert identical_neurons(net, 0)
    net.weights[0][1, 2] = 3.25
    assert symmetric_rows(net, 0) == 0.25
    net.weights[0][1, 2] = 3.0
    net.biases[0][1] = -0.5  # the bias is an incoming weight too
    assert symmetric_rows(net, 0) == 1.0
    assert not identical_neurons(net, 0)
    assert symmetric_rows(net, 1) == 0.0  # one neuron: trivially symmetric


def test_identical_neurons_ignores_rounding_noise_only():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.set_layer(0, np.full((3, 2), 0.5), 0.0)
    net.weights[0][2, 1] += 1e-15
    assert symmetric_rows(net, 0) > 0
    assert identical_neurons(net, 0)
    net.weights[0][2, 1] += 1e-6
    assert not identical_neurons(net, 0)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_symmetric_init_stays_exactly_symmetric_while_training(init, activation):
    track = train_and_track_symmetry(DEEP, activation, init, X, Y, epochs=20, seed=0)
    before = build_network(DEEP, activation, init, seed=0)
    hidden = range(len(DEEP) - 2)
    assert all(symmetric_rows(before, l) == 0.0 for l in hidden)
    assert (track.symmetry[:, :-1] == 0.0).all()  # every epoch, every hidden layer, exactly
    assert all(symmetric_rows(track.network, l) == 0.0 for l in hidden)
    assert track.identical.all()
    # it did train: the parameters and the loss moved
    assert not np.array_equal(track.network.params, before.params)
    assert track.loss[-1] != track.loss[0]
    assert track.epochs.tolist() == list(range(21))


@pytest.mark.parametrize("init", ["uniform", "normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"])
def test_random_init_breaks_the_symmetry(init):
    stats = init_statistics(DEEP, "tanh", init, X, Y, seed=1)
    assert min(stats.symmetry[:-1]) > 0.01
    assert not any(stats.identical[:-1])
    track = train_and_track_symmetry(DEEP, "tanh", init, X, Y, epochs=2, seed=1)
    assert (track.symmetry[:, :-1] > 0.01).all()
    assert not track.identical[:, :-1].any()


# ---- statistics ---------------------------------------------------------------------------------


def test_statistics_are_the_networks_step_zero_pass():
    stats = init_statistics(DEEP, "relu", "he_normal", X, Y, seed=3)
    net = build_network(DEEP, "relu", "he_normal", seed=3)
    loss, grads = net.loss_and_grads(X, Y)
    assert stats.loss == pytest.approx(loss, rel=1e-12)
    hidden = net.hidden_outputs(X)
    assert stats.n_layers == len(DEEP) - 1
    for l in range(net.n_layers):
        assert stats.activations[l].shape == (len(X), DEEP[l + 1])
        np.testing.assert_array_equal(stats.activations[l], hidden[l])
        block = grads[net.offsets[l]:net.offsets[l + 1]].reshape(DEEP[l] + 1, DEEP[l + 1])
        np.testing.assert_allclose(stats.gradients[l], block[:-1].T, rtol=1e-12, atol=1e-300)
    assert stats.activation_std().shape == (len(DEEP) - 1,)
    assert stats.saturated_fraction().shape == (len(DEEP) - 2,)


def test_multiclass_output_uses_softmax_and_cross_entropy():
    blobs = make_dataset("blobs", samples=120, seed=0)
    stats = init_statistics([2, 8, 8, 3], "tanh", "xavier", blobs.x_train, blobs.targets("train", 3),
                            output="softmax", loss="ce")
    np.testing.assert_allclose(stats.activations[-1].sum(axis=1), 1.0)
    assert stats.loss > 0


def test_xavier_keeps_the_tanh_signal_where_a_large_normal_saturates_and_a_tiny_one_vanishes():
    xavier = np.mean([init_statistics(DEEP, "tanh", "xavier", X, Y, seed=s).saturated_fraction().mean()
                      for s in SEEDS])
    large = np.mean([init_statistics(DEEP, "tanh", "normal", X, Y, seed=s, scale=1.0).saturated_fraction().mean()
                     for s in SEEDS])
    assert xavier < 0.05 < 0.4 < large  # large weights: most units sit where tanh' < 0.05
    # Xavier: the deepest layer keeps a fair part of the first layer's spread ...
    assert geometric_mean_ratio("tanh", "xavier") > 0.25
    # ... while too small weights shrink it by orders of magnitude
    assert geometric_mean_ratio("tanh", "normal", scale=0.01) < 1e-3


def test_he_keeps_the_relu_spread_where_xavier_lets_it_decay():
    he = geometric_mean_ratio("relu", "he_normal")
    xavier = geometric_mean_ratio("relu", "xavier_uniform")
    assert xavier < 0.3  # ReLU halves the second moment per layer; Xavier does not make up for it
    assert 0.5 < he < 2.0  # He's factor 2 does
    assert he > 3 * xavier
