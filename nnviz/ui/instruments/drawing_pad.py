"""The pad a digit is drawn on with the mouse: a square of ink, a round pen and an eraser.

The ink lives in a PAD_RESOLUTION² grey image (0 = paper, 255 = full ink), whatever the
widget's size or the screen's pixel ratio, so the same stroke gives the same ink at any
size and a resize loses nothing; the widget shows it scaled into its largest centred square.
Left button: the pen (or the eraser while the Eraser toggle is on); right button: the
eraser. Consecutive mouse positions are joined by round-capped lines, so a fast stroke
stays one smooth line. Keys (with the pad focused): Delete/Backspace clear, E eraser, P pen.

The pen is PEN_WIDTH of the pad's side: a digit written over about 0.7 of the pad's height
then has strokes 32 · 0.12 / 0.7 ≈ 5.5 of the 32×32 bitmap's pixels wide after size
normalization (nnviz.app.drawing), 1–2 cells of the 8×8 image; a drawn 0, 2 or 3 then
covers ~310 of the 1,024 bitmap pixels, as the UCI digits do on average.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["ERASER_WIDTH", "PAD_RESOLUTION", "PEN_WIDTH", "DrawingPad", "no_wider_than_high"]

PAD_RESOLUTION = 512  # ink pixels per side
PEN_WIDTH = 0.12  # the pen's diameter, as a fraction of the pad's side
ERASER_WIDTH = 0.2
FULL_INK, PAPER = 255, 0
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
PAD_KEYS = (*CLEAR_KEYS, Qt.Key.Key_E, Qt.Key.Key_P)


def no_wider_than_high(widget: QWidget) -> None:
    """Call from a square view's resizeEvent: its maximum width becomes its height (not below its
    minimum), so a layout row gives the room beside the square to the view's neighbours."""
    widget.setMaximumWidth(max(widget.minimumSizeHint().width(), widget.height()))


