"""What the image-canvas tests share: a digit network shown on a NetworkPainter (8×8 or
28×28 inputs, classes "0" … "9", optionally in a phase of a batch of random images), the
painter rendered into a QImage, and the canvas's paint-error check."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from nnviz.app.stepping import PhaseView, sample_losses
from nnviz.draw.network_painter import NetworkPainter
from nnviz.draw.theme import LIGHT
from nnviz.engine.network import Network

DIGITS = tuple(str(k) for k in range(10))


@pytest.fixture(autouse=True)
def paint_errors(caplog):
    """paintEvent logs what it cannot paint instead of ending the process: here that fails."""
    yield
    errors = [r.getMessage() for r in caplog.records if r.name == "nnviz.draw.canvas" and r.levelname == "ERROR"]
    assert not errors, errors


def pixel_names(rows: int, cols: int) -> tuple[str, ...]:
    return tuple(f"px{r}_{c}" for r in range(rows) for c in range(cols))


def network(layers, seed=0) -> Network:
    net = Network(list(layers), ["relu"] * (len(layers) - 2) + ["softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(seed))
    return net


def phase_of(net: Network, name="forward", sample=1) -> PhaseView:
    """A phase of a batch of 4 random images (intensities in [0, 1]), showing ``sample``."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 1.0, (4, net.layers[0]))
    y = np.eye(10)[[3, 1, 4, 1]]
    trace = net.trace(x, y)
    return PhaseView(name, trace, sample, net.params.copy(), net.params.copy(), sample_losses(net, trace))


def image_painter(layers=(64, 32, 10), shape=(8, 8), phase=None, scale=1.0, theme=LIGHT) -> NetworkPainter:
    net = network(layers)
    pa = NetworkPainter()
    pa.set_font_scale(scale)
    pa.set_theme(theme)
    pa.set_architecture(net.layers, net.activation_names, pixel_names(*shape), shape, DIGITS)
    pa.set_weights(net.weights, net.biases)
    if phase is not None:
        view = phase_of(net, phase)
        pa.set_phase(view, 1.0)
        pa.set_input_image(view.trace.x[view.shown].reshape(shape))
    return pa


def render(pa: NetworkPainter, size=(900, 600), zoom=1.0, pan=(0.0, 0.0)) -> QImage:
    image = QImage(*size, QImage.Format.Format_ARGB32)
    p = QPainter(image)
    pa.paint(p, QRectF(0, 0, *size), zoom, pan)
    p.end()
    return image


def at(image: QImage, px: float, py: float) -> tuple[int, int, int]:
    c = image.pixelColor(int(px), int(py))
    return c.red(), c.green(), c.blue()
