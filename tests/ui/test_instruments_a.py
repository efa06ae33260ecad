"""Instrument panels: the chain-rule inspector, gradient flow and the dead-neuron monitor,
driven alone and by a SessionController (stepping and playing)."""

from __future__ import annotations

import gc
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

from nnviz.engine.chain_rule import chain_rule, path_highlight  # noqa: E402
from nnviz.engine.datasets import make_dataset  # noqa: E402
from nnviz.engine.gradient_flow import flow_ratio  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402
from nnviz.engine.trainer import TrainConfig, Trainer  # noqa: E402
from nnviz.lessons.model import Highlight  # noqa: E402
from nnviz.draw.canvas import NetworkCanvas  # noqa: E402
from nnviz.draw.theme import DARK, LIGHT  # noqa: E402
from nnviz.ui.instruments.chain_rule_panel import ChainRulePanel  # noqa: E402
from nnviz.ui.instruments.common import format_number  # noqa: E402
from nnviz.engine.dead_neurons import dead_neurons  # noqa: E402
from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel  # noqa: E402
from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402

SIZE = (520, 380)
SMALL = Problem(samples=100)  # circles, 50 training rows, 5 steps per epoch
RELU = Problem(samples=100, hidden=(6, 6), activation="relu", init="he")


class Widgets:
    """The widgets a test made. At teardown they are closed and destroyed at once, with a
    garbage collection, so that no wrapper of this test is freed at a random moment of a
    later test (with PySide6 6.11, wrappers that ``addLayout`` made for layout items crashed
    the process when they were freed after Qt had deleted the items; the panels avoid
    ``addLayout``, see common.add_row, and this keeps any such hazard here)."""

    def __init__(self):
        self.made = []

    def add(self, widget):
        self.made.append(widget)
        return widget

    def show(self, qtbot, widget):
        self.add(widget)
        widget.resize(*SIZE)
        widget.show()
        qtbot.waitExposed(widget)
        return widget


@pytest.fixture
def widgets(qtbot):
    made = Widgets()
    yield made
    for w in made.made:
        w.close()
    made.made.clear()
    QCoreApplication.processEvents()
    gc.collect()  # the widgets (top-level, owned by Python) and their cycles go now


def canvas_for(widgets, net):
    canvas = widgets.add(NetworkCanvas())
    canvas.set_architecture(net.layers, net.activation_names, tuple(f"x{i + 1}" for i in range(net.layers[0])))
    return canvas


