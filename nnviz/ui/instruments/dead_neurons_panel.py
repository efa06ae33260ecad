"""The dead-neuron monitor: which ReLU neurons never fire on the training data, since when.

On every snapshot the panel runs the training inputs through its own display copy of
the network, lists the ReLU neurons whose z ≤ 0 for every input (with the epoch and
step when each was first seen dead), marks them on the canvas (``set_dead``), and plots
how many there are over training (evenly thinned: engine.thinning). While the timeline is
scrubbed back, the panel shows the recorded frame: its dead neurons, the list as it stood
then and the count up to its step (the later points come back when the view goes live).
"Switch to leaky ReLU" asks (``problemRequested``) for
the problem with leaky ReLU, whose slope 0.01 for z ≤ 0 means no neuron can die.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from nnviz.draw.background_job import LatestJob
from nnviz.draw.plots.history_curves import bound_to_screen, history_curve
from nnviz.draw.plots.toolkit import cache_decorations, new_plot_widget, style_plot
from nnviz.draw.theme import LIGHT, Theme
from nnviz.engine.dead_neurons import DeadNeuronTracker, checks_anything, dead_neurons, inactive_neurons
from nnviz.engine.network import Network
from nnviz.engine.thinning import RunHistory
from nnviz.ui.instruments.common import SnapshotThrottle, add_row, bold_label
from nnviz.ui.instruments.source import SnapshotSource, shows_past

__all__ = ["DeadNeuronPanel"]

PROCESS_INTERVAL = 0.1  # seconds between checks while training plays
DEAR_CHECK = 500_000  # training values (rows × inputs) above which a snapshot's check runs off the GUI thread


def find_dead_and_inactive(network: Network, x_train) -> tuple[list, list]:
    """(dead ReLU neurons, inactive leaky-ReLU neurons) of ``network`` on ``x_train``."""
    return dead_neurons(network, x_train), inactive_neurons(network, x_train)


class DeadNeuronPanel(QWidget):
    """Counts and lists dead ReLU neurons, marks them on ``canvas``, offers leaky ReLU."""

    #: Emitted with the dead list [(layer from 1, neuron from 0)] whenever it is recomputed.
    deadChanged = Signal(list)
    #: Emitted with the Problem "Switch to leaky ReLU" wants (the window applies it).
    problemRequested = Signal(object)

    def __init__(self, controller: SnapshotSource | None = None, parent=None, canvas=None, *,
                 theme: Theme = LIGHT):
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.network: Network | None = None  # display copy: never the controller's live one
        self.dataset = None
        self.tracker = DeadNeuronTracker()
        self.dead: list[tuple[int, int]] = []
        self.inactive: list[tuple[int, int]] = []
        self._pending = None  # (the latest snapshot not yet checked, whether it is a recorded frame)
        self.record = RunHistory(1)  # rows (step, number dead), evenly thinned
        self._past: tuple[int, int] | None = None  # (step, number dead) of a recorded frame shown
        self._shown_tracker = self.tracker  # the record the list shows: as of the frame shown
        self._rows: list = []
        self._y_ticks: tuple[int, int] | None = None
        self._theme = theme
        self._throttle = SnapshotThrottle(self._process_pending, PROCESS_INTERVAL, self)
        self._background = LatestJob(find_dead_and_inactive, self._on_checked, self)  # big data while playing

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        head = add_row(layout)
        self.title = bold_label("Dead ReLU neurons")
        head.addWidget(self.title)
        head.addStretch(1)
        self.count_label = QLabel("0")
        self.count_label.setObjectName("dead_count")
        big = self.count_label.font()
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.6)
        self.count_label.setFont(big)
        head.addWidget(self.count_label)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.list = QListWidget()
        self.list.setObjectName("dead_list")
        self.list.setAlternatingRowColors(True)
        layout.addWidget(self.list, 1)

        self._plot_widget = new_plot_widget()
        self._plot_widget.setMinimumHeight(90)
        self._plot_widget.setMaximumHeight(120)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setLabel("left", "dead")
        self.plot.setLabel("bottom", "step")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMouseEnabled(x=True, y=False)
        bound_to_screen(self.plot)
        self.curve = history_curve()
        self.plot.addItem(self.curve)
        layout.addWidget(self._plot_widget)

        row = add_row(layout)
        self.leaky_button = QPushButton("Switch to leaky ReLU")
        self.leaky_button.setObjectName("dead_switch_leaky")
        self.leaky_button.setToolTip("Leaky ReLU keeps a slope of 0.01 for z ≤ 0, so a neuron can always "
                                     "recover. Rebuilds the network and restarts training.")
        row.addWidget(self.leaky_button)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        row.addWidget(self.hint, 1)

        self.leaky_button.clicked.connect(self.switch_to_leaky)
        self.set_theme(theme)
        cache_decorations(self._plot_widget)
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)
            controller.snapshotChanged.connect(self._on_snapshot)
            self._on_problem(controller.problem)
            if controller.snapshot is not None:
                self._on_snapshot(controller.snapshot)

    # ---- plain API -------------------------------------------------------------------------

    def set_canvas(self, canvas) -> None:
        self.canvas = canvas
        if canvas is not None:
            canvas.set_dead(self.dead)

    def set_state(self, network: Network, dataset, step: int = 0, epoch: int = 0) -> None:
        """Check ``network`` (copied) on dataset.x_train, as at (step, epoch)."""
        self._set_architecture(network.layers, network.activation_names, network.loss_name)
        self.dataset = dataset
        self._check(network.params, step, epoch)

    def set_snapshot(self, snapshot, network_template: Network | None = None, dataset=None) -> None:
        """Check the weights of a Snapshot; ``network_template`` gives the architecture."""
        if network_template is not None:
            self._set_architecture(network_template.layers, network_template.activation_names,
                                   network_template.loss_name)
        if dataset is not None:
            self.dataset = dataset
        self._check(snapshot.params, snapshot.step, snapshot.epoch, tuple(snapshot.layers))

    def show_frame(self, snapshot) -> None:
        """Show a recorded frame (the timeline scrubbed back): its dead neurons, the list as it
        stood at its step, the count up to it; the history after it is kept."""
        self._check(snapshot.params, snapshot.step, snapshot.epoch, tuple(snapshot.layers), past=True)

    def reset(self) -> None:
        """Forget the history (a new network)."""
        self.tracker.reset()
        self.dead, self.inactive = [], []
        self.record.clear()
        self._past = None
        self._shown_tracker = self.tracker
        self._pending = None
        self._background.cancel()
        self._show()
        if self.canvas is not None:
            self.canvas.set_dead([])

    def entries(self) -> list[str]:
        """The list's lines, e.g. "layer 2, neuron 3: dead since epoch 14 (step 700)"."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, number of dead neurons) as checked, up to the frame shown when scrubbed back."""
        rows = self.record.rows() if self._past is None else self.record.until(self._past[0], self._past[1])
        return rows[:, 0].copy(), rows[:, 1].copy()

    def switch_to_leaky(self) -> None:
        """Ask for the source's problem with leaky ReLU as the hidden activation."""
        c = self.controller
        if c is None or c.problem.activation != "relu":
            return
        self.problemRequested.emit(replace(c.problem, activation="leaky_relu"))

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._plot_widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        self.curve.setPen(pg.mkPen(theme.bad, width=2))
        self.hint.setStyleSheet(f"QLabel {{ color: {theme.secondary}; }}")
        self._show()

    # ---- controller ------------------------------------------------------------------------

    def _on_problem(self, problem) -> None:
        shape = self.controller.shape
        self._set_architecture(shape.layers, shape.activation_names, shape.loss_name)
        self.dataset = self.controller.dataset
        self.reset()

    def _on_snapshot(self, snapshot) -> None:
        self._pending = (snapshot, shows_past(self.controller))
        self._throttle.request(self.controller.running)

    def _process_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        snap, past = pending
        data = self.dataset
        if data is not None and data.x_train.size > DEAR_CHECK:
            # a forward pass over every training image (up to seconds on MNIST): off the GUI thread, on a copy
            if self._checkable(tuple(snap.layers)):
                net = self.network
                copy = Network(net.layers, net.activation_names, net.loss_name, snap.params)
                self._background.submit((snap.step, snap.epoch, past), copy, data.x_train)
            return
        self._check(snap.params, snap.step, snap.epoch, tuple(snap.layers), past=past)

    def _on_checked(self, when: tuple[int, int, bool], found: tuple[list, list]) -> None:
        self._record(*found, *when)

    # ---- internals -------------------------------------------------------------------------

    def _set_architecture(self, layers, activation_names, loss_name) -> None:
        key = (tuple(layers), tuple(activation_names), loss_name)
        if self.network is not None and (self.network.layers, self.network.activation_names,
                                         self.network.loss_name) == key:
            return
        self.network = Network(layers, activation_names, loss_name)
        self.reset()

    def _check(self, params, step: int, epoch: int, layers: tuple | None = None, past: bool = False) -> None:
        """The dead set of ``params``; recorded in the history (live) or only shown (``past``)."""
        if not self._checkable(layers):
            return
        self._background.cancel()  # a check still running is of an earlier state
        self.network.set_params(params)
        self._record(*find_dead_and_inactive(self.network, self.dataset.x_train), step, epoch, past)

    def _checkable(self, layers: tuple | None) -> bool:
        """A check could find something: the data fits the network, and it has (leaky) ReLU neurons
        (a tanh network of 784 inputs would otherwise be run over all its images for nothing)."""
        net, data = self.network, self.dataset
        return not (net is None or data is None or (layers is not None and layers != net.layers)
                    or data.x_train.shape[1] != net.layers[0]
                    or not checks_anything(net))

    def _record(self, dead: list, inactive: list, step: int, epoch: int, past: bool = False) -> None:
        self.dead, self.inactive = dead, inactive
        if past:
            self._past = (step, len(self.dead))
            self._shown_tracker = self.tracker.as_of(step)
        else:  # a step not after the last one drops the later history (tracker and counts alike)
            self._past = None
            self._shown_tracker = self.tracker
            self.tracker.update(self.dead, step, epoch)
            self.record.add(step, len(self.dead))
        if self.canvas is not None:
            self.canvas.set_dead(self.dead)
        self._show()
        self.deadChanged.emit(list(self.dead))

    def _relu_count(self, name: str = "relu") -> int:
        net = self.network
        return 0 if net is None else sum(n for n, a in zip(net.layers[1:], net.activation_names) if a == name)

    def _show(self) -> None:
        theme = self._theme
        n_relu = self._relu_count()
        n_dead = len(self.dead)
        self.count_label.setText(f"{n_dead} / {n_relu}" if n_relu else "–")
        style = f"QLabel {{ color: {theme.bad if n_dead else theme.secondary}; }}"
        if self.count_label.styleSheet() != style:  # setting one re-polishes the label: only on a change
            self.count_label.setStyleSheet(style)
        net = self.network
        if net is None:
            text = "No network yet."
        elif n_relu:
            pct = 100.0 * n_dead / n_relu
            text = (f"<b>{n_dead}</b> of {n_relu} ReLU neurons {'is' if n_dead == 1 else 'are'} dead "
                    f"({pct:.0f} %): z ≤ 0 for every training input, so ReLU′(z) = 0 and their "
                    "weights get no gradient at all." if n_dead else
                    f"None of the {n_relu} ReLU neurons is dead: each fires (z > 0) for some training input.")
        elif self._relu_count("leaky_relu"):
            k = len(self.inactive)
            text = (f"Leaky ReLU: no neuron can die (f′ = 0.01 for z ≤ 0). "
                    f"{k} {'is' if k == 1 else 'are'} silent on all the data but still learn{'s' if k == 1 else ''}.")
        else:
            hidden = ", ".join(sorted(set(net.activation_names[:-1]))) or net.activation_names[-1]
            text = f"This network uses {hidden}: only ReLU neurons can die."
        self.summary.setText(text)

        rows = []
        for neuron in self.dead:
            rec = self._shown_tracker.records.get(neuron)
            l, k = neuron
            line = f"layer {l}, neuron {k + 1}: dead"
            if rec is not None:
                line += f" since epoch {rec.since_epoch} (step {rec.since_step})"
                if rec.first_step != rec.since_step:
                    line += f", first died at step {rec.first_step}"
            rows.append(("✗  " + line, neuron, theme.bad))
        for neuron in self.inactive:
            l, k = neuron
            rows.append((f"◌  layer {l}, neuron {k + 1}: inactive (leaky: z ≤ 0 everywhere, still learns)",
                         neuron, theme.warn))
        dead_now = set(self.dead)
        for neuron, (step, epoch) in sorted(self._shown_tracker.revived.items()):
            if neuron not in dead_now:
                l, k = neuron
                rows.append((f"↺  layer {l}, neuron {k + 1}: revived at epoch {epoch} (step {step})",
                             neuron, theme.good))
        if rows != self._rows:  # rebuilt only when it changed: keeps the scroll position
            self._rows = rows
            self.list.clear()
            for text, neuron, color in rows:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, neuron)
                item.setForeground(QtGui.QColor(color))
                self.list.addItem(item)

        steps, counts = self.history()
        self.curve.setData(x=steps, y=counts)
        top = int(max(1.0, float(counts.max()) if counts.size else 1.0))
        step = max(1, -(-top // 3))
        if (top, step) != self._y_ticks:  # whole numbers only, 0 included
            self._y_ticks = (top, step)
            self.plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, top + step, step)], []])
        self.plot.setYRange(-0.12 * top, top * 1.15, padding=0.0)
        if steps.size:
            self.plot.setXRange(float(steps[0]), float(max(steps[-1], steps[0] + 1)), padding=0.02)

        c = self.controller
        relu_problem = c is not None and c.problem.activation == "relu"
        self.leaky_button.setEnabled(relu_problem)
        if c is None:
            self.hint.setText("")
        elif relu_problem:
            self.hint.setText("Slope 0.01 for z ≤ 0: neurons can always recover (restarts training).")
        else:
            self.hint.setText(f"Hidden activation: {c.problem.activation}.")
