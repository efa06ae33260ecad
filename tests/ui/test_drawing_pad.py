"""The drawing pad panel driven with the mouse and keys: ink, the network input it becomes,
``drawn``, clear and eraser, the output bars against the network's forward pass, and the
panel following a SessionController."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtTest import QTest

from nnviz.app.drawing import downsample_drawing
from nnviz.app.problem import Problem
from nnviz.draw.theme import DARK, LIGHT
from nnviz.engine.datasets import make_dataset
from nnviz.engine.network import Network
from nnviz.ui.instruments.drawing_pad import PAD_RESOLUTION
from nnviz.ui.instruments.drawing_pad_panel import NEEDS_IMAGES, DrawingPadPanel

SIZE = (900, 330)
DIGITS = Problem(dataset="digits", hidden=(8,), output_activation="softmax", loss="ce")


@pytest.fixture(scope="module")
def digits():
    return make_dataset("digits", test_fraction=0.5, seed=0)


@pytest.fixture
def network():
    net = Network([64, 12, 10], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(3))
    return net


def shown(qtbot, panel):
    qtbot.addWidget(panel)
    panel.resize(*SIZE)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def panel(qtbot, digits, network):
    p = DrawingPadPanel()
    p.set_dataset(digits)
    p.set_network(network)
    return shown(qtbot, p)


def at(pad, x, y) -> QPoint:
    return pad.from_pad(x, y).toPoint()


def drag(pad, points, button=Qt.MouseButton.LeftButton):
    """Press at the first point (pad pixels), move through the others, release at the last."""
    QTest.mousePress(pad, button, Qt.KeyboardModifier.NoModifier, at(pad, *points[0]))
    for p in points[1:]:
        QTest.mouseMove(pad, at(pad, *p))
    QTest.mouseRelease(pad, button, Qt.KeyboardModifier.NoModifier, at(pad, *points[-1]))


def vertical_stroke(steps: int = 12):
    """Pad pixels of a vertical stroke down the middle, from row 60 to row 450."""
    return [(256, y) for y in np.linspace(60, 450, steps)]


def test_dragging_draws_ink_and_emits_the_network_input(qtbot, panel):
    pad = panel.pad
    with qtbot.waitSignal(panel.drawn, timeout=2000) as blocker:
        drag(pad, vertical_stroke())
    ink = pad.ink()
    assert ink.shape == (PAD_RESOLUTION, PAD_RESOLUTION)
    assert ink[60:451, 256].min() > 0.99  # the stroke is unbroken between the mouse positions
    assert ink[:, :200].max() == 0 and ink[:, 320:].max() == 0 and ink[490:].max() == 0
    x = blocker.args[0]
    assert x.shape == (64,)
    expected_row, image = downsample_drawing(ink, (8, 8))
    np.testing.assert_array_equal(x, expected_row)  # digits are not standardized: x is the raw row
    np.testing.assert_array_equal(panel.input_view.image, image)
    # a vertical bar in the middle: every row of cells has ink, only in the two middle columns
    assert image[:, 3:5].min() > 0 and not image[:, :3].any() and not image[:, 5:].any()
    assert panel.input_view.caption == "Network input, 8×8"


def test_a_burst_of_mouse_moves_is_one_update(qtbot, panel):
    """Moves coalesce: ``drawn`` comes once for the whole burst, after it, with the final ink."""
    rows = []
    panel.drawn.connect(rows.append)
    drag(panel.pad, vertical_stroke(40))
    assert rows == []  # nothing yet: the single-shot timer delivers it
    qtbot.waitUntil(lambda: len(rows) == 1, timeout=2000)
    qtbot.wait(3 * 33)
    assert len(rows) == 1
    np.testing.assert_array_equal(rows[0], downsample_drawing(panel.pad.ink(), (8, 8))[0])


def test_the_bars_show_the_networks_forward_pass_of_the_row(qtbot, panel, network):
    with qtbot.waitSignal(panel.drawn, timeout=2000) as blocker:
        drag(panel.pad, [(150, 100), (360, 100), (220, 440)])  # a 7
    x = blocker.args[0]
    expected = network.predict(x[None, :])[0]
    np.testing.assert_allclose(panel.probabilities, expected, rtol=0, atol=0)
    np.testing.assert_allclose(panel.bars.values, expected)
    k = int(np.argmax(expected))
    assert panel.bars.predicted == k
    assert f"<b>{k}</b>" in panel.prediction.text()
    # new parameters (a snapshot's) move the bars; the input stays
    other = network.copy()
    other.initialize("he", np.random.default_rng(11))
    panel.set_params(other.params)
    np.testing.assert_allclose(panel.probabilities, other.predict(x[None, :])[0])
    panel.set_params(np.full(other.size, np.nan))  # a diverged run: said, not drawn
    assert panel.bars.values is None and "not numbers" in panel.prediction.text()


def test_delete_and_the_clear_button_clear(qtbot, panel):
    pad = panel.pad
    drag(pad, vertical_stroke())
    pad.setFocus()
    with qtbot.waitSignal(panel.drawn, timeout=2000) as blocker:
        QTest.keyClick(pad, Qt.Key.Key_Delete)
    assert not pad.ink().any() and pad.is_empty()
    assert not blocker.args[0].any() and not panel.input_view.image.any()
    drag(pad, vertical_stroke())
    with qtbot.waitSignal(panel.drawn, timeout=2000):
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert not pad.ink().any()
    assert pad.hasFocus()  # the keys stay with the pad


def test_the_eraser_removes_ink_where_it_passes(qtbot, panel):
    pad = panel.pad
    drag(pad, vertical_stroke())
    pad.setFocus()
    QTest.keyClick(pad, Qt.Key.Key_E)
    assert pad.eraser and panel.eraser_button.isChecked() and not panel.pen_button.isChecked()
    with qtbot.waitSignal(panel.drawn, timeout=2000) as blocker:
        drag(pad, [(150, 250), (360, 250)])  # across the stroke
    ink = pad.ink()
    assert ink[235:266, 256].max() == 0  # erased where the eraser passed
    assert ink[60:150, 256].min() > 0.99 and ink[350:451, 256].min() > 0.99  # kept elsewhere
    np.testing.assert_array_equal(blocker.args[0], downsample_drawing(ink, (8, 8))[0])
    QTest.keyClick(pad, Qt.Key.Key_P)
    assert not pad.eraser and panel.pen_button.isChecked()
    drag(pad, [(100, 100), (100, 101)])
    assert pad.ink()[100, 100] > 0.99  # the pen draws again
    drag(pad, [(256, 60), (256, 120)], Qt.MouseButton.RightButton)  # the right button erases with the pen chosen
    assert pad.ink()[70:110, 256].max() == 0
    qtbot.mouseClick(panel.eraser_button, Qt.MouseButton.LeftButton)
    assert pad.eraser


def test_standardized_data_is_transformed_before_the_forward_pass(qtbot):
    data = make_dataset("digits", test_fraction=0.5, seed=0, standardize=True)
    net = Network([64, 10], ["softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    p = DrawingPadPanel()
    p.set_dataset(data)
    p.set_network(net)
    shown(qtbot, p)
    with qtbot.waitSignal(p.drawn, timeout=2000) as blocker:
        drag(p.pad, vertical_stroke())
    x = blocker.args[0]
    np.testing.assert_allclose(x, (p.input_row - data.shift) / data.scale)
    assert not np.allclose(x, p.input_row)
    np.testing.assert_allclose(p.probabilities, net.predict(x[None, :])[0])


def test_without_image_data_the_panel_says_what_to_choose(qtbot, panel):
    panel.pad.stroke([(256, 60), (256, 450)])
    panel.set_dataset(make_dataset("circles", samples=100))
    assert panel.message.isVisible() and panel.message.text() == NEEDS_IMAGES
    assert not panel.pad.isVisible() and panel.input_x is None and panel.probabilities is None
    panel.set_dataset(make_dataset("digits", test_fraction=0.5, seed=0))
    assert panel.pad.isVisible() and not panel.message.isVisible()
    assert panel.input_view.image.any()  # the drawing was kept


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_pad_shows_ink_in_the_themes_colours(qtbot, panel, theme):
    panel.set_theme(theme)
    panel.pad.stroke([(256, 60), (256, 450)])
    shot = panel.pad.grab().toImage()
    ratio = shot.devicePixelRatio()
    on = panel.pad.from_pad(256, 250) * ratio
    off = panel.pad.from_pad(60, 250) * ratio
    assert shot.pixelColor(on.toPoint()) == QColor(theme.text)
    assert shot.pixelColor(off.toPoint()) == QColor(theme.background)


def test_the_panel_follows_the_controller(qtbot, make_controller):
    c = make_controller(DIGITS)
    p = shown(qtbot, DrawingPadPanel(controller=c))
    p.pad.stroke([(256, 60), (256, 450)])
    x = p.update_input()
    before = p.probabilities.copy()
    c.step()  # paused: the snapshot is shown at once
    assert not np.allclose(p.probabilities, before)
    shape = c.shape
    net = Network(shape.layers, shape.activation_names, shape.loss_name)
    net.set_params(c.snapshot.params)
    np.testing.assert_allclose(p.probabilities, net.predict(x[None, :])[0])
    c.set_problem(Problem(samples=100))  # circles: no images
    assert p.message.isVisible() and not p.pad.isVisible()


def test_the_pads_keys_beat_a_windows_one_key_shortcut(qtbot, panel):
    """With the pad focused, E is the eraser even when the window has a shortcut on E."""
    fired = []
    action = QAction("something on E", panel)
    action.setShortcut("E")
    action.triggered.connect(lambda: fired.append(True))
    panel.addAction(action)
    panel.pad.setFocus()
    QTest.keyClick(panel.pad, Qt.Key.Key_E)
    assert panel.pad.eraser and fired == []
    panel.clear_button.setFocus()  # elsewhere the shortcut works as before
    QTest.keyClick(panel.clear_button, Qt.Key.Key_E)
    assert fired == [True]


def test_sizes_follow_the_font(qtbot, panel):
    """Presentation scale: the window's font ×1.5 makes the pad, the input and the bars larger."""
    views = (panel.pad, panel.input_view, panel.bars)
    before = [v.minimumSizeHint() for v in views]
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    panel.setFont(font)
    after = [v.minimumSizeHint() for v in views]
    for b, a in zip(before, after):
        assert a.width() > 1.3 * b.width() and a.height() > 1.3 * b.height()


def test_a_blank_pad_predicts_nothing(qtbot, panel):
    assert panel.pad.is_empty() and panel.probabilities is None and panel.bars.values is None
    assert panel.prediction.text() == "Draw a digit: its probabilities appear here"
    with qtbot.waitSignal(panel.drawn, timeout=2000):
        drag(panel.pad, [(150, 100), (360, 100), (220, 440)])
    assert panel.probabilities is not None
    with qtbot.waitSignal(panel.drawn, timeout=2000):
        panel.clear()
    assert panel.probabilities is None and "Draw a digit" in panel.prediction.text()
