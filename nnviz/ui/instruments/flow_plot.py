"""The gradient-flow chart: one log-scale plot with a curve per layer, coloured from the
inputs (purple) to the output (orange), labelled at whole decades.

A value that is exactly 0 has no place on a log axis: it is drawn on a lane a decade below
the data, labelled "0" on the axis. What is drawn is bounded by what it is given (the
panel's evenly thinned history, engine.thinning) and by the pixels (draw.plots.history_curves).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from nnviz.draw.plots.history_curves import bound_to_screen, history_curve
from nnviz.draw.plots.toolkit import new_plot_widget, style_plot
from nnviz.draw.theme import LIGHT, Theme
from nnviz.ui.instruments.common import SUPERSCRIPT

__all__ = ["EMPTY_RANGE", "FlowPlot", "axis_range", "layer_colors", "log_range"]

EMPTY_RANGE = (-3.0, 0.0)  # log₁₀ y range before there is data


def layer_colors(n: int, dark: bool = False) -> list[QtGui.QColor]:
    """n colours from deep purple (layer 1, next to the inputs) to orange (the output layer)."""
    lo, hi = (0.3, 0.95) if dark else (0.0, 0.8)
    cmap = pg.colormap.get("plasma")
    return [cmap.map(lo + (hi - lo) * (i / max(n - 1, 1)), mode="qcolor") for i in range(n)]


def axis_range(rng: tuple[float, float] | None, zeros: bool) -> tuple[float, float, int | None]:
    """(bottom, top, zero lane) of the log₁₀ y axis: the data's range ``rng`` a little padded
    (EMPTY_RANGE without data) and, when some values are exactly 0, the whole decade below it
    on which they are drawn (None without zeros)."""
    if zeros and rng is None:
        return -0.5, 0.5, 0  # only zeros: the lane alone
    lo, hi = EMPTY_RANGE if rng is None else rng
    lane = math.floor(lo) - 1 if zeros else None
    if lane is not None:
        lo = lane
    pad = 0.06 * max(hi - lo, 1.0)
    return lo - pad, hi + pad, lane


def log_range(arrays) -> tuple[float, float] | None:
    """(low, high) log₁₀ over the finite positive values of ``arrays``."""
    lo, hi = np.inf, -np.inf
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        a = a[np.isfinite(a) & (a > 0)]
        if a.size:
            lo, hi = min(lo, float(np.log10(a.min()))), max(hi, float(np.log10(a.max())))
    return None if not np.isfinite(lo) else (lo, hi)


class DecadeAxis(pg.AxisItem):
    """Log-axis labels only at whole decades, as 0.01 … 100 or 10ⁿ (short enough for a
    narrow axis); the minor ticks keep their marks. The decade ``zero_lane`` (exact zeros
    are drawn there) is labelled "0"."""

    zero_lane: int | None = None

    def logTickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            e = float(v)
            if abs(e - round(e)) > 1e-6:
                out.append("")
            elif round(e) == self.zero_lane:
                out.append("0")
            elif -2 <= round(e) <= 2:
                out.append(f"{10.0 ** round(e):g}")
            else:
                out.append("10" + str(round(e)).translate(SUPERSCRIPT))
        return out


class FlowPlot:
    """One log-scale plot with one curve per layer (items made once, reused)."""

    def __init__(self, x_label: str, titled: bool = False):
        self.axis = DecadeAxis("left")
        self.widget = new_plot_widget(self.axis)
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.plot.getAxis("left").setWidth(42)  # the panel's title names the quantity
        self.plot.setLogMode(x=False, y=True)
        self.plot.setLabel("bottom", x_label)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        bound_to_screen(self.plot)
        self.plot.enableAutoRange(y=False)
        self.plot.setMouseEnabled(x=True, y=False)
        # (no parentless QLabel: it is placed in a layout by the panel, or not made at all)
        self.title = QLabel() if titled else None
        if self.title is not None:
            self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = self.title.font()
            font.setBold(True)
            self.title.setFont(font)
        self.curves: list[pg.PlotDataItem] = []
        self.n_layers = 0
        self.theme = LIGHT
        self._pens_for: tuple[int, bool] | None = None  # (curves, dark) the pens were made for

    def set_data(self, x: np.ndarray, norms: np.ndarray, rng: tuple[float, float] | None = None,
                 zeros: bool = False) -> None:
        """norms: (n, L); a curve per column, shown on the log axis over the log₁₀ range ``rng``
        (with data); with ``zeros`` an exact 0, which log cannot show, is drawn on the "0" lane."""
        L = norms.shape[1] if norms.ndim == 2 else 0
        bottom, top, lane = axis_range(rng, zeros)
        self.axis.zero_lane = lane
        zero = 10.0 ** lane if lane is not None else np.nan
        while len(self.curves) < L:
            curve = history_curve(connect="finite")
            self.plot.addItem(curve)
            self.curves.append(curve)
        if (L, self.theme.dark) != self._pens_for:  # a pen change costs a curve update: only when needed
            self._pens_for = (L, self.theme.dark)
            for curve, color in zip(self.curves, layer_colors(L, self.theme.dark)):
                curve.setPen(pg.mkPen(color, width=2))
        for l, curve in enumerate(self.curves):
            if l >= L:
                if curve.isVisible():
                    curve.setData(x=np.zeros(0), y=np.zeros(0))
                    curve.setVisible(False)
                continue
            y = np.where(np.isfinite(norms[:, l]), np.where(norms[:, l] > 0, norms[:, l], zero), np.nan)
            curve.setData(x=x, y=y)
            curve.setVisible(True)
        self.n_layers = L
        if len(x):
            self.plot.setYRange(bottom, top, padding=0.0)
            self.axis.picture = None  # the "0" label follows the lane
            self.axis.update()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.widget.setBackground(theme.background)
        style_plot(self.plot, theme)
        L = self.n_layers
        for curve, color in zip(self.curves, layer_colors(L, theme.dark)):
            curve.setPen(pg.mkPen(color, width=2))
        self._pens_for = (L, theme.dark)
