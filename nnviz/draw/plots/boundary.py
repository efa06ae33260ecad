"""The data plot: the network's output over the 2-D input plane as a coloured field (the
decision boundary) plus the train and test points; for a 1-input network, the 1-D data
line instead (``data_line.DataLinePlot``: x against the target and the prediction).

The plane shows exactly its extent: its data area keeps the extent's shape (the plot's
margins grow on the sides that have room to spare), so the field fills the whole axes and
the axes never run past the data. Its pyqtgraph items are made once in ``__init__``;
updates only call ``setData`` / ``setImage``. Images keep pyqtgraph's default column-major
axis order, so the row-major fields are transposed before ``setImage``; they are drawn
with bilinear filtering, so a coarse grid still gives a smooth field.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QStackedLayout, QWidget

from nnviz.draw.colormaps import class_field_rgb, diverging_lut
from nnviz.draw.plots.data_line import DataLinePlot
from nnviz.draw.plots.points import PointItems, PointsPlotMixin, check_task, note_forms
from nnviz.draw.plots.strip import GAP, legend_above, note_above, set_extra_margins, set_legend_beside
from nnviz.draw.plots.toolkit import (
    LEGEND_TEXT_SIZE, as_1d, cache_decorations, new_plot_widget, set_plot_font_scale, sync_legend,
)
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["FIELD_STRENGTH", "MAX_BOX_ASPECT", "BoundaryPlot"]

#: How far the background field goes from white towards a class colour at full
#: confidence (1 = the point colour itself); < 1 keeps the points readable on the field.
FIELD_STRENGTH = 0.7
#: The data area is as wide as tall in data units (1:1) unless that would make it more
#: than this many times wider than tall (or taller than wide): then it is that flat.
MAX_BOX_ASPECT = 2.0


class SmoothImageItem(pg.ImageItem):
    """An ImageItem drawn with bilinear filtering: the field's cells blend into each other
    instead of showing as blocks, at no extra cost per frame (a finer grid would cost a
    bigger forward pass every frame)."""

    @qt_virtual("SmoothImageItem: painting failed")
    def paint(self, painter, *args):
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class BoundaryPlot(PointsPlotMixin, QWidget):
    """The data plot: the 2-D input plane (``plot``) or, after ``show_line(True)``, the
    1-input line (``line``). See the module docstring."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._extent = (-6.0, 6.0, -6.0, 6.0)
        self._field: np.ndarray | None = None
        self._test_wanted = True
        self._theme = theme
        self._fitting = False
        self._lut = diverging_lut(FIELD_STRENGTH)

        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = new_plot_widget()
        self._stack.addWidget(self._plot_widget)
        self.line = DataLinePlot(theme=theme)
        self._stack.addWidget(self.line)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.plot.getAxis("left").setWidth(44)
        self.plot.setMouseEnabled(x=False, y=False)  # the view is the data extent, always
        self.plot.setMenuEnabled(False)
        self.plot.disableAutoRange()

        # The field image. pyqtgraph's default (global) image axis order is column-major,
        # image[x, y]; our fields are row-major (H, W) with row 0 at y_min, so set_field
        # transposes them. The ViewBox's y axis points up, so column 0 of the transposed
        # array (= row 0) lands at the bottom of the rect.
        self._image = SmoothImageItem()
        self._image.setZValue(-10)
        self.plot.addItem(self._image)

        self._points = PointItems(self.plot)
        self._legend = legend_above(self.plot, labelTextSize=LEGEND_TEXT_SIZE, horSpacing=4)
        self._note = note_above(self.plot, LEGEND_TEXT_SIZE)
        self.plot.geometryChanged.connect(self._fit_box)

        self.set_extent(*self._extent)
        self.set_theme(theme)
        self._sync_legend()
        cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def show_line(self, on: bool) -> None:
        """Show the 1-input line (``line``) instead of the 2-D plane, or the plane again."""
        self._stack.setCurrentWidget(self.line if on else self._plot_widget)

    def showing_line(self) -> bool:
        return self._stack.currentWidget() is self.line

    def set_points(self, train_xy, train_labels, test_xy=None, test_labels=None,
                   task: str = "binary", num_classes: int = 2) -> None:
        """Show the data. ``*_xy``: (n, 2) raw input coordinates; ``*_labels``: (n,) class
        indices (binary: 0/1) or target values (regression). Test data may be None."""
        check_task(task)
        train_xy, train_labels = self._xy(train_xy, train_labels, "train")
        test_xy, test_labels = self._xy(test_xy, test_labels, "test")
        self._points.set_task(task, np.concatenate([train_labels, test_labels]))
        self._points.set_data(train_xy, train_labels, test_xy, test_labels)
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
        self._fit_box()

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def box_aspect(self) -> float:
        """Width / height in pixels the data area keeps: the extent's (1:1 in data units),
        kept within 1/MAX_BOX_ASPECT … MAX_BOX_ASPECT."""
        x0, x1, y0, y1 = self._extent
        return float(np.clip((x1 - x0) / (y1 - y0), 1.0 / MAX_BOX_ASPECT, MAX_BOX_ASPECT))

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
            if self._points.task == "regression":
                levels = self._points.value_levels or self._finite_range(values)
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
        self._points.show_test(self._test_wanted)
        self._sync_legend()

    def set_marker(self, xy, text: str | Sequence[str] = "") -> None:
        """Ring the sample at ``xy`` (2,) raw coordinates, ``text`` above the plot (e.g.
        "◯ sample 3 of 10: target 1, loss 0.21"), or the longest of several forms of it that
        fits one line (``points.PointsPlotMixin``); None removes both."""
        self._points.set_marker(xy)
        self._marker_forms = note_forms(text) if xy is not None else ()
        self._show_note()
        self._fit_box()  # the note may take a row of the plot's height

    def field_image(self) -> pg.ImageItem:
        return self._image

    def set_theme(self, theme: Theme) -> None:
        self.style_frame(theme)
        self.line.set_theme(theme)

    def set_font_scale(self, scale: float) -> None:
        """Draw the plot's text (ticks, axis labels, title, legend; the 1-D line too) at ``scale`` × its usual size."""
        set_plot_font_scale(self.plot, scale)
        self.line.set_font_scale(scale)
        self._fit_box()  # wider axes: the data area keeps its shape

    @qt_virtual("BoundaryPlot: minimumSizeHint failed", fallback=QtCore.QSize)
    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(120, 90)  # axes, a legend and a readable field

    # -- internals

    def _fit_box(self) -> None:
        """Margins that give the data area the extent's shape (``box_aspect``), then the
        extent as the view: the field covers the whole axes and nothing more is shown."""
        if self._fitting:  # laying the plot out again resizes it: once is enough
            return
        self._fitting = True
        try:
            self._refit_note()  # the form of the note that fits the new width
            view = self._plot_widget.viewport().rect()
            for beside in (True, False):  # the legend beside the data area if the spare width holds it
                legend_width = set_legend_beside(self.plot, beside)
                set_extra_margins(self.plot, (0, 0, 0, 0))
                self.plot.setGeometry(QtCore.QRectF(view))  # as the view shows it, never grown by old margins
                self.plot.layout.activate()
                w, h = self.plot.vb.width(), self.plot.vb.height()
                aspect = self.box_aspect()
                spare_w, spare_h = max(w - aspect * h, 0.0), max(h - w / aspect, 0.0)
                if not beside or spare_w / 2 >= legend_width + GAP:
                    break
            if w > 1 and h > 1:
                set_extra_margins(self.plot, (spare_w / 2, spare_h / 2, spare_w / 2, spare_h / 2))
            x0, x1, y0, y1 = self._extent
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        finally:
            self._fitting = False

    def _rect(self) -> QtCore.QRectF:
        x0, x1, y0, y1 = self._extent
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    @staticmethod
    def _xy(xy, labels, name):
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

    def _sync_legend(self) -> None:
        p = self._points
        sync_legend(self._legend, [(p.train, "train"), (p.test, "test")])
