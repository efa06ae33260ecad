"""SessionController: stepping gives the engine's numbers exactly, playing runs in a worker
thread that pauses quickly, and changes, divergence and errors while playing are handled."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QThreadPool  # noqa: E402

from nnviz.engine.errors import NnvizError  # noqa: E402
from nnviz.engine.trainer import TrainConfig, Trainer  # noqa: E402
from nnviz.app.stepping import PhaseView  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402

SMALL = Problem(samples=100)  # circles: 50 train / 50 test rows, batches of 10 → 5 steps per epoch
DIVERGING = Problem(dataset="regression_plane", samples=100, activation="relu", hidden=(4,),
                    output_activation="linear", loss="mse",
                    train=TrainConfig(learning_rate=10.0, batch_size=10))


def reference(problem):
    """An independent network + trainer built from the same Problem."""
    ds = problem.make_dataset()
    net = problem.make_network(ds)
    return net, Trainer(net, ds, problem.train, seed=problem.seed)


def assert_trace_equal(actual, expected):
    np.testing.assert_array_equal(actual.x, expected.x)
    np.testing.assert_array_equal(actual.y, expected.y)
    assert actual.loss == expected.loss
    assert len(actual.layers) == len(expected.layers)
    for a, e in zip(actual.layers, expected.layers):
        for name in ("z", "a", "delta", "grad_w", "grad_b"):
            np.testing.assert_array_equal(getattr(a, name), getattr(e, name), err_msg=name)


def wait_for_step(qtbot, c, at_least, timeout=10_000):
    qtbot.waitUntil(lambda: c.snapshot is not None and c.snapshot.step >= at_least, timeout=timeout)


# ----------------------------------------------------------------------------- stepping


def test_step_batch_matches_trainer_step_batch(make_controller):
    c = make_controller()
    net, trainer = reference(SMALL)
    np.testing.assert_array_equal(c.network.params, net.params)
    assert c.granularity == "batch"
    for k in range(1, 8):  # crosses an epoch boundary (5 batches per epoch)
        before = c.network.params.copy()
        c.step()
        trainer.step_batch()
        assert not np.array_equal(c.network.params, before)
        np.testing.assert_array_equal(c.network.params, net.params)
        assert c.snapshot.step == k == trainer.step
        assert (c.snapshot.epoch, c.snapshot.batch) == (trainer.epoch, trainer.batch)
    assert c.snapshot.epoch == 1
    np.testing.assert_array_equal(c.snapshot.params, net.params)


def test_phase_steps_cycle_forward_backward_update(make_controller, qtbot):
    c = make_controller()
    views = []
    c.phaseChanged.connect(views.append)
    c.set_granularity("phase")
    net, trainer = reference(SMALL)
    lr = SMALL.train.learning_rate
    assert SMALL.train.optimizer == "sgd" and not (SMALL.train.l1 or SMALL.train.l2)

    for cycle in range(2):
        x, y = trainer.current_batch()
        expected = net.trace(x, y)
        start = c.network.params.copy()

        c.step()
        fwd = c.phase
        assert isinstance(fwd, PhaseView) and fwd.phase == "forward" and fwd.sample == 0
        assert views[-1] is fwd
        assert_trace_equal(fwd.trace, expected)
        np.testing.assert_array_equal(c.network.params, start)
        np.testing.assert_array_equal(fwd.before, start)
        np.testing.assert_array_equal(fwd.after, start)

        c.step()
        back = c.phase
        assert back.phase == "backward" and back.trace is fwd.trace
        np.testing.assert_array_equal(c.network.params, start)

        c.step()
        upd = c.phase
        assert upd.phase == "update" and upd.trace is fwd.trace
        np.testing.assert_array_equal(upd.before, start)
        np.testing.assert_array_equal(upd.after, c.network.params)
        for l, layer in enumerate(expected.layers):  # SGD: Δw = −η ∂L/∂w, Δb = −η ∂L/∂b
            w0 = start[net.offsets[l]:net.offsets[l + 1]].reshape(net.theta[l].shape)
            np.testing.assert_allclose(c.network.weights[l] - w0[:-1].T, -lr * layer.grad_w, rtol=1e-9, atol=1e-14)
            np.testing.assert_allclose(c.network.biases[l] - w0[-1], -lr * layer.grad_b, rtol=1e-9, atol=1e-14)
            assert np.abs(layer.grad_w).max() > 0
        trainer.step_batch()
        np.testing.assert_array_equal(c.network.params, net.params)
        assert c.snapshot.step == cycle + 1
    assert [v.phase for v in views if v is not None] == ["forward", "backward", "update"] * 2


def test_sample_steps_walk_the_batch_then_update(make_controller):
    c = make_controller()
    c.set_granularity("sample")
    net, trainer = reference(SMALL)
    x, y = trainer.current_batch()
    assert len(x) == SMALL.train.batch_size == 10
    start = c.network.params.copy()
    for i in range(len(x)):
        c.step()
        view = c.phase
        assert view.phase == ("update" if i == len(x) - 1 else "backward")
        np.testing.assert_array_equal(view.trace.x, x[i:i + 1])
        assert_trace_equal(view.trace, net.trace(x[i:i + 1], y[i:i + 1]))
        if i < len(x) - 1:
            np.testing.assert_array_equal(c.network.params, start)
            assert c.snapshot.step == 0
    trainer.step_batch()  # the update uses the whole batch's gradient
    np.testing.assert_array_equal(c.network.params, net.params)
    assert c.snapshot.step == 1
    c.step()  # the next batch starts from its first sample
    x2, y2 = trainer.current_batch()
    np.testing.assert_array_equal(c.phase.trace.x, x2[:1])


def test_epoch_step_trains_a_whole_epoch(make_controller):
    c = make_controller()
    c.set_granularity("epoch")
    net, trainer = reference(SMALL)
    c.step()
    trainer.train_epochs(1)
    assert c.phase is None
    assert (c.snapshot.epoch, c.snapshot.step) == (1, 5)
    np.testing.assert_array_equal(c.network.params, net.params)
    with pytest.raises(ValueError):
        c.set_granularity("minute")


# ----------------------------------------------------------------------------- playing


def test_play_then_pause_quickly_and_stay_paused(make_controller, qtbot):
    c = make_controller()
    running = []
    c.runningChanged.connect(running.append)
    c.play()
    assert c.running and running == [True]
    qtbot.waitUntil(lambda: c.snapshot.epoch >= 3, timeout=10_000)
    t0 = time.perf_counter()
    c.pause()
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.1, f"pause took {elapsed * 1000:.0f} ms"
    assert not c.running and running == [True, False]
    step, epoch, params = c.trainer.step, c.snapshot.epoch, c.network.params.copy()
    assert epoch >= 3
    qtbot.wait(300)  # stale snapshots still queued are dropped, nothing trains
    assert c.trainer.step == step and c.snapshot.epoch == epoch
    np.testing.assert_array_equal(c.network.params, params)
    # the shown snapshot is the trainer's state once paused, within the last display frame
    assert c.snapshot.step <= step
    assert len(c.history().epoch) >= 2 and np.all(np.diff(c.history().epoch) > 0)


def test_pause_is_fast_every_time(make_controller, qtbot):
    """Pausing at arbitrary moments of the worker's frame (training or waiting for the GUI)."""
    c = make_controller()
    worst = 0.0
    for k in range(8):
        c.play()
        qtbot.wait(40 + 7 * k)
        t0 = time.perf_counter()
        c.pause()
        worst = max(worst, time.perf_counter() - t0)
    assert worst < 0.1, f"slowest pause {worst * 1000:.0f} ms"
    assert c.trainer.step > 0


