"""What the network painter draws on and around a node: its bias, its δ ring in the
backward pass, and the cross over a dead neuron. Pixels in, theme colours; ``view`` =
(s, ox, oy) maps scene (x, y) to pixel (ox + s·x, oy + s·y)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from nnviz.draw.geometry import Layout
from nnviz.draw.theme import Theme

DEAD_MARK = "#b3261e"  # the cross over a dead neuron, in either theme


class BiasMarks:
    """The bias of a node as a small square at its lower left: colour = sign (``theme.dim``
    for 0), size ∝ |b|; the pen and the three brushes are made once, for a loop over many nodes."""

    def __init__(self, theme: Theme) -> None:
        self.pen = QPen(QColor(theme.node_border), 0.8)
        self.zero, self.positive, self.negative = (QColor(c) for c in (theme.dim, theme.positive, theme.negative))

    def paint(self, p: QPainter, x: float, y: float, r: float, b: float) -> None:
        """The square of bias ``b`` of the node at pixel (x, y) of radius r. Leaves ``p`` with
        this pen and brush (the caller sets its own again: cheaper than save and restore)."""
        size = max(3.0, r * 0.5 * min(1.0, 0.35 + abs(b)))
        p.setPen(self.pen)
        p.setBrush(self.zero if b == 0 else self.positive if b > 0 else self.negative)
        p.drawRect(QRectF(x - r * 0.95 - size / 2, y + r * 0.65 - size / 2, size, size))


def paint_deltas(p: QPainter, theme: Theme, deltas: np.ndarray, xs: np.ndarray, ys: np.ndarray, r: float) -> None:
    """A layer's δ = ∂Lᵢ/∂z (n,) of the shown sample as a ring around each of its nodes at
    pixels (xs, ys) of radius r: colour = sign (neutral for 0), thickness ∝ |δ|."""
    m = max(float(np.abs(deltas).max()), 1e-12)
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    for k in range(len(xs)):
        d = deltas[k]
        color = QColor(theme.dim if d == 0 else theme.grad_positive if d > 0 else theme.grad_negative)
        p.setPen(QPen(color, 1.0 + 4.0 * abs(d) / m))
        p.drawEllipse(QPointF(xs[k], ys[k]), r + 4, r + 4)
    p.restore()


def paint_dead(p: QPainter, theme: Theme, lay: Layout, dead, s: float, ox: float, oy: float) -> None:
    """Each dead neuron (layer ≥ 1, neuron) greyed out and crossed."""
    if not dead:
        return
    grey = QColor(theme.dim)
    grey.setAlphaF(0.85)
    mark = QPen(QColor(DEAD_MARK), 2.5)
    for layer, k in dead:
        if 0 < layer < len(lay.positions) and 0 <= k < len(lay.positions[layer]):
            x, y = lay.positions[layer][k]
            r = lay.radius[layer] * s
            cx, cy = ox + s * x, oy + s * y
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(grey)
            p.drawEllipse(QPointF(cx, cy), r, r)
            p.setPen(mark)
            d = r * 0.55
            p.drawLine(QLineF(cx - d, cy - d, cx + d, cy + d))
            p.drawLine(QLineF(cx - d, cy + d, cx + d, cy - d))
