"""The network canvas's edges, painted: colour = sign, width = size, grouped into a few
buckets by sign and width (``geometry.buckets``), each bucket one call with one pen.

Up to ANTIALIAS_EDGES edges are antialiased and each bucket is one ``drawLines`` of QLineFs.
More are drawn without antialiasing (it costs ~10× more), and then each bucket is one
``drawPath`` of a path made straight from the segment array (``segments_path``): no Python
object per segment. Aliased, the path paints exactly the pixels drawLines paints, and for
the 1,200 strongest edges of 784-128-64-10 it is built in 0.3–0.6 ms where the QLineF lists
took 1–1.7 ms, and stroked as fast or faster. Antialiased, the path was slower (9 ms
instead of 5.3 for 352 edges), so small networks keep drawLines.

Scene (x, y) is drawn at pixel (ox + s·x, oy + s·y).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QLineF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from nnviz.draw import geometry as geo
from nnviz.draw.geometry import EdgeSet
from nnviz.draw.theme import Theme

ANTIALIAS_EDGES = 600  # more edges than this are drawn without antialiasing (speed)
ZERO_FRACTION = 1e-9  # an edge value below this fraction of the frame's largest |value| counts as 0
UNREACHED_WIDTH = 1.0  # px at scale 1: every edge a phase has not reached yet, whatever its value

# QPainterPath's serialized form (QDataStream, big-endian): int32 count, then per element
# int32 type (0 move to, 1 line to) and float64 x, y, then int32 cStart and int32 fill rule
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])
_COUNT = np.dtype(">i4")


def segments_path(segments: np.ndarray) -> QPainterPath:
    """One path of the (E, 4) segments (x0, y0, x1, y1), each a move to (x0, y0) and a line
    to (x1, y1), written in QPainterPath's serialized form by NumPy and read back with
    QDataStream (the way pyqtgraph's arrayToQPath builds its paths). The coordinates must be
    finite (Qt reads a path with a non-finite one as empty)."""
    points = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    path = QPainterPath()
    if not len(points):
        return path
    elements = np.empty(len(points), dtype=_ELEMENT)
    elements["type"] = np.arange(len(points)) % 2  # move to, line to, move to, …
    elements["x"], elements["y"] = points[:, 0], points[:, 1]
    data = np.array([len(points)], _COUNT).tobytes() + elements.tobytes() + np.zeros(2, _COUNT).tobytes()
    QDataStream(QByteArray(data)) >> path
    return path


def blend(color: QColor, background: QColor, alpha: float) -> QColor:
    """The opaque colour that ``color`` at opacity ``alpha`` shows over ``background``."""
    return QColor.fromRgbF(*(alpha * a + (1.0 - alpha) * b for a, b in zip(
        (color.redF(), color.greenF(), color.blueF()), (background.redF(), background.greenF(), background.blueF()))))


def paint_edges(p: QPainter, es: EdgeSet, kind: str, reached: np.ndarray, theme: Theme,
                s: float, ox: float, oy: float) -> None:
    """Draw ``es`` (its segments in scene units, ``kind`` "weight" or "gradient"); the edges
    not ``reached`` (E,) bool by a phase's animation yet are drawn all alike, neutral and
    thin. Leaves antialiasing on."""
    if not len(es.value):
        return
    p.setBrush(Qt.BrushStyle.NoBrush)
    aliased = len(es.value) > ANTIALIAS_EDGES
    p.setRenderHint(QPainter.RenderHint.Antialiasing, not aliased)
    seg = es.segments * s + np.array([ox, oy, ox, oy])
    values = np.where(np.isfinite(es.value), es.value, 0.0)
    scale = float(np.abs(values).max()) if values.size else 1.0
    if kind == "weight":
        scale = max(scale, 1.0)  # |w| ≤ 1 keeps thin lines: widths compare across frames
    gradient = kind == "gradient"
    pos_color = QColor(theme.grad_positive if gradient else theme.positive)
    neg_color = QColor(theme.grad_negative if gradient else theme.negative)
    dim, background = QColor(theme.dim), QColor(theme.background)
    # thinner lines where many edges share the space, so dense layers stay readable
    zoom_width = min(max(s, 0.35), 2.0) * min(1.0, float(np.sqrt(120.0 / len(values))))
    zero = np.abs(values) <= ZERO_FRACTION * float(np.abs(values).max())  # drawn neutral, not as a sign

    def draw(sel: np.ndarray, color: QColor, width: float, alpha: float) -> None:
        # translucency pre-blended with the background: opaque pens paint ~10× faster
        pen = QPen(blend(color, background, alpha), width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        if aliased:
            p.drawPath(segments_path(seg[sel]))
        else:
            p.drawLines([QLineF(*row) for row in seg[sel].tolist()])

    # not reached yet: all alike, neutral and thin: neither sign nor size is told before
    # the pass gets there (a lesson's open question may ask for it)
    waiting = np.flatnonzero(~reached)
    if waiting.size:
        draw(waiting, dim, UNREACHED_WIDTH * min(max(s, 0.6), 1.6), 0.5)
    for (positive, level), idx in geo.buckets(values, scale).items():
        for nothing in (False, True):
            sel = idx[reached[idx] & (zero[idx] == nothing)]
            if sel.size:
                color = QColor(dim) if nothing else QColor(pos_color if positive else neg_color)
                draw(sel, color, geo.level_width(level) * zoom_width, 0.85)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
