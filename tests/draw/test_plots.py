"""The three plot widgets: data in the pyqtgraph items, what is rendered, and the numbers
(saturated intervals, histogram) the activation plot derives."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6 import QtCore, QtGui  # noqa: E402

from nnviz.draw.plots import (  # noqa: E402
    HISTOGRAM_BINS,
    SATURATION_THRESHOLD,
    Z_POINTS,
    Z_RANGE,
    ActivationPlot,
    BoundaryPlot,
    LossPlot,
)
from nnviz.draw.theme import CLASS_COLORS, DARK, LIGHT  # noqa: E402

SIZE = (500, 350)
GRID_STEP = (Z_RANGE[1] - Z_RANGE[0]) / (Z_POINTS - 1)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(3):
        QtCore.QCoreApplication.processEvents()
    return widget


def legend_names(legend) -> list[str]:
    return [label.text for _, label in legend.items]


def plot_item_ids(plot) -> list[int]:
    return sorted(id(item) for item in plot.items)


# ----------------------------------------------------------------------------- LossPlot


def history(n=50):
    epochs = np.arange(1, n + 1, dtype=float)
    train_loss = 1.0 / epochs
    test_loss = 1.2 / epochs
    test_loss[7] = np.nan
    train_acc = 100.0 * (1.0 - 0.5 / epochs)
    test_acc = train_acc - 2.0
    return epochs, train_loss, test_loss, train_acc, test_acc


def test_loss_curves_hold_the_given_arrays(qtbot):
    plot = show(qtbot, LossPlot())
    epochs, *series = history()
    plot.set_history(epochs, *series)
    for curve, values in zip(plot.curves(), series):
        x, y = curve.getOriginalDataset()
        np.testing.assert_array_equal(x, epochs)
        np.testing.assert_array_equal(y, values)  # NaN compares equal here
        assert curve.isVisible()
    assert not plot._acc_widget.isHidden()
    assert legend_names(plot._legend) == ["train", "test"]


def test_curves_are_set_up_for_long_histories(qtbot):
    plot = show(qtbot, LossPlot())
    n = 100_000
    epochs = np.arange(n, dtype=float)
    loss = np.exp(-epochs / 20_000.0)
    plot.set_history(epochs, loss, loss * 1.1, None, None)
    QtCore.QCoreApplication.processEvents()
    curve = plot.train_loss_curve
    assert curve.opts["clipToView"] and curve.opts["autoDownsample"]
    assert curve.opts["downsampleMethod"] == "peak"
    assert len(curve.getOriginalDataset()[0]) == n
    shown_x, _ = curve.getData()  # what is drawn: ~5 samples per pixel of a 500 px widget
    assert len(shown_x) < n // 10


def test_clicking_log_scale_switches_the_loss_axis(qtbot):
    plot = show(qtbot, LossPlot())
    plot.set_history(*history())
    box = plot.log_checkbox
    assert box.text() == "Log scale"
    assert plot.loss_plot.getAxis("left").logMode is False

    with qtbot.waitSignal(plot.logScaleChanged) as signal:
        qtbot.mouseClick(box, QtCore.Qt.MouseButton.LeftButton)
    assert signal.args == [True]
    assert box.isChecked()
    assert plot.loss_plot.getAxis("left").logMode is True
    assert plot.train_loss_curve.opts["logMode"] == [False, True]
    assert plot.acc_plot.getAxis("left").logMode is False  # only the loss axis

    qtbot.mouseClick(box, QtCore.Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    assert plot.loss_plot.getAxis("left").logMode is False

    plot.set_log_scale(True)
    assert box.isChecked() and plot.loss_plot.getAxis("left").logMode is True


def test_none_hides_curves_and_the_accuracy_plot(qtbot):
    plot = show(qtbot, LossPlot())
    plot.set_history(*history())  # everything shown first, then a regression history
    epochs, train_loss, *_ = history()
    plot.set_history(epochs, train_loss, None, None, None)
    assert plot.train_loss_curve.isVisible()
    assert not plot.test_loss_curve.isVisible()
    assert not plot.train_acc_curve.isVisible() and not plot.test_acc_curve.isVisible()
    assert plot._acc_widget.isHidden()
    assert legend_names(plot._legend) == ["train"]
    assert plot.loss_plot.getAxis("bottom").labelText == "epoch"

    plot.set_history(*history())  # back to classification: everything shows again
    assert all(curve.isVisible() for curve in plot.curves())
    assert not plot._acc_widget.isHidden()
    assert legend_names(plot._legend) == ["train", "test"]


def test_clear_and_length_check(qtbot):
    plot = show(qtbot, LossPlot())
    items = plot_item_ids(plot.loss_plot), plot_item_ids(plot.acc_plot)
    plot.set_history(*history())
    plot.clear()
    assert all(not curve.isVisible() and curve.getOriginalDataset() == (None, None) for curve in plot.curves())
    assert (plot_item_ids(plot.loss_plot), plot_item_ids(plot.acc_plot)) == items  # nothing re-created
    with pytest.raises(ValueError, match="test_loss"):
        plot.set_history(np.arange(3.0), np.ones(3), np.ones(4))


# ----------------------------------------------------------------------------- BoundaryPlot

EXTENT = (-2.0, 4.0, -1.0, 3.0)  # not square, not centred: catches swapped or flipped axes


def pixel(widget, plot, x, y) -> QtGui.QColor:
    """The rendered colour of widget at data coordinates (x, y) of ``plot``."""
    view = plot.getViewWidget()
    scene_point = plot.vb.mapViewToScene(QtCore.QPointF(x, y))
    point = view.viewport().mapTo(widget, view.mapFromScene(scene_point))
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def is_blue(c: QtGui.QColor) -> bool:
    return c.blue() > c.red() + 60


def is_orange(c: QtGui.QColor) -> bool:
    return c.red() > c.blue() + 60 and c.green() > c.blue()


def quadrant_field(h=30, w=40):
    """1 in the bottom-right quadrant of EXTENT (x > 1, y < 1), 0 elsewhere; row 0 = y_min."""
    x0, x1, y0, y1 = EXTENT
    xs = x0 + (np.arange(w) + 0.5) * (x1 - x0) / w
    ys = y0 + (np.arange(h) + 0.5) * (y1 - y0) / h
    gx, gy = np.meshgrid(xs, ys)
    return ((gx > 1.0) & (gy < 1.0)).astype(float)


def test_field_renders_blue_for_one_and_orange_for_zero(qtbot):
    plot = show(qtbot, BoundaryPlot())
    plot.set_extent(*EXTENT)
    plot.set_field(quadrant_field())
    QtCore.QCoreApplication.processEvents()
    assert is_blue(pixel(plot, plot.plot, 3.0, 0.0))  # bottom right: ŷ = 1
    for x, y in [(3.0, 2.0), (-1.0, 0.0), (-1.0, 2.0)]:
        assert is_orange(pixel(plot, plot.plot, x, y)), (x, y)


def test_probability_half_is_white(qtbot):
    plot = show(qtbot, BoundaryPlot())
    plot.set_extent(*EXTENT)
    plot.set_field(np.full((8, 8), 0.5))
    QtCore.QCoreApplication.processEvents()
    c = pixel(plot, plot.plot, 1.0, 1.0)
    assert min(c.red(), c.green(), c.blue()) > 235


def test_image_rect_matches_the_extent(qtbot):
    plot = show(qtbot, BoundaryPlot())
    plot.set_extent(*EXTENT)
    plot.set_field(quadrant_field(30, 40))
    image = plot.field_image()

    def rect():
        return image.mapRectToParent(image.boundingRect()).getRect()

    np.testing.assert_allclose(rect(), (-2.0, -1.0, 6.0, 4.0))
    assert image.image.shape == (40, 30)  # column-major for pyqtgraph: (W, H)
    plot.set_field(quadrant_field(7, 9))  # another resolution: same rect
    np.testing.assert_allclose(rect(), (-2.0, -1.0, 6.0, 4.0))
    plot.set_extent(0.0, 1.0, 10.0, 12.0)  # a new extent moves the existing image
    np.testing.assert_allclose(rect(), (0.0, 10.0, 1.0, 2.0))
    assert plot.field_image() is image


def test_train_and_test_points_are_drawn_differently(qtbot):
    plot = show(qtbot, BoundaryPlot())
    items = plot_item_ids(plot.plot)
    train_xy = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    test_xy = np.array([[0.5, 2.0], [3.0, 1.0]])
    plot.set_points(train_xy, np.array([0, 1, 1]), test_xy, np.array([1, 0]), "binary", 2)
    train, test = plot.point_items()
    assert train is not test
    np.testing.assert_array_equal(np.column_stack(train.getData()), train_xy)
    np.testing.assert_array_equal(np.column_stack(test.getData()), test_xy)
    train_pen, test_pen = train.opts["pen"], test.opts["pen"]
    assert (train_pen.color().name(), train_pen.widthF()) != (test_pen.color().name(), test_pen.widthF())
    assert train_pen.color().lightness() < 80 and test_pen.color().lightness() > 200
    # Same fill colours per class: class 1 blue, class 0 orange, in both sets.
    train_fill = [QtGui.QBrush(b).color().name() for b in train.data["brush"]]
    test_fill = [QtGui.QBrush(b).color().name() for b in test.data["brush"]]
    assert train_fill == ["#f59322", "#0877bd", "#0877bd"]
    assert test_fill == ["#0877bd", "#f59322"]
    assert legend_names(plot._legend) == ["train", "test"]

    plot.show_test(False)
    assert not test.isVisible() and train.isVisible()
    assert legend_names(plot._legend) == ["train"]
    plot.show_test(True)
    assert test.isVisible() and legend_names(plot._legend) == ["train", "test"]
    assert plot_item_ids(plot.plot) == items  # points are set, never re-created


def test_multiclass_field_uses_the_argmax_class_colour(qtbot):
    plot = show(qtbot, BoundaryPlot())
    plot.set_extent(*EXTENT)
    plot.set_points(np.zeros((3, 2)), np.array([0, 1, 2]), None, None, "multiclass", 3)
    probs = np.zeros((4, 6, 3))
    probs[..., 0] = 1.0  # class 0 everywhere ...
    probs[0, 5] = (0.0, 0.0, 1.0)  # ... but class 2, certain, at row 0 (y_min), last column
    probs[3, 0] = (0.2, 0.2, 0.6)  # class 2, less sure, top left
    plot.set_field(probs)
    rgb = plot.field_image().image  # (W, H, 3)
    assert rgb.shape == (6, 4, 3)
    green = QtGui.QColor(CLASS_COLORS[2])
    sure, unsure, blue = rgb[5, 0].astype(int), rgb[0, 3].astype(int), rgb[2, 2].astype(int)
    assert sure[1] > sure[0] + 60 and sure[1] > sure[2] + 60  # green
    assert unsure[1] > unsure[0] and unsure.sum() > sure.sum()  # green, lighter
    assert blue[2] > blue[0] + 60
    assert green.green() > green.red()
    brushes = [QtGui.QBrush(b).color().name() for b in plot.point_items()[0].data["brush"]]
    assert brushes == list(CLASS_COLORS[:3])


def test_regression_colours_follow_the_target_range(qtbot):
    plot = show(qtbot, BoundaryPlot())
    plot.set_points(np.zeros((2, 2)), np.array([-3.0, 5.0]), None, None, "regression", 1)
    plot.set_field(np.array([[-3.0, 5.0]]))
    np.testing.assert_allclose(plot.field_image().levels, (-3.0, 5.0))
    fills = [QtGui.QBrush(b).color().name() for b in plot.point_items()[0].data["brush"]]
    assert fills == ["#f59322", "#0877bd"]


# ----------------------------------------------------------------------------- ActivationPlot


def sigmoid_saturation_bound() -> float:
    """z > 0 with σ′(z) = σ(1 − σ) = threshold, solved for σ: σ² − σ + t = 0."""
    s = (1.0 + np.sqrt(1.0 - 4.0 * SATURATION_THRESHOLD)) / 2.0
    return float(np.log(s / (1.0 - s)))


def test_sigmoid_saturates_on_both_sides(qtbot):
    plot = show(qtbot, ActivationPlot())
    plot.set_activation("sigmoid", "Hidden 1")
    bound = sigmoid_saturation_bound()  # ≈ 2.89 for 0.05
    (lo1, hi1), (lo2, hi2) = plot.saturated_intervals()
    assert (lo1, hi2) == Z_RANGE  # clipped to the plot range
    # The ends are interpolated between grid points, far closer than one grid step.
    assert hi1 == pytest.approx(-bound, abs=1e-3)
    assert lo2 == pytest.approx(bound, abs=1e-3)
    shown = [r.getRegion() for r in plot._regions if r.isVisible()]
    np.testing.assert_allclose(shown, plot.saturated_intervals())
    assert all(not r.movable for r in plot._regions)


def test_relu_saturates_below_zero_and_linear_never(qtbot):
    plot = show(qtbot, ActivationPlot())
    regions = list(plot._regions)
    items = plot_item_ids(plot.plot)
    plot.set_activation("relu", "ReLU")
    [(lo, hi)] = plot.saturated_intervals()
    assert lo == Z_RANGE[0] and hi == pytest.approx(0.0, abs=GRID_STEP)
    assert sum(r.isVisible() for r in plot._regions) == 1

    plot.set_activation("linear", "linear")
    assert plot.saturated_intervals() == []
    assert not any(r.isVisible() for r in plot._regions)
    assert plot._regions == regions and plot_item_ids(plot.plot) == items  # pooled, not re-created


def test_gelu_saturates_where_its_derivative_is_small_in_magnitude(qtbot):
    """GELU′ is negative (down to ≈ −0.13) for z < −0.75: saturated means |f′| < 0.05,
    so there are two intervals: the far left and a narrow band where f′ crosses 0."""
    from nnviz.engine.activations import ACTIVATIONS

    plot = show(qtbot, ActivationPlot())
    plot.set_activation("gelu", "GELU")
    (lo1, hi1), (lo2, hi2) = plot.saturated_intervals()
    d = ACTIVATIONS["gelu"].derivative
    assert lo1 == Z_RANGE[0] and -3.0 < hi1 < lo2 < hi2 < 0.0
    for end in (hi1, lo2, hi2):
        assert abs(d(np.array([end]))[0]) == pytest.approx(SATURATION_THRESHOLD, abs=1e-3)
    assert d(np.array([lo2]))[0] * d(np.array([hi2]))[0] < 0  # f′ changes sign inside
    assert d(np.array([(hi1 + lo2) / 2]))[0] < -SATURATION_THRESHOLD  # not saturated between
    assert sum(r.isVisible() for r in plot._regions) == 2


def test_curves_are_f_and_its_derivative(qtbot):
    plot = show(qtbot, ActivationPlot())
    plot.set_activation("tanh", "tanh")
    z, f = plot.f_curve.getOriginalDataset()
    _, df = plot.df_curve.getOriginalDataset()
    assert len(z) == Z_POINTS and (z[0], z[-1]) == Z_RANGE
    np.testing.assert_allclose(f, np.tanh(z))
    np.testing.assert_allclose(df, 1.0 - np.tanh(z) ** 2)
    assert plot.df_curve.opts["pen"].style() == QtCore.Qt.PenStyle.DashLine
    assert plot.f_curve.opts["pen"].style() == QtCore.Qt.PenStyle.SolidLine
    assert plot.f_curve.opts["pen"].color() != plot.df_curve.opts["pen"].color()


def test_softmax_is_shown_per_unit_as_sigmoid(qtbot):
    plot = show(qtbot, ActivationPlot())
    plot.set_activation("softmax", "Output")
    z, f = plot.f_curve.getOriginalDataset()
    _, df = plot.df_curve.getOriginalDataset()
    s = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(f, s)
    np.testing.assert_allclose(df, s * (1.0 - s))
    assert "σ" in plot.plot.titleLabel.text and "Output" in plot.plot.titleLabel.text


def test_histogram_counts_match_numpy_and_fill_the_edge_bins(qtbot):
    plot = show(qtbot, ActivationPlot())
    z = np.random.default_rng(3).normal(0.0, 4.0, 5000)  # plenty beyond ±6
    plot.set_z_values(z)
    counts = plot.histogram_counts()
    expected, edges = np.histogram(np.clip(z, *Z_RANGE), bins=HISTOGRAM_BINS, range=Z_RANGE)
    np.testing.assert_array_equal(counts, expected)
    np.testing.assert_allclose(plot.histogram_edges(), edges)
    assert counts.sum() == z.size
    assert counts[0] == np.count_nonzero(z < edges[1]) and counts[-1] == np.count_nonzero(z >= edges[-2])

    x, y = plot.hist_curve.getOriginalDataset()
    np.testing.assert_allclose(x, edges)
    base = plot.hist_curve.opts["fillLevel"]
    np.testing.assert_allclose((y - base) / (y - base).max(), counts / counts.max())
    assert plot.hist_curve.isVisible()
    assert "z over the data" in legend_names(plot._legend)

    plot.set_z_values(np.array([-100.0, 100.0, 0.1]))
    counts = plot.histogram_counts()
    assert counts[0] == 1 and counts[-1] == 1 and counts.sum() == 3


@pytest.mark.parametrize(
    ("z", "fraction"),
    [(np.array([-5.0, 5.0] * 10), 1.0), (np.zeros(10), 0.0), (np.array([-5.0, 0.0, 0.0, 5.0]), 0.5),
     (np.array([-50.0, 50.0]), 1.0)],
)
def test_saturated_fraction_for_sigmoid(qtbot, z, fraction):
    plot = show(qtbot, ActivationPlot())
    plot.set_activation("sigmoid", "sigmoid")
    plot.set_z_values(z)
    assert plot.saturated_fraction() == fraction
    assert plot.saturation_label.isVisible()
    assert plot.saturation_label.toPlainText() == f"{100 * fraction:.0f}% saturated"


def test_saturated_fraction_follows_the_activation(qtbot):
    plot = show(qtbot, ActivationPlot())
    assert np.isnan(plot.saturated_fraction()) and not plot.saturation_label.isVisible()
    plot.set_z_values(np.array([-1.0, -1.0, -1.0, 1.0]))
    plot.set_activation("relu", "relu")
    assert plot.saturated_fraction() == 0.75
    plot.set_activation("linear", "linear")
    assert plot.saturated_fraction() == 0.0


# ----------------------------------------------------------------------------- themes


@pytest.mark.parametrize("cls", [LossPlot, BoundaryPlot, ActivationPlot])
def test_set_theme_switches_the_background(qtbot, cls):
    widget = show(qtbot, cls())

    def corner():  # a pixel in the margin, outside any data
        return widget.grab().toImage().pixelColor(2, SIZE[1] - 3)

    assert corner().lightness() > 240
    widget.set_theme(DARK)
    QtCore.QCoreApplication.processEvents()
    assert corner().name() == "#1e1f22"
    widget.set_theme(LIGHT)
    QtCore.QCoreApplication.processEvents()
    assert corner().name() == "#ffffff"


@pytest.mark.parametrize("cls", [LossPlot, BoundaryPlot, ActivationPlot])
def test_a_plot_built_dark_looks_like_one_switched_to_dark(qtbot, cls):
    built = show(qtbot, cls(theme=DARK))
    switched = show(qtbot, cls())
    switched.set_theme(DARK)
    QtCore.QCoreApplication.processEvents()
    assert built.grab().toImage() == switched.grab().toImage()
