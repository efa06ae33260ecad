"""The chain-rule inspector's numbers: the sum over paths equals backpropagation and a
central difference, the paths are all there, and a 1-1-1 chain checks factor by factor."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnviz.engine.activations import get_activation
from nnviz.engine.chain_rule import (
    LABEL_BIAS, LABEL_INPUT, LABEL_OUTPUT, LABEL_SLOPE, LABEL_WEIGHT, chain_rule, count_paths,
    numeric_derivative, path_highlight,
)
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network

NETS = [
    ([2, 3, 1], ["sigmoid", "sigmoid"], "bce"),
    ([2, 4, 3, 3], ["tanh", "sigmoid", "softmax"], "ce"),  # softmax + cross-entropy
    ([1, 2, 2, 1], ["sigmoid", "tanh", "sigmoid"], "mse"),  # paths split and join again
    ([3, 4, 4, 2], ["elu", "gelu", "linear"], "mse"),
    ([2, 3, 3, 1], ["relu", "leaky_relu", "sigmoid"], "bce"),
    ([2, 3, 2], ["softplus", "tanh"], "mse"),
    ([2, 3, 2, 1], ["silu", "tanh", "linear"], "mse"),
]


def make_net(layers, acts, loss, seed=0):
    rng = np.random.default_rng(seed)
    net = Network(layers, acts, loss)
    net.initialize("xavier", rng)
    net.params[:] += rng.normal(0.0, 0.4, net.size)  # biases too, so nothing is symmetric
    x = rng.normal(size=layers[0])
    if loss == "ce":
        y = np.eye(layers[-1])[1]
    elif loss == "bce":
        y = np.ones(layers[-1])
    else:
        y = rng.normal(size=layers[-1])
    return net, x, y


def every_weight(net):
    for l in range(net.n_layers):
        for to in range(net.layers[l + 1]):
            for frm in range(net.layers[l] + 1):  # frm == n_in: the bias
                yield l, to, frm


@pytest.mark.parametrize("layers, acts, loss", NETS, ids=["-".join(map(str, n[0])) + "-" + n[2] for n in NETS])
def test_sum_over_paths_equals_backprop_and_central_difference(layers, acts, loss):
    net, x, y = make_net(layers, acts, loss)
    before = net.params.copy()
    for l, to, frm in every_weight(net):
        rule = chain_rule(net, x, y, l, to, frm)
        assert rule.total == pytest.approx(rule.trace_value, rel=1e-9, abs=1e-15)
        assert abs(rule.total - rule.numeric) <= 1e-6 * max(abs(rule.total), 1e-8)
        assert rule.relative_error <= 1e-6
        assert rule.all_listed
        assert rule.listed_total == pytest.approx(rule.total, rel=1e-9, abs=1e-15)
        for path in rule.paths:  # each product is the product of its factors
            assert path.product == pytest.approx(np.prod([v for _, v in path.factors]), rel=1e-12, abs=1e-300)
    np.testing.assert_array_equal(net.params, before)  # the network is left as it was


def test_trace_value_is_the_engines_single_sample_gradient():
    net, x, y = make_net([2, 3, 2, 1], ["tanh", "sigmoid", "sigmoid"], "bce", seed=3)
    _, grads = net.loss_and_grads(x[None], y[None])
    g = net.copy()
    g.params[:] = grads  # the same flat layout: weights[l] are views of the gradient now
    for l, to, frm in every_weight(net):
        rule = chain_rule(net, x, y, l, to, frm)
        expected = g.biases[l][to] if frm == net.layers[l] else g.weights[l][to, frm]
        assert rule.trace_value == expected


def test_the_number_of_paths_is_the_product_of_the_later_widths():
    layers = [2, 3, 4, 5, 2]
    net, x, y = make_net(layers, ["tanh", "tanh", "tanh", "linear"], "mse")
    expected = {0: 4 * 5 * 2, 1: 5 * 2, 2: 2, 3: 1}
    for l, n in expected.items():
        assert count_paths(layers, l) == n
        rule = chain_rule(net, x, y, l, 0, 1, max_paths=100)
        assert rule.n_paths == n and len(rule.paths) == n
        later = [range(w) for w in layers[l + 2:]]
        assert sorted(p.neurons for p in rule.paths) == sorted((0, *rest) for rest in itertools.product(*later))
        # 2 factors (δ, ∂z/∂w) plus a (w, f′) pair per later layer
        assert all(len(p.factors) == 2 + 2 * (len(layers) - 2 - l) for p in rule.paths)


def test_split_and_join_paths_of_a_1_2_2_1_net():
    """w⁽¹⁾₁₁ reaches the output along two paths: through neuron 1 or 2 of layer 2."""
    net = Network([1, 2, 2, 1], ["sigmoid", "sigmoid", "sigmoid"], "mse")
    net.set_layer(0, [[0.5], [-0.3]], [0.1, 0.2])
    net.set_layer(1, [[0.7, -1.2], [0.4, 0.9]], [0.0, -0.1])
    net.set_layer(2, [[1.5, -0.8]], [0.05])
    x, y = np.array([1.3]), np.array([0.2])
    rule = chain_rule(net, x, y, 0, 0, 0)
    assert rule.n_paths == 2
    assert [p.neurons for p in rule.paths] == [(0, 0, 0), (0, 1, 0)]
    t = net.trace(x[None], y[None])
    d_out = t.layers[2].delta[0, 0]
    sig = get_activation("sigmoid")
    f1 = sig.derivative(t.layers[0].z[0])
    f2 = sig.derivative(t.layers[1].z[0])
    by_hand = [d_out * net.weights[2][0, k] * f2[k] * net.weights[1][k, 0] * f1[0] * x[0] for k in (0, 1)]
    assert [p.product for p in rule.paths] == pytest.approx(by_hand, rel=1e-12)
    assert rule.total == pytest.approx(sum(by_hand), rel=1e-12)
    nodes, edges = path_highlight(rule)
    assert set(edges) == {(1, 1, 1), (2, 1, 1), (2, 2, 1), (3, 1, 1), (3, 1, 2)}
    assert set(nodes) == {(0, 1), (1, 1), (2, 1), (2, 2), (3, 1)}


def test_a_1_1_1_chain_factor_by_factor():
    """The lecture's chain (lesson 04): x = 2, y = 1, w₁ = 0.5, b₁ = −1, w₂ = 2, b₂ = 0,
    sigmoid everywhere, MSE. Hidden: z₁ = 0, a₁ = ½; output z₂ = 1, ŷ = σ(1)."""
    net = Network([1, 1, 1], ["sigmoid", "sigmoid"], "mse")
    net.set_layer(0, [[0.5]], [-1.0])
    net.set_layer(1, [[2.0]], [0.0])
    s1 = 1.0 / (1.0 + np.exp(-1.0))
    d_out = (s1 - 1.0) * s1 * (1.0 - s1)  # ∂L/∂ŷ · σ′(z₂)
    assert d_out == pytest.approx(-0.052877, abs=1e-6)

    rule = chain_rule(net, [2.0], [1.0], 0, 0, 0)
    (path,) = rule.paths
    labels = [label for label, _ in path.factors]
    assert labels == [LABEL_OUTPUT, LABEL_WEIGHT, LABEL_SLOPE, LABEL_INPUT]
    values = [v for _, v in path.factors]
    assert values == pytest.approx([d_out, 2.0, 0.25, 2.0], rel=1e-12)
    assert path.symbols == ("δ⁽²⁾₁", "w⁽²⁾₁₁", "f′(z⁽¹⁾₁)", "x₁")
    assert path.product == pytest.approx(d_out * 2.0 * 0.25 * 2.0, rel=1e-12)
    assert rule.total == pytest.approx(d_out, rel=1e-12)  # 2 · ¼ · 2 = 1
    assert rule.value == 0.5
    assert rule.loss == pytest.approx(0.5 * (s1 - 1.0) ** 2, rel=1e-12)

    bias = chain_rule(net, [2.0], [1.0], 0, 0, 1)  # frm == n_in: the bias b₁
    assert bias.is_bias and bias.value == -1.0
    assert bias.paths[0].factors[-1] == (LABEL_BIAS, 1.0)
    assert bias.total == pytest.approx(d_out * 2.0 * 0.25, rel=1e-12)

    out = chain_rule(net, [2.0], [1.0], 1, 0, 0)  # w₂: the output layer's own weight
    assert [v for _, v in out.paths[0].factors] == pytest.approx([d_out, 0.5], rel=1e-12)
    assert out.paths[0].symbols == ("δ⁽²⁾₁", "a⁽¹⁾₁")
    assert out.total == pytest.approx(d_out * 0.5, rel=1e-12)


def test_softmax_paths_run_through_every_output():
    net, x, y = make_net([2, 3, 4], ["tanh", "softmax"], "ce", seed=5)
    rule = chain_rule(net, x, y, 0, 2, 1)
    assert rule.n_paths == 4 and sorted(p.neurons[-1] for p in rule.paths) == [0, 1, 2, 3]
    y_hat = net.predict(x[None])[0]
    deltas = [p.factors[0][1] for p in sorted(rule.paths, key=lambda p: p.neurons)]
    assert deltas == pytest.approx(y_hat - y, rel=1e-12)  # softmax + CE: δ = ŷ − y


def test_too_many_paths_lists_the_largest_but_sums_them_all():
    layers = [2, 6, 6, 6, 1]
    net, x, y = make_net(layers, ["tanh", "tanh", "tanh", "sigmoid"], "bce", seed=2)
    full = chain_rule(net, x, y, 0, 3, 1, max_paths=1000)
    top = chain_rule(net, x, y, 0, 3, 1, max_paths=5)
    assert full.n_paths == top.n_paths == 36 and len(top.paths) == 5
    assert top.sorted_by_magnitude and not top.all_listed and not full.sorted_by_magnitude
    best = sorted(full.paths, key=lambda p: -abs(p.product))[:5]
    assert [p.neurons for p in top.paths] == [p.neurons for p in best]
    assert top.total == pytest.approx(full.total, rel=1e-12)
    assert top.total == pytest.approx(full.listed_total, rel=1e-9)


def test_a_deep_network_is_exact_without_enumerating_its_paths():
    layers = [2, 8, 8, 8, 8, 8, 8, 1]
    net, x, y = make_net(layers, ["sigmoid"] * 7, "bce", seed=1)
    rule = chain_rule(net, x, y, 0, 0, 0)
    assert rule.n_paths == 8 ** 5 and len(rule.paths) == 64
    assert rule.total == pytest.approx(rule.trace_value, rel=1e-9)
    assert rule.relative_error <= 1e-6
    mags = [abs(p.product) for p in rule.paths]
    assert mags == sorted(mags, reverse=True)


def test_dead_relu_paths_have_a_zero_factor():
    net = Network([1, 2, 1], ["relu", "linear"], "mse")
    net.set_layer(0, [[1.0], [1.0]], [0.5, -100.0])  # neuron 2 never fires
    net.set_layer(1, [[1.0, 1.0]], [0.0])
    rule = chain_rule(net, [1.0], [0.0], 0, 1, 0)
    assert ("f′(z)", 0.0) in rule.paths[0].factors
    assert rule.total == 0.0 and rule.numeric == 0.0 and rule.relative_error == 0.0


def test_numeric_derivative_leaves_the_network_unchanged_and_matches():
    net, x, y = make_net([2, 3, 1], ["tanh", "sigmoid"], "bce")
    before = net.params.copy()
    d = numeric_derivative(net, x[None], y[None], 0, 1, 2)  # a bias
    _, grads = net.loss_and_grads(x[None], y[None])
    np.testing.assert_array_equal(net.params, before)
    g = net.copy()
    g.params[:] = grads
    assert d == pytest.approx(g.biases[0][1], rel=1e-8)


@pytest.mark.parametrize("where", [(2, 0, 0), (-1, 0, 0), (0, 3, 0), (0, 0, 3), (1, 1, 0)])
def test_a_weight_that_does_not_exist_is_a_user_error(where):
    net, x, y = make_net([2, 3, 1], ["tanh", "sigmoid"], "bce")
    with pytest.raises(NnvizError):
        chain_rule(net, x, y, *where)


def test_a_diverged_network_gives_nan_without_warnings():
    net = Network([2, 3, 3, 1], ["gelu", "relu", "sigmoid"], "bce")
    net.params[:] = 1e120  # cubes overflow, ∞ − ∞ appears
    rule = chain_rule(net, [1.0, 2.0], [1.0], 0, 0, 0, max_paths=2)
    assert len(rule.paths) == 2 and rule.n_paths == 3
    net.params[:] = np.nan
    rule = chain_rule(net, [1.0, 2.0], [1.0], 0, 0, 0)
    assert np.isnan(rule.total) and np.isnan(rule.trace_value)
