"""The initialization lab, optimizer race and loss-function panels: driven alone through
their plain methods and through a SessionController, in both themes."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6 import QtCore  # noqa: E402

from nnviz.engine.loss_curves import loss_curves, per_sample_losses  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402
from nnviz.engine.optimizer_race import RACE_OPTIMIZERS  # noqa: E402
from nnviz.engine.trainer import Trainer  # noqa: E402
from nnviz.draw.theme import DARK, LIGHT  # noqa: E402
from nnviz.ui.instruments.init_lab_panel import InitLabPanel  # noqa: E402
from nnviz.ui.instruments.loss_panel import VALUE_RANGE, LossPanel  # noqa: E402
from nnviz.ui.instruments.optimizer_panel import OptimizerPanel  # noqa: E402
from nnviz.app.problem import NetworkShape, Problem  # noqa: E402
from nnviz.app.timeline import Timeline  # noqa: E402
from nnviz.ui.instruments.source import SnapshotSource  # noqa: E402

SIZE = (520, 380)
SMALL = Problem(samples=100)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    QtCore.QCoreApplication.processEvents()
    return widget


@pytest.fixture
def controller(make_controller):
    return make_controller


def visible_curves(ridges):
    return [c for c in ridges.curves if c.isVisible()]


# ---- initialization lab -------------------------------------------------------------------------


def test_init_lab_draws_one_ridge_and_one_line_per_hidden_layer(qtbot):
    panel = show(qtbot, InitLabPanel())
    assert panel.settings() == {"init": "xavier_uniform", "activation": "tanh", "depth": 6, "width": 32,
                                "data": "circles"}
    assert len(visible_curves(panel.activation_ridges)) == 6
    assert len(visible_curves(panel.gradient_ridges)) == 6
    lines = panel.layer_lines()
    assert len(lines) == 6
    stds = panel.stats().activation_std()
    for l, line in enumerate(lines):
        assert line.startswith(f"layer {l + 1}: std(a) = {stds[l]:.2g}")
        assert line.endswith("identical neurons: no")
    panel.configure(depth=3, width=8, activation="relu", init="he_normal")
    assert len(visible_curves(panel.activation_ridges)) == 3
    assert panel.stats().layers == (2, 8, 8, 8, 1)
    # ridge i sits on baseline depth-1-i (layer 1 on top) and stays below the next one
    for i, curve in enumerate(visible_curves(panel.activation_ridges)):
        _, y = curve.getData()
        assert curve.opts["fillLevel"] == 2 - i
        assert y.min() >= 2 - i and y.max() < 2 - i + 1


def test_init_lab_symmetric_init_stays_symmetric_after_training(qtbot):
    panel = show(qtbot, InitLabPanel())
    panel.configure(init="constant", depth=4, width=16)
    assert all(line.endswith("identical neurons: yes") for line in panel.layer_lines())
    qtbot.mouseClick(panel.train_button, QtCore.Qt.MouseButton.LeftButton)
    track = panel.track()
    assert track is not None and track.identical[:, :-1].all()
    assert all(line.endswith("identical neurons: yes → yes after 20 epochs") for line in panel.layer_lines()[:4])
    assert "still copies in all layers" in panel.train_label.text()
    panel.configure(init="he_uniform")
    assert panel.track() is None  # a new network: the training result is gone
    panel.train()
    assert "no after 20 epochs" in panel.layer_lines()[0]
    assert "no layer" in panel.train_label.text()


def test_init_lab_uses_the_controllers_data_and_both_themes(qtbot, controller):
    c = controller(Problem(dataset="blobs", samples=90))
    panel = show(qtbot, InitLabPanel(c))
    panel.configure(data="current", depth=2, width=4)
    assert panel.stats().layers == (2, 4, 4, 3)  # blobs: 3 classes, softmax
    np.testing.assert_allclose(panel.stats().activations[-1].sum(axis=1), 1.0)
    panel.set_theme(DARK)
    panel.set_theme(LIGHT)
    assert len(visible_curves(panel.gradient_ridges)) == 2


# ---- optimizer race -----------------------------------------------------------------------------


def test_run_fills_four_paths_and_four_loss_curves(qtbot):
    panel = show(qtbot, OptimizerPanel())
    panel.set_steps(30)
    paths = panel.run()
    assert list(paths) == list(RACE_OPTIMIZERS)
    for name in RACE_OPTIMIZERS:
        x, y = panel.loss_curves[name].getData()
        np.testing.assert_array_equal(x, np.arange(31))
        np.testing.assert_array_equal(y, paths[name].losses)
        px, py = panel.path_curves[name].getData()
        np.testing.assert_array_equal(np.column_stack([px, py]), paths[name].points)
    start = panel.start_marker.getData()
    assert (start[0][0], start[1][0]) == tuple(paths["sgd"].points[0])
    assert len(panel.end_markers.data) == 4
    assert panel.image.image is not None and panel.contours.getData()[0].size > 0
    for name in ("SGD", "Momentum", "RMSProp", "Adam"):
        assert name in panel.legend_label.text() and name in panel.status_label.text()
    panel.set_theme(DARK)
    panel.set_theme(LIGHT)


def test_clicking_the_surface_starts_the_race_there(qtbot):
    panel = show(qtbot, OptimizerPanel())
    panel.set_steps(10)
    panel.run()
    target = QtCore.QPointF(-2.0, 5.0)
    scene = panel.surface_plot.vb.mapViewToScene(target)
    pos = panel._surface_widget.mapFromScene(scene)
    with qtbot.waitSignal(panel.raceFinished, timeout=2000):
        qtbot.mouseClick(panel._surface_widget.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    first = panel.paths()["adam"].points[0]
    np.testing.assert_allclose(first, [-2.0, 5.0], atol=0.1)  # within a pixel or two
    assert all(np.array_equal(p.points[0], first) for p in panel.paths().values())


def test_two_weights_of_the_current_network(qtbot, controller):
    c = controller()
    c.trainer.train_epochs(3)
    c._publish(c.trainer.snapshot())  # as a step does
    panel = show(qtbot, OptimizerPanel(c))
    panel.set_source("network")
    assert panel.weight_row.isVisible()
    panel.set_weights((1, 0, 0), (1, 0, 4))  # layer 2: w[0, 0] and the bias of neuron 0
    panel.set_steps(12)
    paths = panel.run()
    snap = c.snapshot
    net = Network(snap.layers, c.network.activation_names, c.network.loss_name, snap.params)
    i, j = net.offsets[1] + 0, net.offsets[1] + 4 * 4  # Θ row 4 is the bias row
    for path in paths.values():
        np.testing.assert_array_equal(path.points[0], [snap.params[i], snap.params[j]])
        assert len(path.losses) == 13
    assert panel.surface_plot.getAxis("bottom").labelText == "w2[1←1]"
    assert panel.surface_plot.getAxis("left").labelText == "b2[1]"
    panel.set_weights((1, 0, 0), (1, 0, 0))
    assert panel.run() == {} and "two different" in panel.status_label.text()


# ---- loss functions -----------------------------------------------------------------------------


def test_feeding_a_snapshot_marks_every_training_sample(qtbot, controller):
    c = controller()
    panel = show(qtbot, LossPanel())
    net = c.network
    panel.set_model(net.layers, net.activation_names, net.loss_name, c.dataset)
    assert panel.point_count() == 0
    c.trainer.train_epochs(5)
    snap = c.trainer.snapshot()
    panel.set_snapshot(snap)
    n = c.dataset.n_train
    assert panel.point_count() == n
    display = Network(snap.layers, net.activation_names, net.loss_name, snap.params)
    y_hat, targets, losses = per_sample_losses(display, c.dataset)
    shown = panel.points()
    for got, want in zip(shown, (y_hat, targets, losses)):
        np.testing.assert_array_equal(got, want)
    for t in (0, 1):
        x, y = panel.columns[t].points.getData()
        mask = targets == t
        np.testing.assert_array_equal(x, y_hat[mask])
        np.testing.assert_array_equal(y, np.minimum(losses[mask], VALUE_RANGE[1]))
        # on the drawn curve of the network's loss (BCE here)
        curve = loss_curves(x)["bce"][t].value
        np.testing.assert_array_equal(np.minimum(curve, VALUE_RANGE[1]), y)
    legend = [label.text for _, label in panel.columns[1].legend.items]
    assert legend[-1] == "samples"
    panel.set_theme(DARK)
    assert panel.point_count() == n


def test_loss_panel_follows_the_controller(qtbot, controller):
    c = controller()
    panel = show(qtbot, LossPanel(c))
    assert panel.point_count() == c.dataset.n_train  # the initial snapshot
    before = panel.points()[2].copy()
    c.set_granularity("epoch")
    c.step()
    assert not np.array_equal(panel.points()[2], before)
    # multiclass: every sample on the true class's cross-entropy curve
    c.set_problem(Problem(dataset="blobs", samples=60))
    assert panel.point_count() == c.dataset.n_train
    assert len(panel.columns[0].points.data) == 0
    # regression: no probabilities, no points
    c.set_problem(Problem(dataset="regression_plane", samples=60, output_activation="linear", loss="mse"))
    assert panel.point_count() == 0


def test_a_hidden_loss_panel_catches_up_when_shown(qtbot, controller):
    c = controller()
    panel = LossPanel(c)
    qtbot.addWidget(panel)
    assert panel.point_count() == 0
    c.set_granularity("epoch")
    c.step()
    assert panel.point_count() == 0  # hidden: no work done
    show(qtbot, panel)
    assert panel.point_count() == c.dataset.n_train


def test_panels_work_while_training_plays(qtbot, controller):
    c = controller()
    loss_panel = show(qtbot, LossPanel(c))
    race_panel = show(qtbot, OptimizerPanel(c))
    race_panel.set_source("network")
    race_panel.set_steps(5)
    before = loss_panel.points()[2].copy()
    c.play()
    try:
        qtbot.waitUntil(lambda: c.snapshot.step > 10 and not np.array_equal(loss_panel.points()[2], before),
                        timeout=10_000)
        snap = c.snapshot  # what the race must start from: a copy, never the live network
        i = race_panel._network.offsets[0]  # layer 1, w[0, 0]
        paths = race_panel.run()
        assert c.running
        assert paths["sgd"].points[0][0] == snap.params[i]
    finally:
        c.pause()
    assert loss_panel.point_count() == c.dataset.n_train


# ---- the snapshot-source protocol ---------------------------------------------------------------


class StrictSource(QtCore.QObject):
    """Exactly the SnapshotSource members, fed by a trainer of its own: a panel that reads
    anything else of its controller (the live network, the trainer) fails here."""

    problemChanged = QtCore.Signal(object)
    snapshotChanged = QtCore.Signal(object)
    phaseChanged = QtCore.Signal(object)
    runningChanged = QtCore.Signal(bool)

    def __init__(self, problem):
        super().__init__()
        data = problem.make_dataset()
        net = problem.make_network(data)
        self._trainer = Trainer(net, data, problem.train, seed=problem.seed)
        self.problem, self.dataset, self.shape = problem, data, NetworkShape.of(net)
        self.snapshot, self.phase, self.running = self._trainer.snapshot(), None, False
        self.timeline = Timeline(16)  # never scrubbed: its cursor stays None (the live state)

    def next_batch(self):
        x, y = self._trainer.current_batch()
        return x.copy(), y.copy()

    def step(self):
        self._trainer.step_batch()
        self.snapshot = self._trainer.snapshot()
        self.snapshotChanged.emit(self.snapshot)


def test_the_controller_offers_every_member_of_the_protocol(controller):
    c = controller()
    members = [n for n in dir(SnapshotSource) if not n.startswith("_")] + list(SnapshotSource.__annotations__)
    assert {"problem", "shape", "dataset", "snapshot", "phase", "running", "next_batch", "problemChanged",
            "snapshotChanged", "phaseChanged", "runningChanged"} <= set(members)
    for name in members:
        assert hasattr(c, name), name
        assert hasattr(StrictSource(SMALL), name), name


def test_every_panel_needs_only_the_snapshot_source(qtbot):
    from nnviz.ui.instruments.chain_rule_panel import ChainRulePanel
    from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel
    from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel

    source = StrictSource(Problem(samples=100, activation="relu", init="he"))
    chain = show(qtbot, ChainRulePanel(source))
    dead = show(qtbot, DeadNeuronPanel(source))
    flow = show(qtbot, GradientFlowPanel(source))
    losses = show(qtbot, LossPanel(source))
    race = show(qtbot, OptimizerPanel(source))
    lab = show(qtbot, InitLabPanel(source))
    for _ in range(3):
        source.step()
    x, y = source.next_batch()
    np.testing.assert_array_equal(chain.sample()[0], x[0])
    np.testing.assert_array_equal(chain.params, source.snapshot.params)
    assert dead.history()[0].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert flow.history()[1].shape == (3, 3)
    assert losses.point_count() == source.dataset.n_train
    race.set_source("network")
    race.set_steps(3)
    paths = race.run()
    assert paths["sgd"].points[0][0] == source.snapshot.params[race._network.offsets[0]]
    lab.configure(data="current", depth=2, width=4)
    assert lab.stats().layers == (2, 4, 4, 1)
    requested = []
    dead.problemRequested.connect(requested.append)
    dead.switch_to_leaky()
    assert [p.activation for p in requested] == ["leaky_relu"] and source.problem.activation == "relu"
    source.problem = requested[0]  # what the window does with the request, in short
    leaky = tuple("leaky_relu" if a == "relu" else a for a in source.shape.activation_names)
    source.shape = NetworkShape(source.shape.layers, leaky, source.shape.loss_name)
    source.problemChanged.emit(source.problem)
    assert dead.network.activation_names == ("leaky_relu", "leaky_relu", "sigmoid") and dead.dead == []
