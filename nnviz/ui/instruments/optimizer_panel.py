"""Optimizer race: SGD, momentum, RMSProp and Adam on the same two-weight loss surface.

Left, the loss over two weights (every other parameter frozen) as a shaded contour map
with each optimizer's path (a dot per step, a ring at the common start, a filled
marker where it ended); right, the loss of each path against the step. Click the map
to start the race from there.

The weights are either the lecture perceptron's w₁ (IQ) and w₂ (study hours), see
``nnviz.engine.optimizer_race.lecture_setup``, or any two weights of the current
network, frozen at the source's latest snapshot (loaded into the panel's own network:
the live one is never read while training runs).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from nnviz.draw.plots.toolkit import cache_decorations, fill_with_theme, new_plot_widget, style_plot
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.optimizer_race import (
    RACE_OPTIMIZERS, RacePath, contour_levels, contour_segments, flat_index, lecture_setup, loss_surface,
    param_label, race,
)
from nnviz.ui.instruments.race_surface import contour_rgba, fit_box, ranks, surface_lut
from nnviz.ui.instruments.source import SnapshotSource
from nnviz.ui.instruments.weight_picker import WeightPicker

__all__ = ["OPTIMIZER_COLORS", "OPTIMIZER_NAMES", "SOURCES", "OptimizerPanel"]

#: Display names of the racing optimizers.
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSProp", "adam": "Adam"}
#: (light theme, dark theme) colour of each optimizer's path and curve.
OPTIMIZER_COLORS = {
    "sgd": ("#0877bd", "#4fa8e0"),
    "momentum": ("#e8710a", "#f7a541"),
    "rmsprop": ("#1e8e3e", "#5bc577"),
    "adam": ("#c5221f", "#f28b82"),
}
SOURCES = ("lecture", "network")
_SOURCE_TEXT = ("Lecture perceptron (w₁, w₂)", "Two weights of the current network")
LECTURE_GRID = 61  # surface resolution (a 3-row table: cheap)
NETWORK_GRID = 41  # a whole network per grid point: coarser
MAX_ROWS = 200  # training rows used for a network's surface and race
CONTOUR_LEVELS = 14


class OptimizerPanel(QWidget):
    """The race; ``run()`` computes it for the chosen source, weights, rate and steps."""

    raceFinished = QtCore.Signal(object)  # dict name → RacePath

    def __init__(self, controller: SnapshotSource | None = None, parent: QWidget | None = None, *,
                 theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = theme
        self._source = "lecture"
        self._lecture = lecture_setup()
        self._start: tuple[float, float] | None = None  # None: the setup's own start
        self._surface_key = None
        self._paths: dict[str, RacePath] = {}
        self._network: Network | None = None  # display copy for source "network"
        self._x = self._y = None
        self._pending_snapshot = None

        self._build_controls()
        self._build_plots()
        self.set_theme(theme)
        cache_decorations(self._surface_widget, self._loss_widget)
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)
            controller.snapshotChanged.connect(self._on_snapshot)
            self._on_problem(controller.problem)
            self._on_snapshot(controller.snapshot)
        self._update_weight_controls()

    # ---- construction -------------------------------------------------------------------------

    def _build_controls(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.source_combo = QComboBox(self)
        for text in _SOURCE_TEXT:
            self.source_combo.addItem(text)
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source_combo.setMinimumContentsLength(14)
        self.source_combo.setToolTip("Which two weights the optimizers may change (all others stay frozen)")
        row.addWidget(self.source_combo, 1)
        row.addWidget(QLabel("rate", self))
        self.lr_spin = QDoubleSpinBox(self)
        self.lr_spin.setDecimals(3)
        self.lr_spin.setRange(0.001, 20.0)
        self.lr_spin.setSingleStep(0.05)
        self.lr_spin.setValue(self._lecture.lr)
        self.lr_spin.setToolTip("Learning rate η, the same for all four optimizers")
        row.addWidget(self.lr_spin)
        row.addWidget(QLabel("steps", self))
        self.steps_spin = QSpinBox(self)
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setValue(self._lecture.steps)
        row.addWidget(self.steps_spin)
        self.run_button = QPushButton("Run", self)
        self.run_button.setToolTip("Race the four optimizers from the same start")
        row.addWidget(self.run_button)
        layout.addLayout(row)

        # the current network's two weights: layer / to / from (from = n_in means the bias)
        self.weight_row = WeightPicker(self)
        layout.addWidget(self.weight_row)
        self.weight_row.hide()

        self.source_combo.currentIndexChanged.connect(self._on_source_chosen)
        self.run_button.clicked.connect(self.run)

    def _build_plots(self) -> None:
        # the legend: one coloured line per optimizer, above both plots (it never hides a curve)
        self.legend_label = QLabel(self)
        self.legend_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.layout().addWidget(self.legend_label)
        body = QHBoxLayout()
        body.setSpacing(2)
        self._surface_widget = new_plot_widget()
        self._loss_widget = new_plot_widget()
        self.surface_plot: pg.PlotItem = self._surface_widget.getPlotItem()
        self.loss_plot: pg.PlotItem = self._loss_widget.getPlotItem()
        body.addWidget(self._surface_widget, 3)
        body.addWidget(self._loss_widget, 2)
        self.layout().addLayout(body, 1)
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.layout().addWidget(self.status_label)

        sp = self.surface_plot
        sp.setMouseEnabled(x=False, y=False)
        sp.setMenuEnabled(False)
        sp.disableAutoRange()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        sp.addItem(self.image)
        self.contours = pg.PlotDataItem(connect="pairs", antialias=True)
        self.contours.setZValue(-10)
        sp.addItem(self.contours)
        self.path_curves: dict[str, pg.PlotDataItem] = {}
        self.loss_curves: dict[str, pg.PlotDataItem] = {}
        lp = self.loss_plot
        lp.setMenuEnabled(False)
        lp.setMouseEnabled(x=False, y=False)
        lp.disableAutoRange()
        lp.setLabel("bottom", "step")
        lp.setLabel("left", "loss")
        lp.showGrid(x=True, y=True, alpha=0.15)
        lp.getAxis("left").setWidth(44)
        for name in RACE_OPTIMIZERS:
            path = pg.PlotDataItem(antialias=True, symbol="o", symbolSize=3.5)
            sp.addItem(path)
            self.path_curves[name] = path
            curve = pg.PlotDataItem(antialias=True)
            lp.addItem(curve)
            self.loss_curves[name] = curve
        self.end_markers = pg.ScatterPlotItem(size=11, pxMode=True)
        self.start_marker = pg.ScatterPlotItem(size=13, pxMode=True, symbol="o")
        self.end_markers.setZValue(10)
        self.start_marker.setZValue(11)
        sp.addItem(self.end_markers)
        sp.addItem(self.start_marker)
        self._surface_widget.scene().sigMouseClicked.connect(self._on_click)
        self._surface_widget.setToolTip("Click the surface to start the race there")

    # ---- public API -----------------------------------------------------------------------------

    def set_source(self, source: str) -> None:
        """"lecture" (the lecture perceptron's w₁, w₂) or "network" (two weights of the
        current network, see ``set_network`` / ``set_weights``)."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        if source == self._source:
            return
        self._source = source
        self._start = None
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(SOURCES.index(source))
        self.source_combo.blockSignals(False)
        self.weight_row.setVisible(source == "network")
        if source == "lecture":
            self.lr_spin.setValue(self._lecture.lr)
            self.steps_spin.setValue(self._lecture.steps)

    def source(self) -> str:
        return self._source

    def set_network(self, network: Network, x, y) -> None:
        """The network (copied) and data (x (N, n_0), y (N, n_L)) for source "network"."""
        if self._network is None or self._network.layers != network.layers or \
                self._network.activation_names != network.activation_names:
            self._network = network.copy()
            self._update_weight_controls()
        else:
            self._network.set_params(network.params)
        self._x = np.asarray(x, dtype=np.float64)[:MAX_ROWS]
        self._y = np.asarray(y, dtype=np.float64)[:MAX_ROWS]

    def set_weights(self, a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
        """Race weights[layer][to, from] for a and b (0-based; from = n_in is the bias)."""
        self.weight_row.set_weights(a, b)

    def set_learning_rate(self, lr: float) -> None:
        self.lr_spin.setValue(lr)

    def set_steps(self, steps: int) -> None:
        self.steps_spin.setValue(steps)

    def set_start(self, w1: float, w2: float) -> None:
        """Start the next race at (w1, w2)."""
        self._start = (float(w1), float(w2))

    def run(self) -> dict[str, RacePath]:
        """Race the optimizers and draw the surface, paths and loss curves; returns the paths."""
        try:
            setup = self._current_setup()
        except NnvizError as exc:
            self._show_message(str(exc))
            return {}
        network, x, y, params, labels, start, default_box = setup
        lr, steps = self.lr_spin.value(), self.steps_spin.value()
        self._paths = race(network, x, y, params, RACE_OPTIMIZERS, lr=lr, steps=steps, start=start)
        center, span = fit_box(default_box, self._paths.values())
        n = LECTURE_GRID if self._source == "lecture" else NETWORK_GRID
        surface_key = (self._source, params, network.layers, center, span, n, network.params.tobytes())
        if surface_key != self._surface_key:
            W1, W2, Z = loss_surface(network, x, y, params, center=center, span=span, n=n)
            self._draw_surface(W1[0], W2[:, 0], Z)
            self._surface_key = surface_key
        self.surface_plot.setLabel("bottom", labels[0])
        self.surface_plot.setLabel("left", labels[1])
        self._draw_paths()
        self.raceFinished.emit(self._paths)
        return self._paths

    @qt_virtual("OptimizerPanel: size hint failed", fallback=QtCore.QSize)
    def sizeHint(self) -> QtCore.QSize:  # pyqtgraph's own hints (≈ 640 × 480 per plot) would be far too big
        return QtCore.QSize(520, 380)

    def paths(self) -> dict[str, RacePath]:
        return dict(self._paths)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        dark = theme.dark
        fill_with_theme(self, theme)
        for widget in (self._surface_widget, self._loss_widget):
            widget.setBackground(theme.background)
        for plot in (self.surface_plot, self.loss_plot):
            style_plot(plot, theme)
        self.legend_label.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{OPTIMIZER_COLORS[name][dark]}; font-size:14pt">━</span>'
            f'&nbsp;<span style="color:{theme.plot_text}">{OPTIMIZER_NAMES[name]}</span>'
            for name in RACE_OPTIMIZERS))
        self.image.setLookupTable(surface_lut(theme))
        self.contours.setPen(pg.mkPen(QtGui.QColor(*contour_rgba(theme)), width=1))
        for name in RACE_OPTIMIZERS:
            color = QtGui.QColor(OPTIMIZER_COLORS[name][dark])
            self.path_curves[name].setPen(pg.mkPen(color, width=2))
            self.path_curves[name].setSymbolBrush(pg.mkBrush(color))
            self.path_curves[name].setSymbolPen(None)
            self.loss_curves[name].setPen(pg.mkPen(color, width=2))
        edge = pg.mkPen(theme.plot_text, width=1.5)
        self.start_marker.setPen(edge)
        self.start_marker.setBrush(pg.mkBrush(theme.background))
        self.end_markers.setPen(edge)
        self.status_label.setStyleSheet(f"QLabel {{ color: {theme.plot_text}; }}")
        if self._paths:
            self._draw_paths()

    # ---- internals ----------------------------------------------------------------------------

    def _current_setup(self):
        """(network, x, y, (i, j), (label i, label j), start, (center, span))."""
        if self._source == "lecture":
            s = self._lecture
            start = self._start or s.start
            return s.network, s.x, s.y, s.params, s.labels, start, (s.center, s.span)
        if self._pending_snapshot is not None:
            self._apply_snapshot(self._pending_snapshot)
        network = self._network
        if network is None or self._x is None:
            raise NnvizError("no network yet: train or reset one first")
        params = tuple(flat_index(network, *weight) for weight in self.weight_row.weights())
        if params[0] == params[1]:
            raise NnvizError("choose two different weights")
        current = tuple(float(v) for v in network.params[list(params)])
        start = self._start or current
        span = tuple(max(1.0, 1.5 * abs(v)) for v in current)
        labels = tuple(param_label(network, p) for p in params)
        return network, self._x, self._y, params, labels, start, (current, span)

    def _draw_surface(self, w1: np.ndarray, w2: np.ndarray, Z: np.ndarray) -> None:
        dx, dy = w1[1] - w1[0], w2[1] - w2[0]
        self.image.setImage(ranks(Z), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QtCore.QRectF(w1[0] - dx / 2, w2[0] - dy / 2, dx * len(w1), dy * len(w2)))
        xs, ys = contour_segments(w1, w2, Z, contour_levels(Z, CONTOUR_LEVELS))
        self.contours.setData(xs, ys, connect="pairs")
        self.surface_plot.setXRange(w1[0], w1[-1], padding=0.0)
        self.surface_plot.setYRange(w2[0], w2[-1], padding=0.0)

    def _draw_paths(self) -> None:
        dark = self._theme.dark
        ends, brushes = [], []
        lo, hi = np.inf, -np.inf
        for name, path in self._paths.items():
            pts = path.points
            finite = np.isfinite(pts).all(axis=1)
            self.path_curves[name].setData(pts[finite, 0], pts[finite, 1])
            self.loss_curves[name].setData(np.arange(len(path.losses), dtype=float)[finite], path.losses[finite])
            if finite.any():
                ends.append(pts[finite][-1])
                brushes.append(pg.mkBrush(OPTIMIZER_COLORS[name][dark]))
                lo = min(lo, float(np.min(path.losses[finite])))
                hi = max(hi, float(np.max(path.losses[finite])))
        first = next(iter(self._paths.values()))
        self.start_marker.setData(pos=first.points[:1])
        self.end_markers.setData(pos=np.array(ends).reshape(-1, 2), brush=brushes)
        n = len(first.losses) - 1
        self.loss_plot.setXRange(0, max(n, 1), padding=0.04)
        if not np.isfinite(lo) or hi - lo < 1e-12 * max(1.0, abs(hi)):
            lo, hi = (lo - 0.5, hi + 0.5) if np.isfinite(lo) else (0.0, 1.0)
        self.loss_plot.setYRange(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), padding=0.0)
        finals = " · ".join(
            f"{OPTIMIZER_NAMES[name]} " + (f"{p.losses[-1]:.3g}" if np.isfinite(p.losses[-1]) else "diverged")
            for name, p in self._paths.items())
        self.status_label.setText(f"loss after {n} steps: {finals}. Click the map to start elsewhere.")

    def _on_source_chosen(self, index: int) -> None:
        self.set_source(SOURCES[index])
        self.run()

    @qt_virtual("OptimizerPanel: showing failed")
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._paths:  # the first look: race the lecture perceptron right away
            self.run()

    def _show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def _on_click(self, event) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton or not self._paths:
            return
        vb = self.surface_plot.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        self.set_start(point.x(), point.y())
        self.run()

    def _update_weight_controls(self) -> None:
        if self._network is not None:
            self.weight_row.set_layers(self._network.layers)

    # ---- controller ---------------------------------------------------------------------------

    def _on_problem(self, problem) -> None:
        c = self._controller
        shape = c.shape
        shown = self._network
        same = shown is not None and (shown.layers, shown.activation_names, shown.loss_name) == (
            shape.layers, shape.activation_names, shape.loss_name)
        if not same:
            self._network = Network(shape.layers, shape.activation_names, shape.loss_name)
            self._update_weight_controls()
        self._x = np.asarray(c.dataset.x_train)[:MAX_ROWS]
        self._y = c.dataset.targets("train", shape.layers[-1])[:MAX_ROWS]
        if self._source == "network":
            self._start = None

    def _on_snapshot(self, snap) -> None:
        # kept until a race needs it: copying the parameters at 60 Hz would be wasted work
        self._pending_snapshot = snap

    def _apply_snapshot(self, snap) -> None:
        self._pending_snapshot = None
        if snap is not None and self._network is not None and tuple(snap.layers) == self._network.layers:
            self._network.set_params(snap.params)