def small_net(seed=0):
    net = Network([2, 3, 2, 1], ["tanh", "sigmoid", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(seed))
    net.biases[0][:] = [0.1, -0.2, 0.3]
    return net


def snapshots(problem, steps):
    """Snapshots after steps 0 … steps of a trainer built from ``problem``."""
    data = problem.make_dataset()
    net = problem.make_network(data)
    trainer = Trainer(net, data, problem.train, seed=problem.seed)
    out = [trainer.snapshot()]
    for _ in range(steps):
        trainer.step_batch()
        out.append(trainer.snapshot())
    return net, data, out


# ----------------------------------------------------------------------------- chain rule


def test_format_number():
    assert format_number(0.0528774) == "0.05288"
    assert format_number(-0.25) == "−0.25"
    assert format_number(1.234e-7, 3) == "1.23×10⁻⁷"
    assert format_number(0) == "0" and format_number(float("nan")) == "NaN"


def test_inspecting_a_weight_shows_every_number_and_highlights_the_paths(qtbot, widgets):
    net = small_net()
    canvas = canvas_for(widgets, net)
    panel = widgets.show(qtbot, ChainRulePanel(canvas=canvas))
    x, y = np.array([0.7, -1.1]), np.array([1.0])
    panel.set_state(net, None, x, y, "a test sample")
    panel.inspect(0, 2, 1)  # w⁽¹⁾₃₂
    assert panel.selection() == (0, 2, 1)
    assert (panel.layer_spin.value(), panel.to_spin.value(), panel.from_spin.value()) == (1, 3, 2)
    rule = panel.rule
    expected = chain_rule(net, x, y, 0, 2, 1)
    assert rule.total == expected.total and rule.n_paths == 2
    text = panel.text()
    for value in (rule.total, rule.trace_value, rule.numeric):
        assert format_number(value, 7) in text
    for path in rule.paths:
        assert format_number(path.product) in text
        for _, v in path.factors:
            assert format_number(v) in text
    assert "∂L/∂w = ∂L/∂O₂ · ∂O₂/∂O₁ · ∂O₁/∂w" in text  # the lecture's formula
    assert "∂L/∂w⁽¹⁾₃₂" in text and "a test sample" in text and "✓ agree" in text

    assert canvas.highlight == ((), (), ())
    with qtbot.waitSignal(panel.inspected):
        canvas.weightInspected.connect(panel.inspect)
        panel.set_show_paths(True)
        canvas.weightInspected.emit(1, 1, 0)  # what a right-click → "Inspect ∂L/∂w" emits
    assert panel.selection() == (1, 1, 0)
    nodes, edges = path_highlight(panel.rule)
    assert canvas.highlight == Highlight(nodes, edges).zero_based()
    assert (1, 1, 0) in canvas.highlight[1]  # the canvas counts from 0, as weightInspected does
    assert (2, 2, 1) in edges and (3, 1, 2) in edges
    panel.set_show_paths(False)
    assert canvas.highlight == ((), (), ())


def test_the_bias_and_the_spin_boxes(qtbot, widgets):
    net = small_net()
    panel = ChainRulePanel()
    widgets.add(panel)
    assert "No network" in panel.text()
    panel.set_state(net, None, [0.2, 0.3], [0.0])
    assert panel.from_spin.text() != "bias"
    panel.from_spin.setValue(0)  # the special value: the bias
    assert panel.selection() == (0, 0, 2) and panel.rule.is_bias
    assert "b⁽¹⁾₁" in panel.text()
    panel.layer_spin.setValue(3)  # the output layer: 2 inputs and a bias
    assert panel.to_spin.maximum() == 1 and panel.from_spin.maximum() == 2
    assert panel.rule.layer == 2 and panel.rule.n_paths == 1


def test_training_sample_source(qtbot, widgets):
    net = small_net()
    data = make_dataset("circles", samples=40, seed=1)
    panel = ChainRulePanel()
    widgets.add(panel)
    panel.set_state(net, data)
    panel.source.setCurrentIndex(ChainRulePanel.SOURCE_TRAIN)
    panel.sample_spin.setValue(5)
    x, y, what = panel.sample()
    np.testing.assert_array_equal(x, data.x_train[4])
    assert "training sample 5" in what and "training sample 5" in panel.text()


def test_the_panel_follows_the_controllers_steps_and_phases(qtbot, make_controller, widgets):
    c = make_controller()
    panel = ChainRulePanel(c)
    widgets.add(panel)
    assert panel.rule is not None  # step 0: the first sample of the first mini-batch
    x, y = c.trainer.current_batch()
    np.testing.assert_array_equal(panel.sample()[0], x[0])
    assert panel.rule.total == pytest.approx(chain_rule(c.network, x[0], y[0], 0, 0, 0).total, rel=1e-12)

    c.set_granularity("phase")
    c.step()  # forward phase of the next batch: its trace and sample
    view = c.phase
    np.testing.assert_array_equal(panel.sample()[0], view.trace.x[0])
    assert "forward phase" in panel.text()
    c.step()
    c.step()  # update: the gradient at the weights before the update
    assert c.phase.phase == "update"
    probe = c.network.copy()
    probe.set_params(c.phase.before)
    assert panel.rule.total == pytest.approx(chain_rule(probe, view.trace.x[0], view.trace.y[0], 0, 0, 0).total,
                                             rel=1e-12)

    c.change_hidden((3,))  # a new architecture: the spin boxes follow
    assert panel.network.layers == (2, 3, 1) and panel.layer_spin.maximum() == 2


def test_the_panel_works_while_training_plays(qtbot, make_controller, widgets):
    c = make_controller()
    panel = widgets.show(qtbot, ChainRulePanel(c))
    c.play()
    wait_for_step = (lambda: c.snapshot.step > 20)
    qtbot.waitUntil(wait_for_step, timeout=10_000)
    c.pause()
    qtbot.waitUntil(lambda: not panel._throttle.pending(), timeout=2000)
    np.testing.assert_array_equal(panel.params, c.snapshot.params)  # the last snapshot shown
    probe = c.network.copy()
    probe.set_params(c.snapshot.params)  # the live network may have trained on past it
    x, y, _ = panel.sample()
    assert panel.rule.total == chain_rule(probe, x, y, 0, 0, 0).total
    assert panel.rule.relative_error <= 1e-6


def test_chain_rule_themes(qtbot, widgets):
    panel = ChainRulePanel()
    widgets.add(panel)
    panel.set_state(small_net(), None, [0.2, 0.3], [1.0])
    before = panel.text()
    panel.set_theme(DARK)
    assert panel.text() == before
    panel.set_theme(LIGHT)


# ----------------------------------------------------------------------------- gradient flow


def test_feeding_snapshots_adds_points(qtbot, widgets):
    problem = Problem(samples=100, hidden=(4, 4, 4), activation="sigmoid")
    _, _, snaps = snapshots(problem, 6)
    panel = widgets.show(qtbot, GradientFlowPanel())
    panel.set_snapshot(snaps[0])  # step 0: no gradient yet
    assert panel.history()[0].size == 0
    for s in snaps[1:]:
        panel.set_snapshot(s)
    steps, norms = panel.history()
    np.testing.assert_array_equal(steps, np.arange(1, 7))
    assert norms.shape == (6, 4)
    np.testing.assert_allclose(norms[-1], [np.abs(g).mean() for g in snaps[-1].grad_weights])
    curves = [cv for cv in panel.live.curves if cv.isVisible()]
    assert len(curves) == 4
    x, y = curves[0].getOriginalDataset()
    assert len(x) == 6
    np.testing.assert_allclose(y, norms[:, 0])
    assert panel.legend_names() == ["layer 1", "layer 2", "layer 3", "layer 4"]
    assert "Layer 1 gets" in panel.caption.text()
    panel.set_snapshot(snaps[2])  # a lower step (an undo, training on from a frame): the later points go
    assert panel.history()[0].tolist() == [1.0, 2.0]


def test_the_compare_button_shows_sigmoid_and_relu(qtbot, widgets):
    panel = widgets.show(qtbot, GradientFlowPanel())
    with qtbot.waitSignal(panel.comparisonFinished, timeout=10_000):
        qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    assert set(panel.comparison) == {"sigmoid", "relu"}
    sigmoid, relu = panel.comparison["sigmoid"], panel.comparison["relu"]
    assert sigmoid.shape == relu.shape == (30, 7)
    assert flow_ratio(sigmoid) < 1e-2 < flow_ratio(relu)
    for name, norms in panel.comparison.items():
        shown = [cv for cv in panel.compare_plots[name].curves if cv.isVisible()]
        assert len(shown) == 7
        for curve, column in zip(shown, norms.T):
            np.testing.assert_allclose(curve.getOriginalDataset()[1], column)
    assert panel.tabs.currentIndex() == 1
    assert panel.legend_names() == [f"layer {l}" for l in range(1, 8)]
    assert "sigmoid" in panel.compare_plots["sigmoid"].title.text()


def test_gradient_flow_follows_the_controller(qtbot, make_controller, widgets):
    c = make_controller(Problem(samples=100, hidden=(3, 3)))
    panel = GradientFlowPanel(c)
    widgets.add(panel)
    for _ in range(4):
        c.step()
    assert panel.history()[1].shape == (4, 3)
    c.reset()
    assert panel.history()[0].size == 0
    c.change_hidden((5,))
    c.step()
    assert panel.history()[1].shape == (1, 2)


# ----------------------------------------------------------------------------- dead neurons


def test_the_canvas_gets_the_dead_marks(qtbot, widgets):
    net = Network([2, 4, 3, 1], ["relu", "relu", "sigmoid"], "bce")
    net.initialize("he", np.random.default_rng(0))
    net.weights[1][:] = np.abs(net.weights[1])  # layer 2 sees positive inputs with positive weights
    net.biases[0][:] = 5.0
    net.biases[1][:] = 5.0
    net.biases[1][2] = -100.0
    data = make_dataset("circles", samples=60, seed=0)
    canvas = canvas_for(widgets, net)
    panel = widgets.show(qtbot, DeadNeuronPanel(canvas=canvas))
    with qtbot.waitSignal(panel.deadChanged) as blocker:
        panel.set_state(net, data, step=700, epoch=14)
    assert blocker.args == [[(2, 2)]]
    assert canvas.dead == ((2, 2),)
    assert panel.entries() == ["✗  layer 2, neuron 3: dead since epoch 14 (step 700)"]
    assert panel.count_label.text() == "1 / 7"
    net.biases[1][2] = 100.0
    panel.set_state(net, data, step=800, epoch=16)
    assert canvas.dead == ()
    assert panel.entries() == ["↺  layer 2, neuron 3: revived at epoch 16 (step 800)"]
    panel.set_theme(DARK)


def test_dead_panel_follows_snapshots_and_switches_to_leaky_relu(qtbot, make_controller, widgets):
    c = make_controller(replace(RELU, train=TrainConfig(learning_rate=3.0, batch_size=10)))
    canvas = canvas_for(widgets, c.network)
    panel = DeadNeuronPanel(c, canvas=canvas)
    widgets.add(panel)
    c.set_granularity("epoch")
    for _ in range(3):
        c.step()
    probe = c.network.copy()
    dead = [(l, k) for l, k in panel.dead]
    assert dead  # such a learning rate kills neurons
    assert dead == dead_neurons(probe, c.dataset.x_train)
    assert canvas.dead == tuple(dead)
    assert panel.history()[0].tolist() == [0.0, 5.0, 10.0, 15.0]
    assert all("dead since epoch" in line for line in panel.entries()[:len(dead)])

    assert panel.leaky_button.isEnabled()
    panel.problemRequested.connect(c.set_problem)  # as the main window does
    qtbot.mouseClick(panel.leaky_button, Qt.MouseButton.LeftButton)
    assert c.problem.activation == "leaky_relu"
    assert c.network.activation_names[:-1] == ("leaky_relu", "leaky_relu")
    assert panel.dead == [] and canvas.dead == ()
    assert not panel.leaky_button.isEnabled()
    assert "Leaky ReLU" in panel.summary.text()


def test_dead_panel_while_training_plays(qtbot, make_controller, widgets):
    c = make_controller(RELU)
    panel = widgets.show(qtbot, DeadNeuronPanel(c))
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step > 20 and panel.history()[0].size > 2, timeout=10_000)
    c.pause()
    qtbot.waitUntil(lambda: panel.history()[0][-1] == c.snapshot.step, timeout=2000)
    QCoreApplication.processEvents()
    assert panel.dead == [n for n in panel.tracker.dead]


