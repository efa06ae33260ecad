"""The network canvas's text, laid out and painted: layer titles, input names, the weighted
sums above neurons ("term" labels), the numbers beside nodes ("value" labels), "old → new"
on edges ("update" labels) and the caption. The strings come from ``network_labels``.

``layout`` turns them into ``TextBox``es (kind, rectangle, text, font, …) and ``paint``
draws exactly those boxes, so what a test reads (``NetworkPainter.text_boxes``) is what is
painted. Scene coordinates map to pixels by ``view`` = (s, ox, oy): scene (x, y) is drawn
at (ox + s·x, oy + s·y); point sizes scale with ``font_scale`` (fs).

Every box is measured with QFontMetricsF, lies inside the canvas rectangle and intersects
no other box. Boxes are placed one at a time, most important first (caption, titles,
term labels, input names, value and update labels); each tries its candidates in order
and takes the first that is inside and free:

    title   its column's share of the width (between the midpoints to its neighbours,
            minus TITLE_GAP): one line, then two ("Hidden 2" / "4 · relu"), then smaller
            down to MIN_POINTS·fs, then elided
    term    above the neuron, then below (centred, then reaching right, then left); one
            line, then wrapped before " = result"; from 10·fs pt down to MIN_POINTS·fs
    value   below the node, right of it, above, left; from 8.5·fs pt down to MIN_POINTS·fs
    update  on its edge; a weight layer whose labels collide gets none (a pile of
            numbers reads as nothing)

shifted sideways (and up or down) to stay inside the rectangle. A label that fits nowhere,
even at its smallest size, is left out (its number is in the node's hover text); a label
whose node lies outside the rectangle (zoomed in) is not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from nnviz.draw import network_labels as labels
from nnviz.draw.geometry import Layout
from nnviz.draw.theme import Theme

EDGE_TEXT_AT = 0.72  # edge labels sit this far along their edge (clear of the crossings at ½)
MIN_POINTS = 7.0  # no canvas text is smaller than this × font scale (readable from the back row)
TITLE_POINTS, TERM_POINTS, VALUE_POINTS, UPDATE_POINTS = 9.0, 10.0, 8.5, 7.5  # × font scale
TITLE_GAP = 8.0  # px between neighbouring titles
INSET = 2.0  # px every box keeps from the canvas edge
PAD = 2.0  # px added to a measured text width (antialiased glyph edges)
KINDS = ("title", "input", "value", "term", "caption", "update")

CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
WRAP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


@dataclass(frozen=True)
class TextBox:
    """One piece of text as painted: its kind (one of KINDS), the rectangle it is drawn in
    (pixels of the canvas), the text (lines joined by "\\n"), font, colour, alignment
    flags, and the box filled behind it (update labels) or None."""

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


def sizes(points: float, font_scale: float) -> list[float]:
    """Point sizes to try, from ``points``·fs down to MIN_POINTS·fs in half points."""
    top, low = points * font_scale, MIN_POINTS * font_scale
    n = max(0, math.floor((top - low) / 0.5 + 1e-9))
    return [top - 0.5 * i for i in range(n + 1)] + ([low] if top - 0.5 * n > low + 1e-9 else [])


class Placer:
    """The boxes placed so far inside ``area``; ``fit`` moves a rectangle inside the area
    and says whether it is free."""

    def __init__(self, rect: QRectF) -> None:
        self.area = QRectF(rect).adjusted(INSET, INSET, -INSET, -INSET)
        self.boxes: list[TextBox] = []

    def inside(self, r: QRectF) -> QRectF | None:
        """``r`` shifted the least to lie inside the area; None if it is bigger than the area."""
        a = self.area
        if r.width() > a.width() or r.height() > a.height():
            return None
        dx = max(a.left() - r.left(), 0.0) + min(a.right() - r.right(), 0.0)
        dy = max(a.top() - r.top(), 0.0) + min(a.bottom() - r.bottom(), 0.0)
        return r.translated(dx, dy)

    def free(self, r: QRectF) -> bool:
        return not any(r.intersects(b.rect) for b in self.boxes)

    def fit(self, r: QRectF) -> QRectF | None:
        """``r`` moved inside the area if it is then free of every placed box, else None."""
        r = self.inside(r)
        return r if r is not None and self.free(r) else None

    def add(self, box: TextBox) -> None:
        self.boxes.append(box)


def layout(rect: QRectF, lay: Layout, view, fonts: Fonts, theme: Theme, font_scale: float, *,
           titles: Sequence[str], input_names: Sequence[str], caption: str,
           terms: dict[tuple[int, int], str], values: dict[tuple[int, int], str],
           updates: dict[tuple[int, int, int], str]) -> list[TextBox]:
    """Every text box of the canvas in ``rect`` (see the module docstring for the rules)."""
    placer = Placer(rect)
    fs = font_scale
    _caption(placer, fonts, caption, QColor(theme.muted), fs)
    _titles(placer, lay, view, fonts, titles, QColor(theme.text), fs)
    _node_texts(placer, lay, view, fonts, terms, "term", QColor(theme.highlight), fs)
    _input_names(placer, lay, view, fonts, input_names, QColor(theme.text), fs)
    _node_texts(placer, lay, view, fonts, values, "value", QColor(theme.text), fs)
    _edge_texts(placer, lay, view, fonts, updates, theme, fs)
    return placer.boxes


def paint(p: QPainter, boxes: Sequence[TextBox]) -> None:
    """Draw ``boxes`` as ``layout`` placed them."""
    for b in boxes:
        if b.background is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(b.background)
            p.drawRoundedRect(b.rect, 3, 3)
        p.setFont(b.font)
        p.setPen(b.color)
        p.drawText(b.rect, b.flags, b.text)


def _caption(placer: Placer, fonts: Fonts, caption: str, color: QColor, fs: float) -> None:
    """The caption across the bottom: its last line centred 14·fs px above the bottom edge,
    wrapped onto more lines (upwards) when it is wider than the canvas."""
    if not caption:
        return
    font, m = fonts.get(max(MIN_POINTS, TITLE_POINTS * fs))
    a = placer.area
    width = a.width() - 12
    h = math.ceil(m.boundingRect(QRectF(0, 0, width, 1e5), int(WRAP_LEFT), caption).height())
    bottom = a.bottom() - 14 * fs + m.height() / 2
    r = placer.inside(QRectF(a.left() + 6, bottom - h, width, h))
    if r is not None:
        placer.add(TextBox("caption", r, caption, font, color, int(WRAP_LEFT)))


def _title_fit(fonts: Fonts, title: str, width: float, fs: float):
    """(font, text, w, h) of ``title`` in at most ``width`` px: one line, then two, then
    smaller, then elided at the smallest size; None if not even that fits."""
    one, two = (title,), labels.title_lines(title)
    steps = sizes(TITLE_POINTS, fs)
    tries = [(steps[0], one)] + [(pt, two) for pt in steps]
    for pt, lines in tries:
        w, h = fonts.size(pt, lines)
        if w <= width:
            return fonts.get(pt)[0], "\n".join(lines), w, h
    font, m = fonts.get(steps[-1])
    lines = [m.elidedText(t, Qt.TextElideMode.ElideRight, width - PAD) for t in two]
    if not all(lines) or any(t == "…" for t in lines):
        return None
    w, h = fonts.size(steps[-1], lines)
    return (font, "\n".join(lines), w, h) if w <= width else None


def _titles(placer: Placer, lay: Layout, view, fonts: Fonts, titles: Sequence[str], color: QColor,
            fs: float) -> None:
    """Each layer's title above the network, centred on its column where it can be, within
    its share of the width: from the midpoint to the left neighbour to the midpoint to the
    right one, less TITLE_GAP (the first and last reach the canvas edge)."""
    s, ox, oy = view
    a = placer.area
    xs = [ox + s * float(pos[0, 0]) for pos in lay.positions]
    top = min(float(oy + s * pos[:, 1].min() - s * lay.radius[l]) for l, pos in enumerate(lay.positions))
    last = len(xs) - 1
    for l, (x, title) in enumerate(zip(xs, titles)):
        lo = a.left() if l == 0 else max(a.left(), (xs[l - 1] + x) / 2 + TITLE_GAP / 2)
        hi = a.right() if l == last else min(a.right(), (x + xs[l + 1]) / 2 - TITLE_GAP / 2)
        if not lo <= x <= hi:
            continue  # the column is out of view (zoomed in or panned away)
        fit = _title_fit(fonts, title, hi - lo, fs)
        if fit is None:
            continue
        font, text, w, h = fit
        left = min(max(x - w / 2, lo), hi - w)
        r = placer.fit(QRectF(left, top - 10 * fs - h, w, h))
        if r is not None:
            placer.add(TextBox("title", r, text, font, color, int(CENTER)))


def _input_names(placer: Placer, lay: Layout, view, fonts: Fonts, names: Sequence[str], color: QColor,
                 fs: float) -> None:
    """Input names right-aligned left of their nodes, at the largest size (down to the
    smallest) at which all of them fit; elided to the space left of the nodes; none if
    they do not all fit."""
    if not names:
        return
    s, ox, oy = view
    r = lay.radius[0] * s
    for pt in sizes(TITLE_POINTS, fs):
        font, m = fonts.get(pt)
        boxes = []
        for (x, y), name in zip(lay.positions[0], names):
            right = ox + s * x - r - 6 * fs
            text = m.elidedText(name, Qt.TextElideMode.ElideRight, max(right - placer.area.left() - PAD, 0.0))
            if not text or text == "…":
                break
            w, h = fonts.size(pt, (text,))
            box = QRectF(right - w, oy + s * y - h / 2, w, h)
            if not placer.area.contains(box) or not placer.free(box) or any(box.intersects(b.rect) for b in boxes):
                break
            boxes.append(TextBox("input", box, text, font, color, int(RIGHT)))
        else:
            for b in boxes:
                placer.add(b)
            return


def _node_texts(placer: Placer, lay: Layout, view, fonts: Fonts, texts: dict[tuple[int, int], str],
                kind: str, color: QColor, fs: float) -> None:
    """Term labels (bold, above their neuron first) or value labels (below their node
    first), each at the first candidate that is inside and free (module docstring)."""
    if not texts:
        return
    s, ox, oy = view
    term = kind == "term"
    for (l, k), text in texts.items():
        px, py = ox + s * float(lay.positions[l][k][0]), oy + s * float(lay.positions[l][k][1])
        if not placer.area.contains(px, py):
            continue  # the node is out of view
        r = lay.radius[l] * s
        forms = ((text,), labels.formula_lines(text)) if term else ((text,),)
        places = ("above", "below") if term else ("below", "right", "above", "left")
        box = _first_free(placer, fonts, forms, places, sizes(TERM_POINTS if term else VALUE_POINTS, fs),
                          term, px, py, r, fs)
        if box is not None:
            font, rect, lines = box
            placer.add(TextBox(kind, rect, "\n".join(lines), font, color, int(CENTER)))


def _first_free(placer: Placer, fonts: Fonts, forms, places, points: Sequence[float], bold: bool,
                px: float, py: float, r: float, fs: float):
    """(font, rect, lines) of the first size × form × place around node (px, py) of pixel
    radius r that fits inside and free; None if none does."""
    tried = set()
    for pt in points:
        for lines in forms:
            if (pt, lines) in tried:
                continue  # a text without " = result" has one form
            tried.add((pt, lines))
            w, h = fonts.size(pt, lines, bold)
            for cand in _around(places, w, h, px, py, r, fs):
                rect = placer.fit(cand)
                if rect is not None:
                    return fonts.get(pt, bold)[0], rect, lines
    return None


def _around(places, w: float, h: float, px: float, py: float, r: float, fs: float):
    """Rectangles w × h beside node (px, py) of pixel radius r, in the order of ``places``;
    above and below: centred, then reaching right from the node, then reaching left."""
    for where in places:
        if where in ("above", "below"):
            top = py - r - 4 * fs - h if where == "above" else py + r + 2
            for left in (px - w / 2, px - r, px + r - w):
                yield QRectF(left, top, w, h)
        elif where == "right":
            yield QRectF(px + r + 4, py - h / 2, w, h)
        else:
            yield QRectF(px - r - 4 - w, py - h / 2, w, h)


def _edge_texts(placer: Placer, lay: Layout, view, fonts: Fonts, texts: dict[tuple[int, int, int], str],
                theme: Theme, fs: float) -> None:
    """``texts`` keyed by edge (weight layer, to, from), EDGE_TEXT_AT of the way along it,
    on a background box so they read over the other edges; a weight layer whose labels
    would collide (with each other, other text or the canvas edge) gets none."""
    if not texts:
        return
    s, ox, oy = view
    font, _ = fonts.get(max(MIN_POINTS, UPDATE_POINTS * fs))
    box = QColor(theme.background)
    box.setAlphaF(0.85)
    t = EDGE_TEXT_AT
    layers: dict[int, list[TextBox]] = {}
    for (l, to, frm), text in texts.items():
        (x0, y0), (x1, y1) = lay.positions[l][frm], lay.positions[l + 1][to]
        x0, x1 = x0 + lay.radius[l], x1 - lay.radius[l + 1]
        cx, cy = ox + s * (x0 + t * (x1 - x0)), oy + s * (y0 + t * (y1 - y0))
        w, h = fonts.size(font.pointSizeF(), (text,))
        w, h = w + 4, h + 2
        layers.setdefault(l, []).append(TextBox("update", QRectF(cx - w / 2, cy - h / 2, w, h), text, font,
                                                QColor(theme.text), int(CENTER), box))
    for boxes in layers.values():
        clear = all(placer.area.contains(b.rect) and placer.free(b.rect) for b in boxes)
        if clear and not any(a.rect.intersects(b.rect) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
            for b in boxes:
                placer.add(b)
