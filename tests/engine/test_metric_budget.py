"""Display-rate snapshots evaluate the whole sets only as often as the evaluation's cost allows."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from nnviz.app.history import HistoryBuffer
from nnviz.app.timeline import history_at
from nnviz.engine.datasets import make_dataset
from nnviz.engine.metric_budget import CHEAP_SECONDS, SPACING, MetricBudget
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer


def test_the_budget_waits_spacing_times_the_cost():
    budget = MetricBudget()
    assert budget.affordable(0, now=0.0)  # nothing evaluated yet
    budget.record((1.0, None, None, None), step=5, started=10.0, ended=10.2)  # it took 0.2 s
    assert not budget.affordable(5, now=100.0)  # the same step: its figures are fresh already
    assert not budget.affordable(6, now=10.2 + SPACING * 0.2 - 1e-9)
    assert budget.affordable(6, now=10.2 + SPACING * 0.2)
    budget.forget()
    assert budget.affordable(5, now=10.2)
    budget.record((1.0, None, None, None), step=5, started=10.0, ended=10.0 + CHEAP_SECONDS / 2)
    assert budget.affordable(6, now=10.0 + CHEAP_SECONDS / 2)  # cheap: always afresh, at once


def trainer(seed=0):
    data = make_dataset("circles", samples=200, noise=0.1, test_fraction=0.5, seed=seed)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(seed))
    return Trainer(net, data, TrainConfig(learning_rate=0.1, batch_size=10), seed=seed)


def test_an_expensive_evaluation_is_carried_between_display_snapshots(monkeypatch):
    t = trainer()
    clock = iter(np.arange(0.0, 100.0, 0.5))  # every perf_counter call: half a second later
    monkeypatch.setattr("nnviz.engine.trainer.time.perf_counter", lambda: float(next(clock)))
    monkeypatch.setattr("nnviz.engine.metric_budget.time.perf_counter", lambda: float(next(clock)))
    first = t.snapshot(display_rate=True)  # evaluation "took" 0.5 s
    assert first.fresh_metrics
    t.step_batch()
    second = t.snapshot(display_rate=True)
    assert not second.fresh_metrics and second.step == first.step + 1
    assert second.train_loss == first.train_loss  # the earlier step's figures, marked as such
    exact = t.snapshot()  # any other snapshot evaluates
    assert exact.fresh_metrics and exact.train_loss != first.train_loss
    assert exact.train_loss == t.evaluate()[0]

    history = HistoryBuffer()
    for snap in (first, second):
        history.add(snap, t.batches_per_epoch)
    assert [row[1] for row in history.rows] == [first.train_loss]  # no point from stale figures
    shown = history_at(history.freeze(), second, t.batches_per_epoch)  # rewound to the stale frame
    assert list(shown.train_loss) == [first.train_loss]
    history.add(exact, t.batches_per_epoch)
    assert [row[1] for row in history.rows] == [first.train_loss, exact.train_loss]


def test_cheap_evaluations_stay_fresh_at_the_display_rate():
    t = trainer(1)
    run = t.run(granularity="batch", every_seconds=0.0, max_epochs=2)
    snaps = list(run)
    assert len(snaps) == 2 * t.batches_per_epoch and all(s.fresh_metrics for s in snaps)
    assert snaps[-1].train_loss == t.evaluate()[0]


def next_collected(t: Trainer, epoch: float, seconds: float = 10.0):
    """Train on, one display-rate snapshot per step, until one carries figures of ``epoch``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t.step_batch()
        snap = t.snapshot(display_rate=True)
        if snap.metrics_epoch == epoch:
            return snap
        time.sleep(0.001)
    raise AssertionError(f"no snapshot carried the figures of epoch {epoch}")


def test_a_dear_evaluation_runs_in_the_background_and_arrives_with_its_epoch(monkeypatch):
    monkeypatch.setattr("nnviz.engine.metric_budget.CHEAP_SECONDS", 0.0)  # every evaluation counts as dear
    monkeypatch.setattr("nnviz.engine.metric_budget.SPACING", 0.0)  # and is affordable at once
    t = trainer(2)
    first = t.snapshot(display_rate=True)  # nothing to carry yet: evaluated here
    assert first.fresh_metrics and first.metrics_epoch == 0.0
    t.step_batch()
    expected = t.evaluate()  # the figures of step 1, made on the spot
    second = t.snapshot(display_rate=True)  # starts evaluating step 1 in the background
    assert not second.fresh_metrics and second.train_loss == first.train_loss
    step1 = 1 / t.batches_per_epoch
    later = next_collected(t, step1)
    assert later.step > 1 and not later.fresh_metrics
    assert (later.train_loss, later.test_loss, later.train_accuracy, later.test_accuracy) == expected

    history = HistoryBuffer()
    for snap in (first, second, later, later):
        history.add(snap, t.batches_per_epoch)
    assert [row[:2] for row in history.rows] == [(0.0, first.train_loss), (step1, expected[0])]


def test_figures_of_weights_changed_since_are_dropped(monkeypatch):
    monkeypatch.setattr("nnviz.engine.metric_budget.CHEAP_SECONDS", 0.0)
    monkeypatch.setattr("nnviz.engine.metric_budget.SPACING", 0.0)
    t = trainer(3)
    t.snapshot(display_rate=True)
    t.step_batch()
    t.snapshot(display_rate=True)  # step 1 evaluating in the background …
    t.network.params *= 0.5  # … when the weights are edited
    t.clear_stop()  # (an edit forgets the figures held, as a restore does)
    time.sleep(0.2)
    snap = t.snapshot(display_rate=True)
    assert snap.fresh_metrics and snap.train_loss == t.evaluate()[0]  # evaluated afresh, not step 1's


def test_the_status_line_says_which_epoch_carried_figures_are_of():
    from nnviz.app.training import snapshot_parts

    t = trainer(4)
    fresh = t.snapshot()
    assert not any("figures of" in part for part in snapshot_parts(fresh))
    carried = replace(fresh, step=fresh.step + 7, batch=fresh.batch + 7, fresh_metrics=False, metrics_epoch=0.25)
    assert snapshot_parts(carried)[-1] == "(figures of epoch 0.25)"
