"""On an image network the text keeps off the nodes (issue 13): at 540×560 with presentation
scale the δ labels of the 10 outputs were placed left of their nodes, onto the 32 staggered
nodes of the hidden layer, and nothing could be read. Now no text box covers a node's circle
or the input image, a value label keeps NODE_ROOM px off every circle (the δ rings), and a
layer's value labels are drawn all (on one side of their nodes) or none; a long caption
is set smaller until it keeps off the nodes too.

The network is 64-32-10 in the backward phase of a digits test image (the data set's own
8×8 sample), laid out by the painter at 540×560 and 900×600 with font scale 1 and 1.5."""

from __future__ import annotations

import numpy as np
import pytest


from image_canvas_support import image_painter, paint_errors  # noqa: E402, F401
from PySide6.QtCore import QRectF  # noqa: E402
from text_checks import assert_off_the_nodes, gap_to_circle, node_circles  # noqa: E402

from nnviz.app.stepping import PhaseView, sample_losses  # noqa: E402
from nnviz.draw import network_text as text  # noqa: E402
from nnviz.draw.network_painter import NetworkPainter  # noqa: E402
from nnviz.draw.text_place import Placer  # noqa: E402
from nnviz.engine.datasets import make_dataset  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402

SIZES = [(540, 560), (900, 600)]
SCALES = [1.0, 1.5]


def digits_painter(scale: float, phase: str = "backward") -> NetworkPainter:
    """64-32-10 (relu, softmax, cross-entropy) showing ``phase`` of the first digits test image."""
    data = make_dataset("digits", samples=500, test_fraction=0.5, seed=0)
    net = Network([64, 32, 10], ["relu", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    x, y = data.x_test[:1], np.eye(10)[data.y_test[:1].astype(int)]
    trace = net.trace(x, y)
    pa = NetworkPainter()
    pa.set_font_scale(scale)
    pa.set_architecture(net.layers, net.activation_names, [f"px{i}" for i in range(64)], data.image_shape,
                        [str(k) for k in range(10)])
    pa.set_weights(net.weights, net.biases)
    pa.set_phase(PhaseView(phase, trace, 0, net.params.copy(), net.params.copy(), sample_losses(net, trace)), 1.0)
    pa.set_input_image(data.raw_test[0].reshape(data.image_shape))
    return pa


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("phase", ["forward", "backward", "update"])
def test_no_text_covers_a_node_or_the_image(qtbot, size, scale, phase):
    pa = digits_painter(scale, phase)
    rect = QRectF(0, 0, *size)
    boxes = pa.text_boxes(rect)
    assert_off_the_nodes(pa, boxes, rect)
    s, ox, oy = pa.transform(rect)
    x0, y0, x1, y1 = pa.layout_.image_rect
    image = QRectF(ox + s * x0, oy + s * y0, s * (x1 - x0), s * (y1 - y0))
    assert not [b for b in boxes if b.rect.intersects(image)], "text on the input image"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", SCALES)
def test_a_layers_value_labels_are_drawn_all_on_one_side_or_none(qtbot, size, scale):
    pa = digits_painter(scale)
    rect = QRectF(0, 0, *size)
    wanted = pa.value_labels()
    assert set(wanted) == {(2, k) for k in range(10)}  # the outputs' δ (32 hidden neurons are too many)
    values = [b for b in pa.text_boxes(rect) if b.kind == "value"]
    assert sorted(b.text for b in values) in ([], sorted(wanted.values()))
    circles = node_circles(pa, rect)
    for b in values:  # clear of every δ ring, not only of the circles
        assert min(gap_to_circle(b.rect, cx, cy, r) for _, _, cx, cy, r in circles) >= text.NODE_ROOM - 1e-6
    if values:
        s, ox, _ = pa.transform(rect)
        column = ox + s * pa.layout_.column_x(2)
        assert len({b.rect.right() < column for b in values}) == 1, "all on one side of the output column"


def test_a_roomy_canvas_keeps_the_output_deltas_and_a_crowded_one_drops_them(qtbot):
    """At 900×600 and font scale 1 the ten δ fit between the layers; at 540×560 with
    presentation scale they do not, and none is drawn (the hover text tells them)."""
    roomy = [b.text for b in digits_painter(1.0).text_boxes(QRectF(0, 0, 900, 600)) if b.kind == "value"]
    assert len(roomy) == 10
    crowded = [b for b in digits_painter(1.5).text_boxes(QRectF(0, 0, 540, 560)) if b.kind == "value"]
    assert crowded == []


def test_a_box_covers_a_circle_only_where_it_reaches_inside_the_radius():
    placer = Placer(QRectF(0, 0, 200, 200))
    placer.block_circles(np.array([[100.0, 100.0]]), np.array([10.0]))
    assert not placer.free(QRectF(95, 95, 10, 10))  # on the centre
    assert not placer.free(QRectF(108, 95, 20, 10))  # over the right edge
    assert placer.free(QRectF(108, 108, 20, 20))  # inside the bounding square's corner, outside the circle
    assert placer.free(QRectF(110, 90, 20, 20))  # touching
    placer.grow_circles(5.0)
    assert not placer.free(QRectF(110, 90, 20, 20))


def test_a_long_caption_shrinks_off_the_nodes_of_a_small_canvas(qtbot):
    """A batch's caption wraps onto four lines at 400×300 with presentation scale: at 13.5 pt
    it reached up over the outputs; it is set smaller until it covers no node, and kept."""
    pa = image_painter((64, 32, 10), (8, 8), "backward", 1.5)
    rect = QRectF(0, 0, 400, 300)
    (caption,) = [b for b in pa.text_boxes(rect) if b.kind == "caption"]
    assert caption.text == pa.caption()
    assert caption.font.pointSizeF() < text.TITLE_POINTS * 1.5
    assert_off_the_nodes(pa, [caption], rect)
