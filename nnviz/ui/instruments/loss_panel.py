"""Loss functions: MSE and binary cross-entropy against the prediction p, for each target.

Two columns, target y = 1 and y = 0. In each, the top plot shows the loss L(p) of one
prediction (solid) and the bottom plot its derivative ∂L/∂p (dashed), the number
backpropagation starts from. The current network's training samples sit on the curve
of the loss it is trained with: x = its prediction ŷ, y = its loss (a triangle on the
top edge when the loss is off the scale).

The curves come from ``nnviz.engine.loss_curves`` (the engine's own Loss classes); the
points from a display network of the source's shape set to the latest snapshot's parameters.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from nnviz.draw.plots.toolkit import (
    LegendSample, cache_decorations, fill_with_theme, new_plot_widget, style_legend, style_plot,
)
from nnviz.draw.theme import LIGHT, NEGATIVE_COLOR, POSITIVE_COLOR, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.loss_curves import default_grid, loss_curves, per_sample_losses
from nnviz.engine.network import Network
from nnviz.ui.instruments.source import SnapshotSource

__all__ = ["LOSS_COLORS", "MAX_POINTS", "VALUE_RANGE", "LossPanel"]

#: (light, dark) colour of each loss's curve.
LOSS_COLORS = {"mse": ("#7b1fa2", "#ce93d8"), "bce": ("#00796b", "#4db6ac")}
VALUE_RANGE = (0.0, 4.0)  # loss axis; points above it are drawn on its top edge
DERIVATIVE_RANGE = {1: (-8.0, 1.5), 0: (-1.5, 8.0)}
MAX_POINTS = 500  # samples marked (the first ones of the training set)
PLAYING_INTERVAL_MS = 50  # while training plays, the points follow at most 20 times a second
_LABELS = {
    (1, "mse"): "MSE ½(1−p)²",
    (1, "bce"): "BCE = CE −ln p",
    (0, "mse"): "MSE ½p²",
    (0, "bce"): "BCE −ln(1−p)",
}


class _Column:
    """The value and derivative plots of one target, and their items."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.value_widget = new_plot_widget()
        self.deriv_widget = new_plot_widget()
        self.value_plot: pg.PlotItem = self.value_widget.getPlotItem()
        self.deriv_plot: pg.PlotItem = self.deriv_widget.getPlotItem()
        for plot in (self.value_plot, self.deriv_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.setMenuEnabled(False)
            plot.disableAutoRange()
            plot.showGrid(x=True, y=True, alpha=0.12)
            plot.getAxis("left").setWidth(34)
            plot.setXRange(0.0, 1.0, padding=0.02)
        self.deriv_plot.setXLink(self.value_plot)
        self.value_plot.setYRange(VALUE_RANGE[0] - 0.15, VALUE_RANGE[1] + 0.1, padding=0.0)
        self.deriv_plot.setYRange(*DERIVATIVE_RANGE[target], padding=0.0)
        self.value_plot.getAxis("bottom").setStyle(showValues=False)
        self.deriv_plot.setLabel("bottom", "prediction p")
        self.value_plot.setLabel("left", "loss")
        self.deriv_plot.setLabel("left", "∂L/∂p")
        zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        zero.setZValue(-15)
        self.deriv_plot.addItem(zero, ignoreBounds=True)
        self.zero_line = zero
        self.values = {name: pg.PlotDataItem(antialias=True) for name in LOSS_COLORS}
        self.derivs = {name: pg.PlotDataItem(antialias=True) for name in LOSS_COLORS}
        for name in LOSS_COLORS:
            self.value_plot.addItem(self.values[name])
            self.deriv_plot.addItem(self.derivs[name])
        self.points = pg.ScatterPlotItem(size=6, pxMode=True)
        self.points.setZValue(10)
        self.value_plot.addItem(self.points)
        self.grad_points = pg.ScatterPlotItem(size=4, pxMode=True)
        self.grad_points.setZValue(10)
        self.deriv_plot.addItem(self.grad_points)
        self.legend = self.value_plot.addLegend(
            offset=(-6, 4) if target == 1 else (40, 4), labelTextSize="8pt", verSpacing=-8)


class LossPanel(QWidget):
    """Loss curves with the network's samples on them; ``set_snapshot`` updates the samples."""

    def __init__(self, controller: SnapshotSource | None = None, parent: QWidget | None = None, *,
                 theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = theme
        self._network: Network | None = None
        self._dataset = None
        self._pending = None  # a snapshot not shown yet (hidden, or within the playing interval)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PLAYING_INTERVAL_MS)
        self._timer.timeout.connect(self._show_pending)
        self._shown = (np.empty(0), np.empty(0), np.empty(0))
        self._curves = loss_curves(default_grid())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(2)
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        grid = QGridLayout()
        grid.setSpacing(2)
        self.columns = {1: _Column(1), 0: _Column(0)}
        self.heading_labels = {}
        for col, target in enumerate((1, 0)):
            column = self.columns[target]
            heading = QLabel(self)
            heading.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
            self.heading_labels[target] = heading
            grid.addWidget(heading, 0, col)
            grid.addWidget(column.value_widget, 1, col)
            grid.addWidget(column.deriv_widget, 2, col)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 2)
        layout.addLayout(grid, 1)

        for target, column in self.columns.items():
            for name in LOSS_COLORS:
                curve = self._curves[name][target]
                column.values[name].setData(curve.p, np.minimum(curve.value, 50.0))
                column.derivs[name].setData(curve.p, np.clip(curve.derivative, -50.0, 50.0))
        self._network_loss: str | None = None
        self.set_theme(theme)
        cache_decorations(*(w for c in self.columns.values() for w in (c.value_widget, c.deriv_widget)))
        self._set_title()
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)
            controller.snapshotChanged.connect(self._on_snapshot)
            self._on_problem(controller.problem)
            self._on_snapshot(controller.snapshot)

    # ---- public API -----------------------------------------------------------------------------

    def set_model(self, layers, activation_names, loss_name: str, dataset) -> None:
        """The architecture to mark samples for (a display network is built) and its data."""
        self._network = Network(layers, activation_names, loss_name)
        self._dataset = dataset
        self._network_loss = loss_name
        self._clear_points()
        self._style_curves()
        self._set_title()
        self._set_headings()

    def set_params(self, params) -> None:
        """Mark the samples for these parameters of the model set by ``set_model``."""
        if self._network is None:
            return
        self._network.set_params(params)
        self._update_points()

    def set_snapshot(self, snap) -> None:
        """Mark the samples for a Snapshot (ignored when its layers are not the model's)."""
        if snap is None or self._network is None or tuple(snap.layers) != self._network.layers:
            return
        self.set_params(snap.params)

    @qt_virtual("LossPanel: size hint failed", fallback=QtCore.QSize)
    def sizeHint(self) -> QtCore.QSize:  # pyqtgraph's own hints (≈ 640 × 480 per plot) would be far too big
        return QtCore.QSize(520, 380)

    def points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ŷ, target, loss) of the marked samples, each (n,), as computed (not clamped)."""
        return self._shown

    def point_count(self) -> int:
        return len(self.columns[0].points.data) + len(self.columns[1].points.data)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        fill_with_theme(self, theme)
        for label in (self.title_label, *self.heading_labels.values()):
            label.setStyleSheet(f"QLabel {{ color: {theme.plot_text}; }}")
        axis = QtGui.QColor(theme.axis)
        axis.setAlpha(120)
        for column in self.columns.values():
            for widget in (column.value_widget, column.deriv_widget):
                widget.setBackground(theme.background)
            for plot in (column.value_plot, column.deriv_plot):
                style_plot(plot, theme)
            column.zero_line.setPen(pg.mkPen(axis, width=1))
            style_legend(column.legend, theme)
        edge = QtGui.QColor(theme.background)
        for target, column in self.columns.items():
            color = QtGui.QColor(POSITIVE_COLOR if target == 1 else NEGATIVE_COLOR)
            for item in (column.points, column.grad_points):
                item.setBrush(pg.mkBrush(color))
                item.setPen(pg.mkPen(edge, width=0.8))
        self._style_curves()
        self._set_headings()

    # ---- internals ----------------------------------------------------------------------------

    def _style_curves(self) -> None:
        theme = self._theme
        for target, column in self.columns.items():
            for name in LOSS_COLORS:
                color = QtGui.QColor(LOSS_COLORS[name][theme.dark])
                used = self._network_loss == name or (name == "bce" and target == 1 and self._network_loss == "ce")
                width = 3.0 if used else 1.8
                column.values[name].setPen(pg.mkPen(color, width=width))
                column.derivs[name].setPen(pg.mkPen(color, width=width * 0.8, style=QtCore.Qt.PenStyle.DashLine))
            column.legend.clear()
            for name in LOSS_COLORS:
                column.legend.addItem(LegendSample(column.values[name]), _LABELS[(target, name)])
            if column.points.isVisible() and len(column.points.data):
                column.legend.addItem(LegendSample(column.points), "samples")
            style_legend(column.legend, theme)

    def _set_headings(self) -> None:
        multiclass = self._network is not None and self._network.layers[-1] > 1
        for target, label in self.heading_labels.items():
            if multiclass:
                label.setText("<b>the true class (y = 1)</b>" if target else "<b>another class (y = 0)</b>")
            else:
                label.setText(f"<b>target y = {target}</b>")

    def _set_title(self) -> None:
        loss = self._network_loss
        if loss is None:
            text = "Loss of one prediction p: solid L(p), dashed ∂L/∂p"
        else:
            text = (f"Points: the training samples on the network's loss, <b>{loss.upper()}</b> "
                    f"(thick). Dashed: ∂L/∂p.")
        self.title_label.setText(text)

    def _clear_points(self) -> None:
        for column in self.columns.values():
            column.points.setData(x=[], y=[])
            column.grad_points.setData(x=[], y=[])
        self._shown = (np.empty(0), np.empty(0), np.empty(0))

    def _update_points(self) -> None:
        net, data = self._network, self._dataset
        if net is None or data is None:
            return
        if data.task == "regression" or net.activation_names[-1] not in ("sigmoid", "softmax") or \
                (net.layers[-1] > 1 and net.loss_name != "ce"):
            self._clear_points()
            self.title_label.setText("The network's outputs are not probabilities of classes here "
                                     "(regression or an unusual output): the curves only.")
            return
        y_hat, targets, losses = per_sample_losses(net, _FirstRows(data, MAX_POINTS))
        self._shown = (y_hat, targets, losses)
        top = VALUE_RANGE[1]
        for target, column in self.columns.items():
            mask = targets == target
            x, y = y_hat[mask], losses[mask]
            grad = net.loss.grad(np.full((len(x), 1), float(target)), x[:, None])[:, 0] \
                if net.loss_name != "ce" else -1.0 / np.clip(x, 1e-12, 1.0)
            over = y > top
            symbol = ["t1" if o else "o" for o in over] if over.any() else "o"
            column.points.setData(x=x, y=np.minimum(y, top), symbol=symbol)
            lo, hi = DERIVATIVE_RANGE[target]
            column.grad_points.setData(x=x, y=np.clip(grad, lo, hi))
        self._sync_sample_legend()

    def _sync_sample_legend(self) -> None:
        for column in self.columns.values():
            has = any(label.text == "samples" for _, label in column.legend.items)
            if has != bool(len(column.points.data)):
                self._style_curves()
                return

    # ---- controller ---------------------------------------------------------------------------

    def _on_problem(self, problem) -> None:
        shape = self._controller.shape
        self.set_model(shape.layers, shape.activation_names, shape.loss_name, self._controller.dataset)

    def _on_snapshot(self, snap) -> None:
        self._pending = snap
        if not self.isVisible():
            return  # shown when the panel is
        if self._controller.running:
            if not self._timer.isActive():  # coalesce: the latest snapshot when the timer fires
                self._timer.start()
        else:
            self._show_pending()

    def _show_pending(self) -> None:
        if self._pending is not None and self.isVisible():
            snap, self._pending = self._pending, None
            self.set_snapshot(snap)

    @qt_virtual("LossPanel: showing failed")
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_pending()


class _FirstRows:
    """The first ``n`` training rows of a Dataset, with the methods per_sample_losses uses."""

    def __init__(self, dataset, n: int) -> None:
        self._data, self._n = dataset, n

    def inputs(self, which):
        return self._data.inputs(which)[:self._n]

    def labels(self, which):
        return self._data.labels(which)[:self._n]

    def targets(self, which, n_outputs):
        return self._data.targets(which, n_outputs)[:self._n]
