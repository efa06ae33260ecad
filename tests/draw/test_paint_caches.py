"""What the canvas and the weights grid keep between frames (issue 13: a window that stays
fluid while 784-128-64-10 trains): the weight images made from one colour-mapped array,
the shared colour scale without a mask, the canvas's text laid out again only when
something it shows changed, the weights grid laid out again only when its room changed.
Each cache must give what a fresh computation gives."""

from __future__ import annotations

import numpy as np
import pytest
from image_canvas_support import image_painter, network, paint_errors, phase_of, render  # noqa: F401
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QImage

from nnviz.app.image_views import weight_scale
from nnviz.draw import network_text
from nnviz.draw.colormaps import diverging_rgba
from nnviz.draw.plots import weight_grid
from nnviz.draw.plots.weight_grid import WeightGrid
from nnviz.draw.theme import DARK
from nnviz.draw.thumbnails import weight_thumbnails


def rgba(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    return rows[:, :4 * w].reshape(h, w, 4).copy()


# ----------------------------------------------------------------------------- weight images


@pytest.mark.parametrize("weights", [
    np.random.default_rng(0).normal(0, 0.2, (6, 12)),
    np.zeros((3, 12)),
    np.array([[np.nan, 1.0, -3.0], [np.inf, 0.5, 0.0]]),
    np.array([[-np.inf, 2.0, np.nan]]),
    np.full((2, 3), np.nan),
    np.zeros((0, 12)),
])
def test_the_scale_is_max_abs_over_the_finite_weights(weights):
    finite = np.abs(weights[np.isfinite(weights)])
    expected = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    assert weight_scale(weights) == expected


def test_weight_images_are_the_tiles_of_one_colour_map(qapp):
    """Every image is its row of W reshaped, coloured as diverging_rgba colours w/m (to one
    unit per channel: the table's steps), NaN white, ±inf the ends of the scale."""
    rng = np.random.default_rng(4)
    w = rng.normal(0, 0.3, (7, 12))
    w[2, 5], w[3, 0], w[4, 11] = np.nan, np.inf, -np.inf
    images = weight_thumbnails(w, (3, 4))
    m = weight_scale(w)
    assert len(images) == 7 and all((im.width(), im.height()) == (4, 3) for im in images)
    for k, image in enumerate(images):
        expected = diverging_rgba(np.clip(np.nan_to_num(w[k] / m), -1, 1).reshape(3, 4), -1.0, 1.0)
        np.testing.assert_allclose(rgba(image), expected, atol=1)
    assert tuple(rgba(images[2])[1, 1, :3]) == (255, 255, 255)  # NaN at pixel (1, 1) is white
    np.testing.assert_array_equal(rgba(images[3])[0, 0], diverging_rgba(np.array([1.0]), -1, 1)[0])
    np.testing.assert_array_equal(rgba(images[4])[2, 3], diverging_rgba(np.array([-1.0]), -1, 1)[0])


def test_weight_images_own_their_pixels(qapp):
    w = np.random.default_rng(5).normal(0, 0.3, (4, 9))
    images = weight_thumbnails(w, (3, 3))
    before = [rgba(im) for im in images]
    w[...] = 0.0  # the caller's array changes: the images made from it do not
    weight_thumbnails(np.ones((4, 9)), (3, 3))  # nor does the next call's array
    assert all(np.array_equal(rgba(im), b) for im, b in zip(images, before))


# ----------------------------------------------------------------------------- canvas text


def count_layouts(monkeypatch) -> list:
    calls = []
    real = network_text.layout
    monkeypatch.setattr(network_text, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_the_canvas_text_is_laid_out_once_while_only_weights_change(qapp, monkeypatch):
    pa = image_painter(layers=(64, 16, 10))
    calls = count_layouts(monkeypatch)
    for step in range(4):
        pa.set_weights([w * (1 + 0.01 * step) for w in pa.weights], pa.biases)
        render(pa)
    assert len(calls) == 1


def fresh_boxes(pa, rect, zoom=1.0):
    """The boxes a painter that never laid out text gives for the same state (image_painter's
    network: the same weights)."""
    other = image_painter(layers=pa.layers, shape=pa.layout_.image_shape)
    other.set_theme(pa.theme)
    other.set_font_scale(pa.font_scale)
    if pa.phase is not None:
        other.set_phase(pa.phase, pa.phase_progress)
    return other.text_boxes(rect, zoom)


def described(boxes):
    return [(b.kind, b.text, b.rect.getRect(), b.font.key(), b.color.name()) for b in boxes]


@pytest.mark.parametrize("change", ["theme", "font scale", "phase", "progress", "rect", "zoom", "font"])
def test_a_change_the_text_shows_lays_it_out_again(qapp, monkeypatch, change):
    pa = image_painter(layers=(64, 16, 10))
    rect, zoom, font = QRectF(0, 0, 900, 600), 1.0, None
    pa.text_boxes(rect)
    calls = count_layouts(monkeypatch)
    if change == "theme":
        pa.set_theme(DARK)
    elif change == "font scale":
        pa.set_font_scale(1.5)
    elif change == "phase":
        pa.set_phase(phase_of(network(pa.layers), "forward"), 1.0)
    elif change == "progress":
        pa.set_phase(phase_of(network(pa.layers), "forward"), 0.2)
        pa.text_boxes(rect)
        pa.set_phase_progress(1.0)
    elif change == "rect":
        rect = QRectF(0, 0, 700, 500)
    elif change == "zoom":
        zoom = 1.5
    else:
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * 1.4)
    boxes = pa.text_boxes(rect, zoom, font=font)
    assert calls  # laid out again
    if font is None:
        assert described(boxes) == described(fresh_boxes(pa, rect, zoom))


def test_text_boxes_are_a_copy_of_what_is_painted(qapp):
    pa = image_painter(layers=(64, 16, 10))
    boxes = pa.text_boxes(QRectF(0, 0, 900, 600))
    boxes.clear()  # a caller's list: the painter's own layout keeps its boxes
    assert pa.text_boxes(QRectF(0, 0, 900, 600))


# ----------------------------------------------------------------------------- weights grid


@pytest.fixture
def grid(qtbot):
    g = WeightGrid()
    qtbot.addWidget(g)
    g.resize(349, 241)
    g.set_image_shape((8, 8))
    g.set_weights(np.random.default_rng(6).normal(0, 0.3, (32, 64)))
    return g


def test_the_grid_is_laid_out_once_while_only_weights_change(grid, monkeypatch):
    calls = []
    real = weight_grid.cell_grid
    monkeypatch.setattr(weight_grid, "cell_grid", lambda *a, **k: calls.append(1) or real(*a, **k))
    for step in range(4):
        grid.set_weights(np.full((32, 64), 0.1 * (step + 1)))
        grid.grab()
    assert 1 <= len(calls) <= 2  # once (twice when the numbers did not fit under the cells)


def test_a_resized_grid_is_laid_out_again_and_shows_every_cell(grid):
    grid.grab()
    small = grid.cell_rects()
    grid.resize(700, 500)
    image = rgba(grid.grab().toImage())
    big = grid.cell_rects()
    assert len(big) == 32 and big[0].width() > small[0].width()
    assert all(QRectF(0, 0, 700, 500).contains(cell) for cell in big)
    centre = big[-1].center()
    assert tuple(image[int(centre.y()), int(centre.x()), :3]) != tuple(image[2, 2, :3])  # the last cell is painted


def test_the_grid_shows_the_weights_it_was_given_last(grid):
    grid.set_weights(np.full((32, 64), 0.5))  # all at +m: every cell fully blue
    blue = diverging_rgba(np.array([1.0]), -1, 1)[0][:3]
    image = rgba(grid.grab().toImage())
    centre = grid.cell_rects()[5].center()
    np.testing.assert_array_equal(image[int(centre.y()), int(centre.x()), :3], blue)
    grid.set_weights(np.full((32, 64), -0.5))  # now all at −m
    image = rgba(grid.grab().toImage())
    orange = diverging_rgba(np.array([-1.0]), -1, 1)[0][:3]
    np.testing.assert_array_equal(image[int(centre.y()), int(centre.x()), :3], orange)
