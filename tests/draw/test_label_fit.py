"""Every text on the network canvas fits, at every size and at presentation scale (issue 12
item 7): layer titles, input names, term labels (the weighted sum above a neuron), value
labels (the numbers beside nodes), update labels and the caption lie inside the canvas and
intersect nothing, at 600×400, 900×560 and 1200×700 with font scale 1 and 1.5. The
perceptron's term label is drawn whole.

On the old painter the title rect was a fixed 160 px per column (columns of 2-8-8-8-1 at
600×400 are 81 px apart: neighbouring titles overlapped) and the term label a fixed 400 px
centred on its neuron (at 600 px the perceptron's reached past the right edge)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QRectF  # noqa: E402

from nnviz.app.stepping import PhaseView, sample_losses  # noqa: E402
from nnviz.draw import network_labels as labels  # noqa: E402
from nnviz.draw import network_text as text  # noqa: E402
from nnviz.draw.canvas import NetworkCanvas  # noqa: E402
from nnviz.draw.network_painter import NetworkPainter  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402
from text_checks import assert_fits  # noqa: E402

SIZES = [(600, 400), (900, 560), (1200, 700)]
SCALES = [1.0, 1.5]
FORMULA = "z = 0.001 + 0.95 + 0.08 = 1.031"  # b + w₁x₁ + w₂x₂ = 0.001 + 0.01·95 + 0.02·4
NETWORKS = {
    "2-4-4-1 tanh": ([2, 4, 4, 1], ["tanh", "tanh", "sigmoid"]),
    "2-8-8-8-1": ([2, 8, 8, 8, 1], ["relu", "relu", "relu", "sigmoid"]),
    "784-128-64-10": ([784, 128, 64, 10], ["relu", "relu", "softmax"]),
}
CASES = [(net, phase) for net in NETWORKS for phase in (None, "forward", "backward", "update")] + \
        [("perceptron", "forward"), ("perceptron", "backward")]


def perceptron() -> tuple[Network, np.ndarray, np.ndarray]:
    """The lesson's perceptron 2-1 at x = (95, 4), w = (0.01, 0.02), b = 0.001: z = 1.031."""
    net = Network([2, 1], ["sigmoid"], "bce")
    net.set_layer(0, [[0.01, 0.02]], [0.001])
    return net, np.array([[95.0, 4.0]]), np.array([[1.0]])


def painter_for(case: str, phase: str | None, scale: float) -> NetworkPainter:
    """A painter showing ``case`` at font ``scale``, in ``phase`` of one step (None: no phase)."""
    if case == "perceptron":
        net, x, y = perceptron()
    else:
        layers, acts = NETWORKS[case]
        loss = "ce" if acts[-1] == "softmax" else "bce"
        net = Network(layers, acts, loss)
        net.initialize("xavier", np.random.default_rng(0))
        rng = np.random.default_rng(1)
        x = rng.normal(size=(4, layers[0]))
        y = np.eye(layers[-1])[[0, 1, 2, 3]] if layers[-1] > 1 else rng.integers(0, 2, (4, 1)).astype(float)
    pa = NetworkPainter()
    pa.set_font_scale(scale)
    pa.set_architecture(net.layers, net.activation_names, [f"x{i + 1}" for i in range(net.layers[0])])
    pa.set_weights(net.weights, net.biases)
    if phase is not None:
        trace = net.trace(x, y)
        before = net.params.copy()
        after = 0.9 * before + 0.01 if phase == "update" else before  # an update moves every parameter
        pa.set_phase(PhaseView(phase, trace, 0, before, after, sample_losses(net, trace)), 1.0)
    return pa


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("case,phase", CASES)
def test_every_text_is_inside_the_canvas_and_overlaps_nothing(qtbot, size, scale, case, phase):
    pa = painter_for(case, phase, scale)
    rect = QRectF(0, 0, *size)
    boxes = pa.text_boxes(rect)
    assert_fits(boxes, rect)
    titles = [b for b in boxes if b.kind == "title"]
    assert len(titles) == len(pa.layers), "every layer keeps its title"
    for b in titles:  # never shrunk below 7 pt × scale
        assert b.font.pointSizeF() >= text.MIN_POINTS * scale - 1e-6
    assert [b.kind for b in boxes].count("caption") == 1


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", SCALES)
def test_the_perceptrons_formula_is_drawn_whole(qtbot, size, scale):
    pa = painter_for("perceptron", "forward", scale)
    assert pa.term_labels() == {(1, 0): FORMULA}
    boxes = pa.text_boxes(QRectF(0, 0, *size))
    terms = [b for b in boxes if b.kind == "term"]
    assert len(terms) == 1 and terms[0].text.replace("\n", " ") == FORMULA  # whole, maybe wrapped, never elided
    assert terms[0].font.pointSizeF() >= text.MIN_POINTS * scale - 1e-6
    # its box is as wide as the text measured in its font (not a fixed 400 px rect)
    fonts = text.Fonts(terms[0].font)
    width, _ = fonts.size(terms[0].font.pointSizeF(), terms[0].text.split("\n"), bold=True)
    assert terms[0].rect.width() == pytest.approx(width)
    values = {b.text for b in boxes if b.kind == "value"}
    assert values == set(pa.value_labels().values()), "every value label is drawn"