def test_toggle(make_controller, qtbot):
    c = make_controller()
    c.toggle()
    assert c.running
    wait_for_step(qtbot, c, 1)
    c.toggle()
    assert not c.running


def test_new_learning_rate_while_playing_keeps_running(make_controller, qtbot):
    c = make_controller()
    errors = []
    c.errorOccurred.connect(errors.append)
    c.play()
    wait_for_step(qtbot, c, 5)
    trainer, network = c.trainer, c.network
    new = replace(SMALL, train=replace(SMALL.train, learning_rate=0.3))
    assert not new.needs_rebuild(SMALL)
    c.set_problem(new)
    assert c.running and c.problem == new
    qtbot.waitUntil(lambda: c.snapshot.config.learning_rate == 0.3, timeout=5000)
    assert c.trainer is trainer and c.network is network  # not rebuilt
    assert c.trainer.config.learning_rate == 0.3
    step = c.snapshot.step
    wait_for_step(qtbot, c, step + 5)
    assert c.running and not errors


def test_new_learning_rate_right_before_pause_is_not_lost(make_controller, qtbot):
    c = make_controller()
    for k, lr in enumerate((0.3, 0.03, 1.0)):
        c.play()
        qtbot.wait(30 + 10 * k)
        c.set_problem(replace(c.problem, train=replace(c.problem.train, learning_rate=lr)))
        c.pause()
        assert c.trainer.config.learning_rate == lr
    before = c.network.biases[-1].copy()
    x, y = c.trainer.current_batch()
    grad = c.network.trace(x, y).layers[-1].grad_b
    assert np.abs(grad).max() > 1e-8
    c.step()  # the step uses the new rate
    np.testing.assert_allclose(c.network.biases[-1] - before, -1.0 * grad, rtol=1e-6)


