"""Undo states: a captured state goes on exactly as the trainer it came from, and the
stack's undo / redo order, limit and memory budget."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.problem import Problem
from nnviz.app.training import build_trainer
from nnviz.app.undo import SessionState, UndoStack
from nnviz.engine.trainer import TrainConfig

ADAM = replace(Problem(samples=100), train=TrainConfig(learning_rate=0.01, batch_size=10, optimizer="adam"))


def capture(trainer, recording=0):
    return SessionState.capture(trainer, ADAM, [(0.0, 1.0, 1.0, 0.5, 0.5)], recording=recording)


def test_a_restored_state_trains_on_bit_for_bit_like_the_original():
    trainer = build_trainer(ADAM)
    for _ in range(7):  # into the second epoch: the data order and Adam's moments matter
        trainer.step_batch()
    state = capture(trainer)
    assert not state.params.flags.writeable and state.optimizer["t"] == 7
    for _ in range(6):
        trainer.step_batch()
    expected = trainer.network.params.copy()

    other = build_trainer(ADAM)  # fresh weights, fresh optimizer, epoch 0
    state.restore_into(other)
    np.testing.assert_array_equal(other.network.params, state.params)
    assert (other.step, other.epoch, other.batch) == (7, 1, 2)
    for _ in range(6):
        other.step_batch()
    np.testing.assert_array_equal(other.network.params, expected)

    state.restore_into(trainer)  # also back into the trainer it came from, after it trained on
    np.testing.assert_array_equal(trainer.network.params, state.params)
    with pytest.raises(ValueError, match="parameters"):
        state.restore_into(build_trainer(replace(ADAM, hidden=(3,))))


def test_undo_and_redo_order():
    trainer = build_trainer(ADAM)
    a, b, c = (capture(trainer, recording=k) for k in range(3))
    stack = UndoStack()
    assert stack.undo(c) is None and stack.redo(c) is None
    stack.push(a)
    stack.push(b)
    assert stack.undo(c) is b and stack.can_redo
    assert stack.undo(b) is a and not stack.can_undo
    assert stack.redo(a) is b
    assert stack.redo(b) is c and not stack.can_redo
    stack.undo(c)
    stack.push(c)  # a new change after an undo: what was undone cannot be redone
    assert not stack.can_redo
    stack.drop_last()
    assert stack.undo(c) is a


def test_the_stack_keeps_a_limited_number_and_size_of_states():
    trainer = build_trainer(ADAM)
    states = [capture(trainer, recording=k) for k in range(5)]
    stack = UndoStack(limit=3)
    for s in states:
        stack.push(s)
    assert stack.undo(states[4]) is states[4] and stack.undo(states[4]) is states[3]
    assert stack.undo(states[3]) is states[2] and not stack.can_undo

    one = states[0].nbytes
    assert one == 8 * (4 * trainer.network.size + trainer.n_train)  # params, grads, Adam's m and v, order
    small = UndoStack(budget=2 * one)
    for s in states:
        small.push(s)
    assert [small.undo(states[0]).recording for _ in range(2)] == [4, 3] and not small.can_undo
    tiny = UndoStack(budget=1)  # the latest state always stays
    tiny.push(states[0])
    assert tiny.can_undo
