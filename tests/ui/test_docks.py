"""The instrument docks in the real window: Ctrl+1 … Ctrl+7 bring a panel's tab to the front,
opening them never squashes the plots, and gradient flow explains exactly-zero gradients."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from nnviz.app.problem import NetworkShape, Problem
from nnviz.app.timeline import Timeline
from nnviz.engine.trainer import Trainer
from nnviz.ui.docks import DOCK_SHARE, PANELS
from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel
from nnviz.ui.main_window import LOSS_MIN_HEIGHT, PLOT_MIN_SIZE

KEYS = [key for key, _, _ in PANELS]


def press(qtbot, window, n: int) -> None:
    """Ctrl+n, as the user types it."""
    window.activateWindow()
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()


def seen(dock) -> bool:
    """On screen and not behind another tab (Qt's own answer, not the docks' bookkeeping)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


# ----------------------------------------------------------------------------- Ctrl+N


def test_ctrl_n_brings_the_panel_to_the_front_and_then_hides_it(window, qtbot):
    docks = window.docks
    chain, flow = docks.docks["chain_rule"], docks.docks["gradient_flow"]
    assert all(d.isHidden() for d in docks.docks.values())
    press(qtbot, window, 1)
    assert seen(chain) and docks.in_front("chain_rule") and docks.actions["chain_rule"].isChecked()
    press(qtbot, window, 2)
    assert seen(flow) and not seen(chain)
    assert not chain.isHidden() and docks.actions["chain_rule"].isChecked()  # behind the gradient-flow tab
    press(qtbot, window, 1)  # shown but behind: comes to the front (it used to be hidden here)
    assert seen(chain) and not seen(flow) and not flow.isHidden()
    press(qtbot, window, 1)  # in front: hidden
    assert chain.isHidden() and not docks.actions["chain_rule"].isChecked()
    assert seen(flow)  # the other tab stays
    press(qtbot, window, 1)  # hidden: shown again, in front
    assert seen(chain)


def test_every_panel_key_and_the_menu_entry_do_the_same(window, qtbot):
    docks = window.docks
    for n, key in enumerate(KEYS, start=1):
        press(qtbot, window, n)
        assert [k for k in KEYS if seen(docks.docks[k])] == [key]
    docks.actions["chain_rule"].trigger()  # the Instruments menu's entry: the same toggle
    assert seen(docks.docks["chain_rule"])
    docks.docks["chain_rule"].close()  # its ✕
    assert not docks.actions["chain_rule"].isChecked()


def test_inspecting_a_weight_brings_the_chain_rule_forward(window, qtbot):
    press(qtbot, window, 2)
    press(qtbot, window, 1)
    press(qtbot, window, 3)  # chain rule shown, behind dead neurons
    window.canvas.weightInspected.emit(1, 0, 0)
    QApplication.processEvents()
    assert seen(window.docks.docks["chain_rule"])
    assert window.docks.panels["chain_rule"].selection() == (1, 0, 0)


# ----------------------------------------------------------------------------- room


def test_all_docks_open_at_1280x720_leave_every_plot_usable(window, qtbot):
    for n in range(1, len(PANELS) + 1):
        press(qtbot, window, n)
    qtbot.wait(50)
    assert window.size().toTuple() == (1280, 720)  # the window did not grow to make room
    for plot in (window.boundary_plot, window.loss_plot, window.activation_plot):
        assert plot.width() >= PLOT_MIN_SIZE[0] and plot.height() >= PLOT_MIN_SIZE[1], type(plot).__name__
    assert window.loss_plot.height() >= LOSS_MIN_HEIGHT  # two plots, loss and accuracy
    canvas = window.canvas
    assert canvas.width() >= canvas.minimumWidth() and canvas.height() >= canvas.minimumHeight()
    dock = window.docks.docks[KEYS[-1]]
    assert seen(dock)
    assert 120 <= dock.height() <= DOCK_SHARE * window.height()  # usable, and a bounded share


def test_opening_a_panel_shrinks_an_oversized_dock_area(window, qtbot):
    window.resize(1280, 1000)
    press(qtbot, window, 1)
    chain = window.docks.docks["chain_rule"]
    window.resizeDocks([chain], [600], Qt.Orientation.Vertical)  # dragged up by hand
    qtbot.waitUntil(lambda: chain.height() > DOCK_SHARE * window.height())
    press(qtbot, window, 2)
    flow = window.docks.docks["gradient_flow"]
    qtbot.waitUntil(lambda: flow.height() <= DOCK_SHARE * window.height())
    assert window.boundary_plot.height() >= PLOT_MIN_SIZE[1]


def test_with_room_a_panel_opens_whole_without_scrolling(window, qtbot):
    """At 1920×1080 the gradient-flow panel gets the room it asks for (within the share) and
    fills its dock: its caption is on screen, not scrolled away below a word-wrapped label."""
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.height() == 1080)
    press(qtbot, window, 2)
    dock = window.docks.docks["gradient_flow"]
    scroll, panel = dock.widget(), window.docks.panels["gradient_flow"]
    qtbot.waitUntil(lambda: panel.height() == scroll.viewport().height())
    assert scroll.verticalScrollBar().maximum() == 0
    assert dock.height() <= DOCK_SHARE * window.height()
    caption = panel.caption.geometry()
    assert caption.bottom() <= scroll.viewport().height() and caption.height() > 0


