"""NetworkCanvas driven alone: which edges it keeps, what colours it paints, the numbers a
phase writes beside the nodes, highlights and dead marks counted from 0, hover text, clicks
on edges and zoom; and its NetworkPainter drawing the same picture into any QImage."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402

from nnviz.engine.activations import get_activation  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402
from nnviz.engine.trainer import Snapshot, Trainer  # noqa: E402
from nnviz.draw.network_painter import DEFAULT_EDGE_LIMIT, NetworkPainter  # noqa: E402
from nnviz.draw.theme import THEMES  # noqa: E402
from nnviz.app.stepping import PhaseView  # noqa: E402
from nnviz.app.frame import THUMB_GRID, Frame, compute_frame, data_extent
from nnviz.draw.colormaps import output_range  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402
from nnviz.lessons.model import Highlight  # noqa: E402



@pytest.fixture(autouse=True)
def paint_errors(caplog):
    """paintEvent logs what it cannot paint instead of ending the process: here that fails."""
    yield
    errors = [r.getMessage() for r in caplog.records if r.name == "nnviz.draw.canvas" and r.levelname == "ERROR"]
    assert not errors, errors


def build(hidden=(3,), samples=100):
    problem = Problem(samples=samples, hidden=hidden)
    ds = problem.make_dataset()
    net = problem.make_network(ds)
    return problem, ds, net, Trainer(net, ds, problem.train, seed=0)


def show_network(canvas, net, ds, trainer):
    canvas.set_architecture(net.layers, net.activation_names, ds.feature_names)
    canvas.set_snapshot(trainer.snapshot())


def fake_snapshot(net: Network, step=0) -> Snapshot:
    return Snapshot(step=step, epoch=0, batch=0, layers=net.layers, params=net.params.copy(),
                    grads=net.grads.copy(), learning_rate=0.1, train_loss=1.0, test_loss=None,
                    train_accuracy=None, test_accuracy=None)


def edge_index(es, layer, row, col) -> int:
    hits = np.flatnonzero((es.layer == layer) & (es.row == row) & (es.col == col))
    assert len(hits) == 1, (layer, row, col)
    return int(hits[0])


def midpoint(canvas, k, t=0.5):
    x0, y0, x1, y1 = canvas.edge_set.segments[k]
    px, py = canvas.to_widget(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    return float(px), float(py)


def pixel(image, px, py) -> QColor:
    return image.pixelColor(int(round(px)), int(round(py)))


# ----------------------------------------------------------------------------- edges


def test_one_edge_per_weight_for_a_small_network(canvas):
    _, ds, net, trainer = build(hidden=(4, 4))
    show_network(canvas, net, ds, trainer)
    es = canvas.edge_set
    assert canvas.edge_kind == "weight"
    assert len(es.value) == 2 * 4 + 4 * 4 + 4 * 1
    for k in range(len(es.value)):
        assert es.value[k] == net.weights[es.layer[k]][es.row[k], es.col[k]]
    assert sorted(zip(es.layer.tolist(), es.row.tolist(), es.col.tolist())) == sorted(
        (l, r, c) for l, w in enumerate(net.weights) for r in range(w.shape[0]) for c in range(w.shape[1]))


def test_big_network_draws_the_strongest_edges_unless_all_are_asked_for(canvas):
    layers = (784, 128, 64, 10)
    net = Network(layers, ["relu", "relu", "softmax"], "ce")
    net.initialize("he", np.random.default_rng(0))
    canvas.set_architecture(layers, net.activation_names, [f"p{i}" for i in range(784)])
    canvas.set_snapshot(fake_snapshot(net))
    es = canvas.edge_set
    counts = [int(np.sum(es.layer == l)) for l in range(3)]
    assert counts == [DEFAULT_EDGE_LIMIT] * 3
    for l, w in enumerate(net.weights):
        threshold = np.sort(np.abs(w).ravel())[-DEFAULT_EDGE_LIMIT]
        assert np.all(np.abs(es.value[es.layer == l]) >= threshold)
    canvas.grab()  # paints without trouble
    canvas.set_show_all_edges(True)
    counts = [int(np.sum(canvas.edge_set.layer == l)) for l in range(3)]
    assert counts == [784 * 128, 128 * 64, 64 * 10]
    canvas.set_show_all_edges(False)
    assert len(canvas.edge_set.value) == 3 * DEFAULT_EDGE_LIMIT


def two_one(canvas, w):
    """A 2-1 network with weights w (2,) shown on the canvas; returns the positive and negative edges."""
    _, ds, net, trainer = build(hidden=())
    assert net.layers == (2, 1)
    net.weights[0][0] = w
    show_network(canvas, net, ds, trainer)
    return [edge_index(canvas.edge_set, 0, 0, c) for c in (0, 1)]


def edge_colours(canvas, edges):
    image = canvas.grab().toImage()
    out = []
    for k in edges:
        samples = [pixel(image, *midpoint(canvas, k, t)) for t in (0.4, 0.5, 0.6)]
        out.append([(c.red(), c.green(), c.blue()) for c in samples])
    return out


def test_positive_edges_are_blue_and_negative_ones_orange(canvas):
    edges = two_one(canvas, [2.0, -2.0])
    first, second = edge_colours(canvas, edges)
    for r, g, b in first:  # w = +2: blue (#0877bd over white)
        assert b > r + 100, (r, g, b)
    for r, g, b in second:  # w = −2: orange (#f59322 over white)
        assert r > b + 100, (r, g, b)
    background = QColor(THEMES["light"].background)
    image = canvas.grab().toImage()
    assert pixel(image, 5, canvas.height() / 2) == background

    edges = two_one(canvas, [-2.0, 2.0])  # flipping the signs flips the colours
    first, second = edge_colours(canvas, edges)
    assert all(r > b + 100 for r, g, b in first)
    assert all(b > r + 100 for r, g, b in second)


def test_thumbnails_come_from_the_frame(canvas):
    _, ds, net, trainer = build(hidden=(4, 4))
    show_network(canvas, net, ds, trainer)
    centre = canvas.to_widget(*canvas.layout_.positions[1][0])
    plain = pixel(canvas.grab().toImage(), *centre)
    assert plain == QColor(THEMES["light"].node)
    extent = data_extent(np.vstack([ds.raw_train, ds.raw_test]))
    frame = compute_frame(net, ds, extent)
    canvas.set_frame(frame)
    assert [len(t) for t in canvas.thumbnails] == [2, 4, 4, 1]  # inputs first, then each layer
    for images in canvas.thumbnails:
        assert all(im.width() == im.height() == THUMB_GRID for im in images)
    assert pixel(canvas.grab().toImage(), *centre) != plain
    canvas.set_architecture((2, 4, 1), ("tanh", "sigmoid"), ("x1", "x2"))
    assert canvas.thumbnails is None


def test_colour_scale_of_unbounded_activations_ignores_non_finite_values():
    relu, linear = get_activation("relu"), get_activation("linear")
    assert output_range(np.array([0.5, -2.0, 1.0]), linear) == (-2.0, 2.0)
    assert output_range(np.array([np.inf, -2.0, np.nan]), relu) == (-2.0, 2.0)
    assert output_range(np.full(4, np.nan), linear) == (-1.0, 1.0)  # no "All-NaN slice" warning
    assert output_range(np.array([np.inf, -np.inf]), linear) == (-1.0, 1.0)
    assert output_range(np.zeros(3), linear) == (-1.0, 1.0)
    assert output_range(np.array([5.0, np.nan]), get_activation("tanh")) == (-1.0, 1.0)


def test_a_diverged_frame_paints_without_warnings(canvas):
    """After divergence the thumbnails hold inf and NaN (warnings are errors in the tests)."""
    canvas.set_architecture((2, 3, 1), ("relu", "linear"), ("x1", "x2"))
    t = THUMB_GRID
    hidden = np.full((t, t, 3), np.inf)
    hidden[:, :, 0] = np.linspace(0.0, 2.0, t)
    frame = Frame(extent=(-1.0, 1.0, -1.0, 1.0), field=np.full((64, 64), np.nan),
                  thumbnails=[hidden, np.full((t, t, 1), np.nan)], z_train=[np.zeros((0, 3)), np.zeros((0, 1))],
                  inputs=np.zeros((t, t, 2)))
    canvas.set_frame(frame)
    assert [len(images) for images in canvas.thumbnails] == [2, 3, 1]
    canvas.grab()


# ----------------------------------------------------------------------------- phases


def phase_setup(canvas):
    _, ds, net, trainer = build(hidden=(3,))
    show_network(canvas, net, ds, trainer)
    x, y = trainer.current_batch()
    trace = net.trace(x[:4], y[:4])
    return net, trace


def test_forward_phase_writes_the_activations(canvas):
    net, trace = phase_setup(canvas)
    p = net.params.copy()
    canvas.set_phase(PhaseView("forward", trace, 2, p, p), animate=False)
    labels = canvas.value_labels()
    expected = {(0, k): f"x = {trace.x[2, k]:.3g}" for k in range(2)}
    for l in (1, 2):
        for k in range(net.layers[l]):
            expected[(l, k)] = f"a = {trace.layers[l - 1].a[2, k]:.3g}"
    assert labels == expected
    assert canvas.edge_kind == "weight"
    assert "Forward pass" in canvas.painter.caption() and "sample 3 of 4" in canvas.painter.caption()
    canvas.grab()


def test_forward_phase_animates_layer_by_layer(canvas, qtbot):
    net, trace = phase_setup(canvas)
    p = net.params.copy()
    canvas.set_animation_speed(300)
    canvas.set_phase(PhaseView("forward", trace, 0, p, p))
    assert canvas.phase_progress == 0.0
    assert set(canvas.value_labels()) == {(0, 0), (0, 1)}  # only the inputs so far
    qtbot.waitUntil(lambda: canvas.phase_progress == 1.0, timeout=3000)
    assert len(canvas.value_labels()) == 2 + 3 + 1


def test_backward_phase_shows_deltas_and_gradient_edges(canvas):
    net, trace = phase_setup(canvas)
    p = net.params.copy()
    canvas.set_phase(PhaseView("backward", trace, 1, p, p), animate=False)
    # the nodes show sample 2's own δ = ∂L₂/∂z, by hand: sigmoid + BCE output δ = ŷ − y,
    # the tanh layer below δ_h = (δ_out · W₂) ⊙ (1 − a_h²)
    hidden, out = trace.layers
    d_out = out.a[1] - trace.y[1]
    d_hidden = (d_out @ net.weights[1]) * (1.0 - hidden.a[1] ** 2)
    expected = {(1, k): f"δ = {d_hidden[k]:.3g}" for k in range(3)} | {(2, 0): f"δ = {d_out[0]:.3g}"}
    assert canvas.value_labels() == expected
    assert canvas.edge_kind == "gradient"
    es = canvas.edge_set
    assert len(es.value) == 2 * 3 + 3
    for k in range(len(es.value)):
        assert es.value[k] == trace.layers[es.layer[k]].grad_w[es.row[k], es.col[k]]
    assert np.abs(es.value).max() > 0
    canvas.grab()


def test_update_phase_moves_the_edges_to_the_new_weights(canvas):
    net, trace = phase_setup(canvas)
    before = net.params.copy()
    after = before - 0.5 * np.concatenate([np.vstack([l.grad_w.T, l.grad_b]).ravel() for l in trace.layers])
    canvas.set_phase(PhaseView("update", trace, 0, before, after), animate=False)
    assert canvas.value_labels() == {}
    assert canvas.edge_kind == "weight"
    moved = Network(net.layers, net.activation_names, net.loss_name, after)
    es = canvas.edge_set
    for k in range(len(es.value)):
        assert es.value[k] == moved.weights[es.layer[k]][es.row[k], es.col[k]]
    canvas.set_phase(None)
    es = canvas.edge_set
    for k in range(len(es.value)):
        assert es.value[k] == net.weights[es.layer[k]][es.row[k], es.col[k]]


# ----------------------------------------------------------------------------- highlights


def near(image, px, py, color: str, tolerance: int = 24) -> bool:
    """Some pixel within 1 of (px, py) has ``color`` (± tolerance per channel: antialiasing)."""
    want = QColor(color)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            c = pixel(image, px + dx, py + dy)
            if max(abs(c.red() - want.red()), abs(c.green() - want.green()), abs(c.blue() - want.blue())) <= tolerance:
                return True
    return False


def test_highlights_and_dead_marks_count_from_zero(canvas):
    _, ds, net, trainer = build(hidden=(3,))
    show_network(canvas, net, ds, trainer)
    theme = THEMES["light"]
    lesson = Highlight(nodes=((1, 3),), edges=((1, 3, 2),), layers=(2,))  # a lesson file counts from 1
    assert lesson.zero_based() == (((1, 2),), ((0, 2, 1),), (2,))
    canvas.set_highlight(*lesson.zero_based())
    assert canvas.highlight == (((1, 2),), ((0, 2, 1),), (2,))
    image = canvas.grab().toImage()
    s = canvas.scale_offset()[0]

    def above(layer, k, gap):
        px, py = canvas.to_widget(*canvas.layout_.positions[layer][k])
        return float(px), float(py) - (s * canvas.layout_.radius[layer] + gap)

    assert near(image, *above(1, 2, 7), theme.highlight)  # the ring around hidden neuron 2 (the third)
    assert pixel(image, *above(1, 1, 7)) == QColor(theme.background)  # not around neuron 1
    assert near(image, *midpoint(canvas, edge_index(canvas.edge_set, 0, 2, 1)), theme.highlight)  # w[0][2, 1]
    assert pixel(image, *above(2, 0, 7)) not in (QColor(theme.background), QColor(theme.highlight))  # layer 2 tinted

    canvas.set_dead([(1, 0)])  # the first hidden neuron, as dead_neurons() names it
    image = canvas.grab().toImage()
    centre = [canvas.to_widget(*canvas.layout_.positions[1][k]) for k in range(3)]
    assert near(image, *centre[0], "#b3261e")  # crossed
    assert pixel(image, *centre[1]) == QColor(theme.node)


# ----------------------------------------------------------------------------- interaction


def test_hover_text_names_the_weight(canvas):
    _, ds, net, trainer = build(hidden=(3,))
    net.weights[0][2, 1] = 0.8125
    show_network(canvas, net, ds, trainer)
    k = edge_index(canvas.edge_set, 0, 2, 1)
    hit = canvas.hit(*midpoint(canvas, k))
    assert hit == ("edge", k)
    text = canvas.tooltip_text(hit)
    assert "w = 0.8125" in text and "from node 2 to node 3" in text
    node = canvas.hit(*canvas.to_widget(*canvas.layout_.positions[1][2]))
    assert node == ("node", 1, 2)
    assert f"b = {net.biases[0][2]:.4g}" in canvas.tooltip_text(node)
    assert canvas.hit(3.0, 3.0) is None and canvas.tooltip_text(None) == ""


def test_clicking_an_edge_emits_its_weight(canvas, qtbot):
    _, ds, net, trainer = build(hidden=(3,))
    show_network(canvas, net, ds, trainer)
    for layer, row, col in ((0, 2, 1), (1, 0, 2), (0, 0, 0)):
        px, py = midpoint(canvas, edge_index(canvas.edge_set, layer, row, col))
        with qtbot.waitSignal(canvas.weightClicked, timeout=1000) as blocker:
            qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
        assert blocker.args == [layer, row, col]
    with qtbot.assertNotEmitted(canvas.weightClicked):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))


def test_zoom_scales_the_drawing(canvas):
    _, ds, net, trainer = build(hidden=(3,))
    show_network(canvas, net, ds, trainer)

    def spacing():
        (x0, y0), (x1, y1) = canvas.layout_.positions[0][0], canvas.layout_.positions[1][0]
        a, b = np.array(canvas.to_widget(x0, y0)), np.array(canvas.to_widget(x1, y1))
        return float(np.hypot(*(b - a)))

    base, scale = spacing(), canvas.scale_offset()[0]
    canvas.zoom_in()
    assert canvas.zoom == pytest.approx(1.25)
    assert canvas.scale_offset()[0] == pytest.approx(1.25 * scale)
    assert spacing() == pytest.approx(1.25 * base)
    canvas.zoom_out()
    assert spacing() == pytest.approx(base)
    for _ in range(30):
        canvas.zoom_in()
    assert canvas.zoom == 8.0
    canvas.reset_view()
    assert canvas.zoom == 1.0 and spacing() == pytest.approx(base)


# ----------------------------------------------------------------------------- painter


def test_the_painter_draws_the_canvas_picture_into_any_image_and_rectangle(canvas):
    """NetworkPainter needs no widget: the same state painted into a rectangle of a QImage
    is the canvas's picture, pixel for pixel, moved to that rectangle."""
    _, ds, net, trainer = build(hidden=(4, 4))
    show_network(canvas, net, ds, trainer)
    canvas.set_highlight(nodes=((1, 0),), edges=((0, 0, 0),), layers=(2,))
    shown = canvas.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    size = (canvas.width(), canvas.height())
    painter = NetworkPainter()
    painter.set_architecture(net.layers, net.activation_names, ds.feature_names)
    painter.set_weights(net.weights, net.biases)
    painter.set_highlight(nodes=((1, 0),), edges=((0, 0, 0),), layers=(2,))
    image = QImage(size[0] + 30, size[1] + 20, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("black"))
    p = QPainter(image)
    p.setFont(canvas.font())  # the widget paints in its own font
    painter.paint(p, QRectF(30, 20, *size))
    p.end()
    assert image.copy(30, 20, *size) == shown
    assert pixel(image, 10, 10) == QColor("black")  # nothing outside the rectangle


