"""What a lesson step shows (nnviz.app.lesson_view): always the step's own state; while its
question is open, without what the question asks. No Qt here."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.lesson_view import asked_later, lesson_view, step_markdown
from nnviz.lessons.catalog import builtin_files, find_lesson
from nnviz.lessons.model import load_lesson_file
from nnviz.lessons.player import LessonPlayer


@pytest.fixture(scope="module")
def players() -> dict[str, LessonPlayer]:
    return {lesson.id: LessonPlayer(lesson) for lesson in map(load_lesson_file, builtin_files())}


def test_every_step_shows_its_own_state(players):
    for lesson_id, player in players.items():
        for i, step in enumerate(player.lesson.steps):
            state = player.state(i)
            for answered in ((False, True) if step.ask else (True,)):
                view = lesson_view(player, i, answered)
                where = (lesson_id, i + 1, answered)
                if state.network is None:
                    assert view.shape is None and view.dataset is state.dataset and view.caption, where
                    continue
                assert view.shape.layers == state.network.layers, where
                assert view.dataset is state.dataset, where
                if view.phase is not None:  # the step's own sample, never the step before's
                    assert view.phase.trace is state.trace, where
                if answered:
                    assert np.array_equal(view.params, state.network.params) and not view.hidden, where
                    assert (view.phase is None) == (state.phase is None), where
                    if not asked_later(player, i):  # else it holds back what a later step asks
                        assert view.progress == 1.0, where


def test_a_step_before_the_first_network_shows_only_the_lessons_data(players):
    view = lesson_view(players["perceptron"], 0)
    assert view.shape is None and view.params is None and view.phase is None
    assert view.dataset.raw_train.shape[1] == 2 and len(view.dataset.raw_train) + len(view.dataset.raw_test) == 3
    assert view.caption == "No network yet at this step: its data are in the data plot"


def test_an_open_question_on_the_third_student_shows_the_third_student(players):
    """Perceptron step 8: x = (95, 2) with the question open (it used to be step 7's (100, 5))."""
    view = lesson_view(players["perceptron"], 7, answered=False)
    assert view.phase.trace.x.tolist() == [[95.0, 2.0]]
    assert view.phase.phase == "forward" and view.progress == 1.0 and not view.hidden  # asks the class: nothing held back


def test_a_forward_question_stops_before_the_asked_layer(players):
    """Perceptron step 3 asks z of layer 1 of 1: the forward pass stops at the inputs."""
    open_ = lesson_view(players["perceptron"], 2, answered=False)
    assert open_.phase.phase == "forward" and open_.progress == 0.0 and open_.hidden
    assert open_.phase.trace.x.tolist() == [[95.0, 4.0]] and open_.sample_z is None
    done = lesson_view(players["perceptron"], 2, answered=True)
    assert done.progress == 1.0 and not done.hidden
    assert done.sample_z == pytest.approx([1.031], abs=5e-4)


def test_the_output_delta_question_shows_the_forward_pass_it_starts_from(players):
    """Backprop step 3 asks δ₂ (the output): the backward pass would start by drawing it."""
    open_ = lesson_view(players["backprop"], 2, answered=False)
    assert open_.phase.phase == "forward" and open_.progress == 1.0 and open_.hidden
    assert lesson_view(players["backprop"], 2, answered=True).phase.phase == "backward"


def test_a_hidden_layer_delta_question_stops_the_backward_pass_above_it(players):
    """Backprop step 5 asks δ₁ of a 1-1-1 chain: backward runs to layer 1.5 (δ₂ drawn, δ₁ not)."""
    view = lesson_view(players["backprop"], 4, answered=False)
    assert view.phase.phase == "backward" and view.hidden
    assert (1.0 - view.progress) * 2 == pytest.approx(1.5)


@pytest.mark.parametrize("answered", [False, True])
def test_a_delta_a_later_step_asks_is_not_drawn_before_it(players, answered):
    """Backprop steps 3 and 4 run the backward pass of the sample step 5 asks δ₁ of: they
    stop above layer 1 (δ₂ drawn, δ₁ not), answered or not; step 5 answered draws δ₁."""
    player = players["backprop"]
    assert [c.quantity for c in asked_later(player, 2)] == ["delta"] and asked_later(player, 2)[0].layer == 1
    for index in (2, 3):
        view = lesson_view(player, index, answered)
        if index == 2 and not answered:  # its own question (δ₂): the forward pass it starts from
            assert view.phase.phase == "forward"
            continue
        assert view.phase.phase == "backward" and (1.0 - view.progress) * 2 == pytest.approx(1.5), index
        assert not view.hidden  # the histogram is not about δ: it stays
    done = lesson_view(player, 4, answered=True)
    assert done.phase.phase == "backward" and done.progress == 1.0
    assert asked_later(player, 4) == ()  # step 6 is a new network: nothing further is held back


def test_a_question_on_training_shows_the_network_before_it(players):
    """Dead ReLU step 3 (network + 30 epochs at η = 5, "how many dead?"): the start, no curve."""
    player = players["dead-relu"]
    state = player.state(2)
    open_ = lesson_view(player, 2, answered=False)
    assert np.array_equal(open_.params, state.untrained) and not np.array_equal(open_.params, state.network.params)
    assert open_.history is None and open_.hidden
    assert len(lesson_view(player, 2, answered=True).history) == 31


def test_a_question_on_an_optimizer_race_shows_no_curves(players):
    player = players["optimizers"]
    race = next(i for i, s in enumerate(player.lesson.steps) if s.compare is not None and s.ask is not None)
    assert lesson_view(player, race, answered=False).compare == {}
    assert set(lesson_view(player, race, answered=True).compare) == {"sgd", "momentum", "rmsprop", "adam"}


def test_exported_text_has_the_reveal_after_the_text_and_before_the_answer():
    lesson = find_lesson("perceptron")
    _, text, _ = step_markdown(lesson, 7)
    assert text.index("σ(0.991)") < text.index("But this student **failed**") < text.index("**Answer:** no")
    _, question_only, _ = step_markdown(lesson, 7, with_answer=False)
    assert "failed" not in question_only
