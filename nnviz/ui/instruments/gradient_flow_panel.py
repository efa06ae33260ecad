"""Gradient flow: mean |∂L/∂W| of every layer over training, on a log scale.

The live chart is fed from snapshots (``snapshot.grad_weights``: the gradient of the
step's mini-batch) into ``record``, an evenly thinned history (engine.thinning: at most
HISTORY_POINTS points however long the run, the latest always among them), so a frame
costs the same after a million steps as after a thousand. While the timeline is scrubbed
back (source.shows_past) the chart ends at the frame shown; going live brings the rest back. "Compare sigmoid vs ReLU" trains two fresh deep networks
(2-8-8-8-8-8-8-1 by default, same data, same seed) and shows their curves side by side:
with the sigmoid the first layers' gradients vanish, with ReLU they do not.

A gradient that is exactly 0 has no place on a log axis: it is drawn on a lane a decade
below the data, labelled "0" on the axis, and the caption says which layers get exactly
zero and why (instruments.zero_gradients).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from nnviz.draw.plots.toolkit import cache_decorations
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.datasets import make_dataset
from nnviz.engine.gradient_flow import DEEP_LAYERS, flow_ratio, gradient_flow_run, layer_gradient_norms
from nnviz.engine.heads import output_head
from nnviz.engine.thinning import RunHistory
from nnviz.ui.instruments.common import SnapshotThrottle, add_row, bold_label, format_number
from nnviz.ui.instruments.flow_plot import FlowPlot, layer_colors, log_range
from nnviz.ui.instruments.source import SnapshotSource, shows_past
from nnviz.ui.instruments.zero_gradients import all_zero_caption

__all__ = ["GradientFlowPanel"]

REDRAW_INTERVAL = 0.1  # seconds between redraws while training plays
COMPARE_EPOCHS = 30
COMPARE_ACTIVATIONS = ("sigmoid", "relu")
COMPARE_NAMES = {"sigmoid": "sigmoid", "relu": "ReLU"}
RECENT = 50  # snapshots the live ratio is the median of
#: the controller's data is used for the comparison when it is this small, else circles
MAX_COMPARE_INPUTS, MAX_COMPARE_SAMPLES = 16, 2000


class GradientFlowPanel(QWidget):
    """Mean |∂L/∂W| per layer over training (live) and a sigmoid-vs-ReLU comparison."""

    comparisonFinished = Signal(object)  # dict name → (records, L) array

    def __init__(self, controller: SnapshotSource | None = None, parent=None, *, theme: Theme = LIGHT):
        super().__init__(parent)
        self.controller = controller
        self.record: RunHistory | None = None  # rows (step, norm of layer 1 … L), evenly thinned
        self._past = None  # a recorded frame shown (the timeline scrubbed back): the chart ends there
        self._last_snapshot = None  # the last one with a gradient, for the zero-gradient diagnosis
        self._theme = theme
        self._dirty = False
        self.comparison: dict[str, np.ndarray] = {}
        self.comparison_info = ""
        self._throttle = SnapshotThrottle(self._redraw_if_visible, REDRAW_INTERVAL, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        head = add_row(layout, margins=(10, 6, 8, 0))
        self.title = bold_label("Gradient flow: mean |∂L/∂W| per layer")
        head.addWidget(self.title)
        head.addStretch(1)
        self.compare_button = QPushButton("Compare sigmoid vs ReLU")
        self.compare_button.setObjectName("gradient_flow_compare")
        self.compare_button.setToolTip(
            f"Train a deep {'-'.join(map(str, DEEP_LAYERS))} network twice for {COMPARE_EPOCHS} epochs, "
            "once with sigmoid and once with ReLU (same data, same seed), and compare their gradients")
        head.addWidget(self.compare_button)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.live = FlowPlot("step")
        self.tabs.addTab(self.live.widget, "During training")
        compare_page = QWidget()
        grid = QHBoxLayout(compare_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        self.compare_plots: dict[str, FlowPlot] = {}
        for i, name in enumerate(COMPARE_ACTIVATIONS):
            fp = FlowPlot("epoch", titled=True)
            col = add_row(grid, vertical=True, stretch=1, spacing=0, margins=(0, 4, 0, 0))
            col.addWidget(fp.title)
            col.addWidget(fp.widget, 1)
            self.compare_plots[name] = fp
        first, second = (self.compare_plots[n].plot for n in COMPARE_ACTIVATIONS)
        second.setYLink(first)
        second.setXLink(first)
        self.tabs.addTab(compare_page, "Sigmoid vs ReLU")
        layout.addWidget(self.tabs, 1)

        self.legend = QLabel()
        self.legend.setObjectName("gradient_flow_legend")
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(10, 0, 10, 0)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.legend)

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setContentsMargins(10, 0, 10, 6)
        layout.addWidget(self.caption)

        self.compare_button.clicked.connect(lambda: self.compare())
        self.tabs.currentChanged.connect(lambda _: self._update_caption())
        self.set_theme(theme)
        self.clear()
        cache_decorations(*self.findChildren(pg.GraphicsView))
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)  # a bound slot: disconnected with the panel
            controller.snapshotChanged.connect(self._on_snapshot)
            if controller.snapshot is not None:
                self.set_snapshot(controller.snapshot)

    # ---- live ----------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget the live history (a new network or a reset)."""
        self.record = None
        self._past = None
        self._last_snapshot = None
        self.live.set_data(np.zeros(0), np.zeros((0, 0)))
        self._update_caption()

    def set_snapshot(self, snapshot, redraw: bool = True) -> None:
        """Add the snapshot's mean |∂L/∂W| per layer (the live state). Step 0 has no gradient
        yet; a step not after the last one first drops the points from that step on (an undo,
        training on from an earlier frame, the same step shown again after an edit)."""
        self._past = None
        if self.record is not None and self.record.width != len(snapshot.layers) - 1:
            self.clear()
        if snapshot.step == 0:
            if self.record is not None:
                self.record.clear()
            self._last_snapshot = None
        else:
            norms = layer_gradient_norms(snapshot.grad_weights)
            if self.record is None:
                self.record = RunHistory(len(norms))
            self.record.add(snapshot.step, norms)
            self._last_snapshot = snapshot
        if redraw:
            self.redraw()
        else:
            self._dirty = True

    def show_frame(self, snapshot) -> None:
        """Show the chart as it stood at a recorded frame: the points before its step, then
        its own; the later points are kept for when the view goes live again."""
        if self.record is not None and self.record.width != len(snapshot.layers) - 1:
            self.clear()
        self._past = snapshot
        self.redraw()

    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps (n,), norms (n, L)) of the chart shown (up to the frame shown when scrubbed back)."""
        if self.record is None:
            return np.zeros(0), np.zeros((0, 0))
        if self._past is None:
            rows = self.record.rows()
        elif self._past.step == 0:
            rows = self.record.until(-1)
        else:
            rows = self.record.until(self._past.step, layer_gradient_norms(self._past.grad_weights))
        return rows[:, 0].copy(), rows[:, 1:].copy()

    def _diagnosed_snapshot(self):
        """The snapshot whose zero gradients the caption explains: the frame shown, else the last."""
        return self._past if self._past is not None else self._last_snapshot

    def redraw(self) -> None:
        self._dirty = False
        steps, norms = self.history()
        self.live.set_data(steps, norms, log_range([norms]), zeros=bool((norms == 0).any()))
        if len(steps):
            self.live.plot.setXRange(float(steps[0]), float(max(steps[-1], steps[0] + 1)), padding=0.02)
        self._update_caption()

    def live_ratio(self) -> float:
        """first / last layer's mean |∂L/∂W|, median over the recent snapshots."""
        _, norms = self.history()
        return flow_ratio(norms[-RECENT:]) if len(norms) else float("nan")

    def _on_problem(self, problem) -> None:
        self.clear()

    def _on_snapshot(self, snapshot) -> None:
        if shows_past(self.controller):
            self.show_frame(snapshot)
            return
        self.set_snapshot(snapshot, redraw=False)
        self._throttle.request(self.controller.running)

    def _redraw_if_visible(self) -> None:
        if self.controller is not None and self.controller.running and not self.isVisible():
            return  # stays dirty; shown again → redraw
        self.redraw()

    @qt_virtual("GradientFlowPanel: showing failed")
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    # ---- comparison ----------------------------------------------------------------------

    def _compare_dataset(self):
        c = self.controller
        if c is not None:
            d = c.dataset
            if d.x_train.shape[1] <= MAX_COMPARE_INPUTS and 0 < d.x_train.shape[0] <= MAX_COMPARE_SAMPLES:
                return d, f"the current data ({c.problem.dataset})"
        return make_dataset("circles", samples=500, noise=0.1, test_fraction=0.5, seed=0), "circles"

    def compare(self, dataset=None, epochs: int = COMPARE_EPOCHS, hidden=DEEP_LAYERS[1:-1],
                seed: int | None = None) -> dict[str, np.ndarray]:
        """Train the deep network with each activation (same data, seed and init) and show
        both side by side; returns {activation: (epochs, L) norms}. Takes ~0.1 s on circles."""
        what = "the given data"
        if dataset is None:
            dataset, what = self._compare_dataset()
        if seed is None:
            seed = self.controller.problem.seed if self.controller is not None else 0
        layers = [dataset.x_train.shape[1], *hidden, output_head(dataset.task, dataset.num_classes).outputs]
        QApplication.setOverrideCursor(QtGui.QCursor(Qt.CursorShape.WaitCursor))
        try:
            result = {act: gradient_flow_run(layers, act, dataset, epochs=epochs, seed=seed)
                      for act in COMPARE_ACTIVATIONS}
        finally:
            QApplication.restoreOverrideCursor()
        self.comparison = result
        arch = "-".join(map(str, layers))
        self.comparison_info = f"{arch} network, {epochs} epochs on {what}, seed {seed}"
        self._show_comparison()
        self.tabs.setCurrentIndex(1)
        self.comparisonFinished.emit(result)
        return result

    def _show_comparison(self) -> None:
        if not self.comparison:
            return
        rng = log_range(self.comparison.values())
        zeros = any(bool((n == 0).any()) for n in self.comparison.values())
        for name, fp in self.compare_plots.items():
            norms = self.comparison[name]
            fp.set_data(np.arange(1, len(norms) + 1, dtype=float), norms, rng, zeros)
            ratio = flow_ratio(norms)
            fp.title.setText(f"{COMPARE_NAMES[name]}: layer 1 / layer {norms.shape[1]} = {format_number(ratio, 2)}")
        first = self.compare_plots[COMPARE_ACTIVATIONS[0]]
        n = len(next(iter(self.comparison.values())))
        first.plot.setXRange(1, max(n, 2), padding=0.02)
        self._update_caption()

    def legend_names(self) -> list[str]:
        """The legend's entries for the tab shown: "layer 1" … "layer L"."""
        fp = self.live if self.tabs.currentIndex() == 0 else self.compare_plots[COMPARE_ACTIVATIONS[0]]
        return [f"layer {l + 1}" for l in range(fp.n_layers)]

    def _update_legend(self) -> None:
        names = self.legend_names()
        colors = layer_colors(len(names), self._theme.dark)
        items = [f"<span style='color:{c.name()}'>━━</span>&nbsp;{n}" for c, n in zip(colors, names)]
        self.legend.setText(" &nbsp; ".join(items))
        self.legend.setVisible(bool(names))

    # ---- look ----------------------------------------------------------------------------

    def _update_caption(self) -> None:
        self._update_legend()
        if self.tabs.currentIndex() == 1:
            if self.comparison:
                s, r = (flow_ratio(self.comparison[a]) for a in COMPARE_ACTIVATIONS)
                text = (f"{self.comparison_info}. With the sigmoid (f′ ≤ ¼) layer 1 gets "
                        f"{format_number(s, 2)} of the last layer's gradient: it vanishes. "
                        f"With ReLU (f′ = 1 where active): {format_number(r, 2)}.")
            else:
                text = "Press “Compare sigmoid vs ReLU” to train both deep networks."
        else:
            steps, norms = self.history()
            zero = [l + 1 for l in range(norms.shape[1]) if norms[-1, l] == 0] if len(steps) else []
            ratio = self.live_ratio()
            if zero and len(zero) == norms.shape[1]:
                c, snap = self.controller, self._diagnosed_snapshot()
                text = all_zero_caption(snap, c.shape, c.dataset.x_train) if c else all_zero_caption(snap)
            elif np.isfinite(ratio):
                verdict = ("far below 1: the gradient vanishes on its way back" if ratio < 0.01 else
                           "below 1: the gradient shrinks on its way back" if ratio < 0.5 else
                           "the early layers still get a healthy gradient")
                text = (f"Layer 1 gets {format_number(ratio, 2)} × the last layer's mean |∂L/∂W| "
                        f"(median of the last {min(RECENT, steps.size)} snapshots): {verdict}.")
            elif zero:
                text = "The last layer's gradient is exactly zero, so the ratio is not defined."
            else:
                text = "Train or step the network: each step adds one point per layer."
            if zero and len(zero) < norms.shape[1]:
                text += f" Exactly zero now (drawn at 0): layer {', '.join(map(str, zero))}."
        self.caption.setText(text)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for fp in (self.live, *self.compare_plots.values()):
            fp.set_theme(theme)
        self._update_caption()
