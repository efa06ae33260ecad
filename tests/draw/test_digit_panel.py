"""The digit panel (nnviz.draw.plots.digit_panel), driven with pytest-qt and read as pixels:
weight cells coloured by sign, a click in the gallery names its test image, the Train | Test
switch changes the matrix, the theme repaints, hidden views compute nothing."""

from __future__ import annotations

import numpy as np
import pytest


from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont

from nnviz.app.image_views import summarize
from nnviz.draw.plots.confusion_view import title_forms
from nnviz.draw.plots.digit_drawing import cell_grid, snap_side
from nnviz.draw.plots.digit_panel import DigitPanel
from nnviz.draw.theme import DARK, LIGHT, NEGATIVE_COLOR, POSITIVE_COLOR
from nnviz.engine.datasets import make_dataset
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer


@pytest.fixture(scope="module")
def digits():
    return make_dataset("digits", test_fraction=0.5, seed=1, standardize=True)


@pytest.fixture(scope="module")
def network(digits):
    """64-16-10 after one epoch: right often, wrong often enough for a gallery."""
    net = Network([64, 16, 10], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    Trainer(net, digits, TrainConfig(learning_rate=0.1, batch_size=32), seed=0).train_epochs(1)
    return net


@pytest.fixture
def panel(qtbot, digits, network):
    p = DigitPanel()
    qtbot.addWidget(p)
    p.resize(520, 640)
    p.set_dataset(digits)
    p.set_network(network)
    p.show()
    qtbot.waitExposed(p)
    return p


def pixel_at(image, point) -> QColor:
    return image.pixelColor(QPoint(int(point.x()), int(point.y())))


def rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


def test_weight_cells_take_the_colour_of_their_sign(qtbot, panel, network):
    signed = network.copy()
    w = np.random.default_rng(2).uniform(-0.5, 0.5, signed.weights[0].shape)
    w[0], w[1] = 1.0, -1.0  # neuron 1 all +1, neuron 2 all −1: the shared scale is m = 1
    signed.weights[0][...] = w
    panel.set_network(signed)
    panel.set_view("weights")
    image = panel.weight_grid.grab().toImage()
    cells = panel.weight_grid.cell_rects()
    assert len(cells) == 16 and panel.weight_grid.scale == 1.0
    assert rgb(pixel_at(image, cells[0].center())) == rgb(QColor(POSITIVE_COLOR))
    assert rgb(pixel_at(image, cells[1].center())) == rgb(QColor(NEGATIVE_COLOR))
    background = rgb(QColor(LIGHT.background))
    for cell in cells[2:]:  # the other neurons: images, not empty background
        colours = {rgb(pixel_at(image, cell.topLeft() + (cell.bottomRight() - cell.topLeft()) * f))
                   for f in (0.1, 0.3, 0.5, 0.7, 0.9)}
        assert colours - {background}


def test_weight_cells_show_pixels_as_flat_blocks(qtbot, panel, network):
    """Nearest neighbour: inside one weight's block every screen pixel has the same colour."""
    panel.set_view("weights")
    image = panel.weight_grid.grab().toImage()
    cell = panel.weight_grid.cell_rects()[3]
    block = cell.width() / 8
    assert block >= 4
    x, y = cell.left() + 2.3 * block, cell.top() + 5.3 * block  # inside pixel (5, 2)
    colours = {rgb(image.pixelColor(int(x) + dx, int(y) + dy)) for dx in range(int(block / 2)) for dy in range(2)}
    assert len(colours) == 1


def test_clicking_a_gallery_image_chooses_that_test_sample(qtbot, panel, digits, network):
    panel.set_view("mistakes")
    gallery = panel.mistake_gallery
    gallery.grab()
    rects = gallery.image_rects()
    summary = summarize(network, digits)
    assert panel.mistake_part == "test"
    assert list(rects) == summary.test.mistakes[:len(rects)].tolist()  # the first page, in data order
    index = list(rects)[2]
    with qtbot.waitSignal(panel.sampleChosen, timeout=1000) as signal:
        qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=rects[index].center().toPoint())
    assert signal.args == [index]
    assert int(digits.y_test[index]) != summary.test.predicted[index]


