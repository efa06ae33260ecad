"""The network canvas's text, painted: numbers beside nodes, "old → new" on edges, layer
titles, input names and the caption. The strings come from ``network_labels``; here they
are placed, in scene coordinates mapped to pixels by ``view`` = (s, ox, oy) (a scene point
(x, y) is drawn at (ox + s·x, oy + s·y)), at sizes scaled by ``font_scale``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from nnviz.draw.geometry import Layout
from nnviz.draw.theme import Theme

EDGE_TEXT_AT = 0.72  # edge labels sit this far along their edge (clear of the crossings at ½)


def paint_node_texts(p: QPainter, lay: Layout, view, font: QFont, texts: dict[tuple[int, int], str],
                     points: float, min_points: float, above: bool, color: str, font_scale: float) -> None:
    """``texts`` keyed by node (layer, neuron), centred above the node (bold) or below it."""
    if not texts:
        return
    s, ox, oy = view
    font.setPointSizeF(max(min_points, points * font_scale))
    if above:
        font.setBold(True)
    p.setFont(font)
    p.setPen(QColor(color))
    for (l, k), text in texts.items():
        x, y = lay.positions[l][k]
        r = lay.radius[l] * s
        px, py = ox + s * x, oy + s * y
        if above:
            p.drawText(QRectF(px - 200, py - r - 26 * font_scale, 400, 20 * font_scale),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)
        else:
            p.drawText(QRectF(px - 60, py + r + 2, 120, 16 * font_scale),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)


def paint_edge_texts(p: QPainter, lay: Layout, view, font: QFont, texts: dict[tuple[int, int, int], str],
                     theme: Theme, font_scale: float) -> None:
    """``texts`` keyed by edge (weight layer, to, from), EDGE_TEXT_AT of the way along it,
    on a background box so they read over the other edges. A layer whose labels would
    overlap at this size (a small picture) gets none: a pile of numbers reads as nothing."""
    if not texts:
        return
    s, ox, oy = view
    font.setPointSizeF(max(7.0, 7.5 * font_scale))
    p.setFont(font)
    metrics = p.fontMetrics()
    box = QColor(theme.background)
    box.setAlphaF(0.85)
    t = EDGE_TEXT_AT
    boxes: dict[int, list[tuple[QRectF, str]]] = {}
    for (l, to, frm), text in texts.items():
        (x0, y0), (x1, y1) = lay.positions[l][frm], lay.positions[l + 1][to]
        x0, x1 = x0 + lay.radius[l], x1 - lay.radius[l + 1]
        cx, cy = ox + s * (x0 + t * (x1 - x0)), oy + s * (y0 + t * (y1 - y0))
        w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 2
        boxes.setdefault(l, []).append((QRectF(cx - w / 2, cy - h / 2, w, h), text))
    for layer in boxes.values():
        rects = [r.adjusted(1, 1, -1, -1) for r, _ in layer]
        if any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]):
            continue
        for where, text in layer:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(box)
            p.drawRoundedRect(where, 3, 3)
            p.setPen(QColor(theme.text))
            p.drawText(where, Qt.AlignmentFlag.AlignCenter, text)


def paint_titles(p: QPainter, rect: QRectF, lay: Layout, view, font: QFont, titles: Sequence[str],
                 input_names: Sequence[str], caption: str, theme: Theme, font_scale: float) -> None:
    """Layer ``titles`` above the network, ``input_names`` left of the inputs (none: not
    written), the ``caption`` at the bottom of ``rect``: one line, or two when it is wider."""
    s, ox, oy = view
    fs = font_scale
    font.setPointSizeF(max(7.0, 9.0 * fs))
    p.setFont(font)
    p.setPen(QColor(theme.text))
    top = min(float(oy + s * pos[:, 1].min() - s * lay.radius[l]) for l, pos in enumerate(lay.positions))
    for pos, title in zip(lay.positions, titles):
        x = ox + s * pos[0, 0]
        p.drawText(QRectF(x - 80, top - 34 * fs, 160, 20 * fs), Qt.AlignmentFlag.AlignCenter, title)
    r = lay.radius[0] * s
    for (x, y), name in zip(lay.positions[0], input_names):
        px, py = ox + s * x, oy + s * y
        p.drawText(QRectF(px - r - 66 * fs, py - 10, 60 * fs, 20),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
    if caption:  # one line centred 14·fs px above the bottom; a longer one takes two lines up to there
        p.setPen(QColor(theme.muted))
        line = QRectF(rect.x() + 8, rect.y() + rect.height() - 24 * fs, rect.width() - 16, 20 * fs)
        if p.fontMetrics().horizontalAdvance(caption) <= line.width() + 8:  # as far as the edge
            p.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, caption)
        else:
            h = p.fontMetrics().height()
            bottom = line.center().y() + h / 2
            p.drawText(QRectF(line.x(), bottom - 2 * h, line.width(), 2 * h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, caption)
