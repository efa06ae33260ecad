"""The network canvas's text, laid out and painted: layer titles, input names, the weighted
sums above neurons ("term" labels), the numbers beside nodes ("value" labels), "old → new"
on edges ("update" labels), the caption, and a classifier's class names and probabilities
("class" and "probability", beside the output bars of ``output_bars``). The strings come
from ``network_labels``.

``layout`` turns them into ``TextBox``es (kind, rectangle, text, font, …; ``text_place``)
and the output bars, and ``paint`` draws exactly those boxes, so what a test reads
(``NetworkPainter.text_boxes``) is what is painted. Scene coordinates map to pixels by
``view`` = (s, ox, oy): scene (x, y) is drawn at (ox + s·x, oy + s·y); point sizes scale
with ``font_scale`` (fs).

Every box is measured with QFontMetricsF, lies inside the canvas rectangle and intersects
no other box (nor an output bar). Boxes are placed one at a time, most important first
(caption, titles, term labels, class names, bars and probabilities, input names, value
and update labels); each tries its candidates in order and takes the first that is
inside and free:

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

Image data (``lay.image_shape`` set: dense layers, 32 staggered nodes beside 10 outputs
and hundreds of edges between them) adds obstacles: every node's circle and the input
image, so no text covers a node; value labels keep NODE_ROOM px further off (the δ rings)
and sit on a translucent box, as update labels do (edges run under them). A layer's value
labels go all on one side of their nodes (below, right, above, left: the first where all
fit), else each on the first side where it fits; if one fits nowhere, the layer gets none:
a half-labelled column reads as if the rest had no number, and the rings and the hover
text still tell δ. Layers wider than ``network_labels.LABELLED_LAYER`` get no value labels
at all. Other networks keep the rules above, under which a value label may touch a
neighbouring node at small sizes (the golden export frames pin those pictures).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from nnviz.draw import network_labels as labels
from nnviz.draw import output_bars
from nnviz.draw.geometry import Layout
from nnviz.draw.text_place import MIN_POINTS, PAD, Fonts, Placer, TextBox, sizes
from nnviz.draw.theme import Theme

__all__ = ["KINDS", "MIN_POINTS", "Fonts", "TextBox", "TextLayout", "layout", "paint"]

EDGE_TEXT_AT = 0.72  # edge labels sit this far along their edge (clear of the crossings at ½)
TITLE_POINTS, TERM_POINTS, VALUE_POINTS, UPDATE_POINTS = 9.0, 10.0, 8.5, 7.5  # × font scale
TITLE_GAP = 8.0  # px between neighbouring titles
NODE_ROOM = 7.0  # px image data's value labels keep off a node's circle: its δ ring (r + 4, up to 5 px wide)
KINDS = ("title", "input", "value", "term", "caption", "update", "class", "probability")

CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
WRAP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


@dataclass(frozen=True)
class TextLayout:
    """What ``layout`` placed: the text ``boxes`` and the output ``bars`` (``output_bars.OutputBar``)."""

    boxes: list[TextBox]
    bars: list[output_bars.OutputBar]


def layout(rect: QRectF, lay: Layout, view, fonts: Fonts, theme: Theme, font_scale: float, *,
           titles: Sequence[str], input_names: Sequence[str], caption: str,
           terms: dict[tuple[int, int], str], values: dict[tuple[int, int], str],
           updates: dict[tuple[int, int, int], str], outputs: output_bars.Outputs | None = None) -> TextLayout:
    """Every text box of the canvas in ``rect``, and the output bars when ``outputs`` names
    the classes (see the module docstring for the rules)."""
    placer = Placer(rect)
    fs = font_scale
    keep_off_nodes = lay.image_shape is not None
    if keep_off_nodes:
        _block_nodes(placer, lay, view)
    _caption(placer, fonts, caption, QColor(theme.muted), fs)
    _titles(placer, lay, view, fonts, titles, QColor(theme.text), fs, reach_right=outputs is not None)
    _node_texts(placer, lay, view, fonts, terms, "term", QColor(theme.highlight), fs)
    bars = output_bars.place(placer, fonts, lay, view, outputs, theme, fs) if outputs is not None else []
    _input_names(placer, lay, view, fonts, input_names, QColor(theme.text), fs)
    if keep_off_nodes:
        placer.grow_circles(NODE_ROOM)  # value labels keep off the δ rings too
        _node_texts(placer, lay, view, fonts, values, "value", QColor(theme.text), fs, room=NODE_ROOM,
                    whole_layers=True, background=_text_background(theme))
    else:
        _node_texts(placer, lay, view, fonts, values, "value", QColor(theme.text), fs)
    _edge_texts(placer, lay, view, fonts, updates, theme, fs)
    return TextLayout(placer.boxes, bars)


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


def _block_nodes(placer: Placer, lay: Layout, view) -> None:
    """Every node's circle, and the input image's block, as obstacles (pixels of ``view``)."""
    s, ox, oy = view
    first = 0
    if lay.image_rect is not None:
        x0, y0, x1, y1 = lay.image_rect
        placer.block(QRectF(ox + s * x0, oy + s * y0, s * (x1 - x0), s * (y1 - y0)))
        first = 1  # its pixels are inside the block
    for layer in range(first, len(lay.positions)):
        pos = lay.positions[layer]
        placer.block_circles(np.column_stack([ox + s * pos[:, 0], oy + s * pos[:, 1]]),
                             np.full(len(pos), s * lay.radius[layer]))


def _caption(placer: Placer, fonts: Fonts, caption: str, color: QColor, fs: float) -> None:
    """The caption across the bottom: its last line centred 14·fs px above the bottom edge,
    wrapped onto more lines (upwards) when it is wider than the canvas; at the largest size
    (TITLE_POINTS·fs down to MIN_POINTS·fs) at which it covers no obstacle (image data's
    nodes and image), else at the smallest (it says what the picture shows)."""
    if not caption:
        return
    a = placer.area
    width = a.width() - 12
    box = None
    for pt in sizes(TITLE_POINTS, fs):
        font, m = fonts.get(max(MIN_POINTS, pt))
        h = math.ceil(m.boundingRect(QRectF(0, 0, width, 1e5), int(WRAP_LEFT), caption).height())
        bottom = a.bottom() - 14 * fs + m.height() / 2
        r = placer.inside(QRectF(a.left() + 6, bottom - h, width, h))
        if r is not None:
            box = TextBox("caption", r, caption, font, color, int(WRAP_LEFT))
            if placer.free(r):
                break
    if box is not None:
        placer.add(box)


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
            fs: float, reach_right: bool = False) -> None:
    """Each layer's title above the network, centred on its column where it can be, within
    its share of the width: from the midpoint to the left neighbour to the midpoint to the
    right one, less TITLE_GAP (the first and last reach the canvas edge). ``reach_right``
    (output bars): the last share starts at its nodes' left edge, its neighbour's ends there."""
    s, ox, oy = view
    a = placer.area
    xs = [ox + s * lay.column_x(i) for i in range(len(lay.positions))]
    top = min(float(oy + s * pos[:, 1].min() - s * lay.radius[l]) for l, pos in enumerate(lay.positions))
    last = len(xs) - 1
    borders = [(xs[i] + xs[i + 1]) / 2 for i in range(last)]  # between the shares of columns i and i + 1
    if reach_right and last > 0:
        borders[-1] = max(borders[-1], xs[last] - s * lay.radius[last] - TITLE_GAP / 2)
    for l, (x, title) in enumerate(zip(xs, titles)):
        lo = a.left() if l == 0 else max(a.left(), borders[l - 1] + TITLE_GAP / 2)
        hi = a.right() if l == last else min(a.right(), borders[l] - TITLE_GAP / 2)
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
                kind: str, color: QColor, fs: float, room: float = 0.0, whole_layers: bool = False,
                background: QColor | None = None) -> None:
    """Term labels (bold, above their neuron first) or value labels (below their node
    first), each at the first candidate that is inside and free (module docstring), at
    least ``room`` px off its node's circle, on ``background`` if given. ``whole_layers``:
    a layer's labels all on one side of their nodes (below, right, above, left: the first
    where all fit), else each where it fits, else none of them."""
    s, ox, oy = view
    term = kind == "term"
    places = ("above", "below") if term else ("below", "right", "above", "left")
    points = sizes(TERM_POINTS if term else VALUE_POINTS, fs)

    def place(layer: int, items: list[tuple[int, str]], where: tuple[str, ...], whole: bool) -> bool:
        """Place ``layer``'s labels at ``where``; ``whole``: all or none (False if none)."""
        start = len(placer.boxes)
        for k, text in items:
            x, y = lay.positions[layer][k]
            px, py = ox + s * float(x), oy + s * float(y)
            if not placer.area.contains(px, py):
                continue  # the node is out of view
            forms = ((text,), labels.formula_lines(text)) if term else ((text,),)
            box = _first_free(placer, fonts, forms, where, points, term, px, py, lay.radius[layer] * s + room, fs)
            if box is not None:
                font, rect, lines = box
                placer.add(TextBox(kind, rect, "\n".join(lines), font, color, int(CENTER), background))
            elif whole:
                placer.take_back(start)
                return False
        return True

    by_layer: dict[int, list[tuple[int, str]]] = {}
    for (layer, k), text in texts.items():
        by_layer.setdefault(layer, []).append((k, text))
    for layer, items in by_layer.items():
        if whole_layers:  # one side for the whole column reads as a column; mixed sides only if none does
            any(place(layer, items, where, True) for where in [(w,) for w in places] + [places])
        else:
            place(layer, items, places, False)


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


def _text_background(theme: Theme) -> QColor:
    """The box behind text that sits among edges: the background, slightly translucent."""
    box = QColor(theme.background)
    box.setAlphaF(0.85)
    return box


def _edge_texts(placer: Placer, lay: Layout, view, fonts: Fonts, texts: dict[tuple[int, int, int], str],
                theme: Theme, fs: float) -> None:
    """``texts`` keyed by edge (weight layer, to, from), EDGE_TEXT_AT of the way along it,
    on a background box so they read over the other edges; a weight layer whose labels
    would collide (with each other, other text or the canvas edge) gets none."""
    if not texts:
        return
    s, ox, oy = view
    font, _ = fonts.get(max(MIN_POINTS, UPDATE_POINTS * fs))
    box = _text_background(theme)
    t = EDGE_TEXT_AT
    layers: dict[int, list[TextBox]] = {}
    for (l, to, frm), text in texts.items():
        (x0, y0), (x1, y1) = lay.positions[l][frm], lay.positions[l + 1][to]
        x0, x1 = x0 + lay.inset(l), x1 - lay.inset(l + 1)
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
