"""The network canvas for image data (issue 13): the input layer drawn as its image (every
pixel an input node at its cell's centre, hit-tested and hover-texted as one, its edges
starting there), the shown sample's pixels in the theme's grey, and the first layer's
weights as node images (the outputs are in test_output_bars.py)."""

from __future__ import annotations

import numpy as np
import pytest


from image_canvas_support import (  # noqa: F401
    DIGITS,
    at,
    image_painter,
    network,
    paint_errors,
    pixel_names,
    render,
)
from PySide6.QtCore import QPoint, QRectF, Qt

from nnviz.draw import geometry as geo
from nnviz.draw.colormaps import rgb_of
from nnviz.draw.image_layer import TILE_MIN_PX
from nnviz.draw.network_painter import NetworkPainter
from nnviz.draw.theme import DARK, LIGHT, NEGATIVE_COLOR, POSITIVE_COLOR
from nnviz.draw.thumbnails import weight_thumbnails


def pixel_centre(pa: NetworkPainter, index: int, size=(900, 600), zoom=1.0, pan=(0.0, 0.0)) -> tuple[float, float]:
    s, ox, oy = pa.transform(QRectF(0, 0, *size), zoom, pan)
    x, y = pa.layout_.positions[0][index]
    return ox + s * x, oy + s * y


# ----------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("shape", [(8, 8), (28, 28)])
def test_each_input_sits_at_the_centre_of_its_pixel_on_a_square_grid(shape):
    rows, cols = shape
    lay = geo.layout((rows * cols, 128, 64, 10), shape)
    assert lay.image_shape == shape
    grid = lay.positions[0].reshape(rows, cols, 2)  # input r·cols + c is pixel (r, c)
    cell = lay.cell
    assert cell == pytest.approx(geo.IMAGE_SIDE / max(rows, cols))  # 8×8 and 28×28 are the same size
    np.testing.assert_allclose(np.diff(grid[:, :, 0], axis=1), cell)  # columns equally spaced
    np.testing.assert_allclose(np.diff(grid[:, :, 1], axis=0), cell)  # rows too: square pixels
    np.testing.assert_allclose(np.diff(grid[:, :, 0], axis=0), 0.0)
    x0, y0, x1, y1 = lay.image_rect
    assert (x1 - x0, y1 - y0) == pytest.approx((cols * cell, rows * cell))
    for r, c in ((0, 0), (rows - 1, cols - 1), (2, 5)):
        np.testing.assert_allclose(lay.positions[0][r * cols + c], [x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell])
    assert x1 == pytest.approx(0.0) and lay.column_x(1) == pytest.approx(geo.LAYER_GAP)  # a layer gap to the hidden
    assert (y0 + y1) / 2 == pytest.approx(0.0)
    bx0, by0, bx1, _ = lay.bounds
    assert bx0 <= x0 and by0 <= y0 and bx1 > x1


def test_a_point_anywhere_in_a_pixel_hits_that_input():
    lay = geo.layout((784, 16, 10), (28, 28))
    x0, y0, _, _ = lay.image_rect
    cell = lay.cell
    for r, c in ((0, 0), (13, 20), (27, 27)):
        for fx, fy in ((0.5, 0.5), (0.05, 0.05), (0.95, 0.1), (0.9, 0.95)):  # centre and near every corner
            assert geo.node_at(lay, x0 + (c + fx) * cell, y0 + (r + fy) * cell) == (0, r * 28 + c)
    assert geo.node_at(lay, x0 - 0.2 * cell, y0 + 3.5 * cell) is None  # just left of the image


def test_edges_from_a_pixel_start_at_its_centre():
    lay = geo.layout((64, 3, 10), (8, 8))
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(3, 64)), rng.normal(size=(10, 3))]
    es = geo.edges(lay, w)
    first = es.layer == 0
    np.testing.assert_allclose(es.segments[first, :2], lay.positions[0][es.col[first]])
    np.testing.assert_allclose(es.segments[first, 2:], lay.positions[1][es.row[first]] - [lay.radius[1], 0.0])
    later = ~first  # the other layers as before: from the source node's right edge
    np.testing.assert_allclose(es.segments[later, 0], lay.positions[1][es.col[later], 0] + lay.radius[1])


