"""Phase stepping with a mini-batch, as numbers (nnviz.app.stepping): the edges' ∂L/∂w is the
batch mean, the nodes show one chosen sample's own δ and loss, the update applies the batch
mean; and the 1-input frame (nnviz.app.frame). Hand-computed values; no Qt here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.frame import LINE_POINTS, compute_frame, data_row, line_extent
from nnviz.app.problem import Problem
from nnviz.app.stepping import PhaseView, Stepper, sample_losses
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer

# a 2-2-1 network, sigmoid hidden and output, mean squared error L = ½(ŷ − y)²
W1 = np.array([[0.5, -1.0], [2.0, 0.25]])
B1 = np.array([0.1, -0.2])
W2 = np.array([[1.5, -0.5]])
B2 = np.array([0.05])
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0], [3.0, 1.0]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def small_network() -> Network:
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], "mse")
    net.set_layer(0, W1, B1)
    net.set_layer(1, W2, B2)
    return net


def by_hand(i):
    """Sample i's forward pass and its own δ (∂Lᵢ/∂z) per layer, and its loss Lᵢ."""
    h = sigmoid(W1 @ X[i] + B1)
    out = sigmoid(W2 @ h + B2)
    d_out = (out - Y[i]) * out * (1 - out)
    d_h = (W2.T @ d_out) * h * (1 - h)
    return h, out, d_h, d_out, 0.5 * float((out - Y[i]) @ (out - Y[i]))


def test_a_phase_shows_each_samples_own_delta_and_loss():
    trace = small_network().trace(X, Y)
    view = PhaseView("backward", trace, 0, np.zeros(9), np.zeros(9), sample_losses(small_network(), trace))
    assert view.batch == 4
    losses = []
    for i in range(4):
        _, _, d_h, d_out, loss = by_hand(i)
        shown = view.with_sample(i)
        assert shown.shown == i and shown.trace is trace
        np.testing.assert_allclose(shown.sample_delta(0), d_h, rtol=1e-12)
        np.testing.assert_allclose(shown.sample_delta(1), d_out, rtol=1e-12)
        assert shown.sample_loss == pytest.approx(loss, rel=1e-12)
        assert shown.sample_target == Y[i, 0]
        losses.append(loss)
    assert trace.loss == pytest.approx(np.mean(losses), rel=1e-12)  # the batch loss is their mean
    assert view.with_sample(99).shown == 3 and view.with_sample(-5).shown == 0


def test_the_edges_gradient_is_the_mean_over_the_batch():
    trace = small_network().trace(X, Y)
    grad_w1 = np.mean([np.outer(by_hand(i)[2], X[i]) for i in range(4)], axis=0)
    grad_w2 = np.mean([np.outer(by_hand(i)[3], by_hand(i)[0]) for i in range(4)], axis=0)
    np.testing.assert_allclose(trace.layers[0].grad_w, grad_w1, rtol=1e-12)
    np.testing.assert_allclose(trace.layers[1].grad_w, grad_w2, rtol=1e-12)


def test_several_outputs_name_the_class_as_target():
    net = Network([2, 3], ["softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    y = np.eye(3)[[2, 0, 1, 2]]
    view = PhaseView("forward", net.trace(X, y), 2, net.params, net.params)
    assert view.sample_target == 1 and view.sample_loss is None


def stepper_on_a_batch(batch=10):
    problem = Problem(samples=100, train=TrainConfig(learning_rate=0.5, batch_size=batch))
    data = problem.make_dataset()
    net = problem.make_network(data)
    return Stepper(Trainer(net, data, problem.train, seed=0), "phase"), net


def test_choosing_a_sample_keeps_the_batch_through_the_phases():
    stepper, net = stepper_on_a_batch()
    x, y = stepper.trainer.peek_batch()
    start = net.params.copy()
    forward = stepper.step().phase
    assert forward.phase == "forward" and forward.sample == 0 and forward.batch == 10
    assert not stepper.select_sample(0)  # already shown: nothing changes
    assert stepper.select_sample(6)
    chosen = stepper.phase
    assert chosen.sample == 6 and chosen.trace is forward.trace
    np.testing.assert_array_equal(chosen.trace.x, x)
    backward = stepper.step().phase
    assert backward.phase == "backward" and backward.sample == 6 and backward.trace is forward.trace
    result = stepper.step()
    update = result.phase
    assert result.trained and update.phase == "update" and update.sample == 6
    np.testing.assert_array_equal(update.before, start)
    # plain SGD applies the batch mean: w ← w − η · (1/B) Σᵢ ∂Lᵢ/∂w
    per_sample = [Network(net.layers, net.activation_names, net.loss_name, start).loss_and_grads(x[i:i + 1], y[i:i + 1])[1]
                  for i in range(10)]
    np.testing.assert_allclose(update.after, start - 0.5 * np.mean(per_sample, axis=0), rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(net.params, update.after)
    assert stepper.step().phase.sample == 0  # the next batch starts again from its first sample


def test_no_sample_to_choose_without_a_phase():
    stepper, _ = stepper_on_a_batch()
    assert not stepper.select_sample(3) and stepper.phase is None


def one_input_problem():
    problem = Problem(dataset="gaussians", samples=60, features=("x1",), hidden=(3,))
    data = problem.make_dataset()
    return data, problem.make_network(data)


def test_a_one_input_network_gets_its_prediction_along_x():
    data, net = one_input_problem()
    extent = line_extent(data)
    x = np.concatenate([data.x_train[:, 0], data.x_test[:, 0]])
    pad = 0.05 * (x.max() - x.min())
    assert extent == pytest.approx((x.min() - pad, x.max() + pad, 0.0, 1.0))
    frame = compute_frame(net, data, None, extent)
    xs, y_hat = frame.line
    np.testing.assert_allclose(xs, np.linspace(extent[0], extent[1], LINE_POINTS))
    np.testing.assert_array_equal(y_hat, net.predict(xs[:, None]))
    assert frame.field is None


def test_a_batch_sample_is_found_among_the_training_rows():
    data, _ = one_input_problem()
    for row in (0, 7, len(data.x_train) - 1):
        assert data_row(data, data.x_train[row]) == np.flatnonzero(data.x_train[:, 0] == data.x_train[row, 0])[0]
    assert data_row(data, np.array([1e9])) is None


def test_phase_view_fields_keep_their_defaults_for_lessons():
    view = PhaseView("forward", small_network().trace(X[:1], Y[:1]), 0, np.zeros(9), np.zeros(9))
    assert view.losses is None and view.sample_loss is None and view.batch == 1
    assert replace(view, sample=3).shown == 0
