"""Presentation scale (Ctrl+P) at projector sizes: 1280×720, 1366×768 and 1920×1080.

Everything grows together (the window's widgets, the plots' own text, the lesson panel),
and nothing is cut off: every visible control lies inside the window (a control in a
scroll area inside its viewport, horizontally: the panel scrolls vertically only); the
left panel collapses, with View → Controls as the way back, when the columns do not fit.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QScrollArea, QSlider, QWidget,
)

from nnviz.lessons.catalog import builtin_lessons, find_lesson
from nnviz.ui.main_window import PRESENTATION_SCALE

SIZES = [(1280, 720), (1366, 768), (1920, 1080)]
CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider, QLineEdit)
USABLE_PLOT = (160, 100)  # px: a plot smaller than this is a thumbnail


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


def prepared(make_window, qtbot, size, presentation: bool):
    window = make_window()
    if window.first_start is not None:
        window.first_start.dismiss()
    window.resize(*size)
    window.actions_["presentation"].setChecked(presentation)
    settle(qtbot)
    return window


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def clipped_controls(window) -> list[str]:
    """Every visible control that is not wholly inside the window (in a scroll area: not
    horizontally inside its viewport) or is squeezed below its minimum width."""
    bad = []
    frame = window.rect()
    for w in window.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or not w.isVisible() or w.window() is not window:
            continue
        rect = rect_in(w, window)
        name = f"{type(w).__name__}({w.objectName() or getattr(w, 'text', lambda: '')()!r}) at {rect.getRect()}"
        scroll = scroll_area_of(w)
        if scroll is not None:
            view = rect_in(scroll.viewport(), window)
            if rect.left() < view.left() or rect.right() > view.right() or not frame.contains(view):
                bad.append(f"{name} outside its scroll area's viewport {view.getRect()}")
        elif not frame.contains(rect):
            bad.append(f"{name} outside the window {frame.getRect()}")
        least = min(w.minimumSizeHint().width(), w.maximumWidth())  # a fixed-size button is as wide as it is made
        if w.width() < least:
            bad.append(f"{name} squeezed below its minimum width {least}")
    return bad


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_control_is_inside_the_window_at_projector_sizes(make_window, qtbot, size, presentation):
    window = prepared(make_window, qtbot, size, presentation)
    assert (window.width(), window.height()) == size  # the columns never widen the window
    assert clipped_controls(window) == []
    shown = [p for p in (window.boundary_plot, window.loss_plot, window.activation_plot) if p.isVisible()]
    assert shown, "no plot is shown"
    for plot in shown:
        assert plot.width() >= USABLE_PLOT[0] and plot.height() >= USABLE_PLOT[1], (type(plot).__name__, plot.size())


def test_the_left_panel_fits_beside_the_network_at_720p_with_presentation(make_window, qtbot):
    window = prepared(make_window, qtbot, (1280, 720), True)
    assert window.left.isVisible() and window.plots_column.isVisible()  # the default problem: all three columns fit
    assert window.controls_action.isChecked()


def test_a_narrow_window_collapses_the_left_panel_with_a_way_back(make_window, qtbot):
    window = prepared(make_window, qtbot, (1000, 700), True)
    assert not window.left.isVisible()
    assert not window.controls_action.isChecked()  # View → Controls and the toolbar show the way back
    assert clipped_controls(window) == []

    window.controls_action.trigger()  # asked for: shown, the plots make way
    settle(qtbot)
    assert window.left.isVisible() and not window.plots_column.isVisible()
    assert clipped_controls(window) == []

    window.resize(1920, 1080)  # room again: everything is back
    settle(qtbot)
    assert window.left.isVisible() and window.plots_column.isVisible()
    assert clipped_controls(window) == []


def tick_points(plot_item) -> list[float]:
    fonts = [plot_item.getAxis(name).style["tickFont"] for name in ("left", "bottom")]
    return [f.pointSizeF() if f is not None else QApplication.font().pointSizeF() for f in fonts]


def plot_items(window):
    b, l, a = window.boundary_plot, window.loss_plot, window.activation_plot
    return {"boundary": b.plot, "data line": b.line.plot, "loss": l.loss_plot, "accuracy": l.acc_plot,
            "activation": a.plot}


def test_plot_text_grows_with_presentation_scale(make_window, qtbot):
    window = prepared(make_window, qtbot, (1920, 1080), False)
    normal = {name: tick_points(item) for name, item in plot_items(window).items()}
    legend_normal = window.loss_plot._legend.items[0][1].opts["size"]
    title_normal = window.activation_plot.plot.titleLabel.opts["size"]

    window.actions_["presentation"].setChecked(True)
    settle(qtbot)
    for name, item in plot_items(window).items():
        assert tick_points(item) == pytest.approx([PRESENTATION_SCALE * p for p in normal[name]]), name
        assert item.getAxis("left").labelStyle["font-size"] == "13.5pt", name  # 9 pt × 1.5
    legend = window.loss_plot._legend.items[0][1].opts["size"]
    title = window.activation_plot.plot.titleLabel.opts["size"]
    assert float(legend[:-2]) == pytest.approx(PRESENTATION_SCALE * float(legend_normal[:-2]))
    assert float(title[:-2]) == pytest.approx(PRESENTATION_SCALE * float(title_normal[:-2]))

    window.actions_["presentation"].setChecked(False)
    settle(qtbot)
    assert {name: tick_points(item) for name, item in plot_items(window).items()} == normal


def open_perceptron(window, qtbot):
    assert window.lessons.open(find_lesson("perceptron"))
    settle(qtbot)
    return window.lesson_panel


def test_the_lesson_title_grows_with_presentation_scale(make_window, qtbot):
    window = prepared(make_window, qtbot, (1280, 720), False)
    panel = open_perceptron(window, qtbot)
    title_normal = panel.lesson_title.font().pointSizeF()
    assert title_normal >= panel.text.font().pointSizeF()  # a title is never smaller than its text

    window.actions_["presentation"].setChecked(True)
    settle(qtbot)
    title = panel.lesson_title.font().pointSizeF()
    assert title == pytest.approx(PRESENTATION_SCALE * title_normal)
    assert title >= panel.text.font().pointSizeF()
    assert panel.step_title.font().pointSizeF() >= panel.text.font().pointSizeF()
    window.lessons.leave()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_lesson_text_never_scrolls_sideways(make_window, qtbot, size):
    window = prepared(make_window, qtbot, size, True)
    panel = open_perceptron(window, qtbot)
    for index in range(len(panel.lesson.steps)):
        window.lessons.show_step(index)
        if panel.step.ask is not None:
            panel.reveal()  # the reveal text too
        settle(qtbot)
        bar = panel.text.horizontalScrollBar()
        assert not bar.isVisible()
        assert bar.maximum() <= 1, f"step {index + 1}: the text is {bar.maximum()} px wider than its box"
        assert clipped_controls(window) == [], f"step {index + 1}"
    window.lessons.leave()


UNWRAPPABLE = "σ′(1.031)=0.737·0.263=0.194"  # no space: it must not be split (wider than the old panel)


def test_a_formula_without_spaces_widens_the_lesson_panel(make_window, qtbot):
    window = prepared(make_window, qtbot, (1280, 720), True)
    lesson = find_lesson("perceptron")
    steps = list(lesson.steps)
    steps[1] = replace(steps[1], text=steps[1].text + "\n\n" + UNWRAPPABLE)
    assert window.lessons.open(replace(lesson, steps=tuple(steps)))
    window.lessons.show_step(1)
    settle(qtbot)
    panel = window.lesson_panel
    assert panel.text.isVisible()
    room = panel.text.viewport().width() - 2 * panel.text.document().documentMargin()
    assert room >= panel.text.fontMetrics().horizontalAdvance(UNWRAPPABLE)  # on one line, not split mid-number
    assert panel.text.horizontalScrollBar().maximum() <= 1  # a table border may round one pixel over
    assert clipped_controls(window) == []
    window.lessons.leave()


def test_no_built_in_lesson_text_scrolls_sideways_at_720p(make_window, qtbot):
    window = prepared(make_window, qtbot, (1280, 720), True)
    panel = window.lesson_panel
    wide = []
    for lesson in builtin_lessons():
        assert window.lessons.open(lesson)
        for index in range(len(lesson.steps)):
            window.lessons.show_step(index)
            if panel.step.ask is not None:
                panel.reveal()
            QApplication.processEvents()
            if panel.text.horizontalScrollBar().maximum() > 1:  # a table border may round one pixel over
                wide.append((lesson.id, index + 1, panel.text.horizontalScrollBar().maximum()))
        window.lessons.leave()
    assert wide == []


def test_the_window_opens_within_the_screen(qtbot):
    from nnviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    try:
        area = window.screen().availableGeometry()
        assert window.width() <= max(area.width(), 640) and window.height() <= area.height()
    finally:
        window.controller.shutdown()
