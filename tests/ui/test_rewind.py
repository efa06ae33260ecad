"""The timeline in the window: scrubbing shows a recorded frame in every view, Play from the
past continues from its parameters (after a confirmation), ← steps back a frame, and
Ctrl+Z / Ctrl+Shift+Z undo and redo weight edits, resets and layer changes exactly."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QInputDialog, QMessageBox  # noqa: E402

from nnviz.app.problem import Problem  # noqa: E402
from nnviz.app.training import build_trainer  # noqa: E402
from nnviz.engine.layout import ParamLayout  # noqa: E402

SMALL = Problem(samples=100)  # 5 steps an epoch


@pytest.fixture
def answers(monkeypatch):
    """The confirmation answers given in turn (Yes when the list runs out); the questions asked."""
    given, asked = [], []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return given.pop(0) if given else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return given, asked


def steps_taken(window, n):
    """Step ``n`` times with the Step action; the params after each (index = step)."""
    c = window.controller
    params = [c.network.params.copy()]
    for _ in range(n):
        window.actions_["step"].trigger()
        params.append(c.network.params.copy())
    return params


def press(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.keyClick(window, key, modifiers)


# ----------------------------------------------------------------------------- scrubbing


def test_scrubbing_shows_the_recorded_frame_in_every_view(window, qtbot):
    c = window.controller
    shown = []
    c.snapshotChanged.connect(shown.append)  # what the instruments get
    params = steps_taken(window, 5)
    bpe = c.batches_per_epoch
    assert len(c.timeline) == 6 and [f.step for f in c.timeline.frames()] == list(range(6))

    window.transport.scrubber.setValue(2)  # as a drag would
    assert c.timeline.cursor == 2 and shown[-1] is c.snapshot and c.snapshot.step == 2
    np.testing.assert_array_equal(c.snapshot.params, params[2])
    for l, w in enumerate(window.canvas.weights):  # the canvas
        np.testing.assert_array_equal(w, c.snapshot.weights[l])
    np.testing.assert_array_equal(window.views.network.params, params[2])  # boundary and histograms
    history = c.history()  # the curves end at that frame
    np.testing.assert_allclose(history.epoch, [0, 1 / bpe, 2 / bpe])
    assert history.train_loss[-1] == c.snapshot.train_loss
    x, y = window.loss_plot.train_loss_curve.getData()
    np.testing.assert_allclose(x, history.epoch)
    panel = window.docks.panels["chain_rule"]  # an instrument
    np.testing.assert_array_equal(panel.params, params[2])
    assert window.transport.frame_label.text() == "◀ step 2 · 3/6"
    # the trainer is untouched
    assert c.trainer.step == 5
    np.testing.assert_array_equal(c.network.params, params[5])

    window.transport.scrubber.setValue(5)  # back to the latest: live again
    assert c.timeline.cursor is None and c.snapshot.step == 5 and len(c.history().epoch) == 6
    np.testing.assert_array_equal(window.canvas.weights[0], c.network.weights[0])


def test_play_from_the_past_asks_then_continues_from_the_scrubbed_parameters(window, qtbot, answers):
    c = window.controller
    given, asked = answers
    params = steps_taken(window, 6)
    window.transport.scrubber.setValue(3)
    frame = c.snapshot

    given.append(QMessageBox.StandardButton.Cancel)
    window.actions_["play"].trigger()  # cancelled: nothing trains, the future stays
    assert len(asked) == 1 and "step 3" in asked[0] and "3 recorded frames" in asked[0]
    assert not c.running and c.timeline.cursor == 3 and len(c.timeline) == 7 and c.trainer.step == 6

    window.transport.speed.setValue(0)  # 1 step/s: one step, then a second's wait
    window.actions_["play"].trigger()  # confirmed
    assert len(asked) == 2 and c.running
    qtbot.waitUntil(lambda: c.snapshot.step == 4, timeout=5000)
    c.pause()
    after = c.snapshot
    assert after.step == 4 == c.trainer.step
    # SGD from the frame's parameters: θ₄ = θ₃ − η·g, g the gradient the update used
    np.testing.assert_array_equal(after.params, frame.params - after.grads * c.problem.train.learning_rate)
    np.testing.assert_array_equal(c.timeline[3].params, params[3])
    assert [f.step for f in c.timeline.frames()] == [0, 1, 2, 3, 4]  # the old 4, 5, 6 are gone
    np.testing.assert_allclose(c.history().epoch, np.arange(5) / c.batches_per_epoch)


def test_editing_a_weight_on_a_past_frame_asks_first(window, answers, monkeypatch):
    c = window.controller
    given, asked = answers
    params = steps_taken(window, 3)
    window.transport.scrubber.setValue(1)
    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (0.75, True)))
    given.append(QMessageBox.StandardButton.Cancel)
    window.edit_weight(0, 0, 0)
    w00 = ParamLayout(c.network.layers).index(0, 0, 0)
    assert c.trainer.step == 3 and c.network.weights[0][0, 0] == params[3][w00] and c.timeline.cursor == 1
    window.edit_weight(0, 0, 0)  # confirmed: the edit applies to frame 1's weights
    assert c.trainer.step == 1 and c.network.weights[0][0, 0] == 0.75
    expected = params[1].copy()
    expected[w00] = 0.75
    np.testing.assert_array_equal(c.network.params, expected)
    assert len(asked) == 2


def test_left_steps_back_one_recorded_frame_and_right_forward(window, qtbot):
    c = window.controller
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Right)
    assert c.trainer.step == 3
    press(qtbot, window, Qt.Key.Key_Left)
    assert c.snapshot.step == 2 and c.timeline.cursor == 2
    np.testing.assert_array_equal(window.canvas.weights[1], c.timeline[2].weights[1])
    press(qtbot, window, Qt.Key.Key_Left)
    press(qtbot, window, Qt.Key.Key_Left)
    press(qtbot, window, Qt.Key.Key_Left)  # stays at the first frame
    assert c.snapshot.step == 0 and window.transport.scrubber.value() == 0
    press(qtbot, window, Qt.Key.Key_Right)  # on a past frame → the next recorded one
    assert c.snapshot.step == 1 and c.trainer.step == 3
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    assert c.timeline.cursor is None and c.snapshot.step == 3
    press(qtbot, window, Qt.Key.Key_Right)  # live: trains
    assert c.trainer.step == 4 == c.snapshot.step

    window.set_lesson_layout(True)  # in a lesson, ← is the lesson's previous step
    assert not window.actions_["step_back"].isEnabled() and window.actions_["lesson_prev"].isEnabled()
    assert not window.transport.isVisible()
    window.set_lesson_layout(False)
    assert window.actions_["step_back"].isEnabled() and not window.actions_["lesson_prev"].isEnabled()


def test_left_while_playing_pauses_on_the_frame_before_the_one_shown(window, qtbot):
    """Pausing records the trainer's last state if it had trained past the frame shown; ←
    still goes to the frame before the one the user was looking at."""
    c = window.controller
    window.actions_["play"].trigger()
    qtbot.waitUntil(lambda: len(c.timeline) >= 5, timeout=5000)
    seen = c.snapshot
    window.actions_["step_back"].trigger()
    assert not c.running
    assert c.timeline[c.timeline.cursor + 1] is seen
    assert c.snapshot is c.timeline[c.timeline.cursor] and c.snapshot.step < seen.step


# ----------------------------------------------------------------------------- undo / redo


def test_undo_redo_a_weight_edit(window, qtbot):
    c = window.controller
    steps_taken(window, 2)
    before = c.network.params.copy()
    c.set_weight(1, 2, 3, 4.5)
    after = c.network.params.copy()
    assert not np.array_equal(before, after)
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(c.network.params, before)
    np.testing.assert_array_equal(c.snapshot.params, before)
    np.testing.assert_array_equal(window.canvas.weights[1], c.snapshot.weights[1])
    assert c.trainer.step == 2
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    np.testing.assert_array_equal(c.network.params, after)
    assert window.canvas.weights[1][2, 3] == 4.5
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    np.testing.assert_array_equal(c.network.params, after)  # nothing more to redo


def test_undo_redo_a_reset_goes_on_exactly_as_before(make_controller):
    c = make_controller(SMALL)
    reference = build_trainer(SMALL)  # the run without the reset
    for _ in range(7):
        c.step()
        reference.step_batch()
    before, rows = c.network.params.copy(), c.history().epoch.copy()
    c.reset()
    initial = c.network.params.copy()
    assert c.trainer.step == 0 and len(c.history().epoch) == 1
    c.undo()
    np.testing.assert_array_equal(c.network.params, before)
    assert (c.trainer.step, c.trainer.epoch, c.trainer.batch) == (7, 1, 2)
    np.testing.assert_array_equal(c.history().epoch, rows)
    c.redo()
    np.testing.assert_array_equal(c.network.params, initial)
    assert c.trainer.step == 0 and len(c.history().epoch) == 1
    c.undo()
    c.step()  # the same data order and optimizer: as if the reset never happened
    reference.step_batch()
    np.testing.assert_array_equal(c.network.params, reference.network.params)


def test_undo_redo_a_layer_change(window, qtbot):
    c = window.controller
    steps_taken(window, 3)
    before, problem = c.network.params.copy(), c.problem
    window.edit_hidden(-1, None)  # remove the last hidden layer
    assert c.network.layers == (2, 4, 1)
    after = c.network.params.copy()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.network.layers == (2, 4, 4, 1) == window.canvas.layers and c.problem == problem
    np.testing.assert_array_equal(c.network.params, before)
    np.testing.assert_array_equal(c.snapshot.params, before)
    assert c.trainer.step == 3 and len(c.history().epoch) == 4
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.network.layers == (2, 4, 1) == window.canvas.layers and c.problem.hidden == (4,)
    np.testing.assert_array_equal(c.network.params, after)


def test_undo_keeps_the_recording_of_the_same_run_and_restarts_another(make_controller):
    c = make_controller(SMALL)
    for _ in range(3):
        c.step()
    c.set_weight(0, 0, 0, 1.0)
    c.undo()  # the same run: its recording goes on, with the restored state as a new frame
    assert [f.step for f in c.timeline.frames()] == [0, 1, 2, 3, 3, 3]
    c.reset()
    c.step()
    c.undo()  # the run before the reset: its recording is gone, one starts at the restored state
    assert [f.step for f in c.timeline.frames()] == [3]


def test_undo_after_a_data_change_brings_back_that_data(make_controller):
    c = make_controller(SMALL)
    c.step()
    before = c.network.params.copy()
    c.set_weight(0, 1, 1, -2.0)
    c.set_problem(replace(c.problem, dataset="xor"))  # not undoable by itself: an undo goes past it
    assert c.dataset.name == "xor"
    c.undo()
    assert c.dataset.name == "circles" and c.problem == SMALL
    np.testing.assert_array_equal(c.network.params, before)


def test_undoing_a_reset_brings_back_the_model_file_name(make_controller, qtbot):
    c = make_controller(SMALL)
    c.model_path = "/tmp/model.json"  # as if opened from a file (the window's title shows it)
    c.step()
    c.reset()
    assert c.model_path is None
    with qtbot.waitSignal(c.problemChanged, timeout=1000):  # the window retitles on it
        c.undo()
    assert c.model_path == "/tmp/model.json" and c.trainer.step == 1