@pytest.mark.parametrize("hidden", [4, 16, 32, 128])
def test_the_first_layers_weight_images_are_big_and_never_overlap(hidden):
    lay = geo.layout((64, hidden, 10), (8, 8))
    pos, r = lay.positions[1], lay.radius[1]
    plain = geo.layout((64, hidden, 10)).radius[1]
    assert r >= plain and r >= 1.8 * plain or r == geo.NODE_RADIUS  # about twice as wide as plain nodes
    dx = np.abs(pos[:, None, 0] - pos[None, :, 0])
    dy = np.abs(pos[:, None, 1] - pos[None, :, 1])
    apart = (dx >= 2 * r) | (dy >= 2 * r)  # the squares of side 2r do not overlap
    np.fill_diagonal(apart, True)
    assert apart.all()


def test_an_image_shape_that_is_not_the_inputs_is_refused():
    with pytest.raises(ValueError, match="8×8"):
        geo.layout((63, 4, 10), (8, 8))
    pa = NetworkPainter()
    with pytest.raises(ValueError):
        pa.set_architecture((64, 4, 10), ("relu", "softmax"), pixel_names(8, 8), (8, 8), DIGITS[:9])
    assert pa.layers == (2, 1)  # nothing changed
    pa.set_input_image(None)  # not image data: None is fine, an image is not
    with pytest.raises(ValueError):
        pa.set_input_image(np.zeros((8, 8)))
    pa.set_architecture((64, 4, 10), ("relu", "softmax"), pixel_names(8, 8), (8, 8), DIGITS)
    with pytest.raises(ValueError, match="8×8"):
        pa.set_input_image(np.zeros((4, 16)))


# ----------------------------------------------------------------------------- the canvas


def show_digits_net(canvas, weights0=None):
    net = network((64, 3, 10))
    if weights0 is not None:
        net.weights[0][...] = weights0
    canvas.set_architecture(net.layers, net.activation_names, pixel_names(8, 8), (8, 8), DIGITS)
    canvas.set_weights(net.weights, net.biases)
    return net


def test_hovering_a_pixel_tells_its_input(canvas):
    show_digits_net(canvas)
    s = canvas.scale_offset()[0]
    cell = canvas.layout_.cell * s
    for r, c in ((0, 0), (3, 6), (7, 7)):
        cx, cy = canvas.to_widget(*canvas.layout_.positions[0][r * 8 + c])
        hit = canvas.hit(float(cx) + 0.4 * cell, float(cy) - 0.4 * cell)  # near the cell's corner
        assert hit == ("node", 0, r * 8 + c)
        assert canvas.tooltip_text(hit).startswith(f"input px{r}_{c}")


def test_clicking_the_edge_from_a_pixel_gives_its_weight(canvas, qtbot):
    """The chain-rule instrument starts from a click (or right-click) on a pixel's edge."""
    w0 = np.zeros((3, 64))
    w0[0, 7] = 2.0  # pixel (0, 7) → neuron 1
    w0[2, 63] = -1.5  # pixel (7, 7) → neuron 3
    show_digits_net(canvas, w0)
    x_right = canvas.to_widget(canvas.layout_.image_rect[2], 0.0)[0]
    for row, col in ((0, 7), (2, 63)):  # right-column pixels: their edges leave the image apart
        k = int(np.flatnonzero((canvas.edge_set.layer == 0) & (canvas.edge_set.row == row)
                               & (canvas.edge_set.col == col))[0])
        x0, y0, x1, y1 = canvas.edge_set.segments[k]
        np.testing.assert_allclose((x0, y0), canvas.layout_.positions[0][col])  # starts at the pixel's centre
        px0, py0 = canvas.to_widget(x0, y0)
        px1, py1 = canvas.to_widget(x1, y1)
        t = (x_right + 25.0 - px0) / (px1 - px0)  # 25 px right of the image, on the edge
        point = QPoint(round(float(px0 + t * (px1 - px0))), round(float(py0 + t * (py1 - py0))))
        assert canvas.hit(point.x(), point.y()) == ("edge", k)
        with qtbot.waitSignal(canvas.weightClicked, timeout=1000) as blocker:
            qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
        assert blocker.args == [0, row, col]
        assert f"from node {col + 1} to node {row + 1}" in canvas.tooltip_text(("edge", k))