def test_hover_text_never_runs_ahead_of_the_phase_animation(canvas):
    """A lesson's open question may ask for a number the animation has not reached yet:
    hovering must not tell it (z, a in the forward pass; δ and ∂L/∂w before the backward pass)."""
    _, ds, net, trainer = build(hidden=(3,))
    show_network(canvas, net, ds, trainer)
    x, y = trainer.current_batch()
    p = net.params.copy()
    trace = net.trace(x[:1], y[:1])
    output = canvas.hit(*canvas.to_widget(*canvas.layout_.positions[2][0]))
    hidden = canvas.hit(*canvas.to_widget(*canvas.layout_.positions[1][0]))
    edge = canvas.hit(*midpoint(canvas, edge_index(canvas.edge_set, 1, 0, 0)))
    first_edge = canvas.hit(*midpoint(canvas, edge_index(canvas.edge_set, 0, 0, 0)))

    canvas.set_phase(PhaseView("forward", trace, 0, p, p), animate=False)
    canvas.set_phase_progress(0.5)  # the forward pass has reached hidden layer 1, not the output
    assert "z = " in canvas.tooltip_text(hidden) and "z = " not in canvas.tooltip_text(output)
    assert "δ" not in canvas.tooltip_text(output) and "∂L/∂w" not in canvas.tooltip_text(edge)

    canvas.set_phase(PhaseView("backward", trace, 0, p, p), animate=False)
    canvas.set_phase_progress(0.25)  # the backward pass has reached the output layer only
    assert "δ = ∂L/∂z" in canvas.tooltip_text(output) and "δ" not in canvas.tooltip_text(hidden)
    assert "∂L/∂w" not in canvas.tooltip_text(edge)
    canvas.set_phase_progress(0.5)  # … then hidden layer 1 and the weights into the output
    assert "δ = ∂L/∂z" in canvas.tooltip_text(hidden) and "∂L/∂w" in canvas.tooltip_text(edge)
    assert "∂L/∂w" not in canvas.tooltip_text(first_edge)
    canvas.set_phase_progress(1.0)
    assert "δ = ∂L/∂z" in canvas.tooltip_text(hidden) and "∂L/∂w" in canvas.tooltip_text(first_edge)
