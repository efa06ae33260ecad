"""The "Reading digits" lesson in the real window: its digit-panel steps show the digit panel,
in the boundary plot's place, switched to the step's view and framed; a gallery image clicked
in the lesson is traced by the lesson's network; leaving gives the user's own views back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnviz.app.image_views import raw_pixels
from nnviz.draw.plots.digit_panel import DIGIT_VIEWS
from nnviz.engine.trainer import TrainConfig
from nnviz.lessons.catalog import find_lesson
from nnviz.lessons.model import DIGIT_PANELS, parse_lesson


def step_index(lesson, panel: str) -> int:
    return next(i for i, step in enumerate(lesson.steps) if step.panel == panel)


def framed(widget) -> bool:
    return bool(widget.property("focused")) and "border" in widget.styleSheet()


def test_the_lesson_panels_are_the_digit_panels_views():
    assert DIGIT_PANELS == DIGIT_VIEWS


def test_weights_and_confusion_steps_show_the_digit_panel_in_that_view(make_window, qtbot):
    w = make_window()
    lesson = find_lesson("reading-digits")
    assert w.lessons.open(lesson)
    for panel in ("weights", "confusion", "mistakes"):
        i = step_index(lesson, panel)
        w.lessons.show_step(i)
        if w.lesson_panel.step.ask is not None:
            w.lesson_panel.reveal()
        qtbot.waitUntil(lambda: w.digit_panel.isVisible())
        assert not w.boundary_plot.isVisible(), panel
        assert w.digit_panel.view == panel and framed(w.digit_panel), panel
        state = w.lessons.player.state(i)  # the step's own network, not the session's
        assert np.array_equal(w.digit_panel.results.network.params, state.network.params), panel
    w.lessons.show_step(step_index(lesson, "weights") + 1)  # a "network" step keeps the last view, unframed
    assert w.digit_panel.view == "weights" and not framed(w.digit_panel) and w.canvas.property("focused")
    w.lessons.leave()


def test_unframing_the_digit_panel_keeps_the_presentation_font(make_window, qtbot):
    """Clearing a style sheet leaves the application's font on the widget: the digit panel's
    text would drop from the presentation size to the normal one after a framed step."""
    w = make_window()
    w.actions_["presentation"].trigger()
    lesson = find_lesson("reading-digits")
    assert w.lessons.open(lesson)
    size = w.font().pointSizeF()
    w.lessons.show_step(step_index(lesson, "weights"))
    assert w.digit_panel.switch.font().pointSizeF() == size
    w.lessons.show_step(step_index(lesson, "weights") + 1)
    assert not framed(w.digit_panel)
    assert w.digit_panel.font().pointSizeF() == w.digit_panel.switch.font().pointSizeF() == size
    w.lessons.leave()
    w.actions_["presentation"].trigger()
    assert w.digit_panel.switch.font().pointSizeF() == w.font().pointSizeF() < size


def test_a_boundary_step_on_image_data_frames_the_digit_panel(make_window, qtbot):
    text = '''title = "Boundary on digits"
[[steps]]
title = "Data"
dataset = "digits"
network = { layers = [64, 4, 10], activations = ["tanh", "softmax"], loss = "ce" }
panel = "boundary"
[[steps]]
title = "Points"
dataset = "circles"
network = { layers = [2, 3, 1], activations = ["tanh", "sigmoid"], loss = "bce" }
panel = "boundary"
'''
    w = make_window()
    assert w.lessons.open(parse_lesson(text, "b.toml", "b"))
    w.lessons.show_step(0)
    qtbot.waitUntil(lambda: w.digit_panel.isVisible())
    assert framed(w.digit_panel) and not framed(w.boundary_plot)
    w.lessons.show_step(1)
    qtbot.waitUntil(lambda: w.boundary_plot.isVisible())
    assert framed(w.boundary_plot) and not framed(w.digit_panel) and not w.digit_panel.isVisible()
    w.lessons.leave()


def test_a_gallery_image_clicked_in_the_lesson_is_traced_by_the_lessons_network(make_window, qtbot):
    w = make_window()
    lesson = find_lesson("reading-digits")
    assert w.lessons.open(lesson)
    i = step_index(lesson, "mistakes")
    w.lessons.show_step(i)
    data, net = w.lessons.player.state(i).dataset, w.lessons.player.state(i).network
    w.digit_panel.sampleChosen.emit(2)  # as a click on the gallery (its indices point into the test part)
    phase = w.canvas.phase
    assert phase is not None and phase.phase == "forward"
    assert np.array_equal(phase.trace.x[0], data.x_test[2])
    assert np.allclose(phase.trace.layers[-1].a[0], net.predict(data.x_test[2:3])[0])
    assert np.array_equal(w.canvas.painter.image.pixels, raw_pixels(data, data.x_test[2]))
    w.lessons.show_step(i)  # the step shows its own traced image again
    assert np.array_equal(w.canvas.phase.trace.x[0], w.lessons.player.state(i).sample)
    w.lessons.leave()


def test_leaving_gives_back_the_users_own_views(make_window, qtbot):
    """The user's 2-D session: its boundary plot again, no digit panel. Their digits session:
    the digit panel in the view they had chosen, showing their own network."""
    w = make_window()
    lesson = find_lesson("reading-digits")
    assert w.lessons.open(lesson)
    w.lessons.show_step(step_index(lesson, "confusion"))
    w.lessons.leave()
    qtbot.waitUntil(lambda: w.boundary_plot.isVisible())
    assert not w.digit_panel.isVisible() and not framed(w.boundary_plot)

    c = w.controller
    c.set_problem(replace(c.problem, dataset="digits", hidden=(16,), activation="relu", output_activation="softmax",
                          loss="ce", train=TrainConfig(learning_rate=0.1, batch_size=32)))
    qtbot.waitUntil(lambda: w.digit_panel.isVisible())
    w.digit_panel.set_view("mistakes")
    assert w.lessons.open(lesson)
    w.lessons.show_step(step_index(lesson, "confusion"))
    assert w.digit_panel.view == "confusion"
    assert w.digit_panel.results.network.layers == (64, 32, 10)
    w.lessons.leave()
    assert w.digit_panel.view == "mistakes" and not framed(w.digit_panel)
    assert w.digit_panel.isVisible() and not w.boundary_plot.isVisible()
    assert w.digit_panel.results.network.layers == (64, 16, 10)
    assert np.array_equal(w.digit_panel.results.network.params, c.network.params)
