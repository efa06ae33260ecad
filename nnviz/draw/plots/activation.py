"""The activation plot: one activation function f and its derivative f′ over z, the
saturated regions shaded, and a histogram of the layer's current z values over the data.

The numbers (curves, saturated intervals and fraction) come from ``nnviz.app.saturation``;
the pyqtgraph items are made once in ``__init__`` and pooled (the shaded regions).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnviz.app.saturation import (
    SATURATION_THRESHOLD, Z_POINTS, Z_RANGE, activation_curves, saturated_fraction, saturated_intervals,
)
from nnviz.draw.plots.strip import legend_above
from nnviz.draw.plots.toolkit import (
    LEGEND_TEXT_SIZE, TEXT_POINTS, TITLE_POINTS, cache_decorations, new_plot_widget, point_size,
    set_plot_font_scale, style_legend, style_plot, sync_legend,
)
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.activations import ACTIVATIONS

__all__ = ["HISTOGRAM_BINS", "ActivationPlot"]

HISTOGRAM_BINS = 40
#: The tallest histogram bar reaches this fraction of the plot's height.
_HIST_HEIGHT = 0.38
_REGION_POOL = 3


class ActivationPlot(QWidget):
    """One activation function f (solid) and its derivative f′ (dashed) over z ∈ [-6, 6],
    the saturated regions (|f′| < 0.05) shaded, and a histogram of the layer's current z
    values over the data drawn from the bottom of the plot (its height is relative: the
    tallest bin reaches 38 % of the plot)."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._theme = theme
        self._font_scale = 1.0
        self._name: str | None = None
        self._intervals: list[tuple[float, float]] = []
        self._y_range = (-0.1, 1.1)
        self._z: np.ndarray | None = None
        self._counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
        self._fraction = float("nan")
        self._grid = np.linspace(*Z_RANGE, Z_POINTS)
        self._edges = np.linspace(*Z_RANGE, HISTOGRAM_BINS + 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = new_plot_widget()
        layout.addWidget(self._plot_widget)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "z (pre-activation)")
        self.plot.setLabel("left", "f(z), f′(z)")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.disableAutoRange()
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        # The title spans the left axis too: at presentation scale it would widen the plot beyond its view.
        self.plot.layout.removeItem(self.plot.titleLabel)
        self.plot.layout.addItem(self.plot.titleLabel, 0, 0, 1, 2)

        self._regions = []
        for _ in range(_REGION_POOL):
            region = pg.LinearRegionItem(values=(0, 1), movable=False)
            region.setZValue(-20)
            region.hide()
            self.plot.addItem(region, ignoreBounds=True)
            self._regions.append(region)
        self._zero_x = pg.InfiniteLine(pos=0.0, angle=90, movable=False)
        self._zero_y = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        for line in (self._zero_x, self._zero_y):
            line.setZValue(-15)
            self.plot.addItem(line, ignoreBounds=True)
        self.hist_curve = pg.PlotDataItem(stepMode="center", fillLevel=0.0, antialias=False)
        self.hist_curve.setZValue(-5)
        self.f_curve = pg.PlotDataItem(antialias=True)
        self.df_curve = pg.PlotDataItem(antialias=True)
        for item in (self.hist_curve, self.df_curve, self.f_curve):
            self.plot.addItem(item)
        self.hist_curve.hide()
        # Legend-only stand-in for the shaded regions (drawn as a filled box).
        self._region_key = pg.PlotDataItem()
        self._legend = legend_above(self.plot, labelTextSize=LEGEND_TEXT_SIZE, horSpacing=6, verSpacing=-4)

        self.saturation_label = pg.TextItem("", anchor=(1, 0))
        self.saturation_label.setZValue(20)
        self.plot.addItem(self.saturation_label, ignoreBounds=True)
        self.saturation_label.hide()

        self.set_theme(theme)
        self.set_activation("sigmoid", "sigmoid")
        cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_activation(self, name: str, title: str) -> None:
        """Show activation ``name`` (a key of ACTIVATIONS) under the plot title ``title``."""
        if name not in ACTIVATIONS:
            raise KeyError(f"unknown activation {name!r}")
        self._name = name
        f, df = activation_curves(name, self._grid)
        self.f_curve.setData(self._grid, f)
        self.df_curve.setData(self._grid, df)
        if ACTIVATIONS[name].output_only:
            title = f"{title} — one unit: σ(z), other logit 0"
        self._title = title
        self._set_title()

        lo = float(min(f.min(), df.min(), 0.0))
        hi = float(max(f.max(), df.max(), 1.0))
        pad = 0.08 * (hi - lo)
        # Extra head room at the top for the saturation label (the legend is above the plot).
        self._y_range = (lo - pad, hi + 3.2 * pad)
        self.plot.setXRange(*Z_RANGE, padding=0.0)
        self.plot.setYRange(*self._y_range, padding=0.0)

        self._intervals = saturated_intervals(self._grid, df)
        for i, region in enumerate(self._regions):
            if i < len(self._intervals):  # no activation here has more than two
                region.setRegion(self._intervals[i])
                region.show()
            else:
                region.hide()
        self._region_key.setVisible(bool(self._intervals))
        self._update_histogram()
        self._sync_legend()

    def set_z_values(self, z) -> None:
        """The layer's current pre-activations over the data (any shape; NaN ignored).
        Values outside the plot range are counted in the edge bins."""
        z = np.asarray(z, dtype=np.float64).reshape(-1)
        self._z = z[~np.isnan(z)]
        self._update_histogram()
        self._sync_legend()

    def clear_z_values(self) -> None:
        self._z = None
        self._update_histogram()
        self._sync_legend()

    def saturated_intervals(self) -> list[tuple[float, float]]:
        """The shaded (lo, hi) intervals, within Z_RANGE, in increasing order."""
        return list(self._intervals)

    def saturated_fraction(self) -> float:
        """Fraction of the z values in the saturated regions (regions touching the edge of
        the plot extend to ±∞); NaN when no z values are set."""
        return self._fraction

    def histogram_counts(self) -> np.ndarray:
        """Counts per bin (HISTOGRAM_BINS bins over Z_RANGE, edge bins include the values
        beyond the range)."""
        return self._counts.copy()

    def histogram_edges(self) -> np.ndarray:
        return self._edges.copy()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._plot_widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        style_legend(self._legend, theme)
        first, second = theme.series
        self.f_curve.setPen(pg.mkPen(first, width=2.2))
        self.df_curve.setPen(pg.mkPen(second, width=2.0, style=QtCore.Qt.PenStyle.DashLine))
        neutral = QtGui.QColor(theme.neutral)
        fill, edge = QtGui.QColor(neutral), QtGui.QColor(neutral)
        fill.setAlpha(70)
        edge.setAlpha(160)
        self.hist_curve.setPen(pg.mkPen(edge, width=1))
        self.hist_curve.setFillBrush(pg.mkBrush(fill))
        key = QtGui.QColor(neutral)
        key.setAlpha(120)
        self.hist_curve.legend_box = pg.mkBrush(key)
        shade = pg.mkBrush(*theme.shade)
        border = QtGui.QColor(*theme.shade[:3])
        border.setAlpha(90)
        for region in self._regions:
            region.setBrush(shade)
            region.setHoverBrush(shade)
            for line in region.lines:
                line.setPen(pg.mkPen(border, width=1, style=QtCore.Qt.PenStyle.DotLine))
                line.setHoverPen(pg.mkPen(border, width=1, style=QtCore.Qt.PenStyle.DotLine))
        self._region_key.legend_box = pg.mkBrush(*theme.shade[:3], min(255, theme.shade[3] * 3))
        axis_colour = QtGui.QColor(theme.axis)
        axis_colour.setAlpha(110)
        for line in (self._zero_x, self._zero_y):
            line.setPen(pg.mkPen(axis_colour, width=1))
        self.saturation_label.setColor(theme.plot_text)
        self.saturation_label.fill = pg.mkBrush(*theme.legend_fill)
        self.saturation_label.border = pg.mkPen(theme.legend_border)
        self.saturation_label.update()
        if self._name is not None:
            self._set_title()
        self._legend.update()

    def set_font_scale(self, scale: float) -> None:
        """Draw the plot's text (ticks, axis labels, title, legend, the saturation label) at ``scale`` × its usual size."""
        self._font_scale = float(scale)
        set_plot_font_scale(self.plot, scale)
        font = QtGui.QFont()
        font.setPointSizeF(TEXT_POINTS * scale)
        self.saturation_label.setFont(font)

    @qt_virtual("ActivationPlot: minimumSizeHint failed", fallback=QtCore.QSize)
    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(120, 90)  # a legend, a title and readable curves

    # -- internals

    def _set_title(self) -> None:
        self.plot.setTitle(self._title, size=point_size(TITLE_POINTS, self._font_scale), color=self._theme.plot_text)

    def _update_histogram(self) -> None:
        if self._z is None or self._z.size == 0:
            self._counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
            self._fraction = float("nan")
            self.hist_curve.setData(x=self._edges, y=np.zeros(HISTOGRAM_BINS))
            self.hist_curve.hide()
            self.saturation_label.hide()
            return
        z = self._z
        self._counts, _ = np.histogram(np.clip(z, *Z_RANGE), bins=self._edges)
        lo, hi = self._y_range
        base = lo
        heights = base + self._counts / max(int(self._counts.max()), 1) * _HIST_HEIGHT * (hi - lo)
        self.hist_curve.setFillLevel(base)
        self.hist_curve.setData(x=self._edges, y=heights)
        self.hist_curve.show()

        self._fraction = saturated_fraction(z, self._intervals, Z_RANGE)
        label, text = self.saturation_label, f"{100 * self._fraction:.0f}% saturated"
        pos = (Z_RANGE[1] - 0.15, hi - 0.03 * (hi - lo))
        if label.textItem.toPlainText() != text:  # relaid out and its cached picture redrawn only on a change
            label.setText(text)
        if (label.pos().x(), label.pos().y()) != pos:
            label.setPos(*pos)
        label.show()

    def _sync_legend(self) -> None:
        sync_legend(self._legend, [
            (self.f_curve, "f(z)"),
            (self.df_curve, "f′(z)"),
            (self.hist_curve, "z over the data"),
            (self._region_key, f"|f′| &lt; {SATURATION_THRESHOLD:g}"),
        ])
