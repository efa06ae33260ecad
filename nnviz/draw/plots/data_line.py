"""The data plot of a 1-input problem: the input x (bottom axis) against the target (left
axis), train and test points coloured as on the 2-D plane, and the network's prediction
ŷ(x) as a curve over the x range: one curve for one output (binary: P(class 1); a 2-unit
softmax: its class-1 unit), one per class for several classes (the points then sit at 1,
the probability their own class's curve should reach).

The view is fixed: x over the data's range, y over the targets and the prediction
(classification: at least 0 … 1), set on every update; nothing auto-ranges.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnviz.draw.plots.points import PointItems, PointsPlotMixin, check_task, note_forms
from nnviz.draw.plots.strip import legend_above, note_above
from nnviz.draw.plots.toolkit import (
    LEGEND_TEXT_SIZE, as_1d, cache_decorations, new_plot_widget, set_plot_font_scale, sync_legend,
)
from nnviz.draw.theme import CLASS_COLORS, LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["DataLinePlot", "axis_name"]

Y_PAD = 0.08  # of the y span, above and below


def axis_name(name: str) -> str:
    """'x1' → 'x₁' (as the plane's axes are named); other feature names as they are."""
    digits = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    return "x" + name[1:].translate(digits) if name[:1] == "x" and name[1:].isdigit() else name


class DataLinePlot(PointsPlotMixin, QWidget):
    """x against the target and the prediction of a 1-input network (module docstring)."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._task = "binary"
        self._num_classes = 2
        self._x_range = (0.0, 1.0)
        self._labels = np.zeros(0)  # every target shown (for the y range)
        self._theme = theme

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = new_plot_widget()
        layout.addWidget(self._plot_widget)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.disableAutoRange()
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        self.plot.setLabel("bottom", "x")

        self._curves: list[pg.PlotDataItem] = []  # one per class shown, made on first use
        self._points = PointItems(self.plot)
        self._legend = legend_above(self.plot, labelTextSize=LEGEND_TEXT_SIZE, horSpacing=4)
        note_above(self.plot, LEGEND_TEXT_SIZE)
        self.plot.geometryChanged.connect(self._refit_note)
        self.set_theme(theme)
        self._fit_view()
        cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_points(self, train_x, train_labels, test_x=None, test_labels=None, task: str = "binary",
                   num_classes: int = 2, x_name: str = "x") -> None:
        """The data: ``*_x`` (n,) the input; ``*_labels`` (n,) class indices (binary: 0/1)
        or target values (regression). Test data may be None."""
        check_task(task)
        self._task, self._num_classes = task, int(num_classes)
        train_x, train_labels = self._xy(train_x, train_labels, "train")
        test_x, test_labels = self._xy(test_x, test_labels, "test")
        self._labels = np.concatenate([train_labels, test_labels])
        self._points.set_task(task, self._labels)
        self._points.set_data(np.column_stack([train_x, self.height_of(train_labels)]), train_labels,
                              np.column_stack([test_x, self.height_of(test_labels)]), test_labels)
        self.plot.setLabel("bottom", axis_name(x_name))
        self.plot.setLabel("left", "p(class)" if task == "multiclass" else "target, ŷ")
        self.clear_prediction()

    def set_x_range(self, x_min: float, x_max: float) -> None:
        if not x_max > x_min:
            raise ValueError(f"empty x range {(x_min, x_max)}")
        self._x_range = (float(x_min), float(x_max))
        self._fit_view()

    def set_prediction(self, xs, y_hat) -> None:
        """The network's output along x: xs (P,), y_hat (P, n_out) (or (P,))."""
        xs = as_1d(xs, "xs")
        y_hat = np.asarray(y_hat, dtype=np.float64).reshape(xs.shape[0], -1)
        if self._task == "multiclass":
            columns = [(y_hat[:, k], CLASS_COLORS[k % len(CLASS_COLORS)], f"ŷ class {k}") for k in range(y_hat.shape[1])]
        else:  # one curve: the output, or a 2-unit softmax's class-1 probability
            columns = [(y_hat[:, -1], self._theme.text, "prediction ŷ")]
        while len(self._curves) < len(columns):
            curve = pg.PlotDataItem(antialias=True)
            curve.setZValue(2)
            self.plot.addItem(curve)
            self._curves.append(curve)
        for curve, (values, color, name) in zip(self._curves, columns):
            curve.setPen(pg.mkPen(color, width=2.5))
            curve.setData(x=xs, y=values)
            curve.nnviz_name = name
            curve.setVisible(True)
        for curve in self._curves[len(columns):]:
            curve.setVisible(False)
        self._fit_view()
        self._sync_legend()

    def clear_prediction(self) -> None:
        for curve in self._curves:
            curve.setData(x=np.zeros(0), y=np.zeros(0))
            curve.setVisible(False)
        self._fit_view()
        self._sync_legend()

    def prediction(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The curves shown: (xs, ŷ) each."""
        return [curve.getData() for curve in self._curves if curve.isVisible()]

    def height_of(self, labels: np.ndarray) -> np.ndarray:
        """Where a target is drawn: its class or value; 1 for several classes."""
        labels = np.asarray(labels, dtype=np.float64)
        return np.ones_like(labels) if self._task == "multiclass" else labels

    def set_marker(self, x: float | None, label: float = 0.0, text: str | Sequence[str] = "") -> None:
        """Ring the sample at input ``x`` with target ``label`` (class or value), ``text``
        above the plot (or the longest of its forms that fits one line); None removes both."""
        self._points.set_marker(None if x is None else (x, float(self.height_of(np.array([label]))[0])))
        self._marker_forms = note_forms(text) if x is not None else ()
        self._show_note()

    def set_theme(self, theme: Theme) -> None:
        if self._task != "multiclass" and self._curves:
            self._curves[0].setPen(pg.mkPen(theme.text, width=2.5))
        self.style_frame(theme)

    def set_font_scale(self, scale: float) -> None:
        """Draw the plot's text (ticks, axis labels, title, legend) at ``scale`` × its usual size."""
        set_plot_font_scale(self.plot, scale)

    @qt_virtual("DataLinePlot: minimumSizeHint failed", fallback=QtCore.QSize)
    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(120, 90)

    # -- internals

    def _fit_view(self) -> None:
        """x over the data's range; y over the targets and the prediction, padded."""
        values = [self.height_of(self._labels)] + [curve.getData()[1] for curve in self._curves if curve.isVisible()]
        values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in values if v is not None])
        values = values[np.isfinite(values)]
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
        if self._task != "regression":
            lo, hi = min(lo, 0.0), max(hi, 1.0)
        if hi - lo < 1e-9:
            lo, hi = lo - 0.5, hi + 0.5
        pad = Y_PAD * (hi - lo)
        self.plot.setRange(xRange=self._x_range, yRange=(lo - pad, hi + pad), padding=0.0)

    @staticmethod
    def _xy(x, labels, name):
        if x is None:
            return np.zeros(0), np.zeros(0)
        x = as_1d(x, f"{name}_x")
        return x, as_1d(labels, f"{name}_labels", x.shape[0])

    def _sync_legend(self) -> None:
        p = self._points
        entries = [(p.train, "train"), (p.test, "test")]
        sync_legend(self._legend, entries + [(curve, curve.nnviz_name) for curve in self._curves if curve.isVisible()])