@pytest.mark.parametrize("scale", SCALES)
def test_small_networks_keep_every_value_label(qtbot, scale):
    for size in SIZES:
        for phase in ("forward", "backward"):
            pa = painter_for("2-4-4-1 tanh", phase, scale)
            drawn = [b.text for b in pa.text_boxes(QRectF(0, 0, *size)) if b.kind == "value"]
            assert sorted(drawn) == sorted(pa.value_labels().values())


def test_a_narrow_column_breaks_its_title_into_two_lines(qtbot):
    pa = painter_for("2-8-8-8-1", None, 1.5)
    titles = {b.text for b in pa.text_boxes(QRectF(0, 0, 600, 400)) if b.kind == "title"}
    assert "Hidden 2\n8 · relu" in titles
    wide = {b.text for b in pa.text_boxes(QRectF(0, 0, 1600, 700)) if b.kind == "title"}
    assert "Hidden 2 · 8 · relu" in wide  # room enough: one line


def test_a_crowded_formula_wraps_before_its_result(qtbot):
    """At the canvas's minimum size and presentation scale the formula no longer fits on
    one line next to the titles: it wraps at " = " and stays whole."""
    pa = painter_for("perceptron", "forward", 2.0)
    rect = QRectF(0, 0, 360, 260)
    boxes = pa.text_boxes(rect)
    assert_fits(boxes, rect)
    (term,) = [b.text for b in boxes if b.kind == "term"]
    assert term == "z = 0.001 + 0.95 + 0.08\n= 1.031"


def test_line_breaks():
    assert labels.title_lines("Hidden 2 · 4 · relu") == ("Hidden 2", "4 · relu")
    assert labels.title_lines("Output · sigmoid") == ("Output", "sigmoid")
    assert labels.title_lines("Input") == ("Input",)
    assert labels.formula_lines(FORMULA) == ("z = 0.001 + 0.95 + 0.08", "= 1.031")
    assert labels.formula_lines("a = 0.737") == ("a = 0.737",)


def test_the_canvas_reports_what_it_paints(qtbot):
    """The widget's boxes are the painter's for its own rectangle and font, and the
    painted pixels under a title box are not all background."""
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    net, x, y = perceptron()
    canvas.set_font_scale(1.5)
    canvas.set_architecture(net.layers, net.activation_names, ("x1", "x2"))
    canvas.set_weights(net.weights, net.biases)
    trace = net.trace(x, y)
    canvas.set_phase(PhaseView("forward", trace, 0, net.params.copy(), net.params.copy()), animate=False)
    boxes = canvas.text_boxes()
    assert_fits(boxes, QRectF(canvas.rect()))
    assert FORMULA in [b.text.replace("\n", " ") for b in boxes if b.kind == "term"]
    image = canvas.grab().toImage()
    for b in boxes:
        r = b.rect.toAlignedRect()
        background = image.pixelColor(0, 0)
        assert any(image.pixelColor(px, py) != background for px in range(r.left(), r.right(), 1)
                   for py in range(r.top(), r.bottom(), 1)), f"nothing painted in the {b.kind} box {b.text!r}"
