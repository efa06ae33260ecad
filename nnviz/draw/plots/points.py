"""Data points as both data plots draw them (the 2-D input plane and the 1-input line):
the same fills per class or value, the same train and test markers, the same ring around
the sample a phase shows.

Colours follow TensorFlow Playground: orange = class 0 / low, blue = class 1 / high;
multiclass uses ``CLASS_COLORS``. Train points are filled circles with a thin dark
outline; test points have the same fill inside a white ring with a dark rim (a target),
so they stand out on any background.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from nnviz.draw.colormaps import diverging_lut
from nnviz.draw.plots.strip import set_note
from nnviz.draw.plots.toolkit import style_legend, style_plot
from nnviz.draw.theme import CLASS_COLORS, NEGATIVE_COLOR, POSITIVE_COLOR, Theme

__all__ = ["TASKS", "PointItems", "PointsPlotMixin", "check_task", "note_forms"]

TASKS = ("binary", "multiclass", "regression")
TRAIN_SIZE = 8
TEST_SIZE = 10
TEST_RING = 2.0  # px, white ring width of test points
HALO_EXTRA = 3  # px the dark rim adds to the test symbol's diameter
MARKER_SIZE = 22  # px, the ring around the sample a phase shows
DARK_EDGE = QtGui.QColor(32, 33, 36, 230)


def check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}")


class PointItems:
    """The scatter items of one plot, made once and added to ``plot``: train points, test
    points (a halo behind them) and the sample marker; and the fills for a task's labels.

    ``brushes(labels)`` colours (n,) class indices (binary: 0/1) or target values
    (regression, over ``value_levels``)."""

    def __init__(self, plot: pg.PlotItem):
        self.task = "binary"
        self.value_levels: tuple[float, float] | None = None  # regression colour scale
        self._value_brushes = [pg.mkBrush(*map(int, rgb)) for rgb in diverging_lut(1.0)]
        self._class_brushes = [pg.mkBrush(c) for c in CLASS_COLORS]
        self._binary_brushes = [pg.mkBrush(NEGATIVE_COLOR), pg.mkBrush(POSITIVE_COLOR)]
        neutral = pg.mkBrush("#9aa0a6")  # legend samples only (see set_theme)
        self.train = pg.ScatterPlotItem(symbol="o", size=TRAIN_SIZE, pen=pg.mkPen(DARK_EDGE, width=1.0),
                                        brush=neutral, antialias=True)
        self.test_halo = pg.ScatterPlotItem(symbol="o", size=TEST_SIZE + HALO_EXTRA, pen=pg.mkPen(None),
                                            brush=pg.mkBrush(DARK_EDGE), antialias=True)
        self.test = pg.ScatterPlotItem(symbol="o", size=TEST_SIZE, pen=pg.mkPen("#ffffff", width=TEST_RING),
                                       brush=neutral, antialias=True)
        self.test.legend_halo = (TEST_SIZE + HALO_EXTRA, DARK_EDGE)
        self.marker = pg.ScatterPlotItem(symbol="o", size=MARKER_SIZE, brush=pg.mkBrush(None), antialias=True)
        self.marker.setVisible(False)
        for z, item in enumerate((self.train, self.test_halo, self.test, self.marker)):
            item.setZValue(5 + z)
            plot.addItem(item)

    def set_task(self, task: str, labels: np.ndarray) -> None:
        """The task of the labels to come; regression takes its colour scale from ``labels``."""
        check_task(task)
        self.task = task
        if task == "regression":
            finite = labels[np.isfinite(labels)]
            self.value_levels = (float(finite.min()), float(finite.max())) if finite.size else None

    def brushes(self, labels: np.ndarray) -> list:
        if labels.size == 0:
            return []
        if self.task == "regression":
            lo, hi = self.value_levels or (0.0, 1.0)
            t = (np.nan_to_num(labels, nan=0.5 * (lo + hi)) - lo) / max(hi - lo, 1e-12)
            idx = np.clip(np.rint(t * 255), 0, 255).astype(np.intp)
            return [self._value_brushes[i] for i in idx]
        if self.task == "binary":
            return [self._binary_brushes[i] for i in (labels > 0.5).astype(np.intp)]
        idx = np.nan_to_num(labels).astype(np.intp) % len(self._class_brushes)
        return [self._class_brushes[i] for i in idx]

    def set_data(self, train_xy: np.ndarray, train_labels: np.ndarray, test_xy: np.ndarray,
                 test_labels: np.ndarray) -> None:
        """Points (n, 2) in plot coordinates and their labels (n,)."""
        self.train.setData(pos=train_xy, brush=self.brushes(train_labels))
        self.test_halo.setData(pos=test_xy)
        self.test.setData(pos=test_xy, brush=self.brushes(test_labels))

    def show_test(self, show: bool) -> None:
        self.test.setVisible(show)
        self.test_halo.setVisible(show)

    def set_marker(self, xy) -> None:
        """Ring the point at ``xy`` (2,) in plot coordinates; None hides the ring."""
        if xy is None:
            self.marker.setVisible(False)
            return
        self.marker.setData(pos=np.asarray(xy, dtype=np.float64).reshape(1, 2))
        self.marker.setVisible(True)

    def marker_shown(self) -> np.ndarray | None:
        """The ringed point (2,), or None."""
        if not self.marker.isVisible():
            return None
        x, y = self.marker.getData()
        return np.array([x[0], y[0]])

    def set_theme(self, theme: Theme) -> None:
        # The default brush only colours the legend samples (every point has its own).
        neutral = pg.mkBrush(theme.legend_sample)
        for item in (self.train, self.test):
            item.setBrush(neutral)
        self.marker.setPen(pg.mkPen(theme.highlight, width=3.0))


def note_forms(text: str | Sequence[str]) -> tuple[str, ...]:
    """A ringed sample's note as its forms, longest first ("" or (): no note)."""
    forms = (text,) if isinstance(text, str) else tuple(text)
    return tuple(f for f in forms if f)


