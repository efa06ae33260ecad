"""The canvas during a phase of a mini-batch: choosing a sample changes the nodes, not the
edges (those show the batch's ∂L/∂w); a zero gradient or δ is drawn in the neutral colour;
the update writes old → new on the edges of a small network."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QColor  # noqa: E402

from nnviz.app.stepping import PhaseView, sample_losses  # noqa: E402
from nnviz.draw.theme import LIGHT  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402

X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0], [2.0, 1.0]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def relu_network() -> Network:
    """2-2-1: hidden neuron 2 has z < 0 for every sample of X, so every gradient into and
    out of it is exactly zero, and so is its δ."""
    net = Network([2, 2, 1], ["relu", "sigmoid"], "bce")
    net.set_layer(0, [[0.5, 0.25], [-1.0, -1.0]], [0.1, -5.0])
    net.set_layer(1, [[1.5, -2.0]], [0.2])
    return net


def show_phase(canvas, name, sample=0, net=None, after=None):
    net = net or relu_network()
    canvas.set_architecture(net.layers, net.activation_names, ("x1", "x2"))
    canvas.set_weights(net.weights, net.biases)
    trace = net.trace(X, Y)
    p = net.params.copy()
    view = PhaseView(name, trace, sample, p, p if after is None else after, sample_losses(net, trace))
    canvas.set_phase(view, animate=False)
    return view


def at(canvas, layer, row, col, t):
    """Widget point t of the way along edge w[layer][row, col]."""
    es = canvas.edge_set
    k = int(np.flatnonzero((es.layer == layer) & (es.row == row) & (es.col == col))[0])
    x0, y0, x1, y1 = es.segments[k]
    px, py = canvas.to_widget(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    return round(float(px)), round(float(py))


def blend(color: str, alpha: float = 0.85) -> QColor:
    """``color`` at ``alpha`` over the light background, as the painter pre-blends it."""
    c, b = QColor(color), QColor(LIGHT.background)
    return QColor(*(round(alpha * x + (1 - alpha) * y) for x, y in
                    ((c.red(), b.red()), (c.green(), b.green()), (c.blue(), b.blue()))))


def close(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= tolerance


def test_choosing_a_sample_changes_the_nodes_not_the_edges(canvas):
    view = show_phase(canvas, "backward", sample=0)
    edges = canvas.edge_set.value.copy()
    first = canvas.value_labels()
    np.testing.assert_array_equal(edges, [view.trace.layers[l].grad_w[r, c] for l, r, c in
                                          zip(canvas.edge_set.layer, canvas.edge_set.row, canvas.edge_set.col)])
    canvas.set_phase(view.with_sample(2), animate=False)
    d_out = view.trace.prediction[2, 0] - Y[2, 0]  # sample 3's own δ = ŷ − y (sigmoid + BCE)
    assert canvas.value_labels()[(2, 0)] == f"δ = {d_out:.3g}"
    assert canvas.value_labels() != first
    np.testing.assert_array_equal(canvas.edge_set.value, edges)  # the batch's ∂L/∂w, unchanged
    assert "sample 3 of 4" in canvas.painter.caption()


def test_a_zero_gradient_is_drawn_neutral_not_as_plus(canvas):
    view = show_phase(canvas, "backward")
    assert np.all(view.trace.layers[0].grad_w[1] == 0.0) and view.trace.layers[1].grad_w[0, 1] == 0.0
    image = canvas.grab().toImage()
    dim, plus = blend(LIGHT.dim), blend(LIGHT.grad_positive)
    for layer, row, col in ((0, 1, 0), (0, 1, 1), (1, 0, 1)):  # the zero gradients
        c = image.pixelColor(*at(canvas, layer, row, col, 0.25))
        assert close(c, dim) and not close(c, plus, 60), (layer, row, col, c.name())
    c = image.pixelColor(*at(canvas, 1, 0, 0, 0.25))  # a real gradient keeps its sign's colour
    grad = view.trace.layers[1].grad_w[0, 0]
    assert close(c, blend(LIGHT.grad_positive if grad > 0 else LIGHT.grad_negative), 40), c.name()


def test_a_zero_delta_ring_is_neutral(canvas):
    view = show_phase(canvas, "backward", sample=1)
    assert view.sample_delta(0)[1] == 0.0
    s = canvas.scale_offset()[0]
    r = canvas.layout_.radius[1] * s + 4
    x, y = canvas.to_widget(*canvas.layout_.positions[1][1])
    ring = canvas.grab().toImage().pixelColor(round(float(x)), round(float(y - r)))
    assert close(ring, QColor(LIGHT.dim), 30), ring.name()
    assert not close(ring, QColor(LIGHT.grad_positive), 80)


def test_the_update_writes_old_to_new_on_the_edges(canvas):
    net = relu_network()
    after = net.params - 0.1
    show_phase(canvas, "update", net=net, after=after)
    texts = canvas.painter.update_labels()
    w0 = net.weights[0][0, 1]
    assert texts[(0, 0, 1)] == f"{w0:.3f} → {w0 - 0.1:.3f}"
    assert len(texts) == 6
    with_labels = canvas.grab().toImage()
    x, y = at(canvas, 0, 0, 1, 0.72)  # where the label sits: text pixels over the edge
    ink = [with_labels.pixelColor(x + dx, y).lightness() for dx in range(-20, 21)]
    assert min(ink) < 120  # dark text on the label's light box
    canvas.set_phase(None)
    assert canvas.painter.update_labels() == {}


def test_edges_the_backward_pass_has_not_reached_tell_nothing(canvas):
    """Before the backward pass reaches them (a lesson's open question stops it there), the
    edges are drawn alike whatever their gradient: other signs and sizes give the same picture."""
    from dataclasses import replace

    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(1))
    view = show_phase(canvas, "backward", net=net)
    assert (view.trace.layers[0].grad_w > 0).any() and (view.trace.layers[0].grad_w < 0).any()
    canvas.set_phase_progress(0.25)  # δ of the output drawn, nothing before it: every edge waits
    first = canvas.grab().toImage()
    other = np.array([[-3.0, 0.0], [1e-3, 2.0], [0.5, -0.01]])  # other signs, a zero, other sizes
    layers = (replace(view.trace.layers[0], grad_w=other), replace(view.trace.layers[1], grad_w=-view.trace.layers[1].grad_w))
    canvas.set_phase(replace(view, trace=replace(view.trace, layers=layers)), animate=False)
    canvas.set_phase_progress(0.25)
    assert canvas.grab().toImage() == first
    canvas.set_phase_progress(1.0)  # reached: the signs are drawn
    assert canvas.grab().toImage() != first
