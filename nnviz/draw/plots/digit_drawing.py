"""What the digit panel's parts share: a widget that paints itself (``PaintedWidget``),
images from NumPy arrays, grids of square cells, fonts derived from the widget's own font,
text that fits, colours from the theme.

Images are drawn with QPainter's default (no SmoothPixmapTransform): scaled nearest
neighbour, so a pixel of a digit stays one flat square.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QWidget

from nnviz.draw.image_layer import grey_rgba
from nnviz.draw.thumbnails import rgba_to_qimage
from nnviz.draw.virtuals import qt_virtual

__all__ = [
    "CellGrid",
    "PaintedWidget",
    "cell_grid",
    "grey_rgba",
    "longest_fitting",
    "message",
    "rgba_to_qimage",
    "scaled_font",
    "snap_side",
]


class PaintedWidget(QWidget):
    """A widget that paints itself with a QPainter: ``paintEvent`` opens one on the widget,
    hands it to ``paint_content`` and always ends it; an exception is logged with its
    traceback (which names the subclass's ``paint_content``), never reaches Qt. MIN_LINES =
    (wide, high): the minimum size in lines of the widget's font (so it grows with the
    presentation scale); None keeps QWidget's."""

    MIN_LINES: tuple[float, float] | None = None

    def paint_content(self, p: QPainter) -> None:
        """Draw the widget with ``p`` (active on the widget; ended afterwards)."""
        raise NotImplementedError(f"{type(self).__name__} paints nothing: define paint_content")

    @qt_virtual("a digit panel view could not be painted")
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:
            self.paint_content(p)
        finally:
            p.end()

    @qt_virtual("a digit panel view's minimum size failed", fallback=QSize)
    def minimumSizeHint(self) -> QSize:
        if self.MIN_LINES is None:
            return super().minimumSizeHint()
        line = QFontMetricsF(self.font()).height()
        return QSize(int(self.MIN_LINES[0] * line), int(self.MIN_LINES[1] * line))


def scaled_font(font: QFont, factor: float, bold: bool = False) -> QFont:
    """``font`` (the widget's, so the window's presentation scale reaches it) × ``factor``."""
    out = QFont(font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    out.setPointSizeF(size * factor)
    out.setBold(bold)
    return out


def longest_fitting(metrics: QFontMetricsF, forms: Sequence[str], width: float) -> str:
    """The first of ``forms`` (longest first) whose text fits ``width`` px; else the last."""
    for form in forms:
        if metrics.horizontalAdvance(form) <= width:
            return form
    return forms[-1]


SNAP_BELOW = 4  # images enlarged less than this many times prefer whole multiples (1×, 2×, 3×)
SNAP_LOSS = 0.8  # … unless the whole multiple is smaller than this share of the room


def snap_side(side: float, pixels: int) -> float:
    """A cell side for an image ``pixels`` wide. Enlarged 1× to SNAP_BELOW×: a whole multiple of
    ``pixels`` (every image pixel then covers the same number of screen pixels; at 1.5× a 28×28
    image's pixels would alternate 1 and 2 px) when that keeps SNAP_LOSS of ``side``; otherwise,
    and from SNAP_BELOW× on (blocks of 4 and 5 px read the same), whole screen pixels."""
    whole = math.floor(side / pixels) * pixels
    if pixels <= side < SNAP_BELOW * pixels and whole >= SNAP_LOSS * side:
        return float(whole)
    return max(float(math.floor(side)), 1.0)


class CellGrid:
    """n square cells of ``side`` px in ``cols`` columns and ``rows`` rows, each followed by
    ``caption`` px of text below it, ``gap`` px apart, centred in ``area``."""

    def __init__(self, n: int, cols: int, side: float, caption: float, gap: float, area: QRectF):
        self.n, self.cols, self.side, self.caption, self.gap = n, max(cols, 1), side, caption, gap
        self.rows = math.ceil(n / self.cols) if n else 0
        width = self.cols * side + (self.cols - 1) * gap
        height = self.rows * (side + caption) + max(self.rows - 1, 0) * gap
        self.left = area.left() + max(0.0, (area.width() - width) / 2)
        self.top = area.top() + max(0.0, min(8.0, (area.height() - height) / 2))  # near the top, not floating

    def cell(self, k: int) -> QRectF:
        """The image square of cell k (row by row)."""
        r, c = divmod(k, self.cols)
        return QRectF(self.left + c * (self.side + self.gap), self.top + r * (self.side + self.caption + self.gap),
                      self.side, self.side)

    def caption_rect(self, k: int) -> QRectF:
        cell = self.cell(k)
        return QRectF(cell.left() - self.gap / 2, cell.bottom(), cell.width() + self.gap, self.caption)


def cell_grid(n: int, area: QRectF, caption: float, gap: float, pixels: int, min_side: float = 1.0) -> CellGrid:
    """The grid of n cells that makes them largest in ``area``: over every column count c,
    side = min((W − (c−1)·gap)/c, (H − (r−1)·gap)/r − caption) with r = ⌈n/c⌉, snapped
    (snap_side); the largest snapped side wins, ties to the larger unsnapped one; at least ``min_side``."""
    best, best_cols = (0.0, 0.0), 1
    for cols in range(1, max(n, 1) + 1):
        rows = math.ceil(n / cols)
        side = min((area.width() - (cols - 1) * gap) / cols, (area.height() - (rows - 1) * gap) / rows - caption)
        key = (snap_side(side, pixels), side) if side > 0 else (0.0, side)
        if key > best:
            best, best_cols = key, cols
    return CellGrid(n, best_cols, max(best[0], min_side), caption, gap, area)


def message(p: QPainter, rect: QRectF, text: str, color: str, font: QFont) -> None:
    """A centred, wrapped sentence in ``rect`` (what a view says when it has nothing to show)."""
    p.setFont(font)
    p.setPen(QColor(color))
    p.drawText(rect.adjusted(8, 8, -8, -8), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