def test_new_dataset_while_playing_rebuilds_and_keeps_running(make_controller, qtbot):
    c = make_controller()
    errors, problems = [], []
    c.errorOccurred.connect(errors.append)
    c.problemChanged.connect(problems.append)
    c.play()
    wait_for_step(qtbot, c, 3)
    old_trainer = c.trainer
    c.set_problem(replace(SMALL, dataset="xor", hidden=(3,)))
    assert c.running and c.trainer is not old_trainer
    assert c.network.layers == (2, 3, 1)
    assert c.dataset.name == "xor" and problems[-1].dataset == "xor"
    wait_for_step(qtbot, c, 5)
    assert tuple(c.snapshot.layers) == (2, 3, 1)

    c.set_problem(replace(SMALL, dataset="blobs", hidden=(5, 2)))
    assert c.running
    assert c.network.layers == (2, 5, 2, 3)
    assert c.network.activation_names[-1] == "softmax" and c.network.loss_name == "ce"
    wait_for_step(qtbot, c, 5)
    assert tuple(c.snapshot.layers) == (2, 5, 2, 3) and c.snapshot.train_accuracy is not None
    c.pause()
    assert not errors


def test_change_hidden_adds_and_removes_layers(make_controller, qtbot):
    c = make_controller()
    assert c.network.layers == (2, 4, 4, 1)
    c.change_hidden((4, 4, 4))
    assert c.network.layers == (2, 4, 4, 4, 1) and c.problem.hidden == (4, 4, 4)
    assert c.network.activation_names == ("tanh", "tanh", "tanh", "sigmoid")
    c.change_hidden((2,))
    assert c.network.layers == (2, 2, 1)
    c.change_hidden(())
    assert c.network.layers == (2, 1)
    c.play()
    c.change_hidden((6, 3))  # while playing
    assert c.running and c.network.layers == (2, 6, 3, 1)
    wait_for_step(qtbot, c, 2)
    assert tuple(c.snapshot.layers) == (2, 6, 3, 1)
    c.pause()
    for bad in ((0,), (129,), (1,) * 7):
        with pytest.raises(NnvizError):
            c.change_hidden(bad)
    assert c.network.layers == (2, 6, 3, 1)


def test_reset_gives_the_initial_weights(make_controller):
    c = make_controller()
    initial = c.network.params.copy()
    for _ in range(3):
        c.step()
    assert not np.array_equal(c.network.params, initial)
    c.reset()
    np.testing.assert_array_equal(c.network.params, initial)
    assert c.snapshot.step == 0 and len(c.history().epoch) == 1


@pytest.mark.parametrize("problem", [DIVERGING, replace(DIVERGING, activation="tanh", hidden=(4, 4))],
                         ids=["relu", "tanh"])
def test_divergence_while_playing_stops_with_a_message(make_controller, qtbot, problem):
    c = make_controller(problem)
    with qtbot.waitSignal(c.diverged, timeout=10_000) as blocker:
        c.play()
    message = blocker.args[0]
    assert "learning rate" in message and "(10)" in message
    qtbot.waitUntil(lambda: not c.running, timeout=1000)
    assert c.snapshot.stopped == message
    step = c.trainer.step
    c.play()  # nothing to play until reset
    assert not c.running and c.trainer.step == step
    with qtbot.waitSignal(c.diverged, timeout=1000):
        c.step()
    c.reset()
    assert c.trainer.stopped is None and np.isfinite(c.network.params).all()


def test_divergence_while_stepping(make_controller, qtbot):
    c = make_controller(DIVERGING)
    messages = []
    c.diverged.connect(messages.append)
    for _ in range(20):
        c.step()
        if messages:
            break
    assert len(messages) == 1 and "learning rate" in messages[0]
    assert c.trainer.stopped == messages[0] == c.snapshot.stopped
    assert not c.snapshot.train_loss < 1e3  # exploded or NaN: stopped before the floats run out


