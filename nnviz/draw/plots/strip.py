"""The strip above a plot's data area: its legend and a one-line note live there, so they
never cover data (nor the plot's title, which the layout puts below the strip).

The strip is the PlotItem's top layout margin, grown by what it holds: the legend
right-aligned, its entries in as many columns as fit the width (left out on a plot too
small to spare the rows); the note (the sample a phase shows, say) left-aligned on the
same row when both fit, else on a row of its own.
``set_extra_margins`` widens the margins further, for a plot that keeps its data area's
shape (the boundary plot); such a plot may put its legend beside the data area instead
(``set_legend_beside``), in the spare right margin, one entry per row. Everything is
fitted again on a resize and when the legend's entries (``toolkit.sync_legend``) or the
note change.
"""

from __future__ import annotations

import pyqtgraph as pg

__all__ = ["MARGINS", "fit_strip", "legend_above", "note_above", "set_extra_margins", "set_legend_beside", "set_note"]

MARGINS = (4, 6, 10, 4)  # left, top, right, bottom of a plot's layout: room for the last x tick label
GAP = 3  # px between the strip and the data area, and between a legend and a note side by side
MAX_LEGEND_SHARE = 0.3  # a legend taller than this share of the plot is left out: the data comes first


def legend_above(plot: pg.PlotItem, **options) -> pg.LegendItem:
    """A legend for ``plot`` in its strip. ``options`` go to pyqtgraph's LegendItem."""
    legend = pg.LegendItem(offset=None, **options)
    legend.layout.setContentsMargins(4, 1, 4, 1)  # a compact strip: the data area keeps the height
    legend.setParentItem(plot)
    legend.nnviz_above = plot
    plot.nnviz_legend = legend
    _watch(plot)
    fit_strip(plot)
    return legend


def note_above(plot: pg.PlotItem, size: str = "9pt") -> pg.LabelItem:
    """A one-line note for ``plot`` in its strip (empty: it takes no room); ``set_note``."""
    note = pg.LabelItem("", size=size, justify="left")
    note.setParentItem(plot)
    plot.nnviz_note = note
    _watch(plot)
    set_note(plot, "")
    return note


def set_note(plot: pg.PlotItem, text: str, color: str | None = None) -> None:
    note = plot.nnviz_note
    note.setText(text, color=color)
    note.setVisible(bool(text))
    fit_strip(plot)


def set_legend_beside(plot: pg.PlotItem, beside: bool) -> float:
    """Put the legend to the right of the data area, top-aligned with it, one entry per row
    (the caller makes the right margin wide enough), or back in the strip above. Returns
    the legend's width there (0 without a legend)."""
    plot.nnviz_beside = bool(beside)
    fit_strip(plot)
    legend = getattr(plot, "nnviz_legend", None)
    return legend.width() if _shown(legend) else 0.0


def set_extra_margins(plot: pg.PlotItem, extra: tuple[float, float, float, float]) -> None:
    """Widen the plot's layout margins (left, top, right, bottom) by ``extra`` px beyond
    the usual ones and the strip, and lay the plot out again now."""
    plot.nnviz_extra = tuple(float(e) for e in extra)
    _apply_margins(plot)


def fit_strip(plot: pg.PlotItem) -> None:
    """Place the legend and the note for the plot's width, then grow the margin to hold them."""
    if getattr(plot, "nnviz_fitting", False):  # laying the plot out again resizes it: once is enough
        return
    plot.nnviz_fitting = True
    try:
        _place(plot)
        _apply_margins(plot)
    finally:
        plot.nnviz_fitting = False


def _watch(plot: pg.PlotItem) -> None:
    if not getattr(plot, "nnviz_watched", False):
        plot.nnviz_watched = True
        plot.geometryChanged.connect(lambda: fit_strip(plot))


def _shown(item) -> bool:
    return item is not None and item.isVisible()


def _place(plot: pg.PlotItem) -> None:
    """Legend columns, then where the note goes: beside the legend if both fit, else below."""
    legend, note = getattr(plot, "nnviz_legend", None), getattr(plot, "nnviz_note", None)
    left = MARGINS[0] + plot.getAxis("left").width()
    room = plot.width() - left - MARGINS[2]
    beside = getattr(plot, "nnviz_beside", False)
    if legend is not None:
        n = len(legend.items)
        legend.setVisible(n > 0)
        for columns in (1,) if beside else range(n, 0, -1):
            legend.setColumnCount(columns)
            if legend.width() <= room:
                break
        if legend.height() > MAX_LEGEND_SHARE * _height(plot):  # a small plot (a small export frame)
            legend.setVisible(False)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-MARGINS[2], MARGINS[1] / 2))
    plot.nnviz_strip = 0.0 if beside else _legend_height(legend)
    if beside and _shown(legend):  # level with the data area's top, below any note
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-MARGINS[2], MARGINS[1] + _note_height(note)))
    if _shown(note):  # a note longer than the room wraps (a large font): never clipped
        note.item.setTextWidth(-1)
        if note.item.boundingRect().width() > room:
            note.item.setTextWidth(max(room, 1.0))
        note.updateMin()
        note.resize(note.minimumSize())
        one_row = beside or not _shown(legend) or note.width() + GAP + legend.width() <= room
        note.setPos(left, MARGINS[1] / 2 if one_row else MARGINS[1] / 2 + legend.height())
        plot.nnviz_strip = max(plot.nnviz_strip, note.height()) if one_row else plot.nnviz_strip + note.height()


def _height(plot: pg.PlotItem) -> float:
    """The height the plot is shown at: its view's (the item can be laid out taller)."""
    view = plot.getViewWidget()
    return float(view.viewport().height()) if view is not None else plot.height()


def _legend_height(legend) -> float:
    return legend.height() if _shown(legend) else 0.0


def _note_height(note) -> float:
    return note.height() + GAP if _shown(note) else 0.0


def _apply_margins(plot: pg.PlotItem) -> None:
    el, et, er, eb = getattr(plot, "nnviz_extra", (0.0, 0.0, 0.0, 0.0))
    left, top, right, bottom = MARGINS
    strip = getattr(plot, "nnviz_strip", 0.0)
    margins = (left + el, top + (strip + GAP if strip else 0.0) + et, right + er, bottom + eb)
    if getattr(plot, "nnviz_margins", None) != margins:
        plot.nnviz_margins = margins
        plot.layout.setContentsMargins(*margins)
    plot.layout.activate()  # the data area has its size now (a plot that keeps its shape reads it)
