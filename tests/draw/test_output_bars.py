"""A classifier's outputs on the canvas (issue 13): named by class, with a probability bar
each while a sample is shown (as long as the probability, with its number), the predicted
class marked; and on image networks every text inside the canvas and clear of every other
text, bar and node, at 1280×720, 900×600 and 600×420 with font scale 1 and 1.5."""

from __future__ import annotations

import numpy as np
import pytest


from image_canvas_support import (  # noqa: F401
    DIGITS,
    at,
    image_painter,
    network,
    paint_errors,
    phase_of,
    render,
)
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from text_checks import assert_fits, assert_off_the_nodes

from nnviz.draw.theme import LIGHT


def show_digits_net(canvas):
    net = network((64, 3, 10))
    canvas.set_architecture(net.layers, net.activation_names, tuple(f"p{i}" for i in range(64)), (8, 8), DIGITS)
    canvas.set_weights(net.weights, net.biases)
    return net


def bar_width_painted(image: QImage, track: QRectF, fill: QColor, empty: QColor) -> float:
    """Pixels along the bar's middle row nearer the fill colour than the track's."""
    y = int(track.center().y())
    f, e = np.array(fill.getRgb()[:3]), np.array(empty.getRgb()[:3])
    n = 0
    for x in range(int(np.floor(track.left())) - 1, int(np.ceil(track.right())) + 1):
        c = np.array(at(image, x, y))
        n += np.abs(c - f).sum() < np.abs(c - e).sum()
    return float(n)


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_output_bars_are_as_long_as_the_probabilities(scale):
    pa = image_painter(phase="forward", scale=scale)
    probs = pa.phase.trace.layers[-1].a[pa.phase.shown]
    rect = QRectF(0, 0, 900, 600)
    bars = pa.text_layout(rect).bars
    assert [b.index for b in bars] == list(range(10))
    width = bars[0].track.width()
    image = render(pa)
    for b in bars:
        assert b.track.width() == width
        assert b.fraction == pytest.approx(probs[b.index])
        assert b.fill.width() == pytest.approx(probs[b.index] * width)
        colour = QColor(LIGHT.accent if b.predicted else LIGHT.neutral)
        assert bar_width_painted(image, b.track, colour, QColor(LIGHT.dim)) == pytest.approx(b.fill.width(), abs=1.5)
    numbers = {b.text for b in pa.text_boxes(rect) if b.kind == "probability"}
    assert numbers == {f"{p:.2f}" for p in probs}


def test_the_predicted_class_is_marked():
    pa = image_painter(phase="forward")
    probs = pa.phase.trace.layers[-1].a[pa.phase.shown]
    winner = int(np.argmax(probs))
    layout = pa.text_layout(QRectF(0, 0, 900, 600))
    assert [b.index for b in layout.bars if b.predicted] == [winner]
    names = {b.text: b for b in layout.boxes if b.kind == "class"}
    assert set(names) == set(DIGITS)
    for name, box in names.items():
        marked = name == DIGITS[winner]
        assert box.font.bold() == marked
        assert box.color == QColor(LIGHT.accent if marked else LIGHT.text)
    (number,) = [b for b in layout.boxes if b.kind == "probability" and b.font.bold()]
    assert number.text == f"{probs[winner]:.2f}"


def test_bars_wait_for_the_forward_pass_and_need_a_sample():
    pa = image_painter(phase="forward")
    pa.set_phase_progress(0.4)  # the pass has not reached the outputs yet
    layout = pa.text_layout(QRectF(0, 0, 900, 600))
    assert len(layout.bars) == 10 and all(b.fraction is None and not b.predicted for b in layout.bars)
    assert not [b for b in layout.boxes if b.kind == "probability"]
    assert not any(b.font.bold() for b in layout.boxes if b.kind == "class")
    pa.set_phase(None)
    layout = pa.text_layout(QRectF(0, 0, 900, 600))
    assert layout.bars == [] and len([b for b in layout.boxes if b.kind == "class"]) == 10
    pa.set_phase(phase_of(network((64, 32, 10)), "backward"), 1.0)  # the backward pass knows the outputs
    assert all(b.fraction is not None for b in pa.text_layout(QRectF(0, 0, 900, 600)).bars)


# ----------------------------------------------------------------------------- text fits


SIZES = [(1280, 720), (900, 600), (600, 420)]
NETS = {"64-32-10 8×8": ((64, 32, 10), (8, 8)), "784-128-64-10 28×28": ((784, 128, 64, 10), (28, 28))}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", [1.0, 1.5])
@pytest.mark.parametrize("phase", [None, "forward", "backward", "update"])
@pytest.mark.parametrize("net", list(NETS))
def test_every_text_and_bar_is_inside_and_clear_of_the_others(qtbot, size, scale, phase, net):
    layers, shape = NETS[net]
    pa = image_painter(layers, shape, phase, scale)
    rect = QRectF(0, 0, *size)
    layout = pa.text_layout(rect)
    boxes = layout.boxes
    assert_fits(boxes, rect)
    assert_off_the_nodes(pa, boxes, rect)
    for bar in layout.bars:
        assert rect.contains(bar.track)
        hit = [b for b in boxes if b.rect.intersects(bar.track)]
        assert not hit, f"bar {bar.index} under {hit[0].kind} {hit[0].text!r}"
    kinds = [b.kind for b in boxes]
    assert kinds.count("title") == len(layers) and kinds.count("caption") == 1
    assert kinds.count("class") == 10, "every output keeps its class name"
    assert len(layout.bars) == (10 if phase else 0)
    if phase is not None:
        assert kinds.count("probability") == 10, "every bar keeps its number"
        if phase == "forward":  # the bars say the outputs' values: no "a = …" beside those nodes
            outputs = pa.layout_.positions[-1]
            s, ox, oy = pa.transform(rect)
            assert not [b for b in boxes if b.kind == "value"
                        and any(b.rect.contains(ox + s * x, oy + s * y + s * pa.layout_.radius[-1] + 3)
                                for x, y in outputs)]


def test_the_canvas_widget_reports_its_bars_and_boxes(canvas):
    net = show_digits_net(canvas)
    view = phase_of(net)
    canvas.set_phase(view, animate=False)
    canvas.set_input_image(view.trace.x[view.shown].reshape(8, 8))
    assert canvas.class_names == DIGITS
    kinds = [b.kind for b in canvas.text_boxes()]
    assert kinds.count("class") == 10 and kinds.count("probability") == 10
    canvas.grab()
