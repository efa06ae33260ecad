"""The plot toolkit: what every pyqtgraph plot of the app (the three plots and the
instrument panels) is built and themed with.

- ``new_plot_widget()``: a PlotWidget with the app's axes, margins and fixed left axis width;
- ``style_plot`` / ``style_legend`` / ``fill_with_theme``: colours from a ``Theme``;
- ``LegendSample`` and ``sync_legend``: legend entries that follow which items are shown;
- ``strip``: legends (and a note) in a strip above the data area, so they never cover data;
- ``cache_decorations``: axes, legends and labels painted once, not every frame;
- ``set_plot_font_scale``: tick labels, axis labels, title, legend and note at a scale
  (presentation mode: pyqtgraph draws its own text and ignores the widget's font).

pyqtgraph's global configuration is left untouched (it is process-wide): colours are set
per widget.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QGraphicsItem, QWidget

from nnviz.draw.plots import library_guards  # noqa: F401 - installs pyqtgraph's guards
from nnviz.draw.plots.strip import MARGINS, fit_strip
from nnviz.draw.theme import Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = [
    "LEFT_AXIS_WIDTH",
    "LEGEND_TEXT_SIZE",
    "TEXT_POINTS",
    "TITLE_POINTS",
    "TITLE_SIZE",
    "LegendSample",
    "SparseLogAxis",
    "as_1d",
    "cache_decorations",
    "fill_with_theme",
    "new_plot_widget",
    "point_size",
    "set_plot_font_scale",
    "style_legend",
    "style_plot",
    "sync_legend",
]

TITLE_POINTS = 10.0  # a plot title's point size at scale 1
TEXT_POINTS = 9.0  # tick labels, axis labels, legends and notes at scale 1
TITLE_SIZE = f"{TITLE_POINTS:g}pt"
LEGEND_TEXT_SIZE = f"{TEXT_POINTS:g}pt"
LEFT_AXIS_WIDTH = 52  # fixed, so stacked plots line up and tick labels are never clipped


def style_plot(plot: pg.PlotItem, theme: Theme) -> None:
    """Axis, tick and label colours of one PlotItem (its title is restyled by the owner)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.axis, width=1))
        axis.setTextPen(pg.mkPen(theme.plot_text))  # also recolours the axis label


def style_legend(legend: pg.LegendItem, theme: Theme) -> None:
    legend.setBrush(pg.mkBrush(*theme.legend_fill))
    legend.setPen(pg.mkPen(theme.legend_border))
    legend.setLabelTextColor(theme.plot_text)
    for _, label in legend.items:  # pyqtgraph stores the colour but re-renders only on setText
        label.setText(label.text, color=theme.plot_text)


def fill_with_theme(widget: QWidget, theme: Theme) -> None:
    """The widget's own background and text colours from the theme's plot colours."""
    widget.setAutoFillBackground(True)
    palette = widget.palette()
    palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor(theme.background))
    palette.setColor(QtGui.QPalette.ColorRole.WindowText, QtGui.QColor(theme.plot_text))
    widget.setPalette(palette)


class SparseLogAxis(pg.AxisItem):
    """AxisItem whose log-mode labels do not pile up: within a decade only the ticks at
    1, 2 and 5 × 10ⁿ are labelled (all ticks keep their tick marks)."""

    def logTickStrings(self, values, scale, spacing):
        strings = super().logTickStrings(values, scale, spacing)
        v = 10 ** np.asarray(values, dtype=np.float64) * scale
        with np.errstate(divide="ignore", invalid="ignore"):
            mantissa = np.rint(v / 10 ** np.floor(np.log10(np.abs(v))))
        keep = np.isin(mantissa, (1, 2, 5))
        if keep.sum() < 2:  # a very narrow range: label everything there is
            return strings
        return [s if k else "" for s, k in zip(strings, keep)]