def test_gallery_pages_turn(qtbot, panel):
    panel.resize(300, 420)
    panel.set_view("mistakes")
    gallery = panel.mistake_gallery
    gallery.grab()
    first = list(gallery.image_rects())
    assert gallery.pages > 1
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.pager_rects()[1].center().toPoint())
    gallery.grab()
    second = list(gallery.image_rects())
    assert gallery.page == 1 and second[0] == gallery.mistakes[len(first)]


def test_without_test_data_the_gallery_shows_training_mistakes(qtbot, network):
    data = make_dataset("digits", test_fraction=0.0, seed=1, standardize=True)
    p = DigitPanel()
    qtbot.addWidget(p)
    p.resize(520, 640)
    p.set_dataset(data)
    p.set_network(network)
    p.set_view("mistakes")
    p.mistake_gallery.grab()
    index = next(iter(p.mistake_gallery.image_rects()))
    assert p.mistake_part == "train" and p.confusion_view.which == "train"
    assert int(data.y_train[index]) != summarize(network, data).train.predicted[index]


def test_train_test_switch_changes_the_matrix(qtbot, panel, digits, network):
    panel.set_view("confusion")
    view = panel.confusion_view
    assert view.which == "test"  # the default when there is test data
    before = view.grab().toImage()
    summary = summarize(network, digits)
    assert np.array_equal(view.matrix, summary.test.confusion) and view.matrix.sum() == digits.n_test
    assert view.title in title_forms("test", summary.test.right, digits.n_test)
    switch = view.switch
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton, pos=switch.segment_rects()["train"].center().toPoint())
    after = view.grab().toImage()
    assert view.which == "train"
    assert np.array_equal(view.matrix, summary.train.confusion) and view.matrix.sum() == digits.n_train
    assert before != after
    # row-normalised shading: the diagonal cell of the best-learnt class is darker than an empty mistake cell
    m = view.matrix
    best = int(np.argmax(np.diag(m) / m.sum(axis=1)))
    empty = next((i, j) for (i, j), c in np.ndenumerate(m) if c == 0 and i != j)
    best_fill = pixel_at(after, view.cell_rect(best, best).topLeft() + QPoint(2, 2))
    assert best_fill.lightness() < pixel_at(after, view.cell_rect(*empty).topLeft() + QPoint(2, 2)).lightness()


def test_title_says_the_accuracy():
    assert title_forms("test", 857, 900)[0] == "Test: 95.2 % right (857 of 900)"


def test_theme_switch_repaints(qtbot, panel):
    for view in ("weights", "confusion", "mistakes"):
        panel.set_view(view)
        shown = panel.stack.currentWidget()
        assert rgb(shown.grab().toImage().pixelColor(1, shown.height() - 2)) == rgb(QColor(LIGHT.background))
        panel.set_theme(DARK)
        assert rgb(shown.grab().toImage().pixelColor(1, shown.height() - 2)) == rgb(QColor(DARK.background))
        panel.set_theme(LIGHT)


def test_hidden_views_compute_nothing(qtbot, digits, network):
    p = DigitPanel()
    qtbot.addWidget(p)
    p.resize(400, 500)
    p.set_dataset(digits)
    for _ in range(5):
        p.set_network(network)  # a training run calls this often
    assert p.results.cached("test") is None and p.results.cached("train") is None
    assert p.weight_grid.cell_rects() == []  # nothing laid out or drawn while nothing is painted
    p.set_view("confusion")
    p.grab()  # an export renders offscreen: painting computes what the shown view needs
    assert p.results.is_current("test") and p.results.cached("train") is None