# ----------------------------------------------------------------------------- zero gradients


class Source(QObject):
    """The SnapshotSource members over a trainer of a network the test has set by hand."""

    problemChanged = Signal(object)
    snapshotChanged = Signal(object)
    phaseChanged = Signal(object)
    runningChanged = Signal(bool)

    def __init__(self, problem, edit):
        super().__init__()
        self.problem = problem
        self.dataset = problem.make_dataset()
        net = problem.make_network(self.dataset)
        edit(net)
        self.shape = NetworkShape.of(net)
        self._trainer = Trainer(net, self.dataset, problem.train, seed=problem.seed)
        self.snapshot, self.phase, self.running = self._trainer.snapshot(), None, False
        self.timeline = Timeline(16)  # never scrubbed: the live state is shown

    def step(self, n=1):
        for _ in range(n):
            self._trainer.step_batch()
            self.snapshot = self._trainer.snapshot()
            self.snapshotChanged.emit(self.snapshot)


@pytest.fixture
def flow_panel(qtbot):
    made = []

    def make(source):
        panel = GradientFlowPanel(source)
        qtbot.addWidget(panel)
        panel.resize(520, 380)
        panel.show()
        qtbot.waitExposed(panel)
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.close()


def shown_curves(panel):
    return [c for c in panel.live.curves if c.isVisible()]


def assert_on_the_zero_lane(panel, curves, steps):
    """Exact zeros are drawn on the decade the axis labels "0", inside the view."""
    lane = panel.live.axis.zero_lane
    low, high = panel.live.plot.viewRange()[1]
    assert lane is not None and low < lane < high
    assert panel.live.axis.logTickStrings([float(lane)], 1.0, 1.0) == ["0"]
    for curve in curves:
        x, y = curve.getOriginalDataset()
        assert x.tolist() == steps
        np.testing.assert_allclose(np.log10(y), lane)


def test_zero_weights_give_exactly_zero_gradients_and_the_caption_says_why(flow_panel, make_controller, qtbot):
    """2-4-4-1 tanh with every weight and bias 0: every hidden a = tanh(0) = 0, so
    ∂L/∂W = δ·aᵀ = 0 for the output layer and δ = Wᵀδ ⊙ f′ = 0 below it."""
    c = make_controller(Problem(samples=100, hidden=(4, 4), activation="tanh", init="zeros"))
    panel = flow_panel(c)
    for _ in range(3):
        c.step()
    qtbot.waitUntil(lambda: not panel._throttle.pending(), timeout=2000)
    steps, norms = panel.history()
    assert steps.tolist() == [1, 2, 3] and not norms.any()  # exactly zero, every layer
    text = panel.caption.text()
    assert text.startswith("All gradients are exactly zero")
    assert "every weight is 0" in text and "hidden layer 1 outputs a = f(b) = 0" in text
    assert "Train or step" not in text
    # the lines go on, on a lane inside the view labelled "0" (log 0 is not a number)
    assert_on_the_zero_lane(panel, shown_curves(panel), [1, 2, 3])
    assert len(shown_curves(panel)) == 3


def test_dead_relu_neurons_give_exactly_zero_gradients(flow_panel):
    def kill(net):  # every hidden neuron gets z = w·x + b ≤ 0 on every input (|x| < 3 here)
        net.biases[0][:] = -100.0

    source = Source(Problem(samples=100, hidden=(5,), activation="relu", init="he"), kill)
    panel = flow_panel(source)
    source.step(2)
    assert not panel.history()[1].any()
    text = panel.caption.text()
    assert text.startswith("All gradients are exactly zero")
    assert "hidden layer 1 outputs a = 0 for every training input (every neuron is dead" in text


def test_some_layers_exactly_zero_are_named(flow_panel):
    """Hidden layer 1 dead, layer 2 alive through its bias: ∂L/∂W⁽³⁾ = δ·a⁽²⁾ᵀ ≠ 0, while
    ∂L/∂W⁽²⁾ = δ⁽²⁾·a⁽¹⁾ᵀ = 0 and δ⁽¹⁾ = 0 (f′ = 0)."""
    def kill_first(net):
        net.biases[0][:] = -100.0
        net.biases[1][:] = 1.0

    source = Source(Problem(samples=100, hidden=(4, 4), activation="relu", init="he"), kill_first)
    panel = flow_panel(source)
    source.step(2)
    norms = panel.history()[1]
    assert not norms[:, :2].any() and norms[:, 2].all()
    text = panel.caption.text()
    assert text.startswith("Layer 1 gets 0 × the last layer's mean |∂L/∂W|")
    assert text.endswith("Exactly zero now (drawn at 0): layer 1, 2.")
    assert_on_the_zero_lane(panel, shown_curves(panel)[:2], [1, 2])  # on the plot, not off it
    last = np.log10(shown_curves(panel)[2].getOriginalDataset()[1])
    low, high = panel.live.plot.viewRange()[1]
    assert (last > panel.live.axis.zero_lane + 0.5).all() and (last <= high).all()  # a decade above


def test_comparison_plots_have_no_zero_lane(flow_panel):
    panel = flow_panel(None)
    panel.compare(epochs=3)
    for fp in panel.compare_plots.values():
        assert fp.axis.zero_lane is None