@pytest.mark.parametrize("error", [RuntimeError, ValueError])
def test_error_in_the_worker_is_reported_and_play_works_again(make_controller, qtbot, monkeypatch, caplog, error):
    c = make_controller()
    running = []
    c.runningChanged.connect(running.append)

    def boom(count):
        raise error("boom in the trainer")

    monkeypatch.setattr(c.trainer, "_run_batches", boom)
    # the error reaches the GUI once, as a message, and its traceback goes to the log
    with caplog.at_level(logging.ERROR, logger="nnviz.ui.controller"):
        with qtbot.waitSignal(c.errorOccurred, timeout=5000) as blocker:
            c.play()
    assert blocker.args[0] == f"training stopped: {error.__name__}: boom in the trainer"
    assert not c.running and running == [True, False]
    assert any("boom in the trainer" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)

    monkeypatch.undo()  # fixed
    c.play()
    assert c.running
    wait_for_step(qtbot, c, 5)
    c.pause()
    assert not c.running


def test_shutdown_while_running_stops_within_a_second(make_controller, qtbot):
    c = make_controller()
    c.play()
    wait_for_step(qtbot, c, 2)
    t0 = time.perf_counter()
    c.shutdown()
    assert time.perf_counter() - t0 < 1.0
    assert not c.running
    assert QThreadPool.globalInstance().activeThreadCount() == 0


def test_an_error_from_a_paused_run_does_not_stop_the_next_one(make_controller, qtbot, monkeypatch):
    """The worker fails, but the user pauses and plays again before the error signal arrives."""
    c = make_controller()
    messages = []
    c.errorOccurred.connect(messages.append)

    def boom(count):
        raise ValueError("boom in the trainer")

    monkeypatch.setattr(c.trainer, "_run_batches", boom)
    with qtbot.capture_exceptions():
        c.play()
        deadline = time.perf_counter() + 2.0
        while not c.run.finished and time.perf_counter() < deadline:
            time.sleep(0.005)  # no event processing: the error signal stays queued
        assert c.run.finished and c.running
        c.pause()
        monkeypatch.undo()
        c.play()
        qtbot.waitUntil(lambda: len(messages) == 1, timeout=2000)
    assert "boom in the trainer" in messages[0]
    assert c.running  # the new run goes on, and the controller can still stop it
    wait_for_step(qtbot, c, 3)
    t0 = time.perf_counter()
    c.pause()
    assert time.perf_counter() - t0 < 0.1 and not c.running
    step = c.trainer.step
    qtbot.wait(100)
    assert c.trainer.step == step and QThreadPool.globalInstance().activeThreadCount() == 0


def test_pause_waits_for_a_slow_step_so_an_edit_cannot_interleave(make_controller, qtbot):
    """The worker is inside an optimizer step that takes longer than any fixed timeout;
    pause() must return only after it, so the weight set afterwards is the one that stays."""
    c = make_controller()
    optimizer = c.trainer.optimizer
    real_step = optimizer.step
    inside, slowed = [], []

    def slow_step(params, grads, lr):
        inside.append(True)
        if not slowed:  # once: the step the pause lands in
            slowed.append(True)
            time.sleep(1.5)
        real_step(params, grads, lr)
        inside.pop()

    optimizer.step = slow_step
    c.play()
    qtbot.waitUntil(lambda: bool(slowed), timeout=5000)
    c.pause()
    assert not inside, "pause() returned while the worker was still inside a training step"
    assert c.run is None and not c.running
    c.set_weight(0, 0, 0, 0.123)
    step = c.trainer.step
    qtbot.wait(200)  # a worker still alive would now apply its update over the edit
    assert c.network.weights[0][0, 0] == 0.123 and c.trainer.step == step
    assert c.snapshot.weights[0][0, 0] == 0.123


# ----------------------------------------------------------------------------- a phase's sample


def test_choosing_a_phase_sample_shows_that_row_of_the_same_batch(make_controller):
    c = make_controller()
    views = []
    c.phaseChanged.connect(views.append)
    c.set_phase_sample(3)  # no phase: nothing to choose
    assert views == []
    c.set_granularity("phase")
    c.step()
    forward = c.phase
    c.set_phase_sample(3)
    assert views[-1] is c.phase and c.phase.sample == 3 and c.phase.trace is forward.trace
    count = len(views)
    c.set_phase_sample(3)  # the same row again: no new phase
    assert len(views) == count
    c.step()
    assert c.phase.phase == "backward" and c.phase.sample == 3
    x, y = forward.trace.x, forward.trace.y
    d_out = forward.trace.prediction[3] - y[3]  # sigmoid + BCE: the sample's own δ = ŷ − y
    np.testing.assert_allclose(c.phase.sample_delta(len(c.network.layers) - 2), d_out, rtol=1e-12)
    start = c.network.params.copy()
    c.step()
    assert c.phase.phase == "update" and c.phase.sample == 3
    net, _ = reference(SMALL)
    net.set_params(start)
    mean = np.mean([net.loss_and_grads(x[i:i + 1], y[i:i + 1])[1] for i in range(len(x))], axis=0)
    np.testing.assert_allclose(c.network.params, start - SMALL.train.learning_rate * mean, rtol=1e-10, atol=1e-15)


