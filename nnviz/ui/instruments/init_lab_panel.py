"""Initialization lab: how the first weights decide whether a deep network can learn.

Choose an initializer, a hidden activation, the depth and the width; the panel draws a
fresh network and shows, at step 0 (before any training), for every hidden layer:

- left, the histogram of its activations a over the data (one ridge per layer, layer 1
  on top): a spread that stays the same from layer to layer lets the signal through;
  one that shrinks to a spike at 0 (vanishing) or piles up at ±1 (saturated) does not;
- right, the histogram of ∂L/∂W of the weights into that layer, on one common scale,
  so vanishing gradients show as spikes at 0;
- below, one line per layer: std(a), std(∂L/∂W) and whether its neurons are identical.

"Train 20 epochs" trains that network and reports whether identical neurons stayed
identical: with zeros or a constant they do, a layer then works like a single neuron.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from nnviz.draw.plots.toolkit import cache_decorations, fill_with_theme, new_plot_widget, style_plot
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.datasets import make_dataset
from nnviz.engine.heads import output_head
from nnviz.engine.init_lab import InitStats, SymmetryTrack, init_statistics, train_and_track_symmetry
from nnviz.engine.initializers import INITIALIZERS
from nnviz.ui.instruments.source import SnapshotSource

__all__ = ["ACTIVATION_CHOICES", "DATA_CHOICES", "MAX_DEPTH", "TRAIN_EPOCHS", "InitLabPanel", "layer_colors"]

ACTIVATION_CHOICES = ("tanh", "relu", "sigmoid")
DATA_CHOICES = ("circles", "current")
MAX_DEPTH = 10
MAX_WIDTH = 128
MAX_ROWS = 500  # samples used (the first rows of the training set)
TRAIN_EPOCHS = 20
BINS = 48
_RIDGE = 0.85  # height of a full histogram, in units of the spacing between layers
# layer colours run from blue (layer 1) through purple to orange (the deepest)
_STOPS = {False: ("#0877bd", "#8e44ad", "#e8710a"), True: ("#4fa8e0", "#b57edc", "#f7a541")}


def layer_colors(n: int, dark: bool = False) -> list[QtGui.QColor]:
    """n colours from blue (first layer) through purple to orange (last)."""
    stops = np.array([[QtGui.QColor(c).red(), QtGui.QColor(c).green(), QtGui.QColor(c).blue()]
                      for c in _STOPS[dark]], dtype=float)
    out = []
    for t in np.linspace(0.0, 1.0, n) if n > 1 else [0.0]:
        k = min(int(t * (len(stops) - 1)), len(stops) - 2)
        f = t * (len(stops) - 1) - k
        rgb = stops[k] + f * (stops[k + 1] - stops[k])
        out.append(QtGui.QColor(*(int(round(v)) for v in rgb)))
    return out


def _ridge_heights(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram heights in 0…_RIDGE·1.1: scaled by the second-tallest bin, so that one
    spike (ReLU's zeros, a dead layer) does not flatten the rest of the shape."""
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    ordered = np.sort(counts)
    ref = ordered[-2] if len(ordered) > 1 and ordered[-2] > 0 else max(int(ordered[-1]), 1)
    return np.minimum(counts / ref, 1.1) * _RIDGE