def test_live_panel_shows_the_last_results_until_a_recompute_is_due(qtbot, panel, network, monkeypatch):
    panel.set_live(True)
    panel.set_view("confusion")
    panel.confusion_view.grab()
    old = panel.confusion_view.matrix.copy()
    changed = network.copy()
    changed.weights[-1][...] = 0.0
    changed.biases[-1][...] = 0.0  # every image predicted as class 0
    waits = iter([0.2])  # the first paint is too early; by the held-back repaint it is due
    monkeypatch.setattr(panel.results, "due_in", lambda which, share: next(waits, 0.0))
    panel.set_network(changed)
    panel.confusion_view.grab()
    assert np.array_equal(panel.confusion_view.matrix, old)  # not due yet: the last matrix, no forward pass
    qtbot.waitUntil(lambda: panel.results.is_current("test"), timeout=3000)  # the repaint held back comes
    panel.confusion_view.grab()
    assert panel.confusion_view.matrix[:, 1:].sum() == 0


def test_live_recomputing_runs_off_the_gui_thread(qtbot, panel, network, monkeypatch):
    import threading

    from nnviz.draw.plots import digit_panel as module

    threads = []
    compute = module.compute_part

    def recording(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return compute(*args)

    monkeypatch.setattr(panel._background, "_fn", recording)
    panel.set_live(True)
    panel.set_view("mistakes")
    panel.mistake_gallery.grab()  # the first results: computed on the spot
    changed = network.copy()
    changed.weights[-1][...] = 0.0
    changed.biases[-1][...] = 0.0
    monkeypatch.setattr(panel.results, "due_in", lambda which, share: 0.0)
    panel.set_network(changed)
    panel.mistake_gallery.grab()  # due: computed in the background, the last results shown meanwhile
    qtbot.waitUntil(lambda: panel.results.is_current("test"), timeout=3000)
    assert threads == [False]
    panel.mistake_gallery.grab()
    true, predicted = panel.results.cached("test").true, panel.results.cached("test").predicted
    assert (predicted == 0).all() and len(panel.mistake_gallery.mistakes) == int((true != 0).sum())


def test_views_are_chosen_by_name_and_fonts_follow_the_widget(qtbot, panel):
    assert panel.view == "weights"
    panel.set_view("mistakes")
    assert panel.view == "mistakes" and panel.stack.currentWidget() is panel.mistake_gallery
    with pytest.raises(ValueError, match="weights, confusion, mistakes"):
        panel.set_view("boundary")
    small, switch = panel.minimumSizeHint(), panel.switch.sizeHint()
    font = QFont(panel.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)  # presentation scale: the window's font reaches the panel
    panel.setFont(font)
    assert panel.minimumSizeHint().width() > small.width()
    assert panel.switch.sizeHint().height() > 1.3 * switch.height()


def test_a_network_that_does_not_fit_the_images_is_named(qtbot, digits):
    p = DigitPanel()
    qtbot.addWidget(p)
    p.resize(400, 500)
    p.set_dataset(digits)
    p.set_network(Network([64, 8, 3], ["tanh", "softmax"], "ce"))
    p.set_view("confusion")
    p.grab()
    assert p.confusion_view.matrix is None and "3 outputs for 10 classes" in p.results.problem
    p.set_view("weights")
    p.grab()
    assert len(p.weight_grid.cell_rects()) == 8  # the weights still show


def test_grid_fills_the_room_with_whole_pixel_blocks():
    from PySide6.QtCore import QRectF

    assert snap_side(30.0, 8) == 24.0  # 3.75×: the whole multiple 3× keeps 80 % of the room
    assert snap_side(50.0, 8) == 50.0  # from 4× on: whole screen pixels (blocks of 6 and 7 px)
    assert snap_side(40.0, 28) == 40.0  # 1× would waste 30 % of the room: whole screen pixels instead
    assert snap_side(13.7, 28) == 13.0  # shrunk
    grid = cell_grid(32, QRectF(0, 0, 500, 500), 14.0, 4.0, 8)
    assert grid.cols * grid.rows >= 32 and grid.cols * (grid.side + 4) <= 504
    assert grid.rows * (grid.side + 14 + 4) <= 504