def test_a_highlighted_pixel_and_its_edge_paint(canvas):
    show_digits_net(canvas)
    canvas.set_highlight(nodes=[(0, 19)], edges=[(0, 1, 19)], layers=[0])
    canvas.grab()


# ----------------------------------------------------------------------------- input image


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_the_input_block_shows_the_set_image_in_grey(theme):
    pa = image_painter(phase="forward", theme=theme)
    pixels = np.zeros((8, 8))
    pixels[2, 3] = 1.0
    pixels[6, 1] = 0.5
    pa.set_input_image(pixels)
    image = render(pa)
    ink, paper = rgb_of(theme.text), rgb_of(theme.background)
    np.testing.assert_allclose(at(image, *pixel_centre(pa, 2 * 8 + 3)), ink, atol=2)
    np.testing.assert_allclose(at(image, *pixel_centre(pa, 5 * 8 + 5)), paper, atol=2)
    np.testing.assert_allclose(at(image, *pixel_centre(pa, 6 * 8 + 1)), (ink + paper) / 2, atol=2)
    if theme is LIGHT:  # dark ink on a light ground
        assert max(at(image, *pixel_centre(pa, 19))) < 60 and min(at(image, *pixel_centre(pa, 45))) > 240
    else:
        assert min(at(image, *pixel_centre(pa, 19))) > 200 and max(at(image, *pixel_centre(pa, 45))) < 50


def test_without_an_image_the_block_is_an_empty_grid_over_the_edges():
    pa = image_painter()
    strong = np.zeros((32, 64))
    strong[:, 27] = 3.0  # every edge leaves pixel (3, 3): they would cross the block's right half
    pa.set_weights([strong, pa.weights[1]], pa.biases)
    image = render(pa)
    background = rgb_of(LIGHT.background)
    for index in (3 * 8 + 3, 3 * 8 + 6, 0):  # at the pixel the edges leave, and on their way out
        np.testing.assert_allclose(at(image, *pixel_centre(pa, index)), background, atol=1)


def test_the_empty_block_carries_the_hint_until_an_image_is_shown():
    pa = image_painter(layers=(784, 32, 10), shape=(28, 28))
    s, ox, oy = pa.transform(QRectF(0, 0, 900, 600))
    x0, y0, x1, y1 = pa.layout_.image_rect

    def muted_in_block(image) -> int:  # how many sampled points of the block's inside are in the hint's colour
        xs = range(int(ox + s * x0) + 3, int(ox + s * x1) - 3, 2)
        ys = range(int(oy + s * y0) + 3, int(oy + s * y1) - 3, 2)
        muted = rgb_of(LIGHT.muted)
        return sum(int(np.abs(np.subtract(at(image, x, y), muted)).max() < 40) for x in xs for y in ys)

    assert muted_in_block(render(pa)) == 0  # no hint given (export): the plain grid
    pa.input_hint = "Step (→) traces an image through the network"  # as NetworkCanvas.set_input_hint
    assert muted_in_block(render(pa)) > 20
    pa.set_input_image(np.zeros((28, 28)))
    assert muted_in_block(render(pa)) == 0  # an image shown: no hint over it


