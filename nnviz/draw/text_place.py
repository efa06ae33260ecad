"""Placing the network canvas's text: ``TextBox`` (one piece of text as painted), ``Fonts``
(the base font at any size, measured once) and ``Placer`` (the boxes placed so far, and
the painted shapes text must keep clear of), shared by ``network_text`` and
``output_bars``. Every box is measured with QFontMetricsF, lies inside the canvas
rectangle less INSET and intersects no other box and no obstacle (rectangles, and circles
such as nodes: a box covers a circle when the point of the box nearest its centre lies
closer than its radius).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF

MIN_POINTS = 7.0  # no canvas text is smaller than this × font scale (readable from the back row)
INSET = 2.0  # px every box keeps from the canvas edge
PAD = 2.0  # px added to a measured text width (antialiased glyph edges)


@dataclass(frozen=True)
class TextBox:
    """One piece of text as painted: its kind (one of ``network_text.KINDS``), the
    rectangle it is drawn in (pixels of the canvas), the text (lines joined by "\\n"),
    font, colour, alignment flags, and the box filled behind it (update labels) or None."""

    kind: str
    rect: QRectF
    text: str
    font: QFont
    color: QColor
    flags: int
    background: QColor | None = None


class Fonts:
    """The base font at any point size and weight, with its metrics, each built once per
    layout (measuring is most of the cost of text). ``device``: the paint device whose
    resolution the metrics use (None: the screen's)."""

    def __init__(self, base: QFont, device=None) -> None:
        self.base, self.device = base, device
        self._cache: dict[tuple[float, bool], tuple[QFont, QFontMetricsF]] = {}

    def get(self, points: float, bold: bool = False) -> tuple[QFont, QFontMetricsF]:
        key = (round(points * 4) / 4, bold)  # quarter points: sizes that render alike share metrics
        if key not in self._cache:
            font = QFont(self.base)
            font.setPointSizeF(key[0])
            font.setBold(bold)
            metrics = QFontMetricsF(font, self.device) if self.device is not None else QFontMetricsF(font)
            self._cache[key] = (font, metrics)
        return self._cache[key]

    def size(self, points: float, lines: Sequence[str], bold: bool = False) -> tuple[float, float]:
        """(width, height) in pixels of ``lines`` set one under the other."""
        m = self.get(points, bold)[1]
        w = max(m.horizontalAdvance(t) for t in lines) + PAD
        return math.ceil(w), math.ceil(m.height() + (len(lines) - 1) * m.lineSpacing())


def device_key(device) -> tuple | None:
    """What text metrics take from a paint device (None: the screen's): its resolution."""
    if device is None:
        return None
    return device.logicalDpiX(), device.logicalDpiY(), device.devicePixelRatioF()


def sizes(points: float, font_scale: float) -> list[float]:
    """Point sizes to try, from ``points``·fs down to MIN_POINTS·fs in half points."""
    top, low = points * font_scale, MIN_POINTS * font_scale
    n = max(0, math.floor((top - low) / 0.5 + 1e-9))
    return [top - 0.5 * i for i in range(n + 1)] + ([low] if top - 0.5 * n > low + 1e-9 else [])


class Placer:
    """The boxes placed so far inside ``area``, and the obstacles (painted shapes such as
    output bars and nodes, in pixels) no text may cover; ``fit`` moves a rectangle inside
    the area and says whether it is free."""

    def __init__(self, rect: QRectF) -> None:
        self.area = QRectF(rect).adjusted(INSET, INSET, -INSET, -INSET)
        self.boxes: list[TextBox] = []
        self.obstacles: list[QRectF] = []
        self.circles = np.zeros((0, 3))  # rows (cx, cy, radius)

    def inside(self, r: QRectF) -> QRectF | None:
        """``r`` shifted the least to lie inside the area; None if it is bigger than the area."""
        a = self.area
        if r.width() > a.width() or r.height() > a.height():
            return None
        dx = max(a.left() - r.left(), 0.0) + min(a.right() - r.right(), 0.0)
        dy = max(a.top() - r.top(), 0.0) + min(a.bottom() - r.bottom(), 0.0)
        return r.translated(dx, dy)

    def free(self, r: QRectF) -> bool:
        """Whether ``r`` intersects no placed box and covers no obstacle."""
        return not any(r.intersects(b.rect) for b in self.boxes) and not any(r.intersects(o) for o in self.obstacles) \
            and not self._covers_circle(r)

    def _covers_circle(self, r: QRectF) -> bool:
        """Whether ``r`` covers part of a circle: its point nearest some centre is inside that radius."""
        if not len(self.circles):
            return False
        x, y, radius = self.circles.T
        dx = np.maximum(np.maximum(r.left() - x, x - r.right()), 0.0)  # ufuncs: np.clip costs ~5× more here
        dy = np.maximum(np.maximum(r.top() - y, y - r.bottom()), 0.0)
        return bool((dx * dx + dy * dy < radius * radius).any())

    def fit(self, r: QRectF) -> QRectF | None:
        """``r`` moved inside the area if it is then free of every placed box, else None."""
        r = self.inside(r)
        return r if r is not None and self.free(r) else None

    def add(self, box: TextBox) -> None:
        self.boxes.append(box)

    def take_back(self, count: int) -> None:
        """Remove the boxes added since there were ``count`` (a group that did not all fit)."""
        del self.boxes[count:]

    def block(self, r: QRectF) -> None:
        """Keep every later box off ``r`` (a painted shape, not text)."""
        self.obstacles.append(QRectF(r))

    def block_circles(self, centres: np.ndarray, radii: np.ndarray) -> None:
        """Keep every later box off the circles at ``centres`` (n, 2) of ``radii`` (n,), in pixels."""
        self.circles = np.vstack([self.circles, np.column_stack([centres, radii])])

    def grow_circles(self, room: float) -> None:
        """Keep every later box ``room`` px further off each circle blocked so far."""
        self.circles = self.circles + np.array([0.0, 0.0, room])
