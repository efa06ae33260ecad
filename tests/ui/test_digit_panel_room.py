"""Room for the digit panel at projector sizes (issue 13): with image data, presentation scale
(Ctrl+P) and a dock open, at 1280×720 and 1920×1080, the digit panel gets at least its own
minimum size at the window's font (the plot column scrolls rather than squeeze it to the
180 × 120 px floor every plot has), it is on screen, and each of its views is whole: the
weights grid, the confusion matrix with class labels that fit their cells, the mistakes
with whole captions. The docks and the canvas keep the room they had."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from nnviz.engine.trainer import TrainConfig

CASES = [((1280, 720), True), ((1920, 1080), True), ((1280, 720), False)]


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


def digits_window(make_window, qtbot, size, presentation: bool):
    """The window on the 8×8 digits (an untrained 64-16-10 misreads plenty), Ctrl+P as asked,
    the drawing pad (Ctrl+7) open."""
    window = make_window()
    if window.first_start is not None:
        window.first_start.dismiss()
    window.resize(*size)
    c = window.controller
    c.set_problem(replace(c.problem, dataset="digits", hidden=(16,), activation="relu",
                          train=TrainConfig(learning_rate=0.1, batch_size=32)))
    window.actions_["presentation"].setChecked(presentation)
    window.docks.show_panel("drawing_pad")
    qtbot.waitUntil(lambda: window.digit_panel.isVisible())
    settle(qtbot)
    return window


def on_screen(widget, column) -> bool:
    """``widget`` lies wholly inside the plot column's viewport (not cut, not scrolled away)."""
    viewport = column.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


@pytest.mark.parametrize("size, presentation", CASES, ids=["1280x720-P", "1920x1080-P", "1280x720"])
def test_every_digit_view_is_whole_with_a_dock_open(make_window, qtbot, size, presentation):
    window = digits_window(make_window, qtbot, size, presentation)
    panel, dock = window.digit_panel, window.docks.docks["drawing_pad"]
    assert window.size().toTuple() == size  # the window did not grow to make room
    least = panel.minimumSizeHint()
    assert panel.width() >= least.width() and panel.height() >= least.height(), (panel.size(), least)
    assert on_screen(panel, window.plots_column)
    assert dock.isVisible() and dock.height() >= 120  # the dock keeps a usable share
    canvas = window.canvas
    assert canvas.width() >= canvas.minimumWidth() and canvas.height() >= canvas.minimumHeight()

    panel.set_view("weights")
    grid = panel.weight_grid
    grid.grab()
    cells = grid.cell_rects()
    assert len(cells) == 16 and all(QRectF(grid.rect()).contains(cell) for cell in cells)

    panel.set_view("confusion")
    confusion = panel.confusion_view
    confusion.grab()
    assert confusion.matrix is not None
    side = confusion.cell_rect(0, 0).width()
    labels = QFontMetricsF(confusion.label_font)
    assert labels.height() <= side + 0.5 and labels.horizontalAdvance("9") <= side  # labels never overlap
    assert QRectF(confusion.rect()).contains(confusion.cell_rect(9, 9))

    panel.set_view("mistakes")
    gallery = panel.mistake_gallery
    gallery.grab()
    captions = gallery.captions()
    assert len(captions) >= 4  # at least a row of images
    metrics = QFontMetricsF(gallery.caption_font())
    room = QRectF(gallery.rect())
    for index, (box, text) in captions.items():
        image = gallery.image_rects()[index]
        assert room.contains(image) and room.contains(box), (text, image, box, room)
        assert metrics.horizontalAdvance(text) <= box.width() and metrics.height() <= box.height() + 0.5, text
    boxes = [box for box, _ in captions.values()]
    assert not any(a.intersects(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])  # captions never touch
