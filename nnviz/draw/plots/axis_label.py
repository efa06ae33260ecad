"""An axis label that fits along its axis: the longest of its forms whose length, measured
with the font metrics of the label's font at its size, fits the axis (its height for a
left or right axis, where the label is turned on its side; its width for a top or bottom
one). Chosen again whenever the axis is resized; call ``fit_axis_label`` after the plot's
font scale changes.

The accuracy plot under the loss is short (two fifths of the panel): at presentation
scale on a 1280×720 screen "acc. (%)" (81 px at 13.5 pt) is longer than its axis and was
cut off; "%" then says what the 0 … 100 ticks are.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6 import QtGui

__all__ = ["fit_axis_label", "fitted_axis_label", "label_length"]


def fitted_axis_label(axis: pg.AxisItem, forms: Sequence[tuple[str, str | None]]) -> None:
    """Give ``axis`` the label forms ((text, units), …, longest first) and keep the one
    that fits as the axis is resized."""
    axis.nnviz_label_forms = tuple(forms)
    axis.geometryChanged.connect(lambda: fit_axis_label(axis))
    fit_axis_label(axis)


def fit_axis_label(axis: pg.AxisItem) -> None:
    """Show the longest of the axis's label forms that fits along it (the last if none does)."""
    forms = getattr(axis, "nnviz_label_forms", ())
    if not forms or getattr(axis, "nnviz_fitting_label", False):
        return
    axis.nnviz_fitting_label = True
    try:
        room = axis.height() if axis.orientation in ("left", "right") else axis.width()
        text, units = next((f for f in forms if label_length(axis, *f) <= room), forms[-1])
        if (axis.labelText, axis.labelUnits or None) != (text, units):
            axis.setLabel(text, units=units)
    finally:
        axis.nnviz_fitting_label = False


def label_length(axis: pg.AxisItem, text: str, units: str | None = None) -> float:
    """The drawn length in px of the label ``text`` (with ``units``: "text (units)", as
    pyqtgraph writes it) in the axis's label font and size (its glyphs: the text item's
    empty margins may reach past the axis)."""
    font = QtGui.QFont(axis.label.font())
    size = str(axis.labelStyle.get("font-size", ""))
    if size.endswith("pt"):
        font.setPointSizeF(float(size[:-2]))
    elif size.endswith("px"):
        font.setPixelSize(round(float(size[:-2])))
    shown = f"{text} ({units})" if units else text
    return QtGui.QFontMetricsF(font).horizontalAdvance(shown)
