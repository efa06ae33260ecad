"""The canvas's edges (nnviz.draw.edge_paint): a bucket of segments as one path built from
the NumPy array, which paints the pixels drawLines paints where edges are aliased (more
than ANTIALIAS_EDGES), and the painter drawing a large network that way."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from nnviz.draw import edge_paint
from nnviz.draw.edge_paint import ANTIALIAS_EDGES, segments_path
from nnviz.draw.network_painter import NetworkPainter
from nnviz.engine.network import Network

SIZE = (400, 300)


def random_segments(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(-20, 150, n), rng.uniform(-10, 310, n),
                            rng.uniform(200, 420, n), rng.uniform(-10, 310, n)])


def pixels(draw) -> np.ndarray:
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    draw(p)
    p.end()
    return np.frombuffer(image.constBits(), np.uint8).reshape(SIZE[1], SIZE[0], 4).copy()


def test_a_segment_path_is_a_move_and_a_line_per_segment():
    segments = np.array([[0.0, 1.0, 10.5, -2.25], [3.0, 4.0, 5.0, 6.0], [1e4, -7.5, 0.0, 0.0]])
    path = segments_path(segments)
    assert path.elementCount() == 6
    for k, (x0, y0, x1, y1) in enumerate(segments):
        start, end = path.elementAt(2 * k), path.elementAt(2 * k + 1)
        assert start.type == QPainterPath.ElementType.MoveToElement
        assert end.type == QPainterPath.ElementType.LineToElement
        assert (start.x, start.y, end.x, end.y) == (x0, y0, x1, y1)  # float64 kept exactly


def test_no_segments_make_an_empty_path():
    assert segments_path(np.zeros((0, 4))).isEmpty()


@pytest.mark.parametrize("width", [0.3, 1.0, 1.7, 3.2])
def test_a_path_paints_the_pixels_drawlines_paints_aliased(qapp, width):
    segments = random_segments(500)
    pen = QPen(QColor("#1f77b4"), width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)

    def lines(p):
        p.setPen(pen)
        p.drawLines([QLineF(*row) for row in segments.tolist()])

    def path(p):
        p.setPen(pen)
        p.drawPath(segments_path(segments))

    expected = pixels(lines)
    assert (expected != 255).any()  # something was drawn
    np.testing.assert_array_equal(pixels(path), expected)


def large_painter() -> NetworkPainter:
    net = Network([30, 40, 30, 2], ["tanh", "tanh", "sigmoid"], "mse")
    net.initialize("xavier", np.random.default_rng(3))
    pa = NetworkPainter()
    pa.set_architecture(net.layers, net.activation_names, [f"x{i}" for i in range(30)])
    pa.set_weights(net.weights, net.biases)
    return pa


def test_a_large_network_strokes_each_bucket_as_one_path(qapp, monkeypatch):
    pa = large_painter()
    assert len(pa.edge_set.value) > ANTIALIAS_EDGES
    built = []
    monkeypatch.setattr(edge_paint, "segments_path", lambda seg: built.append(len(seg)) or segments_path(seg))
    image = QImage(800, 500, QImage.Format.Format_ARGB32)
    p = QPainter(image)
    pa.paint(p, QRectF(0, 0, 800, 500))
    p.end()
    assert sum(built) == len(pa.edge_set.value)  # every edge, in a few paths
    assert len(built) <= 2 * 2 * 6  # sign × zero or not × width level


def test_a_small_network_keeps_antialiased_lines(qapp, monkeypatch):
    net = Network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "mse")
    net.initialize("xavier", np.random.default_rng(0))
    pa = NetworkPainter()
    pa.set_architecture(net.layers, net.activation_names, ["x1", "x2"])
    pa.set_weights(net.weights, net.biases)
    monkeypatch.setattr(edge_paint, "segments_path", lambda seg: pytest.fail("a path for a few edges"))
    image = QImage(480, 270, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    pa.paint(p, QRectF(0, 0, 480, 270))
    p.end()
    s, ox, oy = pa.transform(QRectF(0, 0, 480, 270))
    x0, y0, x1, y1 = pa.edge_set.segments[0] * s + np.array([ox, oy, ox, oy])
    mid = image.pixelColor(QPointF((x0 + x1) / 2, (y0 + y1) / 2).toPoint())
    assert mid != QColor("white")  # the edge is there