def test_the_sample_selector_changes_the_nodes_and_the_ring_not_the_edges(window, qtbot):
    c, controls, canvas = window.controller, window.controls, window.canvas
    spin = controls.phase_sample
    assert not spin.isEnabled()
    controls.granularity.setCurrentIndex(controls.granularity.findData("phase"))
    controls.speed.setValue(0)
    c.step()
    c.step()  # the backward pass of a batch of 10
    assert spin.isEnabled() and spin.maximum() == 10 and spin.value() == 1
    edges = canvas.edge_set.value.copy()
    first = canvas.value_labels()
    spin.setValue(5)
    assert c.phase.sample == 4 and canvas.phase is c.phase
    trace = c.phase.trace
    out = len(c.network.layers) - 1
    assert canvas.value_labels()[(out, 0)] == f"δ = {trace.prediction[4, 0] - trace.y[4, 0]:.3g}"
    assert canvas.value_labels() != first
    np.testing.assert_array_equal(canvas.edge_set.value, edges)  # still the batch's ∂L/∂w
    point, text = window.boundary_plot.marker()
    row = int(np.flatnonzero((c.dataset.x_train == trace.x[4]).all(axis=1))[0])
    np.testing.assert_array_equal(point, c.dataset.raw_train[row])
    assert text.startswith("◯ sample 5 of 10: target")
    assert "nodes: δ = ∂L/∂z of sample 5 of 10" in canvas.painter.caption()
    c.reset()
    assert not spin.isEnabled() and window.boundary_plot.marker() == (None, "")
    (x0, x1), _ = window.loss_plot.loss_plot.viewRange()
    assert x0 > -0.1 and x1 < 1.1  # the fresh history's small range
    controls.granularity.setCurrentIndex(controls.granularity.findData("batch"))
    c.step()  # a plain mini-batch step follows no sample: nothing to pick, nothing ringed
    assert c.phase is not None and not c.phase.traced
    assert not spin.isEnabled() and window.boundary_plot.marker() == (None, "")


def test_a_new_loss_alone_keeps_the_weights(make_controller):
    """An opened model's loss is chosen from its output; changing it must not re-initialize."""
    c = make_controller()
    assert c.problem.loss == "bce" and c.network.loss_name == "bce"
    c.trainer.train_epochs(2)
    trained = c.network.params.copy()
    c.set_problem(replace(c.problem, loss="mse"))
    assert c.network.loss_name == "mse" and np.array_equal(c.network.params, trained)
    c.set_problem(replace(c.problem, loss="bce", seed=c.problem.seed + 1))  # with another change: a new network
    assert c.network.loss_name == "bce" and not np.array_equal(c.network.params, trained)


def test_pause_shows_the_weights_trained_last_with_their_own_losses(make_controller, qtbot, monkeypatch):
    """Display-rate snapshots may carry earlier figures, and the worker may train on past the
    last one shown: after Pause the views show the trainer as it is, its figures fresh."""
    monkeypatch.setattr("nnviz.engine.metric_budget.CHEAP_SECONDS", 0.0)  # every evaluation counts as dear
    monkeypatch.setattr("nnviz.engine.metric_budget.SPACING", 1e9)  # so the run carries its first figures
    c = make_controller()
    c.play()
    qtbot.waitUntil(lambda: c.snapshot.step > 20, timeout=10000)
    c.pause()
    assert c.snapshot.fresh_metrics and c.snapshot.step == c.trainer.step
    assert c.snapshot.train_loss == c.trainer.evaluate()[0]
    assert np.array_equal(c.snapshot.params, c.network.params)


def test_a_loss_the_output_cannot_take_is_one_message_and_changes_nothing(make_controller):
    from nnviz.engine.network import Network

    c = make_controller()
    c.set_problem(replace(c.problem, dataset="blobs"))  # 3 classes
    logits = Network([2, 3, 3], ["tanh", "linear"], "mse")  # e.g. a torch model ending in Linear
    logits.initialize("xavier", np.random.default_rng(0))
    c.load_network(logits, "logits.onnx")
    c.trainer.train_epochs(1)
    before = (c.problem, c.network.params.copy(), c.model_path)
    errors = []
    c.errorOccurred.connect(errors.append)
    c.set_problem(replace(c.problem, loss="ce"))  # ce needs a softmax output
    assert len(errors) == 1 and "softmax" in errors[0]
    assert c.problem == before[0] and np.array_equal(c.network.params, before[1]) and c.model_path == before[2]
