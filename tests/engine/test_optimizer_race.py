"""The optimizer race: a common start, the engine's updates on two weights, a surface that
agrees with the paths, contour lines, and the textbook behaviour on an ill-conditioned bowl."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.optimizer_race import (
    RACE_OPTIMIZERS, contour_levels, contour_segments, flat_index, lecture_setup, loss_surface,
    param_label, race,
)

LR = 0.015


@pytest.fixture(scope="module")
def bowl():
    """A linear neuron with MSE on inputs of scales 10 and 1: the loss over (w₁, w₂) is a
    quadratic bowl with curvatures ≈ 100 and ≈ 1 (condition number ≈ 100), minimum (1, −2)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2)) * [10.0, 1.0]
    y = (x @ [1.0, -2.0])[:, None]
    net = Network([2, 1], ["linear"], "mse")
    params = (flat_index(net, 0, 0, 0), flat_index(net, 0, 0, 1))
    return net, x, y, params


def small_network():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(4))
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    return net, x, y


def test_flat_index_and_labels_follow_the_layout():
    net, _, _ = small_network()
    for layer in range(net.n_layers):
        n_in, n_out = net.layers[layer], net.layers[layer + 1]
        for to in range(n_out):
            for frm in range(n_in + 1):
                probe = np.zeros(net.size)
                probe[flat_index(net, layer, to, frm)] = 1.0
                net2 = Network(net.layers, net.activation_names, net.loss_name, probe)
                got = net2.biases[layer][to] if frm == n_in else net2.weights[layer][to, frm]
                assert got == 1.0
    assert param_label(net, flat_index(net, 1, 0, 2)) == "w2[1←3]"
    assert param_label(net, flat_index(net, 0, 2, 2)) == "b1[3]"
    with pytest.raises(NnvizError):
        flat_index(net, 0, 3, 0)
    with pytest.raises(NnvizError):
        race(net, *small_network()[1:], params=(1, 1))


def test_paths_start_together_and_leave_the_network_alone():
    net, x, y = small_network()
    before = net.params.copy()
    params = (flat_index(net, 0, 0, 0), flat_index(net, 1, 0, 1))
    paths = race(net, x, y, params, lr=0.3, steps=25)
    assert list(paths) == list(RACE_OPTIMIZERS)
    for path in paths.values():
        assert path.points.shape == (26, 2) and path.losses.shape == (26,)
        np.testing.assert_array_equal(path.points[0], before[list(params)])
        assert not path.points.flags.writeable
    np.testing.assert_array_equal(net.params, before)
    start = (0.7, -1.2)
    for path in race(net, x, y, params, lr=0.3, steps=5, start=start).values():
        np.testing.assert_array_equal(path.points[0], start)
    # the paths part ways after the first step
    ends = np.array([p.points[-1] for p in paths.values()])
    assert min(np.linalg.norm(a - b) for i, a in enumerate(ends) for b in ends[i + 1:]) > 1e-3


def test_sgd_path_is_plain_gradient_descent_on_the_two_weights():
    net, x, y = small_network()
    params = [flat_index(net, 0, 1, 0), flat_index(net, 0, 1, 2)]
    lr, steps = 0.5, 30
    path = race(net, x, y, params, optimizers=("sgd",), lr=lr, steps=steps)["sgd"]
    hand = net.copy()
    w = hand.params[params].copy()
    for k in range(steps + 1):
        hand.params[params] = w
        loss, grads = hand.loss_and_grads(x, y)
        np.testing.assert_array_equal(path.points[k], w)
        assert path.losses[k] == loss
        w = w - lr * grads[params]
    # every other parameter stayed frozen: it is the 2-D slice of the network's loss
    assert np.array_equal(np.delete(hand.params, params), np.delete(net.params, params))


def test_the_surface_at_the_path_points_is_the_path_loss():
    setup = lecture_setup()
    paths = race(setup.network, setup.x, setup.y, setup.params, lr=setup.lr, steps=20, start=setup.start)
    for path in paths.values():
        for point, loss in zip(path.points[::4], path.losses[::4]):
            _, _, Z = loss_surface(setup.network, setup.x, setup.y, setup.params, center=point, span=0.0, n=1)
            assert Z[0, 0] == loss


