"""What the instrument panels share: how numbers are written, the widget rows and headings
they are laid out with, and the throttle that keeps them cheap while training plays."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.app.numbers import number

__all__ = ["REFRESH_INTERVAL", "SUPERSCRIPT", "SUBSCRIPT", "SnapshotThrottle", "add_row", "bold_label",
           "format_number"]

REFRESH_INTERVAL = 0.25  # seconds between refreshes while training plays
#: str.translate tables: digits (and minus) to superscripts, digits to subscripts.
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def format_number(value: float, digits: int = 4) -> str:
    """A number as the panels write it: ``app.numbers.number`` with ``digits`` significant
    digits (zero is "0"), a real minus sign, and ×10ⁿ instead of e-notation outside
    0.001 … 100 000."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    text = number(v, f".{digits}g")  # the one number writer: a zero is "0", never "-0"
    if text == "0":
        return text
    if not 1e-3 <= abs(v) < 1e5 or "e" in text:  # (also when rounding crossed a boundary, e.g. 99999.5)
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    return text.replace("-", "−")


def bold_label(text: str) -> QLabel:
    """A panel's heading: a QLabel in the bold version of the default font."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def add_row(parent_layout, vertical: bool = False, stretch: int = 0, spacing: int = 6,
            margins: tuple[int, int, int, int] = (0, 0, 0, 0)):
    """A row (or column) of widgets inside ``parent_layout``: a box layout on its own
    container widget. Not ``addLayout``: in PySide6 6.11 that makes Python wrappers for the
    nested layout's items, and when the garbage collector frees them after Qt has deleted
    the items (the panel was destroyed), the process crashes."""
    box = QWidget()
    row = (QVBoxLayout if vertical else QHBoxLayout)(box)
    row.setContentsMargins(*margins)
    row.setSpacing(spacing)
    parent_layout.addWidget(box, stretch)
    return row


class SnapshotThrottle(QObject):
    """Runs ``fn`` now, or, while training plays, at most once per ``interval`` seconds;
    a request that has to wait is delivered by a single-shot timer, so the latest state
    is always shown in the end."""

    def __init__(self, fn, interval: float = REFRESH_INTERVAL, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self.interval = interval
        self._last = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def request(self, throttled: bool) -> None:
        now = time.perf_counter()
        if not throttled or now - self._last >= self.interval:
            self._timer.stop()
            self._fire()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(1000 * (self.interval - (now - self._last)))))

    def pending(self) -> bool:
        return self._timer.isActive()

    def _fire(self) -> None:
        self._last = time.perf_counter()
        self._fn()