def test_titles_and_names_of_an_image_input():
    pa = image_painter(layers=(784, 128, 64, 10), shape=(28, 28))
    boxes = pa.text_boxes(QRectF(0, 0, 900, 600))
    titles = [b.text.replace("\n", " ") for b in boxes if b.kind == "title"]
    assert titles[0] == "Input · 28×28 pixels"
    assert not [b for b in boxes if b.kind == "input"]  # no 784 names, one title


# ----------------------------------------------------------------------------- weight images


def test_weight_images_are_the_weight_rows_reshaped_in_diverging_colours():
    w = np.zeros((2, 64))
    w[0].reshape(8, 8)[:, :4] = 0.5  # neuron 1: +m on the left half, −m on the right
    w[0].reshape(8, 8)[:, 4:] = -0.5
    w[1, 9] = 0.25  # neuron 2: half the shared scale at pixel (1, 1), 0 elsewhere
    first, second = weight_thumbnails(w, (8, 8))
    assert (first.width(), first.height()) == (8, 8)

    def rgb(image, x, y):
        c = image.pixelColor(x, y)
        return c.red(), c.green(), c.blue()

    assert all(rgb(first, c, r) == tuple(rgb_of(POSITIVE_COLOR)) for r in range(8) for c in range(4))
    assert all(rgb(first, c, r) == tuple(rgb_of(NEGATIVE_COLOR)) for r in range(8) for c in range(4, 8))
    assert rgb(second, 0, 0) == (255, 255, 255)  # 0 is white
    half = (255 + rgb_of(POSITIVE_COLOR)) / 2  # the shared m = 0.5: 0.25 is half-way to blue
    np.testing.assert_allclose(rgb(second, 1, 1), half, atol=1)


def test_a_neurons_node_shows_its_weights_sign_by_half():
    pa = image_painter(layers=(64, 4, 10))
    w = pa.weights[0].copy()
    m = float(np.abs(w).max())
    w[0].reshape(8, 8)[:, :4] = m
    w[0].reshape(8, 8)[:, 4:] = -m
    pa.set_weights([w, pa.weights[1]], pa.biases)
    image = render(pa)
    s, ox, oy = pa.transform(QRectF(0, 0, 900, 600))
    (x, y), r = pa.layout_.positions[1][0], pa.layout_.radius[1] * s
    cx, cy = ox + s * x, oy + s * y
    assert 2 * r >= TILE_MIN_PX
    for fy in (-0.5, 0.0, 0.3):  # a few rows, away from the bias mark at the lower left
        red, _, blue = at(image, cx - 0.4 * r, cy + fy * r)
        assert blue > red + 100, (red, blue)  # left half: w = +m, blue
        red, _, blue = at(image, cx + 0.5 * r, cy + fy * r)
        assert red > blue + 100, (red, blue)  # right half: w = −m, orange


def test_small_nodes_get_their_weight_image_only_when_zoomed_in():
    pa = image_painter(layers=(784, 128, 64, 10), shape=(28, 28))
    w = np.zeros((128, 784))
    w[6] = 1.0  # neuron 7 all blue; its neighbours white
    pa.set_weights([w, *pa.weights[1:]], pa.biases)
    size, zoom = (900, 600), 5.0
    s1 = pa.transform(QRectF(0, 0, *size))[0]
    assert 2 * pa.layout_.radius[1] * s1 < TILE_MIN_PX  # too small at zoom 1 …
    (x, y) = pa.layout_.positions[1][6]
    s, ox, oy = pa.transform(QRectF(0, 0, *size), zoom)
    pan = (size[0] / 2 - (ox + s * x), size[1] / 2 - (oy + s * y))  # … the node in the middle, zoomed in
    assert 2 * pa.layout_.radius[1] * s >= TILE_MIN_PX
    red, _, blue = at(render(pa, size, zoom, pan), size[0] / 2, size[1] / 2)
    assert blue > red + 100
    s, ox, oy = pa.transform(QRectF(0, 0, *size))
    red, _, blue = at(render(pa, size), ox + s * x, oy + s * y)
    assert abs(blue - red) < 40  # a plain grey node, no weight image