def test_big_data_is_checked_off_the_gui_thread(qtbot, make_controller, widgets, monkeypatch):
    import threading

    from nnviz.ui.instruments import dead_neurons_panel as module

    threads = []
    find = module.find_dead_and_inactive

    def recording(network, x):
        threads.append(threading.current_thread() is threading.main_thread())
        return find(network, x)

    monkeypatch.setattr(module, "DEAR_CHECK", 0)  # every training set counts as big
    monkeypatch.setattr(module, "find_dead_and_inactive", recording)
    c = make_controller(replace(RELU, train=TrainConfig(learning_rate=3.0, batch_size=10)))
    panel = widgets.show(qtbot, DeadNeuronPanel(c))
    threads.clear()
    c.play()
    qtbot.waitUntil(lambda: panel.history()[0].size > 3, timeout=10_000)
    c.pause()
    qtbot.waitUntil(lambda: panel.history()[0][-1] == c.snapshot.step, timeout=5000)  # paused: the last state
    assert len(threads) >= 3 and not any(threads)  # every check ran in the background, the paused one too
    steps = panel.history()[0]
    assert list(steps) == sorted(steps)  # recorded in order
    assert panel.dead == dead_neurons(c.network.copy(), c.dataset.x_train)


def test_a_network_without_relu_is_not_run_over_the_data(qtbot, make_controller, widgets, monkeypatch):
    """tanh neurons cannot die: no forward pass over every training input (784-input images
    made one ten times a second in a third thread, for an empty list)."""
    from nnviz.ui.instruments import dead_neurons_panel as module

    checks = []
    monkeypatch.setattr(module, "DEAR_CHECK", 0)
    monkeypatch.setattr(module, "find_dead_and_inactive", lambda network, x: checks.append(1) or ([], []))
    c = make_controller(replace(RELU, activation="tanh", train=TrainConfig(learning_rate=0.3, batch_size=10)))
    panel = widgets.show(qtbot, DeadNeuronPanel(c))
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step > 50, timeout=10_000)
    c.pause()
    qtbot.wait(50)
    assert checks == [] and panel.dead == [] and not panel._background.busy
    assert "only ReLU neurons can die" in panel.summary.text()


def test_destroyed_panels_are_disconnected_from_the_controller(qtbot, make_controller):
    c = make_controller()
    panels = [ChainRulePanel(c), GradientFlowPanel(c), DeadNeuronPanel(c)]
    for p in panels:
        p.close()
    del panels, p
    gc.collect()
    c.change_hidden((3,))  # problemChanged, snapshotChanged and phaseChanged reach no dead panel
    c.step()
