"""The input-plane plot: the network's output over the 2-D input plane as a coloured field
(the decision boundary) plus the train and test points.

Its pyqtgraph items are made once in ``__init__``; updates only call ``setData`` /
``setImage``. Images keep pyqtgraph's default column-major axis order, so the row-major
fields are transposed before ``setImage``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnviz.draw.colormaps import class_field_rgb, diverging_lut
from nnviz.draw.plots.toolkit import (
    LEGEND_TEXT_SIZE, as_1d, cache_decorations, new_plot_widget, style_legend, style_plot, sync_legend,
)
from nnviz.draw.theme import CLASS_COLORS, LIGHT, NEGATIVE_COLOR, POSITIVE_COLOR, Theme

__all__ = ["FIELD_STRENGTH", "BoundaryPlot"]

#: How far the background field goes from white towards a class colour at full
#: confidence (1 = the point colour itself); < 1 keeps the points readable on the field.
FIELD_STRENGTH = 0.7


class BoundaryPlot(QWidget):
    """The 2-D input plane: the network's output as a coloured field plus the data points.

    Colours follow TensorFlow Playground: orange = class 0 / low, white = undecided,
    blue = class 1 / high; multiclass uses ``CLASS_COLORS``. Train points are filled
    circles with a thin dark outline; test points have the same fill inside a white ring
    with a dark rim (a target), so they stand out on any field colour.
    """

    TRAIN_SIZE = 8
    TEST_SIZE = 10
    _TEST_RING = 2.0  # px, white ring width of test points
    _HALO_EXTRA = 3  # px the dark rim adds to the test symbol's diameter

    def __init__(self, parent: QWidget | None = None, *, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._task = "binary"
        self._num_classes = 2
        self._extent = (-6.0, 6.0, -6.0, 6.0)
        self._value_levels: tuple[float, float] | None = None  # regression colour scale
        self._field: np.ndarray | None = None
        self._test_wanted = True
        self._lut = diverging_lut(FIELD_STRENGTH)
        point_lut = diverging_lut(1.0)
        self._value_brushes = [pg.mkBrush(*map(int, rgb)) for rgb in point_lut]
        self._class_brushes = [pg.mkBrush(c) for c in CLASS_COLORS]
        self._binary_brushes = [pg.mkBrush(NEGATIVE_COLOR), pg.mkBrush(POSITIVE_COLOR)]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = new_plot_widget()
        layout.addWidget(self._plot_widget)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setAspectLocked(True, ratio=1.0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.plot.getAxis("left").setWidth(44)

        # The field image. pyqtgraph's default (global) image axis order is column-major,
        # image[x, y]; our fields are row-major (H, W) with row 0 at y_min, so set_field
        # transposes them. The ViewBox's y axis points up, so column 0 of the transposed
        # array (= row 0) lands at the bottom of the rect.
        self._image = pg.ImageItem()
        self._image.setZValue(-10)
        self.plot.addItem(self._image)

        dark_edge = QtGui.QColor(32, 33, 36, 230)
        self._train_pen = pg.mkPen(dark_edge, width=1.0)
        self._test_pen = pg.mkPen("#ffffff", width=self._TEST_RING)
        neutral = pg.mkBrush("#9aa0a6")  # legend samples only (see set_theme)
        self._train = pg.ScatterPlotItem(
            symbol="o", size=self.TRAIN_SIZE, pen=self._train_pen, brush=neutral, antialias=True
        )
        self._test_halo = pg.ScatterPlotItem(
            symbol="o", size=self.TEST_SIZE + self._HALO_EXTRA, pen=pg.mkPen(None),
            brush=pg.mkBrush(dark_edge), antialias=True,
        )
        self._test = pg.ScatterPlotItem(
            symbol="o", size=self.TEST_SIZE, pen=self._test_pen, brush=neutral, antialias=True
        )
        self._test.legend_halo = (self.TEST_SIZE + self._HALO_EXTRA, dark_edge)
        for z, item in enumerate((self._train, self._test_halo, self._test)):
            item.setZValue(5 + z)
            self.plot.addItem(item)
        self._legend = self.plot.addLegend(
            offset=(8, 8), labelTextSize=LEGEND_TEXT_SIZE, colCount=2, horSpacing=4
        )

        self.set_extent(*self._extent)
        self.set_theme(theme)
        self._sync_legend()
        cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_points(self, train_xy, train_labels, test_xy=None, test_labels=None,
                   task: str = "binary", num_classes: int = 2) -> None:
        """Show the data. ``*_xy``: (n, 2) raw input coordinates; ``*_labels``: (n,) class
        indices (binary: 0/1) or target values (regression). Test data may be None."""
        if task not in ("binary", "multiclass", "regression"):
            raise ValueError(f"unknown task {task!r}")
        self._task = task
        self._num_classes = int(num_classes)
        train_xy, train_labels = self._points(train_xy, train_labels, "train")
        test_xy, test_labels = self._points(test_xy, test_labels, "test")
        if task == "regression":
            both = np.concatenate([train_labels, test_labels])
            both = both[np.isfinite(both)]
            self._value_levels = (float(both.min()), float(both.max())) if both.size else None
        self._train.setData(pos=train_xy, brush=self._brushes(train_labels))
        self._test_halo.setData(pos=test_xy)
        self._test.setData(pos=test_xy, brush=self._brushes(test_labels))
        if self._field is not None and task == "regression":
            self.set_field(self._field)  # the colour scale may have changed
        self._sync_legend()

    def set_extent(self, xmin: float, xmax: float, ymin: float, ymax: float) -> None:
        """The rectangle of the input plane that the field covers and the view shows."""
        if not (xmax > xmin and ymax > ymin):
            raise ValueError(f"empty extent {(xmin, xmax, ymin, ymax)}")
        self._extent = (float(xmin), float(xmax), float(ymin), float(ymax))
        if self._image.image is not None:
            self._image.setRect(self._rect())
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0.0)

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def set_field(self, values) -> None:
        """(H, W) output over the plane (binary: ŷ ∈ [0, 1]; regression: the prediction)
        or (H, W, C) class probabilities (multiclass); row 0 at y_min, column 0 at x_min."""
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 3 and values.shape[2] == 1:
            values = values[:, :, 0]
        self._field = values
        if values.ndim == 3:
            rgb = class_field_rgb(values, FIELD_STRENGTH)
            # Transposed to pyqtgraph's default column-major order (see __init__).
            self._image.setImage(rgb.transpose(1, 0, 2), lut=None, levels=(0, 255), autoLevels=False)
        elif values.ndim == 2:
            if self._task == "regression":
                levels = self._value_levels or self._finite_range(values)
            else:
                levels = (0.0, 1.0)
            self._image.setImage(values.T, lut=self._lut, levels=levels, autoLevels=False)
        else:
            raise ValueError(f"field must be (H, W) or (H, W, C), got shape {values.shape}")
        self._image.setRect(self._rect())  # the scale depends on the image size

    def clear_field(self) -> None:
        self._field = None
        self._image.clear()

    def show_test(self, show: bool) -> None:
        self._test_wanted = bool(show)
        self._test.setVisible(self._test_wanted)
        self._test_halo.setVisible(self._test_wanted)
        self._sync_legend()

    def field_image(self) -> pg.ImageItem:
        return self._image

    def point_items(self) -> tuple[pg.ScatterPlotItem, pg.ScatterPlotItem]:
        """(train, test) scatter items."""
        return self._train, self._test

    def set_theme(self, theme: Theme) -> None:
        self._plot_widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        style_legend(self._legend, theme)
        # The default brush only colours the legend samples (every point has its own).
        neutral = pg.mkBrush(theme.legend_sample)
        for item in (self._train, self._test):
            item.setBrush(neutral)
        for sample, _ in self._legend.items:
            sample.update()

    # -- internals

    def _rect(self) -> QtCore.QRectF:
        x0, x1, y0, y1 = self._extent
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    @staticmethod
    def _points(xy, labels, name):
        if xy is None:
            return np.zeros((0, 2)), np.zeros(0)
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        labels = as_1d(labels, f"{name}_labels", xy.shape[0])
        return xy, labels

    @staticmethod
    def _finite_range(values) -> tuple[float, float]:
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return (0.0, 1.0)
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)

    def _brushes(self, labels: np.ndarray) -> list:
        if labels.size == 0:
            return []
        if self._task == "regression":
            lo, hi = self._value_levels or (0.0, 1.0)
            t = (np.nan_to_num(labels, nan=0.5 * (lo + hi)) - lo) / max(hi - lo, 1e-12)
            idx = np.clip(np.rint(t * 255), 0, 255).astype(np.intp)
            return [self._value_brushes[i] for i in idx]
        if self._task == "binary":
            return [self._binary_brushes[i] for i in (labels > 0.5).astype(np.intp)]
        idx = np.nan_to_num(labels).astype(np.intp) % len(self._class_brushes)
        return [self._class_brushes[i] for i in idx]

    def _sync_legend(self) -> None:
        sync_legend(self._legend, [(self._train, "train"), (self._test, "test")])