class _Ridges:
    """One plot of stacked histograms, one per layer (items made once for MAX_DEPTH)."""

    def __init__(self, x_label: str) -> None:
        self.widget = new_plot_widget()
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.disableAutoRange()
        self.plot.getAxis("left").setWidth(30)
        self.plot.setLabel("left", "layer")
        self.plot.setLabel("bottom", x_label)
        self.plot.showGrid(x=True, y=False, alpha=0.12)
        self.zero = pg.InfiniteLine(pos=0.0, angle=90, movable=False)
        self.zero.setZValue(-20)
        self.plot.addItem(self.zero, ignoreBounds=True)
        self.curves = []
        for i in range(MAX_DEPTH):
            curve = pg.PlotDataItem(stepMode="center", fillLevel=0.0, antialias=False)
            curve.setZValue(i)  # the lower ridges are drawn over the upper ones' baselines
            self.plot.addItem(curve)
            self.curves.append(curve)

    def set_data(self, per_layer: list[np.ndarray], edges: np.ndarray, theme: Theme) -> None:
        n = len(per_layer)
        colors = layer_colors(n, theme.dark)
        for i, curve in enumerate(self.curves):
            if i >= n:
                curve.setData(x=edges, y=np.zeros(len(edges) - 1))
                curve.hide()
                continue
            base = float(n - 1 - i)  # layer 1 on top
            curve.setFillLevel(base)
            curve.setData(x=edges, y=base + _ridge_heights(per_layer[i], edges))
            fill = QtGui.QColor(colors[i])
            fill.setAlpha(150)
            curve.setPen(pg.mkPen(colors[i], width=1.2))
            curve.setBrush(pg.mkBrush(fill))
            curve.show()
        self.plot.setXRange(edges[0], edges[-1], padding=0.02)
        self.plot.setYRange(-0.1, n - 1 + _RIDGE * 1.15, padding=0.0)
        self.plot.getAxis("left").setTicks([[(n - 1 - i + 0.3, str(i + 1)) for i in range(n)], []])

    def set_theme(self, theme: Theme) -> None:
        self.widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        axis = QtGui.QColor(theme.axis)
        axis.setAlpha(110)
        self.zero.setPen(pg.mkPen(axis, width=1, style=QtCore.Qt.PenStyle.DotLine))


