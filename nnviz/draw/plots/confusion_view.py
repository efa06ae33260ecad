"""The confusion matrix of a classifier on the train or test part: which digits it takes for which.

Cell (t, p) counts the images of true class t (row) predicted as p (column)
(nnviz.app.image_views.confusion_matrix). Shading is row-normalised, share = M[t, p] / Σ_p M[t, p],
so an unequal class count does not make a row look better or worse: right answers (the
diagonal) in the theme's accent at that share, mistakes in its "bad" colour, a mistake cell
at least faintly tinted so a single one is seen. Counts are written in the cells when they fit.
The title gives the accuracy, trace(M) / n, the trainer's number exactly. Short of room (the
plot column of a 1280×720 projector), the note under the matrix goes first, then the class
labels shrink to fit a cell (LABEL_FACTORS): they never overlap.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from nnviz.app.numbers import number
from nnviz.draw.colormaps import rgb_of
from nnviz.draw.plots.digit_drawing import PaintedWidget, longest_fitting, message, scaled_font
from nnviz.draw.plots.segmented_switch import SegmentedSwitch
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["ConfusionView", "cell_fills", "title_forms"]

MISTAKE_TINT = 0.15  # the least shade of a mistake cell with a count > 0
PAD = 6.0
#: (class labels' font factor, note shown) tried in turn until the labels fit a cell; else the last
LABEL_FACTORS = ((1.0, True), (1.0, False), (0.85, False), (0.7, False))


def title_forms(which: str, right: int, n: int) -> tuple[str, ...]:
    """'Test: 95.2 % right (857 of 900)' and shorter forms, longest first (the part's name goes
    first: the Train | Test switch beside the title names it too)."""
    part = "Test" if which == "test" else "Train"
    if n == 0:
        return (f"{part}: no images", "no images")
    pct = number(100.0 * right / n, ".1f")
    return (f"{part}: {pct} % right ({right} of {n})", f"{pct} % right ({right} of {n})", f"{pct} % ({right}/{n})",
            f"{pct} % right", f"{pct} %")


def cell_fills(matrix: np.ndarray, theme: Theme) -> np.ndarray:
    """(C, C) counts → (C, C, 3) uint8 cell colours: background + α·(colour − background) with
    share = M[t, p] / Σ_p M[t, p]; the diagonal in theme.accent at α = share, a mistake cell in
    theme.bad at α = MISTAKE_TINT + (1 − MISTAKE_TINT)·share when its count is > 0, else 0."""
    m = np.asarray(matrix, dtype=np.float64)
    rows = m.sum(axis=1, keepdims=True)
    share = np.divide(m, rows, out=np.zeros(m.shape), where=rows > 0)
    right = np.eye(m.shape[0], dtype=bool)
    alpha = np.where(right, share, np.where(m > 0, MISTAKE_TINT + (1 - MISTAKE_TINT) * share, 0.0))
    colour = np.where(right[..., None], rgb_of(theme.accent), rgb_of(theme.bad))
    back = rgb_of(theme.background)
    return np.rint(back + alpha[..., None] * (colour - back)).astype(np.uint8)


def text_on(fill: np.ndarray) -> QColor:
    """Near-black or white, whichever reads on the RGB ``fill`` (relative luminance > ½: black)."""
    luminance = float(np.dot(fill, (0.2126, 0.7152, 0.0722))) / 255.0
    return QColor("#111111") if luminance > 0.5 else QColor("#ffffff")


class ConfusionView(PaintedWidget):
    """``source(which)`` → (SetResults or None, why not) is asked at paint time, so a hidden
    view computes nothing; ``set_which`` / the Train | Test switch choose the part."""

    MIN_LINES = (12, 11.5)  # text lines wide, high: the labels fit cells at LABEL_FACTORS' last

    def __init__(self, source: Callable[[str], tuple], parent: QWidget | None = None):
        super().__init__(parent)
        self.source = source
        self.theme = LIGHT
        self.switch = SegmentedSwitch([("train", ("Train", "Tr."), "the training images"),
                                       ("test", ("Test", "Te."), "the held-out test images")], self)
        self.switch.set_chosen("test")
        self.switch.chosenChanged.connect(lambda _: self.update())
        self.matrix: np.ndarray | None = None  # the (C, C) counts last painted
        self.title = ""
        self.label_font = QFont(self.font())  # the class labels' font as last painted
        self._cells: QRectF | None = None  # the C × C block as last painted
        self.setMouseTracking(True)

    @property
    def which(self) -> str:
        return self.switch.chosen

    def set_which(self, which: str) -> None:
        """Show the "train" or the "test" matrix."""
        self.switch.set_chosen(which)

    def set_has_test(self, has_test: bool) -> None:
        """Without test data the Test segment is off and the training matrix is shown."""
        self.switch.set_segment_enabled("test", has_test)
        self.switch.set_chosen("test" if has_test else "train")

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.switch.set_theme(theme)
        self.update()

    def cell_rect(self, t: int, p: int) -> QRectF | None:
        """Cell (true t, predicted p) as last painted, or None."""
        if self._cells is None or self.matrix is None:
            return None
        side = self._cells.width() / self.matrix.shape[0]
        return QRectF(self._cells.left() + p * side, self._cells.top() + t * side, side, side)

    def _place_switch(self) -> None:
        hint = self.switch.sizeHint()
        width = min(hint.width(), max(self.width() // 2, self.switch.minimumSizeHint().width()))
        self.switch.setGeometry(int(PAD), int(PAD / 2), width, hint.height())

    @qt_virtual("ConfusionView: resizeEvent failed")
    def resizeEvent(self, event) -> None:
        self._place_switch()

    @qt_virtual("ConfusionView: changeEvent failed")
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presentation scale: the switch grows
            self._place_switch()

    def paint_content(self, p: QPainter) -> None:
        t = self.theme
        p.fillRect(self.rect(), QColor(t.background))
        results, why = self.source(self.which)
        if results is None:
            self.matrix, self._cells, self.title = None, None, ""
            message(p, QRectF(self.rect()).adjusted(0, self.switch.geometry().bottom(), 0, 0), why or "", t.muted,
                    self.font())
            return
        self.matrix = results.confusion
        font, bold = self.font(), scaled_font(self.font(), 1.0, bold=True)
        metrics, bold_metrics = QFontMetricsF(font), QFontMetricsF(bold)
        line = metrics.height()
        switch = self.switch.geometry()
        title_rect = QRectF(switch.right() + 2 * PAD, switch.top(), self.width() - switch.right() - 3 * PAD,
                            switch.height())
        forms = title_forms(self.which, results.right, results.n)
        self.title = longest_fitting(bold_metrics, forms, title_rect.width())
        p.setFont(bold)
        p.setPen(QColor(t.text))
        p.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        top = switch.bottom() + PAD
        area = QRectF(PAD, top, self.width() - 2 * PAD, self.height() - top - PAD)
        side, self.label_font, with_note = self._matrix_layout(area, self.matrix.shape[0], line)
        self._paint_matrix(p, area, side, line)
        if with_note:
            p.setFont(scaled_font(font, 0.85))
            p.setPen(QColor(t.muted))
            note = longest_fitting(QFontMetricsF(p.font()),
                                   ("shade: share of the true class's row", "shade: share of row"),
                                   self.width() - 2 * PAD)
            p.drawText(QRectF(PAD, self._cells.bottom() + PAD / 2, self.width() - 2 * PAD, line),
                       int(Qt.AlignmentFlag.AlignCenter), note)

    def _matrix_layout(self, area: QRectF, c: int, line: float) -> tuple[float, QFont, bool]:
        """(cell side, class labels' font, note shown) for c classes in ``area``: the first of
        LABEL_FACTORS whose labels fit a cell, side = min((W − left)/c, (H − head − note)/c) with
        left = "true" + the widest label, head = "predicted" + a label's height."""
        for factor, with_note in LABEL_FACTORS:
            label_font = scaled_font(self.font(), factor)
            metrics = QFontMetricsF(label_font)
            label_w, label_h = metrics.horizontalAdvance(str(c - 1)), metrics.height()
            left, head = line + label_w + PAD, line + label_h
            side = max(1.0, min((area.width() - left) / c, (area.height() - head - line * with_note) / c))
            if label_h <= side and label_w <= side:
                break
        return side, label_font, with_note

    def _paint_matrix(self, p: QPainter, area: QRectF, side: float, line: float) -> None:
        """Axis names, class labels (in self.label_font) and the C × C cells of ``side`` px in ``area``."""
        t, m = self.theme, self.matrix
        c = m.shape[0]
        metrics = QFontMetricsF(self.label_font)
        label_w, label_h = metrics.horizontalAdvance(str(c - 1)) + PAD, metrics.height()
        left = line + label_w  # "true" + row labels; above: "predicted" + column labels
        x0 = area.left() + left + max(0.0, (area.width() - left - c * side) / 2)
        y0 = area.top() + line + label_h
        self._cells = QRectF(x0, y0, c * side, c * side)
        p.setFont(self.font())
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(x0, area.top(), c * side, line), int(Qt.AlignmentFlag.AlignCenter), "predicted")
        p.save()
        p.translate(x0 - label_w - line / 2, y0 + c * side / 2)
        p.rotate(-90)
        p.drawText(QRectF(-c * side / 2, -line / 2, c * side, line), int(Qt.AlignmentFlag.AlignCenter), "true")
        p.restore()
        p.setFont(self.label_font)
        p.setPen(QColor(t.text))
        for k in range(c):
            p.drawText(QRectF(x0 + k * side, area.top() + line, side, label_h), int(Qt.AlignmentFlag.AlignCenter),
                       str(k))
            p.drawText(QRectF(x0 - label_w, y0 + k * side, label_w - PAD / 2, side),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(k))
        fills = cell_fills(m, t)
        count_font = self._count_font(side, int(m.max()))
        for (i, j), count in np.ndenumerate(m):
            rect = self.cell_rect(i, j)
            p.fillRect(rect, QColor(*fills[i, j].tolist()))
            if count_font is not None and (count or i == j):
                p.setFont(count_font)
                p.setPen(text_on(fills[i, j]))
                p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(int(count)))
        p.setPen(QPen(QColor(t.rule), 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for k in range(c + 1):
            p.drawLine(QPointF(x0 + k * side, y0), QPointF(x0 + k * side, y0 + c * side))
            p.drawLine(QPointF(x0, y0 + k * side), QPointF(x0 + c * side, y0 + k * side))

    def _count_font(self, side: float, largest: int):
        """The largest of 0.85× and 0.7× the font in which the biggest count fits a cell; None if neither."""
        for factor in (0.85, 0.7):
            font = scaled_font(self.font(), factor)
            metrics = QFontMetricsF(font)
            if metrics.horizontalAdvance(str(largest)) <= side - 3 and metrics.height() <= side:
                return font
        return None

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        if self._cells is None or self.matrix is None or not self._cells.contains(pos):
            return None
        side = self._cells.width() / self.matrix.shape[0]
        c = self.matrix.shape[0] - 1
        return (min(int((pos.y() - self._cells.top()) / side), c), min(int((pos.x() - self._cells.left()) / side), c))

    @qt_virtual("ConfusionView: mouseMoveEvent failed")
    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position())
        if cell is None:
            QToolTip.hideText()
            return
        i, j = cell
        count, row = int(self.matrix[i, j]), int(self.matrix[i].sum())
        share = f" ({number(100.0 * count / row, '.1f')} %)" if row else ""
        verdict = "right" if i == j else "mistaken"
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"true {i}, predicted {j}: {count} of the {row} images of {i}{share}, {verdict}", self)
