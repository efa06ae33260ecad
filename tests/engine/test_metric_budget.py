"""Display-rate snapshots evaluate the whole sets only as often as the evaluation's cost allows."""

from __future__ import annotations

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