def test_surface_grid_layout():
    net, x, y = small_network()
    params = (flat_index(net, 1, 0, 0), flat_index(net, 1, 0, 3))
    W1, W2, Z = loss_surface(net, x, y, params, center=(0.5, -0.25), span=(1.0, 2.0), n=5)
    assert W1.shape == W2.shape == Z.shape == (5, 5)
    np.testing.assert_allclose(W1[0], np.linspace(-0.5, 1.5, 5))
    np.testing.assert_allclose(W2[:, 0], np.linspace(-2.25, 1.75, 5))
    probe = net.copy()
    for r, c in [(0, 0), (1, 3), (4, 2)]:
        probe.params[list(params)] = W1[r, c], W2[r, c]
        assert Z[r, c] == probe.loss_value(x, y)
    # the default centre is the network's own point
    W1, W2, _ = loss_surface(net, x, y, params, span=0.0, n=1)
    assert (W1[0, 0], W2[0, 0]) == tuple(net.params[list(params)])


def test_adam_and_momentum_on_an_ill_conditioned_bowl(bowl):
    net, x, y, params = bowl
    paths = race(net, x, y, params, lr=LR, steps=100, start=(-2.0, 2.0))
    sgd, momentum, adam = paths["sgd"], paths["momentum"], paths["adam"]
    # SGD's first step goes almost only along the steep axis (its gradient is ~100× larger) ...
    step = np.abs(sgd.points[1] - sgd.points[0])
    assert step[0] > 50 * step[1] and step[0] > 100 * LR
    # ... Adam's first step is η along both axes: m̂/√v̂ = g/|g| at t = 1
    np.testing.assert_allclose(np.abs(adam.points[1] - adam.points[0]), [LR, LR], rtol=1e-6)
    # and no Adam step is much longer than η on either axis, whatever the gradient's scale
    assert np.abs(np.diff(adam.points, axis=0)).max() < 3.2 * LR
    # momentum builds up speed along the flat axis: far lower loss than SGD with the same η
    assert momentum.losses[-1] < 0.1 * sgd.losses[-1]
    assert np.linalg.norm(momentum.points[-1] - [1.0, -2.0]) < 0.05
    for path in paths.values():
        assert path.losses[-1] < path.losses[0]


def test_lecture_setup_is_the_lecture_perceptron_and_the_optimizers_differ():
    setup = lecture_setup()
    net = setup.network
    assert net.layers == (2, 1) and net.activation_names == ("sigmoid",) and net.loss_name == "mse"
    assert net.biases[0][0] == 0.001  # the lecture's bias, frozen
    assert setup.x.shape == (3, 2) and setup.y.ravel().tolist() == [1.0, 1.0, 0.0]
    np.testing.assert_allclose(setup.x.mean(axis=0), 0.0, atol=1e-12)  # standardized
    paths = race(net, setup.x, setup.y, setup.params, lr=setup.lr, steps=setup.steps, start=setup.start)
    finals = {name: p.losses[-1] for name, p in paths.items()}
    assert all(np.isfinite(list(finals.values())))
    # on this valley SGD crawls, momentum gets there later, the adaptive ones quickly
    assert finals["rmsprop"] < finals["momentum"] < finals["sgd"]
    assert finals["adam"] < finals["momentum"]
    ends = np.array([p.points[-1] for p in paths.values()])
    assert min(np.linalg.norm(a - b) for i, a in enumerate(ends) for b in ends[i + 1:]) > 0.5
    # the view holds the start
    (cx, cy), (sx, sy) = setup.center, setup.span
    assert abs(setup.start[0] - cx) < sx and abs(setup.start[1] - cy) < sy


def test_contour_segments_trace_the_level_sets():
    g = np.linspace(-2.0, 2.0, 41)
    X, Y = np.meshgrid(g, g)
    Z = X ** 2 + 0.5 * Y ** 2 + 0 * X
    xs, ys = contour_segments(g, g, Z, [1.0, 2.0])
    assert xs.shape == ys.shape and xs.size % 2 == 0 and xs.size > 100
    level = xs ** 2 + 0.5 * ys ** 2
    assert np.all(np.minimum(abs(level - 1.0), abs(level - 2.0)) < 0.02)
    angles = np.arctan2(ys, xs)
    assert np.ptp(angles) > 6.0  # closed curves: every direction
    # a saddle cell gives two segments, not a crossing
    xs, ys = contour_segments(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([[1.0, 0.0], [0.0, 1.0]]), [0.5])
    assert xs.size == 4
    levels = contour_levels(Z, 10)
    assert len(levels) == 10 and np.all(np.diff(levels) > 0)
    assert Z.min() < levels[0] and levels[-1] < Z.max()
