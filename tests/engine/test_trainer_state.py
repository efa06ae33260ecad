"""Trainer.state() / load_state() (what a session stores) and peek_batch() (changes nothing)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer
from nnviz.engine.trainer_state import TrainerState


def make_trainer(seed=3, samples=63, config=None) -> Trainer:
    ds = make_dataset("xor", samples=samples, noise=0.1, test_fraction=0.3, seed=1)
    net = Network([2, 5, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(7))
    return Trainer(net, ds, config or TrainConfig(learning_rate=0.05, batch_size=8, optimizer="adam"), seed=seed)


def same_state(a: TrainerState, b: TrainerState) -> bool:
    return (a.step, a.epoch, a.batch, a.stopped, a.shuffled_for, a.rng) == \
        (b.step, b.epoch, b.batch, b.stopped, b.shuffled_for, b.rng) and np.array_equal(a.permutation, b.permutation)


def positions():
    """Trainers at an epoch start (shuffle due), mid-epoch, and after a batch-size change."""
    fresh = make_trainer()
    mid = make_trainer()
    for _ in range(3):
        mid.step_batch()
    resized = make_trainer()
    resized.train_epochs(1)
    resized.step_batch()
    resized.configure(TrainConfig(learning_rate=0.05, batch_size=5, optimizer="adam"))
    epoch_end = make_trainer()
    epoch_end.train_epochs(2)
    return {"fresh": fresh, "mid": mid, "resized": resized, "epoch_end": epoch_end}


@pytest.mark.parametrize("where", ["fresh", "mid", "resized", "epoch_end"])
def test_peek_changes_nothing_and_matches_the_next_step(where):
    peeked, plain = positions()[where], positions()[where]
    before = peeked.state()
    x, y = peeked.peek_batch()
    assert same_state(peeked.state(), before)  # not the generator, not the shuffle
    assert x.shape == (len(x), 2) and y.shape == (len(x), 1)
    for t in (peeked, plain):
        t.step_batch()
        t.step_batch()
    assert np.array_equal(peeked.network.params, plain.network.params)
    assert same_state(peeked.state(), plain.state())
    # and it is what current_batch() gives, the batch the step trains on
    again = positions()[where]
    x1, y1 = again.peek_batch()
    x2, y2 = again.current_batch()
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.array_equal(again.peek_batch()[0], x2)


def test_peek_returns_copies():
    t = make_trainer()
    x, y = t.peek_batch()
    x[...] = 99.0
    y[...] = 99.0
    assert not np.array_equal(t.peek_batch()[0], x)


def test_the_peeked_batch_is_the_one_trained_on():
    """One SGD step on the peeked batch equals θ − η·∂L/∂θ computed on it by hand."""
    t = make_trainer(config=TrainConfig(learning_rate=0.1, batch_size=8))
    t.step_batch()
    x, y = t.peek_batch()
    theta = t.network.params.copy()
    _, grad = t.network.loss_and_grads(x, y)
    t.step_batch()
    assert np.array_equal(t.network.params, theta - 0.1 * grad)


@pytest.mark.parametrize("where", ["fresh", "mid", "resized", "epoch_end"])
def test_load_state_continues_bit_for_bit(where):
    a = positions()[where]
    b = make_trainer(seed=99, config=a.config)  # another shuffle seed: load_state must override it
    b.network.params[...] = a.network.params
    b.network.grads[...] = a.network.grads
    b.optimizer.load_state(a.optimizer.state())
    b.load_state(a.state())
    assert same_state(a.state(), b.state())
    for t in (a, b):
        t.step_batch()
        t.train_epochs(2)
    assert np.array_equal(a.network.params, b.network.params)
    assert same_state(a.state(), b.state())


def test_state_is_a_frozen_record_that_does_not_follow_the_trainer():
    t = make_trainer()
    t.step_batch()
    state = t.state()
    assert state.step == 1 and state.batch == 1 and state.shuffled_for == (0, 8)
    assert make_trainer().state().shuffled_for is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.step = 5
    assert not state.permutation.flags.writeable
    perm = state.permutation.copy()
    t.train_epochs(3)
    assert state.step == 1 and np.array_equal(state.permutation, perm)


def test_load_state_refuses_a_state_for_other_data():
    with pytest.raises(NnvizError, match="training rows"):
        make_trainer(samples=80).load_state(make_trainer().state())
