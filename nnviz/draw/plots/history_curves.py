"""Curves of a run's history (loss, gradient flow, dead neurons), drawn no finer than the screen.

    plot = widget.getPlotItem(); bound_to_screen(plot)
    curve = history_curve(pen=…); plot.addItem(curve)

A history keeps up to engine.thinning.HISTORY_POINTS points (more than a screen is wide);
drawing them all costs as much as the densest screen, every frame. So only the visible x
range is drawn (clipToView), and with D points across a view W pixels wide pyqtgraph
keeps the min and the max of every ⌊D / (W·SAMPLES_PER_PIXEL)⌋ points ("peak"
downsampling, so spikes stay): at most 4·W points per curve, 2·W when D ≫ W.
"""

from __future__ import annotations

import pyqtgraph as pg

__all__ = ["SAMPLES_PER_PIXEL", "bound_to_screen", "history_curve"]

SAMPLES_PER_PIXEL = 1.0  # bins per pixel column; "peak" draws the min and max of each


def bound_to_screen(plot: pg.PlotItem) -> None:
    """Draw ``plot``'s curves over the visible x range only, peak-downsampled to the pixels.
    Set on the PlotItem: its addItem gives every curve these settings."""
    plot.setDownsampling(auto=True, mode="peak")
    plot.setClipToView(True)


def history_curve(**style) -> pg.PlotDataItem:
    """A PlotDataItem (``style``: pen, connect…) downsampled to SAMPLES_PER_PIXEL, not
    antialiased: Qt strokes an antialiased pen wider than 1 px as one path, and a noisy
    curve of ~1,000 points then takes ~300 ms to paint (≈ 3 ms aliased)."""
    return pg.PlotDataItem(autoDownsampleFactor=SAMPLES_PER_PIXEL, antialias=False, **style)
