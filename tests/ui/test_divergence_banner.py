"""The app pauses with the divergence banner when training explodes without NaN, and the
banner names the likely cause (L2, not the learning rate, when L2 did it)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.problem import Problem
from nnviz.engine.trainer import TrainConfig

pytest.importorskip("pytestqt")

#: Spiral with a sigmoid output and BCE at η = 10⁶ (as a stored session may hold): the loss
#: climbs to ~10⁶ and every neuron saturates, but nothing becomes NaN.
EXPLODING = Problem(dataset="spiral", samples=200, train=TrainConfig(learning_rate=1e6, batch_size=10))


def choose(box, value):
    box.setCurrentIndex(box.findData(value))


def test_a_finite_explosion_pauses_with_a_message(make_controller, qtbot):
    c = make_controller(EXPLODING)
    with qtbot.waitSignal(c.diverged, timeout=10_000) as blocker:
        c.play()
    message = blocker.args[0]
    assert "loss rose" in message and "learning rate (1e+06) is probably too high" in message
    qtbot.waitUntil(lambda: not c.running, timeout=1000)
    assert c.snapshot.stopped == message
    assert np.isfinite(c.network.params).all() and c.snapshot.train_loss > 1e3
    c.play()  # nothing plays until a reset
    assert not c.running


def test_editing_a_weight_after_the_alarm_starts_a_new_watch(make_controller, qtbot):
    c = make_controller(EXPLODING)
    with qtbot.waitSignal(c.diverged, timeout=10_000):
        c.play()
    qtbot.waitUntil(lambda: not c.running, timeout=1000)
    c.set_problem(replace(c.problem, train=TrainConfig(learning_rate=1e-4, batch_size=10)))
    c.set_weight(0, 0, 0, 0.5)  # clears the stop: training goes on from here, judged from here
    messages = []
    c.diverged.connect(messages.append)
    for _ in range(5):
        c.step()
    assert messages == [] and c.trainer.stopped is None


def test_the_banner_blames_l2_when_l2_did_it(window, qtbot):
    controls, c = window.controls, window.controller
    choose(controls.learning_rate, 10.0)
    choose(controls.regularization, "L2")
    choose(controls.reg_rate, 1.0)  # η·λ₂ = 10: every step multiplies the weights by −9
    assert c.trainer.config.l2 == 1.0 and c.trainer.config.learning_rate == 10.0
    window.actions_["play"].trigger()
    qtbot.waitUntil(window.banner.isVisible, timeout=10_000)
    text = window.banner.text()
    assert "the L2 rate (1) is probably too high" in text and "learning rate" not in text
    assert text.endswith("Lower it and press Reset (Ctrl+R).")
    assert not c.running
