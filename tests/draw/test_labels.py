"""What the canvas writes during a phase of a mini-batch (nnviz.draw.network_labels): the
chosen sample's numbers on the nodes, the caption saying what edges and nodes show, the
update's old → new weights, and never a "-0". Text only, hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.stepping import PhaseView, sample_losses
from nnviz.draw import network_labels as labels
from nnviz.engine.layout import ParamLayout
from nnviz.engine.network import Network

X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0]])
Y = np.array([[1.0], [0.0], [1.0]])


def relu_network() -> Network:
    """2-2-1, ReLU then sigmoid with BCE: hidden neuron 2 is off (z < 0) for every sample
    of X, so its δ is exactly zero, and negative output δs make it -0.0."""
    net = Network([2, 2, 1], ["relu", "sigmoid"], "bce")
    net.set_layer(0, [[0.5, 0.25], [-1.0, -1.0]], [0.1, -5.0])
    net.set_layer(1, [[1.5, -2.0]], [0.2])
    return net


def phase(name, sample=0, before=None, after=None):
    net = relu_network()
    trace = net.trace(X, Y)
    p = net.params.copy()
    return PhaseView(name, trace, sample, p if before is None else before, p if after is None else after,
                     sample_losses(net, trace))


@pytest.mark.parametrize("value, spec, text", [
    (-0.0, ".3g", "0"), (0.0, ".3g", "0"), (-1e-6, ".3f", "0"), (-0.0004, ".3f", "0"),
    (-0.0006, ".3f", "-0.001"), (-1e-6, ".3g", "-1e-06"), (0.5, ".3g", "0.5"), (np.nan, ".3g", "nan"),
])
def test_a_number_that_prints_as_zero_prints_0(value, spec, text):
    assert labels.number(value, spec) == text


def test_nodes_show_the_chosen_samples_own_delta_and_never_minus_zero():
    for i in range(3):
        view = phase("backward", sample=i)
        texts = labels.value_labels(view, (2, 2, 1), active=0.0)
        z1 = relu_network().weights[0] @ X[i] + relu_network().biases[0]
        a1 = np.maximum(z1, 0.0)
        y_hat = 1.0 / (1.0 + np.exp(-(1.5 * a1[0] - 2.0 * a1[1] + 0.2)))
        d_out = y_hat - Y[i, 0]  # sigmoid + BCE: δ = ŷ − y, the sample's own
        d_hidden = np.array([1.5, -2.0]) * d_out * (z1 > 0)
        def written(v):  # a zero, of either sign, is written 0
            return "0" if v == 0 else f"{v:.3g}"

        assert texts == {(2, 0): f"δ = {written(d_out)}", (1, 0): f"δ = {written(d_hidden[0])}", (1, 1): "δ = 0"}
        assert not any("-0" == t.split("= ")[1] for t in texts.values())


def test_no_label_prints_minus_zero():
    view = phase("backward", sample=1)
    assert view.sample_delta(0)[1] == 0.0 and np.signbit(view.sample_delta(0)[1])  # really -0.0
    layout = ParamLayout((2, 2, 1))
    texts = [*labels.value_labels(view, (2, 2, 1), 0.0).values(),
             *labels.term_labels(phase("forward", 1), layout, 2.0).values(),
             labels.caption(view, (2, 2, 1), None),
             labels.node_tooltip(1, 1, ("x1", "x2"), ("relu", "sigmoid"), [np.array([0.1, -0.0]), np.zeros(1)], view),
             labels.edge_tooltip(-0.0, 0, 1, 0, grad=-0.0)]
    for text in texts:
        assert "-0 " not in text + " " and "−0 " not in text + " " and "= -0\n" not in text, text


def test_the_caption_says_what_edges_and_nodes_show():
    view = phase("backward", sample=2)
    y_hat = view.trace.prediction[2, 0]
    loss = -np.log(y_hat)  # target 1: BCE = −ln ŷ
    caption = labels.caption(view, (2, 2, 1), None)
    assert "edges: batch mean ∂L/∂w over 3 samples" in caption
    assert f"nodes: δ = ∂L/∂z of sample 3 of 3 (target 1, loss {loss:.3g})" in caption
    forward = labels.caption(phase("forward", sample=0), (2, 2, 1), None)
    assert forward.startswith("Forward pass") and "sample 1 of 3 (target 1, loss" in forward
    assert "batch mean over 3 samples" in labels.caption(phase("update"), (2, 2, 1), None)
    one = PhaseView("backward", relu_network().trace(X[:1], Y[:1]), 0, view.before, view.after)
    assert "sample" not in labels.caption(one, (2, 2, 1), None)  # one sample: the step's own numbers


def test_the_update_writes_old_to_new_on_small_layers_only():
    net = relu_network()
    before = net.params.copy()
    after = before.copy()
    layout = ParamLayout(net.layers)
    layout.weights(after)[0][0, 1] = 0.113  # 0.25 → 0.113
    layout.weights(after)[1][0, 0] = 1.50004  # a change only the fifth decimal shows
    texts = labels.update_labels(phase("update", before=before, after=after), layout)
    assert texts[(0, 0, 1)] == "0.250 → 0.113"
    assert texts[(1, 0, 0)] == "1.50000 → 1.50004"
    assert texts[(0, 1, 0)] == "-1.000 → -1.000"
    assert len(texts) == 4 + 2
    assert labels.update_labels(phase("backward"), layout) == {}
    big = ParamLayout((4, 4, 1))  # 16 edges in the first layer: too many to read, not labelled
    p = np.linspace(-1, 1, big.size)
    view = PhaseView("update", Network((4, 4, 1), ["tanh", "sigmoid"], "mse", p).trace(np.ones((1, 4))), 0, p, -p)
    assert {key[0] for key in labels.update_labels(view, big)} == {1}
