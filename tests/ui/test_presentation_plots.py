"""At 1280×720 with presentation scale (Ctrl+P) the data plot and the loss plot keep their
text whole: the ringed sample's note takes one line (the longest of its forms that fits:
it used to wrap to three and squash the decision boundary to a thumbnail), and the
accuracy axis's label fits along its axis (measured with its font; "acc. (%)" was cut off)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication

from nnviz.draw.plots.axis_label import label_length


def presented(make_window, qtbot, size):
    window = make_window()
    if window.first_start is not None:
        window.first_start.dismiss()
    window.resize(*size)
    window.actions_["presentation"].setChecked(True)
    controls = window.controls
    controls.granularity.setCurrentIndex(controls.granularity.findData("phase"))
    window.controller.step()  # the forward pass of a batch: sample 1 of 10 is ringed
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)
    return window


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_the_sample_note_takes_one_line_and_the_boundary_keeps_its_size(make_window, qtbot, size):
    window = presented(make_window, qtbot, size)
    plot = window.boundary_plot
    point, text = plot.marker()
    assert point is not None and text.startswith("◯ ")
    note = plot.plot.nnviz_note
    assert note.item.textWidth() < 0 and note.item.document().lineCount() == 1, text  # not wrapped
    if size == (1920, 1080):
        assert text.startswith("◯ sample 1 of 10: target"), text  # room for the whole sentence
    else:
        assert "L=" in text or "loss" in text, text  # the loss still said, in a shorter form
    vb = plot.plot.vb
    assert min(vb.width(), vb.height()) >= 90, (vb.width(), vb.height())  # was 74 × 71 at 720p


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1920, 1080)], ids=["720p", "768p", "1080p"])
def test_the_accuracy_axis_label_fits_along_its_axis(make_window, qtbot, size):
    window = presented(make_window, qtbot, size)
    axis = window.loss_plot.acc_plot.getAxis("left")
    assert window.loss_plot.acc_plot.isVisible()
    assert label_length(axis, axis.labelText, axis.labelUnits or None) <= axis.height(), (
        axis.labelText, axis.labelUnits, axis.height())
    if size == (1920, 1080):
        assert axis.labelText.startswith("acc.")