class InitLabPanel(QWidget):
    """The lab; every control change redraws the step-0 statistics (``refresh``)."""

    statsChanged = QtCore.Signal(object)  # InitStats

    def __init__(self, controller: SnapshotSource | None = None, parent: QWidget | None = None, *,
                 theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = theme
        self._stats: InitStats | None = None
        self._track: SymmetryTrack | None = None
        self._lines: list[str] = []
        self._stale = False  # the controller's data changed while hidden
        self._circles = make_dataset("circles", samples=2 * MAX_ROWS, noise=0.1, seed=0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.init_combo = QComboBox(self)
        self.init_combo.addItems(list(INITIALIZERS))
        self.init_combo.setCurrentText("xavier_uniform")
        self.init_combo.setToolTip("How the weights are drawn (biases start at 0)")
        self.activation_combo = QComboBox(self)
        self.activation_combo.addItems(list(ACTIVATION_CHOICES))
        self.activation_combo.setToolTip("Activation of every hidden layer")
        self.depth_spin = QSpinBox(self)
        self.depth_spin.setRange(1, MAX_DEPTH)
        self.depth_spin.setValue(6)
        self.depth_spin.setToolTip("Number of hidden layers")
        self.width_spin = QSpinBox(self)
        self.width_spin.setRange(2, MAX_WIDTH)
        self.width_spin.setValue(32)
        self.width_spin.setToolTip("Neurons per hidden layer")
        self.data_combo = QComboBox(self)
        self.data_combo.addItems(["data: circles", "data: current"])
        self.data_combo.setToolTip("The inputs the statistics are taken over")
        if controller is None:
            self.data_combo.model().item(1).setEnabled(False)
        row.addWidget(self.init_combo)
        row.addWidget(self.activation_combo)
        for label, widget in (("depth", self.depth_spin), ("width", self.width_spin)):
            row.addWidget(QLabel(label, self))
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        row2 = QHBoxLayout()
        self.train_button = QPushButton(f"Train {TRAIN_EPOCHS} epochs", self)
        self.train_button.setToolTip("Train this network and check whether identical neurons stay identical")
        row2.addWidget(self.data_combo)
        row2.addWidget(self.train_button)
        self.train_label = QLabel(self)
        self.train_label.setWordWrap(True)
        row2.addWidget(self.train_label, 1)
        layout.addLayout(row2)

        plots = QHBoxLayout()
        plots.setSpacing(2)
        self.activation_ridges = _Ridges("activation a at step 0")
        self.gradient_ridges = _Ridges("gradient ∂L/∂W at step 0")
        plots.addWidget(self.activation_ridges.widget)
        plots.addWidget(self.gradient_ridges.widget)
        layout.addLayout(plots, 1)

        self.layer_label = QLabel(self)
        self.layer_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.layer_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.layer_label)

        for combo in (self.init_combo, self.activation_combo, self.data_combo):
            combo.currentIndexChanged.connect(self.refresh)
        for spin in (self.depth_spin, self.width_spin):
            spin.valueChanged.connect(self.refresh)
        self.train_button.clicked.connect(self.train)
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)
        self.set_theme(theme)
        cache_decorations(self.activation_ridges.widget, self.gradient_ridges.widget)
        self.refresh()

    # ---- public API -----------------------------------------------------------------------------

    def configure(self, init: str | None = None, activation: str | None = None, depth: int | None = None,
                  width: int | None = None, data: str | None = None) -> None:
        """Set any of the controls at once (one refresh). data: "circles" or "current"."""
        widgets = (self.init_combo, self.activation_combo, self.depth_spin, self.width_spin, self.data_combo)
        for w in widgets:
            w.blockSignals(True)
        try:
            if init is not None:
                if init not in INITIALIZERS:
                    raise ValueError(f"unknown initializer {init!r}")
                self.init_combo.setCurrentText(init)
            if activation is not None:
                if activation not in ACTIVATION_CHOICES:
                    raise ValueError(f"activation must be one of {ACTIVATION_CHOICES}")
                self.activation_combo.setCurrentText(activation)
            if depth is not None:
                self.depth_spin.setValue(depth)
            if width is not None:
                self.width_spin.setValue(width)
            if data is not None:
                if data not in DATA_CHOICES:
                    raise ValueError(f"data must be one of {DATA_CHOICES}")
                self.data_combo.setCurrentIndex(DATA_CHOICES.index(data))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.refresh()

    @qt_virtual("InitLabPanel: size hint failed", fallback=QtCore.QSize)
    def sizeHint(self) -> QtCore.QSize:  # pyqtgraph's own hints (≈ 640 × 480 per plot) would be far too big
        return QtCore.QSize(520, 380)

    def settings(self) -> dict:
        return {"init": self.init_combo.currentText(), "activation": self.activation_combo.currentText(),
                "depth": self.depth_spin.value(), "width": self.width_spin.value(),
                "data": DATA_CHOICES[self.data_combo.currentIndex()]}

    def stats(self) -> InitStats | None:
        return self._stats

    def track(self) -> SymmetryTrack | None:
        """The last "Train" result for the current settings, or None."""
        return self._track

    def refresh(self) -> InitStats:
        """Draw a fresh network for the controls and show its step-0 statistics."""
        self._track = None
        layers, output, loss, x, y = self._problem()
        s = self.settings()
        self._stats = init_statistics(layers, s["activation"], s["init"], x, y, seed=0, output=output, loss=loss)
        self._draw()
        self.statsChanged.emit(self._stats)
        return self._stats

    def train(self) -> SymmetryTrack:
        """Train the same fresh network TRAIN_EPOCHS epochs (SGD, η = 0.1, batches of 10)."""
        layers, output, loss, x, y = self._problem()
        s = self.settings()
        self._track = train_and_track_symmetry(layers, s["activation"], s["init"], x, y, epochs=TRAIN_EPOCHS,
                                               seed=0, output=output, loss=loss)
        self._write_lines()
        return self._track

    def layer_lines(self) -> list[str]:
        """The per-layer lines as plain text."""
        return list(self._lines)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        fill_with_theme(self, theme)
        for ridges in (self.activation_ridges, self.gradient_ridges):
            ridges.set_theme(theme)
        if self._stats is not None:
            self._draw()

    # ---- internals ----------------------------------------------------------------------------

    def _problem(self):
        """(layers, output activation, loss, x, y) for the chosen data."""
        s = self.settings()
        data = self._circles
        if s["data"] == "current" and self._controller is not None:
            data = self._controller.dataset
        x = np.asarray(data.x_train)[:MAX_ROWS]
        head = output_head(data.task, data.num_classes)
        y = data.targets("train", head.outputs)[:MAX_ROWS]
        layers = [x.shape[1], *[s["width"]] * s["depth"], head.outputs]
        return layers, head.activation, head.loss, x, y

    def _draw(self) -> None:
        stats, theme = self._stats, self._theme
        hidden = len(stats.activations) - 1
        acts = [a.reshape(-1) for a in stats.activations[:hidden]]
        grads = [g.reshape(-1) for g in stats.gradients[:hidden]]
        name = stats.activation
        if name == "tanh":
            a_edges = np.linspace(-1.0, 1.0, BINS + 1)
        elif name == "sigmoid":
            a_edges = np.linspace(0.0, 1.0, BINS + 1)
        else:  # relu: 0 to the 99th percentile of all layers
            top = float(np.quantile(np.concatenate(acts), 0.99)) if acts else 1.0
            a_edges = np.linspace(0.0, top if np.isfinite(top) and top > 0 else 1.0, BINS + 1)
        g_all = np.abs(np.concatenate(grads)) if grads else np.zeros(1)
        g_top = float(np.quantile(g_all[np.isfinite(g_all)], 0.99)) if np.isfinite(g_all).any() else 0.0
        g_top = max(g_top, 1e-6)  # below that every gradient is "zero": one spike, no noise axis
        g_edges = np.linspace(-g_top, g_top, BINS + 1)
        self.activation_ridges.set_data(acts, a_edges, theme)
        self.gradient_ridges.set_data(grads, g_edges, theme)
        self._write_lines()

    def _write_lines(self) -> None:
        stats, track = self._stats, self._track
        if stats is None:
            return
        theme = self._theme
        hidden = len(stats.activations) - 1
        colors = layer_colors(hidden, theme.dark)
        a_std, g_std = stats.activation_std(), stats.gradient_std()
        plain, rich = [], []
        for l in range(hidden):
            same = "yes" if stats.identical[l] else "no"
            text = f"layer {l + 1}: std(a) = {a_std[l]:.2g}, std(∂L/∂W) = {g_std[l]:.1e}, identical neurons: {same}"
            if track is not None:
                text += f" → {'yes' if track.identical[-1, l] else 'no'} after {TRAIN_EPOCHS} epochs"
            plain.append(text)
            rich.append(f'<span style="color:{colors[l].name()}">■</span> {text}')
        summary = ""
        if track is not None:
            copies = "all layers" if track.identical[-1, :-1].all() else (
                "some layers" if track.identical[-1, :-1].any() else "no layer")
            summary = (f"After {TRAIN_EPOCHS} epochs: loss {track.loss[0]:.3g} → {track.loss[-1]:.3g}; "
                       f"neurons still copies in {copies} (max difference {track.symmetry[-1, :-1].max():.2g})")
            plain.append(summary)
        self.train_label.setText(summary)
        self.train_label.setStyleSheet(f"QLabel {{ color: {theme.plot_text}; font-size: 8pt; }}")
        self._lines = plain
        body = "<br>".join(rich)
        self.layer_label.setText(f'<div style="color:{theme.plot_text}; font-size:8pt">{body}</div>')

    def _on_problem(self, problem) -> None:
        if DATA_CHOICES[self.data_combo.currentIndex()] != "current":
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    @qt_virtual("InitLabPanel: showing failed")
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
