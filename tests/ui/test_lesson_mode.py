"""Lesson mode driven in the real window: next, back, answer a question, blank, resume."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.lessons.catalog import find_lesson
from nnviz.lessons.player import LessonPlayer
from nnviz.ui.main_window import MainWindow


@pytest.fixture
def lesson_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_SETTINGS", str(tmp_path / "lesson-settings.ini"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.build_plots()
    assert window.lessons.open(find_lesson("perceptron"))
    window.canvas.set_animation_speed(0)
    yield window
    window.controller.shutdown()
    window.close()


def press(qtbot, window, key):
    qtbot.keyClick(window.canvas, key)


def test_keys_walk_the_steps_and_back(qtbot, lesson_window):
    w = lesson_window
    assert w.lesson_panel.index == 0
    press(qtbot, w, Qt.Key.Key_Right)
    assert w.lesson_panel.index == 1
    press(qtbot, w, Qt.Key.Key_PageDown)  # step 3 has a question: shown, not yet revealed
    assert w.lesson_panel.index == 2 and not w.lesson_panel.answered
    press(qtbot, w, Qt.Key.Key_Space)  # a first press reveals
    assert w.lesson_panel.index == 2 and w.lesson_panel.answered
    press(qtbot, w, Qt.Key.Key_Space)
    assert w.lesson_panel.index == 3
    press(qtbot, w, Qt.Key.Key_Left)
    press(qtbot, w, Qt.Key.Key_PageUp)
    assert w.lesson_panel.index == 1
    press(qtbot, w, Qt.Key.Key_End)
    assert w.lesson_panel.index == len(w.lessons.lesson.steps) - 1
    press(qtbot, w, Qt.Key.Key_Home)
    assert w.lesson_panel.index == 0
    assert "Step 1 of 8" in w.lesson_panel.counter.text()


def test_forward_step_shows_the_lecture_numbers_term_by_term(lesson_window):
    w = lesson_window
    w.lessons.show_step(3)  # "The weighted sum, term by term": phase forward at x = (95, 4)
    assert w.canvas.term_labels()[(1, 0)] == "z = 0.001 + 0.95 + 0.08 = 1.031"
    assert w.canvas.value_labels()[(1, 0)] == "a = 0.737"
    assert w.canvas.value_labels()[(0, 0)] == "x = 95"


def test_answering_a_question_then_revealing_the_result(qtbot, lesson_window):
    w = lesson_window
    w.lessons.show_step(4)  # question: which class? (choices), shown before the step's result
    panel = w.lesson_panel
    assert not panel.answered and panel.question_box.isVisible()
    panel.findChild(type(panel.choice_group.button(0)), "choice_1").setChecked(True)
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert panel.answered and panel.last_answer_right is True
    assert "Right" in panel.feedback.text() and "0.737 &gt; 0.5" in panel.feedback.text().replace(">", "&gt;")
    # a wrong numeric answer on step 3 says so
    w.lessons.show_step(2)
    panel.number.setText("1.2")
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert panel.last_answer_right is False and "1.031" in panel.feedback.text()


def test_question_step_shows_its_own_inputs_and_holds_back_the_answer(lesson_window):
    w = lesson_window
    w.lessons.show_step(2)  # first student, "What is z?": forward at (95, 4), stopped at the inputs
    assert w.canvas.value_labels() == {(0, 0): "x = 95", (0, 1): "x = 4"}
    assert w.canvas.term_labels() == {}
    w.lesson_panel.reveal()
    assert w.canvas.term_labels()[(1, 0)] == "z = 0.001 + 0.95 + 0.08 = 1.031"
    assert w.canvas.value_labels()[(1, 0)] == "a = 0.737"


def test_going_back_restores_exactly_that_step(lesson_window):
    w = lesson_window
    player = LessonPlayer(find_lesson("perceptron"))
    for i in range(len(w.lessons.lesson.steps)):
        w.lessons.show_step(i)
    w.lessons.show_step(3)
    state = w.lessons.player.state(3)
    fresh = player.state(3)
    assert np.array_equal(state.network.params, fresh.network.params)
    assert np.array_equal(state.trace.layers[0].z, fresh.trace.layers[0].z)


def test_blank_and_unblank(qtbot, lesson_window):
    w = lesson_window
    press(qtbot, w, Qt.Key.Key_B)
    assert w.blank_overlay.isVisible()
    image = w.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).lightness() < 10
    press(qtbot, w, Qt.Key.Key_B)
    assert not w.blank_overlay.isVisible()
    press(qtbot, w, Qt.Key.Key_B)
    press(qtbot, w, Qt.Key.Key_Right)  # a step key shows the screen again
    assert not w.blank_overlay.isVisible() and w.lesson_panel.index == 1


def test_leaving_and_reentering_resumes(qtbot, lesson_window):
    w = lesson_window
    w.lessons.show_step(5)
    w.lessons.leave()
    assert w.lessons.lesson is None and w.actions_["play"].isEnabled()
    assert w.canvas.layers == w.controller.network.layers
    assert w.lessons.open(find_lesson("perceptron"))
    assert w.lesson_panel.index == 5


def test_a_lesson_with_a_wrong_number_is_refused(qtbot, lesson_window, tmp_path, monkeypatch):
    w = lesson_window
    shown = []
    monkeypatch.setattr(w, "show_error", shown.append)
    text = find_lesson("perceptron").path.read_text(encoding="utf-8").replace("expect = { z = 1.031 }", "expect = { z = 1.5 }")
    bad = tmp_path / "wrong.toml"
    bad.write_text(text, encoding="utf-8")
    assert not w.lessons.open_file(str(bad))
    assert len(shown) == 1 and "step 4" in shown[0] and "1.031" in shown[0]
    assert w.lessons.lesson.id == "perceptron"  # the open lesson is untouched


def test_right_arrow_goes_on_after_an_answer_typed_with_enter(qtbot, lesson_window):
    w = lesson_window
    w.lessons.show_step(2)  # "What is z?": a number typed into the field
    panel = w.lesson_panel
    panel.number.setFocus()
    qtbot.keyClicks(panel.number, "1.031")
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    assert panel.answered and panel.last_answer_right is True and not panel.number.hasFocus()
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Right)
    assert panel.index == 3
