"""While a lesson question is open, nothing it asks is shown, and nothing a later step asks
is shown before that step: not by the canvas's labels, not by a histogram of another layer.

- backprop steps 3 (answered) and 4 draw δ₂ only: step 5 asks δ₁ of the same sample;
- the activation plot's layer list, while a question holds the z back, shows no histogram
  for any layer chosen (it used to bring the z back).
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from nnviz.lessons.catalog import builtin_files
from nnviz.lessons.model import load_lesson_file


def opened(make_window, word: str):
    w = make_window()
    w.canvas.set_animation_speed(0)  # each phase drawn complete, or where a question stops it
    assert w.lessons.open(load_lesson_file(next(p for p in builtin_files() if word in p.name)))
    return w


def test_backprop_draws_delta_1_only_once_step_5_is_answered(make_window):
    w = opened(make_window, "backprop")
    w.lessons.show_step(2)
    w.lesson_panel.reveal()  # step 3 answered: δ₂ is its answer, δ₁ is step 5's
    assert w.canvas.value_labels() == {(2, 0): "δ = -0.0529"}
    w.lessons.show_step(3)  # ∂L/∂w₂ = δ₂·a₁: still nothing of δ₁
    assert w.canvas.value_labels() == {(2, 0): "δ = -0.0529"}
    w.lessons.show_step(4)
    assert w.canvas.value_labels() == {(2, 0): "δ = -0.0529"}
    w.lesson_panel.reveal()
    assert w.canvas.value_labels() == {(1, 0): "δ = -0.0264", (2, 0): "δ = -0.0529"}
    w.lessons.leave()


def test_choosing_another_layer_keeps_the_histogram_hidden_while_the_question_is_open(make_window):
    w = opened(make_window, "backprop")
    w.lessons.show_step(2)  # asks δ₂: the histogram (the z over the data) is held back
    combo = w.activation_layer
    assert not w.lesson_panel.answered and combo.count() == 2
    assert w.activation_plot.histogram_counts().sum() == 0
    for index in (1, 0, 1):
        combo.setCurrentIndex(index)
        assert w.activation_plot.histogram_counts().sum() == 0, index
    w.lesson_panel.reveal()  # answered: the chosen layer's z are back
    assert w.activation_plot.histogram_counts().sum() > 0
    combo.setCurrentIndex(0)
    assert w.activation_plot.histogram_counts().sum() > 0
    w.lessons.leave()
    assert w.activation_plot.histogram_counts().sum() > 0  # the free session's histogram is its own
