"""What the canvas text tests check, in one place: every text box inside the canvas and
clear of every other (``assert_fits``), and clear of every node's circle
(``assert_off_the_nodes``; circles in pixels by the painter's own transform)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from nnviz.draw import network_text as text


def assert_fits(boxes, rect: QRectF) -> None:
    for b in boxes:
        assert b.kind in text.KINDS
        assert rect.contains(b.rect), f"{b.kind} {b.text!r} at {b.rect} leaves the canvas {rect}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.rect.intersects(b.rect), f"{a.kind} {a.text!r} {a.rect} overlaps {b.kind} {b.text!r} {b.rect}"


def gap_to_circle(box: QRectF, cx: float, cy: float, r: float) -> float:
    """How far the box's point nearest (cx, cy) lies outside the circle of radius r (< 0: it covers it)."""
    nx, ny = min(max(cx, box.left()), box.right()), min(max(cy, box.top()), box.bottom())
    return float(np.hypot(nx - cx, ny - cy)) - r


def node_circles(pa, rect: QRectF):
    """(layer, neuron, cx, cy, r) in pixels of every node of painter ``pa`` drawn in ``rect``
    but an input image's pixels (they are inside its block)."""
    s, ox, oy = pa.transform(rect)
    lay = pa.layout_
    first = 1 if lay.image_shape is not None else 0
    return [(layer, k, ox + s * x, oy + s * y, s * lay.radius[layer])
            for layer in range(first, len(lay.positions)) for k, (x, y) in enumerate(lay.positions[layer])]


def assert_off_the_nodes(pa, boxes, rect: QRectF) -> None:
    """No box covers a node's circle (touching is allowed)."""
    circles = node_circles(pa, rect)
    for b in boxes:
        for layer, k, cx, cy, r in circles:
            assert gap_to_circle(b.rect, cx, cy, r) >= -1e-6, f"{b.kind} {b.text!r} {b.rect} covers node {layer, k}"