def new_plot_widget(left_axis: pg.AxisItem | None = None) -> pg.PlotWidget:
    """A PlotWidget with SparseLogAxis axes (or ``left_axis`` on the left), no auto-range
    button, no SI prefixes and a left axis LEFT_AXIS_WIDTH px wide."""
    widget = pg.PlotWidget(axisItems={"left": left_axis or SparseLogAxis("left"), "bottom": SparseLogAxis("bottom")})
    plot = widget.getPlotItem()
    plot.hideButtons()  # the "A" auto-range button
    plot.layout.setContentsMargins(*MARGINS)
    for name in ("left", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    return widget


def point_size(base: float, scale: float) -> str:
    """A pyqtgraph size string: ``base`` points × ``scale`` ('13.5pt')."""
    return f"{base * scale:.3g}pt"


def set_plot_font_scale(plot: pg.PlotItem, scale: float) -> None:
    """Draw ``plot``'s tick labels, axis labels, title, legend and strip note at ``scale`` ×
    their usual size (TEXT_POINTS, TITLE_POINTS); a fixed-width axis widens by ``scale`` too,
    so its larger tick labels are not clipped. The legend and note strip is fitted again."""
    tick_font = QtGui.QFont()
    tick_font.setPointSizeF(TEXT_POINTS * scale)
    text = point_size(TEXT_POINTS, scale)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=tick_font)
        axis.labelStyle = {**axis.labelStyle, "font-size": text}
        if axis.labelText or axis.labelUnits:  # re-rendered with the new size
            axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix)
        if axis.fixedWidth is not None:
            base = getattr(axis, "nnviz_base_width", None) or axis.fixedWidth  # the width at scale 1
            axis.nnviz_base_width = base
            axis.setWidth(round(base * scale))
    title = plot.titleLabel
    title.setAttr("size", point_size(TITLE_POINTS, scale))
    if title.text:
        title.setText(title.text)
    legend = getattr(plot, "nnviz_legend", None) or plot.legend
    if legend is not None:
        legend.opts["labelTextSize"] = text
        for _, label in legend.items:
            label.setAttr("size", text)
            label.setText(label.text)
    note = getattr(plot, "nnviz_note", None)
    if note is not None:
        note.setAttr("size", text)
        note.setText(note.text)
    if getattr(plot, "nnviz_watched", False):
        fit_strip(plot)


class LegendSample(ItemSample):
    """Legend sample that also draws a ring behind a scatter symbol (the item's attribute
    ``legend_halo``: (size, QColor)) or a filled box for a shaded region (``legend_box``:
    QBrush)."""

    @qt_virtual("LegendSample: painting failed")
    def paint(self, p, *args):
        box = getattr(self.item, "legend_box", None)
        if box is not None:
            p.setPen(pg.mkPen(None))
            p.setBrush(box)
            p.drawRect(QtCore.QRectF(2, 3, 16, 15))
            return
        halo = getattr(self.item, "legend_halo", None)
        if halo is not None and self.item.isVisible():
            size, color = halo
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            p.setPen(pg.mkPen(None))
            p.setBrush(pg.mkBrush(color))
            p.drawEllipse(QtCore.QPointF(10, 10), size / 2, size / 2)
        super().paint(p, *args)


def cache_decorations(*views: pg.GraphicsView) -> None:
    """Axes, legends and labels are painted once into a pixmap and re-used until they change:
    replaying their text every frame costs more than everything else in a plot."""
    for view in views:
        for item in view.scene().items():
            if isinstance(item, (pg.AxisItem, pg.LegendItem, pg.LabelItem, pg.TextItem)):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def sync_legend(legend: pg.LegendItem, entries: list[tuple[object, str]]) -> None:
    """Make the legend list exactly the visible ones of ``entries`` (item, name), in order.

    Only touches the legend when the visible set changed (a task switch, not every frame).
    """
    wanted = [(item, name) for item, name in entries if item.isVisible()]
    current = [(sample.item, label.text) for sample, label in legend.items]
    if [(id(i), n) for i, n in wanted] == [(id(i), n) for i, n in current]:
        return
    legend.clear()
    for item, name in wanted:
        legend.addItem(LegendSample(item), name)
    if getattr(legend, "nnviz_above", None) is not None:
        fit_strip(legend.nnviz_above)


def as_1d(values, name: str, n: int | None = None) -> np.ndarray:
    """``values`` as a contiguous float64 (k,) array; ValueError naming ``name`` when n is
    given and k != n."""
    arr = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n}")
    return arr
