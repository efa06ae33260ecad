"""A classifier's output layer on the canvas: each output node's class name to its right
and, while a sample is shown, a horizontal bar of its probability with the number, the
predicted class (the argmax) marked: its name and number bold in the theme's accent
colour, its bar filled with the accent colour (the others with the neutral grey).

Per output node k at pixel (px, py) of radius r, left to right on its row:

    name    px + r + GAP·fs; every name at one size, the largest from NAME_POINTS·fs down
            to MIN_POINTS·fs at which all of them are inside and free (none if none is)
    track   GAP·fs right of the widest name, BAR_PX·fs long (shorter where the canvas
            ends), at most BAR_HEIGHT·fs high and BAR_SHARE of the gap between outputs
    number  "0.93", GAP·fs right of the track, where it is inside and free

A probability p fills p · the track's width from its left end. The tracks are obstacles
of the text placer (``text_place.Placer.block``): the value labels placed later keep off
them. The canvas keeps ROOM_PX·fs free right of the outputs (``geometry.view_transform``'s
``right_room``) so that all this has room at every size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from nnviz.draw.geometry import Layout
from nnviz.draw.text_place import Fonts, Placer, TextBox, sizes
from nnviz.draw.theme import Theme

NAME_POINTS, NUMBER_POINTS = 10.0, 8.5  # × font scale
BAR_PX = 64.0  # × font scale: the length of a probability of 1
BAR_HEIGHT = 11.0  # × font scale, at most
BAR_SHARE = 0.55  # a bar is at most this share of the gap between neighbouring outputs
MIN_BAR_PX = 16.0  # a track shorter than this (a crowded canvas) is not drawn
GAP = 5.0  # × font scale, px between node, name, track and number
ROOM_PX = 135.0  # × font scale, kept free right of the outputs
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Outputs:
    """What the output layer says: ``names`` (C,) of the classes; ``probabilities`` (C,) of
    the shown sample, None until the forward pass has reached the outputs (the bars stay
    empty); ``bars``: whether a sample is shown at all (without one there are no bars)."""

    names: tuple[str, ...]
    probabilities: np.ndarray | None = None
    bars: bool = True

    def key(self) -> tuple:
        """Everything placing the outputs' text depends on, as a value that compares with ==."""
        p = self.probabilities
        return self.names, None if p is None else tuple(np.asarray(p, dtype=np.float64).tolist()), self.bars

    @property
    def predicted(self) -> int | None:
        """The predicted class, argmax of the probabilities (None without them)."""
        p = self.probabilities
        return None if p is None else int(np.argmax(np.nan_to_num(p, nan=-np.inf)))


@dataclass(frozen=True)
class OutputBar:
    """One output's bar as painted: the output (``index``), its ``track`` (the whole bar,
    pixels), the filled ``fraction`` ∈ [0, 1] (None: an empty track) and whether it is the
    predicted class."""

    index: int
    track: QRectF
    fraction: float | None
    predicted: bool

    @property
    def fill(self) -> QRectF:
        """The filled part of the track: fraction · its width from the left end."""
        t = QRectF(self.track)
        t.setWidth(t.width() * (self.fraction or 0.0))
        return t


def place(placer: Placer, fonts: Fonts, lay: Layout, view, outputs: Outputs, theme: Theme,
          fs: float) -> list[OutputBar]:
    """Place the names and numbers of ``outputs`` in ``placer`` and return the bars (module
    docstring); ``view`` = (s, ox, oy) maps scene to pixels."""
    s, ox, oy = view
    pos, r = lay.positions[-1], lay.radius[-1] * s
    rows = [(k, ox + s * float(x), oy + s * float(y)) for k, (x, y) in enumerate(pos)
            if k < len(outputs.names) and placer.area.contains(ox + s * float(x), oy + s * float(y))]
    if not rows:
        return []
    predicted = outputs.predicted
    accent, ink = QColor(theme.accent), QColor(theme.text)
    names = _names(placer, fonts, outputs.names, rows, r, predicted, accent, ink, fs)
    for b in names:
        placer.add(b)
    if not outputs.bars:
        return []
    column = max((b.rect.right() for b in names), default=rows[0][1] + r)
    gap = s * float(np.min(np.diff(pos[:, 1]))) if len(pos) > 1 else BAR_HEIGHT * fs / BAR_SHARE
    height = max(3.0, min(BAR_HEIGHT * fs, BAR_SHARE * gap))
    probs = outputs.probabilities
    points = NUMBER_POINTS * fs
    number_width = fonts.size(points, ("0.00",), bold=True)[0]
    left = column + GAP * fs
    width = min(BAR_PX * fs, placer.area.right() - left - GAP * fs - number_width)
    if width < MIN_BAR_PX:
        return []
    bars = []
    for k, _, py in rows:
        track = QRectF(left, py - height / 2, width, height)
        if not (placer.area.contains(track) and placer.free(track)):
            continue
        placer.block(track)
        if probs is None:
            bars.append(OutputBar(k, track, None, False))
            continue
        p = float(np.clip(np.nan_to_num(probs[k]), 0.0, 1.0))
        bars.append(OutputBar(k, track, p, k == predicted))
        text, bold = f"{p:.2f}", k == predicted
        w, h = fonts.size(points, (text,), bold)
        rect = QRectF(track.right() + GAP * fs, py - h / 2, w, h)
        if placer.area.contains(rect) and placer.free(rect):
            placer.add(TextBox("probability", rect, text, fonts.get(points, bold)[0], accent if bold else ink,
                               int(LEFT)))
    return bars


def _names(placer: Placer, fonts: Fonts, names: Sequence[str], rows, r: float, predicted: int | None,
           accent: QColor, ink: QColor, fs: float) -> list[TextBox]:
    """The class names beside their nodes at the largest size at which all fit, or none."""
    for pt in sizes(NAME_POINTS, fs):
        boxes: list[TextBox] = []
        for k, px, py in rows:
            bold = k == predicted
            w, h = fonts.size(pt, (names[k],), bold)
            rect = QRectF(px + r + GAP * fs, py - h / 2, w, h)
            if not placer.area.contains(rect) or not placer.free(rect) or any(rect.intersects(b.rect) for b in boxes):
                break
            boxes.append(TextBox("class", rect, names[k], fonts.get(pt, bold)[0], accent if bold else ink, int(LEFT)))
        else:
            return boxes
    return []


def paint(p: QPainter, bars: Sequence[OutputBar], theme: Theme) -> None:
    """Each track in the theme's ``dim`` colour, its filled part over it: the predicted
    class's in ``accent``, the others in ``neutral``."""
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    for bar in bars:
        p.setBrush(QColor(theme.dim))
        p.drawRect(bar.track)
        if bar.fraction:
            p.setBrush(QColor(theme.accent if bar.predicted else theme.neutral))
            p.drawRect(bar.fill)
    p.restore()
