"""The timeline: bounded memory with the stated figures, even thinning that keeps the first
and the latest frame, cutting to continue from a frame, the curves up to a frame, and what
restoring a trainer to a frame puts back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.history import History
from nnviz.app.problem import Problem
from nnviz.app.timeline import (
    BUDGET_BYTES, FRAME_OVERHEAD, MAX_FRAMES, Timeline, capacity_for, frame_bytes, history_at, restore_frame,
)
from nnviz.app.training import build_trainer
from nnviz.engine.network import Network
from nnviz.engine.trainer import Snapshot, TrainConfig

TEN_MINUTES = 60 * 10 * 60  # snapshots offered by a 10-minute Play at 60 frames/s


def snap(n: int, params: np.ndarray | None = None, epoch: int = 0, loss: float = 1.0) -> Snapshot:
    """A frame numbered ``n`` by its step; ``params`` (shared, to test big networks cheaply)."""
    p = np.full(2, float(n)) if params is None else params
    return Snapshot(step=n, epoch=epoch, batch=n, layers=(1, 1), params=p, grads=p, learning_rate=0.1,
                    train_loss=loss, test_loss=None, train_accuracy=None, test_accuracy=None)


def steps(timeline: Timeline) -> list[int]:
    return [f.step for f in timeline.frames()]


def size(layers) -> int:
    return Network(layers, ["tanh"] * (len(layers) - 2) + ["sigmoid"], "mse").size


# ----------------------------------------------------------------------------- memory


@pytest.mark.parametrize("layers, params, capacity, stride, kept", [
    ((2, 8, 8, 1), 105, 10_000, 4, 9_001),
    ((784, 128, 64, 10), 109_386, 38, 1_024, 37),
])
def test_ten_minutes_of_play_fit_the_stated_figures(layers, params, capacity, stride, kept):
    assert size(layers) == params
    assert frame_bytes(params) == 16 * params + FRAME_OVERHEAD
    assert capacity_for(params) == capacity == min(MAX_FRAMES, BUDGET_BYTES // frame_bytes(params))
    shared = np.zeros(params)  # every frame has P-sized params and grads (one array: cheap to test)
    timeline = Timeline(capacity)
    for n in range(TEN_MINUTES):
        timeline.record(snap(n, shared))
    assert (timeline.stride, len(timeline)) == (stride, kept)
    assert timeline.nbytes == kept * 2 * 8 * params
    assert len(timeline) * frame_bytes(params) <= BUDGET_BYTES
    assert steps(timeline)[0] == 0 and steps(timeline)[-1] == TEN_MINUTES - 1


def test_the_docstring_states_the_figures():
    import nnviz.app.timeline as module

    for figure in ("9,001", "7.6 MB", "15.1 MB", "37 ", "32.4 MB", "64.8 MB", "1,024"):
        assert figure in module.__doc__, figure


def test_memory_stays_bounded_however_long_the_run():
    timeline = Timeline(capacity_for(105))
    shared = np.zeros(105)
    for n in range(50_000):
        timeline.record(snap(n, shared))
        assert len(timeline) <= timeline.capacity
    assert timeline.capacity // 2 <= len(timeline) <= timeline.capacity
    assert timeline.nbytes <= BUDGET_BYTES


# ----------------------------------------------------------------------------- thinning


def test_thinning_drops_every_other_frame_and_keeps_the_first_and_the_latest():
    timeline = Timeline(8)
    for n in range(7):
        timeline.record(snap(n))
    assert steps(timeline) == [0, 1, 2, 3, 4, 5, 6] and timeline.stride == 1
    timeline.record(snap(7))  # the 8th kept frame fills it: every other one goes, the latest stays
    assert steps(timeline) == [0, 2, 4, 6, 7] and timeline.stride == 2
    timeline.record(snap(8))  # on the stride: kept, and it is the latest
    assert steps(timeline) == [0, 2, 4, 6, 8]
    timeline.record(snap(9))  # off the stride: only as the latest
    assert steps(timeline) == [0, 2, 4, 6, 8, 9]
    for n in range(10, 16):
        timeline.record(snap(n))
    assert steps(timeline) == [0, 4, 8, 12, 15] and timeline.stride == 4


def test_kept_frames_are_always_evenly_spaced():
    timeline = Timeline(10)
    for n in range(1, 3000):
        timeline.record(snap(n - 1))
        kept = steps(timeline)
        if kept[-1] % timeline.stride:
            kept = kept[:-1]  # the latest, off the stride
        assert kept == list(range(0, kept[-1] + 1, timeline.stride)), n
        assert steps(timeline)[-1] == n - 1 and len(timeline) <= 10


def test_indexing_and_cursor():
    timeline = Timeline(8)
    for n in range(3):
        timeline.record(snap(n))
    assert timeline[0].step == 0 and timeline[-1].step == 2 and timeline.shown == 2
    timeline.cursor = 1
    assert timeline.shown == 1
    timeline.record(snap(3))  # recording goes live
    assert timeline.cursor is None and timeline.shown == 3
    with pytest.raises(IndexError):
        timeline[4]
    with pytest.raises(ValueError):
        Timeline(2)


# ----------------------------------------------------------------------------- continuing from a frame


def test_cut_drops_the_frame_and_the_future_and_the_next_frame_takes_its_place():
    timeline = Timeline(8)
    for n in range(16):
        timeline.record(snap(n))
    assert steps(timeline) == [0, 4, 8, 12, 15]
    timeline.cursor = 2
    timeline.cut(2)
    assert steps(timeline) == [0, 4] and timeline.cursor is None
    timeline.record(snap(100))  # the restored frame 2: on the stride, kept
    timeline.record(snap(101))  # then the spacing goes on: only the latest
    assert steps(timeline) == [0, 4, 100, 101]
    timeline.record(snap(102))
    timeline.record(snap(103))
    timeline.record(snap(104))  # the next one on the stride (number 12)
    assert steps(timeline) == [0, 4, 100, 104]

    timeline.cut(3)  # the latest frame itself
    assert steps(timeline) == [0, 4, 100]
    timeline.record(snap(200))
    assert steps(timeline) == [0, 4, 100, 200]
    with pytest.raises(IndexError):
        timeline.cut(4)


def test_history_at_ends_with_the_frames_own_row():
    nan = float("nan")
    history = History(epoch=np.array([0.0, 0.2, 0.4, 0.6, 0.8]), train_loss=np.array([5.0, 4.0, 3.0, 2.0, 1.0]),
                      test_loss=np.full(5, nan), train_acc=np.full(5, nan), test_acc=np.full(5, nan))
    frame = snap(2, loss=9.0)  # epoch 0, batch 2 of 5 → 0.4 (the curve had 3.0 there: an edit came after)
    h = history_at(history, frame, batches_per_epoch=5)
    np.testing.assert_array_equal(h.epoch, [0.0, 0.2, 0.4])
    np.testing.assert_array_equal(h.train_loss, [5.0, 4.0, 9.0])
    assert h.test_loss.shape == h.train_acc.shape == h.test_acc.shape == (3,)
    assert np.isnan(h.test_loss).all()
    first = history_at(history, snap(0, loss=5.0), 5)
    np.testing.assert_array_equal(first.epoch, [0.0])


def test_restore_frame_puts_back_params_grads_and_counters_with_a_fresh_optimizer():
    problem = replace(Problem(samples=100), train=TrainConfig(learning_rate=0.1, batch_size=10, optimizer="momentum"))
    trainer = build_trainer(problem)
    for _ in range(3):
        trainer.step_batch()
    frame = trainer.snapshot()
    for _ in range(9):  # past an epoch end (5 batches an epoch)
        trainer.step_batch()
    assert trainer.step == 12 and np.abs(trainer.optimizer.velocity_state).max() > 0

    restore_frame(trainer, frame)
    np.testing.assert_array_equal(trainer.network.params, frame.params)
    np.testing.assert_array_equal(trainer.network.grads, frame.grads)
    assert (trainer.step, trainer.epoch, trainer.batch, trainer.stopped) == (3, 0, 3, None)
    assert trainer.optimizer.t == 0 and not trainer.optimizer.velocity_state.any()

    # the next step is momentum's first: v = −η g, θ ← θ + v, on a batch of a fresh shuffle
    x, y = trainer.current_batch()
    g = trainer.network.trace(x, y)
    trainer.step_batch()
    assert (trainer.step, trainer.epoch, trainer.batch) == (4, 0, 4)
    for l, layer in enumerate(g.layers):
        np.testing.assert_allclose(trainer.network.biases[l] - frame.biases[l], -0.1 * layer.grad_b, atol=1e-12)
        np.testing.assert_allclose(trainer.network.weights[l] - frame.weights[l], -0.1 * layer.grad_w, atol=1e-12)


def test_restore_frame_refuses_another_architecture():
    trainer = build_trainer(Problem(samples=100))
    other = build_trainer(replace(Problem(samples=100), hidden=(3,)))
    with pytest.raises(ValueError, match="network"):
        restore_frame(trainer, other.snapshot())
