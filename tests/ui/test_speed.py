"""Play speed: slow speeds keep to the setting, max is much faster, pause stays prompt and
exact at every speed, and the slider (logarithmic) is shown, measured and remembered."""

from __future__ import annotations

import re
import time

import pytest

pytest.importorskip("pytestqt")

from nnviz.app.pace import MAX_POSITION, rate_at  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402
from nnviz.engine.trainer import TrainConfig  # noqa: E402

SMALL = Problem(samples=100)  # 50 training rows, batches of 10: 5 steps an epoch
DIVERGING = Problem(dataset="regression_plane", samples=100, activation="relu", hidden=(4,),
                    output_activation="linear", loss="mse", train=TrainConfig(learning_rate=10.0, batch_size=10))


def steps_in(qtbot, c, seconds: float) -> float:
    """Steps per second the controller's trainer made while playing for ``seconds``."""
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step >= 1, timeout=5000)  # the first step is at once
    step0, t0 = c.snapshot.step, time.perf_counter()
    qtbot.wait(int(seconds * 1000))
    c.pause()
    return (c.trainer.step - step0) / (time.perf_counter() - t0)


@pytest.mark.parametrize("rate", [3.0, 10.0])
def test_a_slow_speed_keeps_to_its_rate(make_controller, qtbot, rate):
    c = make_controller()
    c.set_speed(rate)
    measured = steps_in(qtbot, c, 1.2)
    assert 0.5 * rate <= measured <= 1.5 * rate + 1, f"{measured:.1f} steps/s at a setting of {rate}"


def test_max_speed_is_much_faster_than_a_slow_one(make_controller, qtbot):
    c = make_controller()
    c.set_speed(10.0)
    slow = steps_in(qtbot, c, 0.6)
    c.set_speed(None)
    fast = steps_in(qtbot, c, 0.6)
    assert fast > 10 * slow, f"max {fast:.0f} steps/s vs {slow:.1f} at 10 steps/s"


def test_changing_the_speed_while_playing_applies_at_once(make_controller, qtbot):
    c = make_controller()
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step >= 50, timeout=5000)
    c.set_speed(2.0)
    assert c.running and c.run.rate == 2.0
    qtbot.wait(150)  # the frame in flight ends
    step0 = c.snapshot.step
    qtbot.wait(1000)
    assert c.running and c.snapshot.step - step0 <= 4


def test_pause_is_prompt_while_the_worker_waits_between_slow_steps(make_controller, qtbot):
    c = make_controller()
    c.set_speed(1.0)  # one step a second: the worker spends its time sleeping
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=5000)
    qtbot.wait(200)
    t0 = time.perf_counter()
    c.pause()
    assert time.perf_counter() - t0 < 0.1 and not c.running
    qtbot.wait(1200)  # the step that was due meanwhile is not taken
    assert c.trainer.step == 1 == c.snapshot.step


def test_pause_waits_for_a_slow_paced_step_so_an_edit_cannot_interleave(make_controller, qtbot):
    """As tests/ui/test_controller.py's race, at a paced speed: pause() returns only once the
    worker has left the optimizer step it is in."""
    c = make_controller()
    c.set_speed(20.0)
    optimizer = c.trainer.optimizer
    real_step = optimizer.step
    inside, slowed = [], []

    def slow_step(params, grads, lr):
        inside.append(True)
        if not slowed and optimizer.t >= 2:
            slowed.append(True)
            time.sleep(1.0)
        real_step(params, grads, lr)
        inside.pop()

    optimizer.step = slow_step
    c.play()
    qtbot.waitUntil(lambda: bool(slowed), timeout=5000)
    c.pause()
    assert not inside, "pause() returned while the worker was still inside a training step"
    c.set_weight(0, 0, 0, 0.123)
    step = c.trainer.step
    qtbot.wait(200)
    assert c.network.weights[0][0, 0] == 0.123 and c.trainer.step == step


def test_divergence_at_a_paced_speed_stops_with_the_message(make_controller, qtbot):
    c = make_controller(DIVERGING)
    c.set_speed(1000.0)
    with qtbot.waitSignal(c.diverged, timeout=10_000) as blocker:
        c.play()
    assert "learning rate" in blocker.args[0]
    qtbot.waitUntil(lambda: not c.running, timeout=1000)
    assert c.snapshot.stopped == blocker.args[0]


# ----------------------------------------------------------------------------- the window


def test_the_slider_is_logarithmic_and_sets_the_controllers_speed(window):
    bar = window.transport
    assert bar.speed.minimum() == 0 and bar.speed.maximum() == MAX_POSITION
    assert bar.speed.value() == MAX_POSITION and window.controller.speed is None  # the default: max
    for position, rate, text in [(0, 1.0, "1 step/s"), (10, 10.0, "10 steps/s"), (20, 100.0, "100 steps/s"),
                                 (30, 1000.0, "1,000 steps/s"), (5, 10 ** 0.5, "3.2 steps/s")]:
        bar.speed.setValue(position)
        assert window.controller.speed == pytest.approx(rate) == rate_at(position)
        assert bar.speed_label.text() == text
    bar.speed.setValue(MAX_POSITION)
    assert window.controller.speed is None and bar.speed_label.text() == "max"


def test_the_achieved_rate_is_measured_from_the_snapshots(window, qtbot):
    c = window.controller
    bar = window.transport
    assert bar.achieved.text() == "paused"
    bar.speed.setValue(10)  # 10 steps/s
    window.actions_["play"].trigger()
    qtbot.wait(2500)
    text = bar.achieved.text()
    window.actions_["play"].trigger()
    assert bar.achieved.text() == "paused"
    steps, epochs = (float(v.replace(",", "")) for v in re.findall(r"([\d.,]+) (?:steps|epochs)/s", text))
    assert 6 <= steps <= 14, text
    assert epochs == pytest.approx(steps / c.batches_per_epoch, abs=0.06), text


def test_achieved_text():
    from nnviz.ui.transport_bar import achieved_text

    assert achieved_text(98.0, 25) == "98 steps/s · 3.9 epochs/s"
    assert achieved_text(1.0, 25) == "1 steps/s · 0.04 epochs/s"
    assert achieved_text(12_345.0, 5) == "12,345 steps/s · 2,469 epochs/s"
    assert achieved_text(None, 5) == "measuring…"


def test_the_speed_is_remembered(make_window, settings_path):
    first = make_window()
    first.transport.speed.setValue(13)
    first.close()
    second = make_window()
    assert second.transport.speed.value() == 13
    assert second.controller.speed == pytest.approx(rate_at(13))
    second.controller.play()
    assert second.controller.run.rate == pytest.approx(rate_at(13))
    second.controller.pause()
