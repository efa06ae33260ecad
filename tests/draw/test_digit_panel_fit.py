"""The digit panel's views when room is short (issue 13: a 1280×720 projector with
presentation scale and a dock open): the gallery's images shrink so a row and its captions
fit, captions never run into each other, the confusion matrix's class labels shrink to fit
their cells, and at the panel's minimum size every view is whole, at 1× and 1.5× fonts."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from nnviz.app.digit_results import DigitResults
from nnviz.draw.plots.digit_panel import DigitPanel
from nnviz.draw.plots.mistake_gallery import MistakeGallery
from nnviz.engine.datasets import make_dataset
from nnviz.engine.network import Network

PRESENTATION = 1.5  # ui.main_window's PRESENTATION_SCALE: the window's font × 1.5


@pytest.fixture(scope="module")
def digits():
    return make_dataset("digits", test_fraction=0.5, seed=1, standardize=True)


@pytest.fixture(scope="module")
def network():
    """An untrained 64-16-10: it misreads most test images, a gallery of many pages."""
    net = Network([64, 16, 10], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    return net


def enlarged(widget, scale: float) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)


def gallery_of(qtbot, digits, network, size, scale: float) -> MistakeGallery:
    results = DigitResults()
    results.set_dataset(digits)
    results.set_network(network)
    gallery = MistakeGallery(lambda part: (results.results(part), None))
    qtbot.addWidget(gallery)
    enlarged(gallery, scale)
    gallery.set_dataset(digits, "test")
    gallery.resize(*size)
    gallery.grab()
    return gallery


def assert_whole_captions(gallery) -> None:
    """Every image and its caption inside the widget, each caption's text inside its own box,
    no two boxes overlapping."""
    captions = gallery.captions()
    assert captions
    room, metrics = QRectF(gallery.rect()), QFontMetricsF(gallery.caption_font())
    for index, (box, text) in captions.items():
        assert room.contains(gallery.image_rects()[index]) and room.contains(box), (text, box, room)
        assert metrics.horizontalAdvance(text) <= box.width() and metrics.height() <= box.height() + 0.5, text
    boxes = [box for box, _ in captions.values()]
    assert not any(a.intersects(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])


def test_a_short_gallery_shrinks_its_images_so_a_row_and_its_captions_fit(qtbot, digits, network):
    gallery = gallery_of(qtbot, digits, network, (300, 120), PRESENTATION)
    side = gallery.image_rects()[next(iter(gallery.image_rects()))].width()
    assert side % 8 == 0 and side < 64  # less than its 8× at this font, still whole pixel blocks
    assert_whole_captions(gallery)


def test_captions_wider_than_their_images_space_the_images_apart(qtbot, digits, network):
    gallery = gallery_of(qtbot, digits, network, (300, 100), PRESENTATION)  # room for 2× images only
    rects = list(gallery.image_rects().values())
    caption_w = QFontMetricsF(gallery.caption_font()).horizontalAdvance("8 → 8")
    assert rects[0].width() < caption_w  # the images are narrower than their captions
    assert rects[1].left() - rects[0].left() > caption_w  # so they stand further apart
    assert_whole_captions(gallery)


@pytest.mark.parametrize("scale", [1.0, PRESENTATION], ids=["normal", "presentation"])
def test_at_the_panels_minimum_size_every_view_is_whole(qtbot, digits, network, scale):
    panel = DigitPanel()
    qtbot.addWidget(panel)
    enlarged(panel, scale)
    panel.set_dataset(digits)
    panel.set_network(network)
    least = panel.minimumSizeHint()
    panel.resize(least)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.size() == least
    panel.set_view("confusion")
    confusion = panel.confusion_view
    confusion.grab()
    side = confusion.cell_rect(0, 0).width()
    labels = QFontMetricsF(confusion.label_font)
    assert labels.height() <= side + 0.5 and labels.horizontalAdvance("9") <= side  # labels never overlap
    assert confusion.label_font.pointSizeF() < confusion.font().pointSizeF()  # shrunk to fit, not cut
    assert QRectF(confusion.rect()).contains(confusion.cell_rect(9, 9))
    panel.set_view("mistakes")
    panel.mistake_gallery.grab()
    assert len(panel.mistake_gallery.captions()) >= 2  # a row of images at least
    assert_whole_captions(panel.mistake_gallery)
    panel.set_view("weights")
    grid = panel.weight_grid
    grid.grab()
    assert len(grid.cell_rects()) == 16 and all(QRectF(grid.rect()).contains(c) for c in grid.cell_rects())
