"""Where the plots put things: legends outside the data, the decision boundary filling its
axes at the data's aspect and drawn smooth, axes that fit what is shown (an empty or
restarted loss history included), and a minimum size for each plot. Rendered plots,
checked as scene geometry and pixels."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6 import QtCore  # noqa: E402

from nnviz.draw.plots import ActivationPlot, BoundaryPlot, LossPlot  # noqa: E402
from nnviz.draw.plots.data_line import DataLinePlot  # noqa: E402


def show(qtbot, widget, size=(500, 350)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(3):
        QtCore.QCoreApplication.processEvents()
    return widget


def scene_rect(item) -> QtCore.QRectF:
    return item.mapRectToScene(item.boundingRect())


def drawn_rect(item, vb) -> QtCore.QRectF:
    """Where a data item is drawn: its scene bounding box, clipped to the view box."""
    return scene_rect(item).intersected(scene_rect(vb))


def assert_legend_clear(legend, vb, items):
    assert legend.isVisible() and legend.items
    box = scene_rect(legend)
    assert not box.intersects(scene_rect(vb)), (box, scene_rect(vb))  # outside the data area altogether
    for item in items:
        drawn = drawn_rect(item, vb)
        assert drawn.isEmpty() or not box.intersects(drawn), (box, drawn)


def blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.normal(size=(n, 2)) * 2.5
    return xy, (xy[:, 0] + xy[:, 1] > 0).astype(float)


@pytest.mark.parametrize("size", [(500, 350), (420, 230), (300, 420)])
def test_legends_never_cover_data(qtbot, size):
    loss = show(qtbot, LossPlot(), size)
    epochs = np.linspace(0, 20, 200)
    loss.set_history(epochs, 1 / (1 + epochs), 1.1 / (1 + epochs), 100 - 50 / (1 + epochs), 98 - 50 / (1 + epochs))
    QtCore.QCoreApplication.processEvents()
    assert_legend_clear(loss._legend, loss.loss_plot.vb, loss.curves()[:2])

    activation = show(qtbot, ActivationPlot(), size)
    activation.set_activation("tanh", "hidden layer 1 (tanh)")
    activation.set_z_values(np.random.default_rng(1).normal(size=500))
    QtCore.QCoreApplication.processEvents()
    assert_legend_clear(activation._legend, activation.plot.vb,
                        (activation.f_curve, activation.df_curve, activation.hist_curve))

    boundary = show(qtbot, BoundaryPlot(), size)
    xy, labels = blobs()
    boundary.set_extent(-8.0, 8.0, -8.0, 8.0)
    boundary.set_points(xy, labels, xy[:40] + 0.3, labels[:40])
    boundary.set_marker(xy[3], "◯ sample 4 of 10: target 1, loss 0.21")
    QtCore.QCoreApplication.processEvents()
    assert_legend_clear(boundary.legend(), boundary.plot.vb, boundary.point_items())
    note = boundary.plot.nnviz_note
    assert note.isVisible() and not scene_rect(note).intersects(scene_rect(boundary.plot.vb))

    line = show(qtbot, DataLinePlot(), size)
    x = np.linspace(-3, 3, 50)
    line.set_points(x, (x > 0).astype(float), x[:10] + 0.05, (x[:10] > 0).astype(float))
    line.set_x_range(-3.3, 3.3)
    line.set_prediction(np.linspace(-3.3, 3.3, 100), 1 / (1 + np.exp(-np.linspace(-3.3, 3.3, 100)))[:, None])
    QtCore.QCoreApplication.processEvents()
    assert_legend_clear(line.legend(), line.plot.vb, (*line.point_items(), *line._curves))


@pytest.mark.parametrize("size", [(600, 250), (300, 500), (400, 400)])
def test_the_boundary_fills_its_axes_at_the_datas_aspect(qtbot, size):
    plot = show(qtbot, BoundaryPlot(), size)
    extent = (-5.0, 5.0, -3.0, 4.0)  # ±5 data: the axes show exactly that, never ±20
    plot.set_extent(*extent)
    plot.set_field(np.random.default_rng(0).random((64, 64)))
    QtCore.QCoreApplication.processEvents()
    (x0, x1), (y0, y1) = plot.plot.viewRange()
    assert (x0, x1, y0, y1) == pytest.approx(extent, abs=1e-6)
    image = plot.field_image()
    rect = image.mapRectToParent(image.boundingRect())
    assert rect.getRect() == pytest.approx((x0, y0, x1 - x0, y1 - y0), abs=1e-9)  # the field covers the view
    vb = plot.plot.vb
    assert vb.width() / vb.height() == pytest.approx(10.0 / 7.0, rel=0.02)  # 1:1 in data units
    assert vb.width() > 0.6 * min(size) - 80  # letterboxed, not shrunk to a thumbnail


def test_a_very_flat_extent_keeps_a_readable_box(qtbot):
    plot = show(qtbot, BoundaryPlot(), (500, 350))
    plot.set_extent(80.0, 140.0, 0.0, 10.0)  # IQ against hours: 6 to 1
    QtCore.QCoreApplication.processEvents()
    assert plot.plot.vb.width() / plot.plot.vb.height() == pytest.approx(2.0, rel=0.02)
    assert plot.plot.viewRange() == [pytest.approx([80.0, 140.0]), pytest.approx([0.0, 10.0])]


def test_the_boundary_is_drawn_smooth(qtbot):
    """An 8-cell ramp drawn cell by cell has 8 colours along a row; interpolated, dozens."""
    plot = show(qtbot, BoundaryPlot(), (500, 500))
    plot.set_extent(0.0, 1.0, 0.0, 1.0)
    plot.set_field(np.tile(np.linspace(0.0, 1.0, 8), (8, 1)))
    QtCore.QCoreApplication.processEvents()
    image = plot.grab().toImage()
    vb = scene_rect(plot.plot.vb)
    view = plot.plot.getViewWidget()
    row = view.viewport().mapTo(plot, view.mapFromScene(vb.center())).y()
    left = view.viewport().mapTo(plot, view.mapFromScene(vb.topLeft())).x()
    right = view.viewport().mapTo(plot, view.mapFromScene(vb.topRight())).x()
    colours = {image.pixelColor(x, row).rgb() for x in range(left + 4, right - 4)}
    assert len(colours) > 40


def test_an_empty_or_restarted_loss_history_shows_a_small_epoch_range(qtbot):
    plot = show(qtbot, LossPlot())
    (x0, x1), (y0, y1) = plot.loss_plot.viewRange()
    assert (x0, x1) == pytest.approx((0.0, 1.0), abs=0.05) and y0 < y1
    long = np.arange(0.0, 500.0)
    plot.set_history(long, 1 / (1 + long), None, None, None)
    QtCore.QCoreApplication.processEvents()
    assert plot.loss_plot.viewRange()[0][1] >= 499
    plot.set_history(np.array([0.0]), np.array([0.69]), None, None, None)  # after Reset: one row
    QtCore.QCoreApplication.processEvents()
    (x0, x1), (y0, y1) = plot.loss_plot.viewRange()
    assert (x0, x1) == pytest.approx((0.0, 1.0), abs=0.05)  # not epoch −250 … 250
    assert y0 < 0.69 < y1 and y1 - y0 < 0.2
    plot.set_history(np.linspace(0, 3, 31), np.linspace(0.7, 0.3, 31), None, None, None)
    QtCore.QCoreApplication.processEvents()
    (x0, x1), (y0, y1) = plot.loss_plot.viewRange()
    assert x0 == pytest.approx(0.0, abs=0.1) and x1 == pytest.approx(3.0, abs=0.1)
    assert y0 == pytest.approx(0.3, abs=0.05) and y1 == pytest.approx(0.7, abs=0.05)
    plot.set_log_scale(True)
    plot.set_history(np.array([0.0]), np.array([0.1]), None, None, None)
    assert plot.loss_plot.viewRange()[1][0] < -1.0 < plot.loss_plot.viewRange()[1][1]  # log10 0.1 = −1


def test_every_plot_asks_for_a_readable_minimum_size(qtbot):
    for plot in (LossPlot(), ActivationPlot(), BoundaryPlot(), DataLinePlot()):
        qtbot.addWidget(plot)
        hint = plot.minimumSizeHint()
        assert hint.width() >= 120 and hint.height() >= 90, type(plot).__name__


def test_the_loss_plots_header_follows_presentation_scale(qtbot):
    from nnviz.draw.theme import DARK

    plot = show(qtbot, LossPlot())
    plot.set_theme(DARK)  # its style sheet would stop the window's font from reaching the header
    base = plot.title_label.font().pointSizeF(), plot.log_checkbox.font().pointSizeF()
    plot.set_font_scale(1.5)
    assert plot.title_label.font().pointSizeF() == pytest.approx(1.5 * base[0])
    assert plot.log_checkbox.font().pointSizeF() == pytest.approx(1.5 * base[1])
    assert plot.title_label.font().bold()
    wide = plot.title_label.sizeHint().width()
    plot.set_font_scale(1.0)
    assert plot.title_label.font().pointSizeF() == pytest.approx(base[0]) and plot.title_label.sizeHint().width() < wide


@pytest.mark.parametrize("width", [480, 300, 230])
def test_the_loss_header_title_and_switch_never_touch(qtbot, width):
    plot = show(qtbot, LossPlot(), size=(width, 300))
    epochs = np.linspace(0, 2, 21)
    plot.set_history(epochs, np.linspace(0.7, 0.3, 21), None, np.linspace(0.5, 0.9, 21), None)  # with accuracy
    plot.set_font_scale(1.6)
    QtCore.QCoreApplication.processEvents()
    title, box = plot.title_label, plot.log_checkbox
    used = title.fontMetrics().horizontalAdvance(title.text())
    assert title.text() in ("Loss and accuracy", "Loss, accuracy", "Loss")
    assert title.geometry().left() + used < box.geometry().left()
    if width >= 480:
        assert (title.text(), box.text()) == ("Loss and accuracy", "Log scale")
    else:
        assert title.text() != "Loss and accuracy" or box.text() == "Log"