class DrawingPad(QWidget):
    """A square drawing surface; ``ink()`` is what has been drawn, (N, N) in [0, 1]."""

    #: the ink changed (a stroke segment, an erase, a clear); emitted for every mouse move
    inkChanged = Signal()
    #: (bool) the Eraser toggle was switched (E / P keys, ``set_eraser``)
    eraserChanged = Signal(bool)

    def __init__(self, parent=None, *, theme: Theme = LIGHT):
        super().__init__(parent)
        self._ink = QImage(PAD_RESOLUTION, PAD_RESOLUTION, QImage.Format.Format_Grayscale8)
        self._ink.fill(PAPER)
        self._empty = True
        self._last: QPointF | None = None  # the stroke's latest point (pad pixels); None between strokes
        self._stroke_erases = False
        self.eraser = False
        self._theme = theme
        self.setObjectName("drawing_pad")
        self.setAccessibleName("Drawing pad")
        self.setToolTip("Draw a digit: left button draws, right button erases.\n"
                        "E: eraser, P: pen, Delete: clear")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ---- the ink -------------------------------------------------------------------------

    def ink(self) -> np.ndarray:
        """(PAD_RESOLUTION, PAD_RESOLUTION) float64 in [0, 1], row 0 at the top; 1 = full ink."""
        bits = np.frombuffer(self._ink.constBits(), dtype=np.uint8, count=self._ink.sizeInBytes())
        rows = bits.reshape(PAD_RESOLUTION, self._ink.bytesPerLine())[:, :PAD_RESOLUTION]
        return rows / float(FULL_INK)

    def is_empty(self) -> bool:
        """True when nothing has been drawn since the last clear (erasing everything leaves it False)."""
        return self._empty

    def clear(self) -> None:
        self._ink.fill(PAPER)
        self._empty = True
        self._last = None
        self.update()
        self.inkChanged.emit()

    def set_eraser(self, on: bool) -> None:
        """The left button erases (on) or draws (off)."""
        if bool(on) != self.eraser:
            self.eraser = bool(on)
            self.eraserChanged.emit(self.eraser)

    def stroke(self, points, erase: bool = False) -> None:
        """Draw (or erase) a polyline through ``points`` [(x, y), …] in pad pixels, as a drag does."""
        pts = [QPointF(float(x), float(y)) for x, y in points]
        if not pts:
            return
        self._paint_segment(pts[0], pts[0], erase)
        for a, b in pairwise(pts):
            self._paint_segment(a, b, erase)
        self.update()
        self.inkChanged.emit()

    def _paint_segment(self, a: QPointF, b: QPointF, erase: bool) -> None:
        """One round-capped line from a to b in pad pixels (a dot when a == b)."""
        width = (ERASER_WIDTH if erase else PEN_WIDTH) * PAD_RESOLUTION
        level = PAPER if erase else FULL_INK
        painter = QPainter(self._ink)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if a == b:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(level, level, level))
                painter.drawEllipse(a, width / 2, width / 2)
            else:
                painter.setPen(QPen(QColor(level, level, level), width, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
                painter.drawLine(a, b)
        finally:
            painter.end()
        if not erase:
            self._empty = False

    # ---- geometry ------------------------------------------------------------------------

    def pad_rect(self) -> QRectF:
        """The square the pad is shown in (widget pixels): the largest centred one, 1 px inset for the frame."""
        side = max(1.0, min(self.width(), self.height()) - 2.0)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_pad(self, pos: QPointF) -> QPointF:
        """A widget position → pad pixels."""
        rect = self.pad_rect()
        s = PAD_RESOLUTION / rect.width()
        return QPointF((pos.x() - rect.left()) * s, (pos.y() - rect.top()) * s)

    def from_pad(self, x: float, y: float) -> QPointF:
        """Pad pixels → a widget position (for driving the pad with the mouse in tests)."""
        rect = self.pad_rect()
        s = rect.width() / PAD_RESOLUTION
        return QPointF(rect.left() + x * s, rect.top() + y * s)

    def _line_height(self) -> int:
        return self.fontMetrics().height()

    @qt_virtual("DrawingPad: size hint failed", fallback=lambda: QSize(240, 240))
    def sizeHint(self) -> QSize:
        side = 12 * self._line_height()  # grows with the font (presentation scale)
        return QSize(side, side)

    @qt_virtual("DrawingPad: minimum size hint failed", fallback=lambda: QSize(100, 100))
    def minimumSizeHint(self) -> QSize:
        side = 6 * self._line_height()
        return QSize(side, side)

    @qt_virtual("DrawingPad: resizing failed")
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        no_wider_than_high(self)

    # ---- look ----------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    @qt_virtual("DrawingPad: painting failed")
    def paintEvent(self, event) -> None:
        theme, rect = self._theme, self.pad_rect()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.fillRect(rect, QColor(theme.background))
            layer = QImage(PAD_RESOLUTION, PAD_RESOLUTION, QImage.Format.Format_ARGB32_Premultiplied)
            layer.fill(QColor(theme.text))
            layer.setAlphaChannel(self._ink)  # ink level → opacity of the ink colour
            painter.drawImage(rect, layer)
            if self._empty:
                painter.setPen(QColor(theme.muted))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
            frame = QColor(theme.accent if self.hasFocus() else theme.rule)
            painter.setPen(QPen(frame, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        finally:
            painter.end()

    # ---- mouse and keys ------------------------------------------------------------------

    @qt_virtual("DrawingPad: mouse press failed")
    def mousePressEvent(self, event) -> None:
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._stroke_erases = button == Qt.MouseButton.RightButton or self.eraser
        self._last = self.to_pad(event.position())
        self.stroke([(self._last.x(), self._last.y())], self._stroke_erases)
        event.accept()

    @qt_virtual("DrawingPad: mouse move failed")
    def mouseMoveEvent(self, event) -> None:
        if self._last is None:
            return super().mouseMoveEvent(event)
        point = self.to_pad(event.position())
        if point != self._last:
            self._paint_segment(self._last, point, self._stroke_erases)
            self._last = point
            self.update()
            self.inkChanged.emit()
        event.accept()

    @qt_virtual("DrawingPad: mouse release failed")
    def mouseReleaseEvent(self, event) -> None:
        self._last = None
        event.accept()

    @qt_virtual("DrawingPad: event failed", fallback=lambda: False)
    def event(self, event) -> bool:
        # the pad's keys beat the window's one-key shortcuts while it has the focus
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in PAD_KEYS \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            return True
        return super().event(event)

    @qt_virtual("DrawingPad: key press failed")
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier or key not in PAD_KEYS:
            return super().keyPressEvent(event)
        if key in CLEAR_KEYS:
            self.clear()
        else:
            self.set_eraser(key == Qt.Key.Key_E)
        event.accept()

    @qt_virtual("DrawingPad: focus change failed")
    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()  # the frame shows the focus

    @qt_virtual("DrawingPad: focus change failed")
    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
