"""Divergence short of NaN: the watch's rules, the likely cause, and no false alarm on normal runs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.problem import Problem
from nnviz.app.training import build_trainer
from nnviz.engine.activations import HIDDEN_ACTIVATIONS
from nnviz.engine.datasets import make_dataset
from nnviz.engine.divergence import STREAK, DivergenceWatch, likely_cause
from nnviz.engine.network import Network
from nnviz.engine.toy_sets import DATASET_NAMES
from nnviz.engine.trainer import TrainConfig, Trainer
from nnviz.lessons import player
from nnviz.lessons.catalog import builtin_lessons


def spiral_trainer(loss: str = "mse", **config) -> Trainer:
    """``nnviz train``'s defaults: spiral, 2-8-8-1 tanh with a sigmoid output, SGD."""
    data = make_dataset("spiral", samples=500, noise=0.0, test_fraction=0.5, seed=0)
    net = Network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], loss)
    net.initialize("xavier", np.random.default_rng(0))
    return Trainer(net, data, TrainConfig(**config), seed=0)


# ---- the watch's rules ---------------------------------------------------------------------------

class Steps:
    """Feeds a watch one checked step at a time."""

    def __init__(self, start_loss: float, start_peak: float):
        self.watch = DivergenceWatch()
        self.watch.start(start_loss, start_peak)
        self.step = 0

    def __call__(self, loss: float, peak: float = 1.0) -> str | None:
        self.step += 1
        return self.watch.symptom(loss, peak, self.step)


def test_loss_explosion_fires_after_a_streak_and_not_for_one_spike():
    check = Steps(0.7, 1.0)
    assert check(0.5) is None  # best 0.5
    assert check(600.0) is None  # 1200 × best, but at one step only
    assert check(0.4) is None  # recovered: the streak ends
    for _ in range(STREAK - 1):
        assert check(7e5) is None
    message = check(7e5)
    assert "loss rose to 7e+05" in message and "best (0.4)" in message


def test_a_step_checked_twice_counts_once():
    watch = DivergenceWatch()
    watch.start(0.7, 1.0)
    assert all(watch.symptom(7e5, 1.0, step=1) is None for _ in range(2 * STREAK))
    assert watch.symptom(7e5, 1.0, step=2) is None
    assert watch.symptom(7e5, 1.0, step=3) is not None


def test_loss_below_every_threshold_is_fine():
    check = Steps(0.7, 1.0)
    check(1e-4)  # best 1e-4: 1000 × best = 0.1, but 10 × start = 7 and the floor is 1
    assert all(check(6.9) is None for _ in range(2 * STREAK))


def test_weight_runaway_needs_no_progress():
    check = Steps(0.12, 0.8)
    watch = check.watch
    # weights 1000 × their start (at least 1) while learning: fine, and the gate moves up to 2 × peak
    assert all(check(0.01, 2e3) is None for _ in range(2 * STREAK))
    assert not watch.past_gate(3.9e3) and watch.past_gate(4.1e3)
    # weights far out and the loss back above where it started: diverged
    found = [check(0.25, 3e4) for _ in range(STREAK)]
    assert found[:-1] == [None] * (STREAK - 1)
    assert "|w| = 3e+04" in found[-1] and "before training (0.12)" in found[-1]


def test_nothing_is_judged_before_the_start_or_on_nan():
    assert DivergenceWatch().symptom(1e9, 1e9, 1) is None
    check = Steps(0.7, 1.0)
    assert all(check(float("nan"), 1e9) is None for _ in range(2 * STREAK))


@pytest.mark.parametrize(("config", "blamed"), [
    ({"learning_rate": 1e6}, "the learning rate (1e+06)"),
    ({"learning_rate": 0.03, "l2": 1e300}, "the L2 rate (1e+300)"),
    ({"learning_rate": 1.0, "l2": 3.0}, "the L2 rate (3)"),
    ({"learning_rate": 0.03, "l1": 1e300}, "the L1 rate (1e+300)"),
    ({"learning_rate": 1e6, "l2": 1e-3, "l1": 1e-3}, "the learning rate (1e+06)"),  # small rates: η is the cause
    ({"learning_rate": 0.5, "l2": 3.0}, "the learning rate (0.5)"),  # η·λ₂ = 1.5 < 2: weight decay is stable
])
def test_likely_cause(config, blamed):
    assert likely_cause(TrainConfig(**config)) == f"{blamed} is probably too high"