class PointsPlotMixin:
    """What the data plots (BoundaryPlot, DataLinePlot) share: the ringed sample and its note,
    the point items, the legend and the theme of their frame. A plot using it sets ``plot``
    (with a strip note, ``strip.note_above``), ``_plot_widget``, ``_legend``, ``_points``
    (PointItems), ``_theme`` and ``_marker_forms`` (``note_forms``).

    The note is the longest of its forms that fits the strip on one line (the last one if
    none does): at presentation scale on a small window "◯ 3/10 y=1 L=0.21" rather
    than a full sentence wrapped over three lines, which would take the data's height."""

    _marker_forms: tuple[str, ...] = ()
    _marker_text = ""  # the form shown
    _picking_note = False

    def marker(self) -> tuple[np.ndarray | None, str]:
        """(the ringed point or None, the text shown with it)."""
        shown = self._points.marker_shown()
        return shown, self._marker_text if shown is not None else ""

    def _refit_note(self) -> None:
        """After a resize: the form of the note that fits the new width."""
        if self._marker_forms:
            self._show_note()

    def _show_note(self) -> None:
        """The ringed sample's note in the colour of the ring, in the longest form that fits."""
        if self._picking_note:  # laying the strip out again resizes the plot: once is enough
            return
        self._picking_note = True
        try:
            shown = ""
            for shown in self._marker_forms or ("",):
                set_note(self.plot, shown, self._theme.highlight)
                if self.plot.nnviz_note.item.textWidth() < 0:  # the strip did not have to wrap it
                    break
            self._marker_text = shown
        finally:
            self._picking_note = False

    def point_items(self) -> tuple[pg.ScatterPlotItem, pg.ScatterPlotItem]:
        """(train, test) scatter items."""
        return self._points.train, self._points.test

    def legend(self) -> pg.LegendItem:
        return self._legend

    def style_frame(self, theme: Theme) -> None:
        """Background, axes, legend, points and note in ``theme`` (legend samples repainted)."""
        self._theme = theme
        self._plot_widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        style_legend(self._legend, theme)
        self._points.set_theme(theme)
        self._show_note()
        for sample, _ in self._legend.items:
            sample.update()
