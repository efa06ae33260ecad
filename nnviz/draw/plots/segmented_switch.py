"""A row of tab-like segments, one of them chosen ("Weights | Confusion | Mistakes",
"Train | Test"), painted in the theme's colours so the window and an exported frame look the
same whatever the application palette.

Click a segment, or give the switch focus and press ←/→. ``chosenChanged(name)`` is emitted
when the choice changes by hand or by ``set_chosen``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnviz.draw.plots.digit_drawing import PaintedWidget, longest_fitting
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["SegmentedSwitch"]


class SegmentedSwitch(PaintedWidget):
    """Segments of equal width across the widget. ``choices``: (name, label forms longest
    first, tooltip) per segment; a segment writes the longest form that fits it."""

    chosenChanged = Signal(str)

    def __init__(self, choices: Sequence[tuple[str, Sequence[str], str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = tuple((name, tuple(forms), tip) for name, forms, tip in choices)
        self.chosen = self.choices[0][0]
        self.theme = LIGHT
        self._enabled = {name: True for name, _, _ in self.choices}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.choices)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def set_chosen(self, name: str) -> None:
        if name not in self.names:
            raise ValueError(f"choose one of {', '.join(self.names)}, not {name!r}")
        if name != self.chosen:
            self.chosen = name
            self.update()
            self.chosenChanged.emit(name)

    def set_segment_enabled(self, name: str, on: bool) -> None:
        """A disabled segment is drawn muted and cannot be chosen by hand (e.g. "Test" without test data)."""
        self._enabled[name] = on
        self.update()

    def segment_rects(self) -> dict[str, QRectF]:
        """Each segment's rectangle in widget coordinates (for painting, clicks and tests): widths
        in proportion to the longest labels, so "Confusion" gets more room than "Weights"."""
        metrics = QFontMetricsF(self.font())
        wants = [metrics.horizontalAdvance(forms[0]) + metrics.height() for _, forms, _ in self.choices]
        unit = (self.width() - 1) / sum(wants)
        out, x = {}, 0.5
        for (name, _, _), want in zip(self.choices, wants):
            out[name] = QRectF(x, 0.5, want * unit, self.height() - 1.0)
            x += want * unit
        return out

    @qt_virtual("SegmentedSwitch: sizeHint failed", fallback=QSize)
    def sizeHint(self) -> QSize:
        metrics = QFontMetricsF(self.font())
        wants = sum(metrics.horizontalAdvance(forms[0]) + 1.5 * metrics.height() for _, forms, _ in self.choices)
        return QSize(int(wants), int(1.8 * metrics.height()))

    @qt_virtual("SegmentedSwitch: minimumSizeHint failed", fallback=QSize)
    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetricsF(self.font())
        narrowest = max(metrics.horizontalAdvance(forms[-1]) for _, forms, _ in self.choices)
        return QSize(int(len(self.choices) * (narrowest + metrics.height())), int(1.8 * metrics.height()))

    def paint_content(self, p: QPainter) -> None:
        t = self.theme
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), QColor(t.background))
        metrics = QFontMetricsF(self.font())
        p.setFont(self.font())
        for (name, forms, _), rect in zip(self.choices, self.segment_rects().values()):
            chosen = name == self.chosen
            p.setPen(QPen(QColor(t.accent if chosen else t.rule), 1.0))
            p.setBrush(QColor(t.accent) if chosen else QColor(t.background))
            p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
            color = t.background if chosen else (t.text if self._enabled[name] else t.muted)
            p.setPen(QColor(color))
            text = longest_fitting(metrics, forms, rect.width() - 0.4 * metrics.height())
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        if self.hasFocus():  # keyboard users see where they are
            p.setPen(QPen(QColor(t.highlight), 1.0, Qt.PenStyle.DotLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(self.segment_rects()[self.chosen].adjusted(3, 3, -3, -3), 3, 3)

    def _segment_at(self, pos) -> str | None:
        return next((name for name, rect in self.segment_rects().items() if rect.contains(pos)), None)

    @qt_virtual("SegmentedSwitch: mousePressEvent failed")
    def mousePressEvent(self, event) -> None:
        name = self._segment_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and name is not None and self._enabled[name]:
            self.set_chosen(name)

    @qt_virtual("SegmentedSwitch: mouseMoveEvent failed")
    def mouseMoveEvent(self, event) -> None:
        name = self._segment_at(event.position())
        tips = {n: tip for n, _, tip in self.choices}
        self.setToolTip(tips.get(name, "") if name else "")

    @qt_virtual("SegmentedSwitch: keyPressEvent failed")
    def keyPressEvent(self, event) -> None:
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(event.key())
        if step is None:
            super().keyPressEvent(event)
            return
        names = [n for n in self.names if self._enabled[n]]
        if self.chosen in names:
            self.set_chosen(names[(names.index(self.chosen) + step) % len(names)])

    @qt_virtual("SegmentedSwitch: focusInEvent failed")
    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    @qt_virtual("SegmentedSwitch: focusOutEvent failed")
    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