# ---- the trainer -----------------------------------------------------------------------------------

def test_huge_learning_rate_with_mse_stops_though_nothing_is_nan():
    t = spiral_trainer(learning_rate=1e6)
    assert not t.train_epochs(50)
    assert t.epoch < 10 and np.isfinite(t.network.params).all()
    assert "weights grew" in t.stopped and "learning rate (1e+06) is probably too high" in t.stopped
    assert np.isfinite(t.evaluate()[0])


def test_huge_learning_rate_with_bce_stops_on_the_loss_in_snapshots():
    t = spiral_trainer("bce", learning_rate=1e6)
    snaps = list(t.run(granularity="batch"))  # the app's path: every snapshot is judged
    last = snaps[-1]
    assert last.stopped and "loss rose" in last.stopped and "learning rate (1e+06)" in last.stopped
    assert np.isfinite(last.train_loss) and last.train_loss > 1e3
    assert all(s.stopped is None for s in snaps[:-1])


def test_huge_l2_is_blamed_not_the_learning_rate():
    t = spiral_trainer(learning_rate=0.03, l2=1e300)
    assert not t.train_epochs(50)
    assert "L2 rate (1e+300) is probably too high" in t.stopped and "learning rate" not in t.stopped


def test_huge_l1_is_blamed():
    t = spiral_trainer(learning_rate=0.03, l1=1e300)
    assert not t.train_epochs(50)
    assert "weights grew" in t.stopped and "L1 rate (1e+300) is probably too high" in t.stopped


def test_clear_stop_starts_a_new_watch():
    t = spiral_trainer(learning_rate=1e6)
    t.train_epochs(50)
    assert t.stopped
    t.clear_stop()
    t.configure(TrainConfig(learning_rate=1e-3))
    assert t.train_epochs(5) and t.stopped is None  # judged from where it was left, not from the old start


def test_load_state_starts_a_new_watch():
    t = spiral_trainer(learning_rate=1e6)
    state = t.state()
    t.train_epochs(2)  # past the gate, the streak under way
    t.load_state(state)
    t.network.initialize("xavier", np.random.default_rng(0))
    t.configure(TrainConfig(learning_rate=0.03))
    assert t.train_epochs(5) and t.stopped is None


# ---- no false alarm ---------------------------------------------------------------------------------

NORMAL_PROBLEMS = [replace(Problem(), dataset=name) for name in DATASET_NAMES] + [
    replace(Problem(), activation=name) for name in HIDDEN_ACTIVATIONS] + [
    # ReLU on the lecture's unscaled inputs spikes the loss 200-fold once, then trains on
    replace(Problem(), dataset="lecture", activation="relu"),
    replace(Problem(), dataset="spiral", hidden=(8, 8), train=TrainConfig(learning_rate=3.0, batch_size=10)),
    replace(Problem(), dataset="spiral", train=TrainConfig(learning_rate=0.03, optimizer="adam")),
]


@pytest.mark.parametrize("problem", NORMAL_PROBLEMS,
                         ids=[f"{p.dataset}-{p.activation}-{p.train.optimizer}-{p.train.learning_rate:g}"
                              for p in NORMAL_PROBLEMS])
def test_default_problems_train_without_an_alarm(problem):
    t = build_trainer(problem)
    for snap in t.run(granularity="epoch", max_epochs=150):  # every epoch judged, as the app's frames are
        assert snap.stopped is None, snap.stopped
    assert t.train_epochs(150) and t.stopped is None


def test_the_cli_default_run_trains_without_an_alarm():
    t = spiral_trainer(learning_rate=0.03, batch_size=10)
    assert t.train_epochs(500) and t.stopped is None


def test_builtin_lessons_train_without_an_alarm(monkeypatch):
    trainers: list[Trainer] = []

    class Recorded(Trainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            trainers.append(self)

    monkeypatch.setattr(player, "Trainer", Recorded)
    for lesson in builtin_lessons():
        assert player.LessonPlayer(lesson).check() == [], lesson.id
    assert len(trainers) >= 10  # the lessons' train and compare steps did run
    assert [t.stopped for t in trainers if t.stopped] == []
