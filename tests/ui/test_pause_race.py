"""The worker thread and a GUI under load: a pause in the same event-loop pass as Play (superqt
starts the worker from a 1 ms timer, so it has not begun: pause used to wait for it for ever,
blocking the very timer that would start it), and a GUI slower than the worker's old frame
timeout (snapshots used to queue without bound, starving every timer and key)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QTimer

from nnviz.ui import worker


def test_a_pause_right_after_play_returns_at_once_and_nothing_trains(make_controller, qtbot, monkeypatch):
    def give_up(*_args, **_kwargs):  # the old stop() waited here for ever: fail instead of hanging
        raise AssertionError("pause() waited for a worker that had not started")

    monkeypatch.setattr(worker, "STOP_PATIENCE", 0.05)
    monkeypatch.setattr(worker.log, "warning", give_up)
    c = make_controller()
    outcome = []

    def play_then_pause():  # one slot: as keys queued under load, or an autosave during Play
        try:
            c.play()
            c.pause()
            outcome.append("paused")
        except AssertionError as exc:
            outcome.append(str(exc))

    QTimer.singleShot(0, play_then_pause)
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["paused"] and not c.running
    step = c.trainer.snapshot().step
    qtbot.wait(200)  # the queued worker starts now: it must leave without a step
    assert c.trainer.snapshot().step == step == 0 and not c.running
    c.play()  # and Play works as before
    qtbot.waitUntil(lambda: c.snapshot.step > step, timeout=5000)
    c.pause()
    assert not c.running


def test_a_slow_gui_is_never_out_run_by_the_worker(make_controller, qtbot):
    """Each snapshot waits until the GUI has shown the one before, however long that takes:
    a worker that went on after a timeout queued snapshots without bound on a slow GUI."""
    c = make_controller()
    produced, handled, ahead = [0], [0], []

    def count_produced(_snap):  # runs in the worker thread as it yields
        produced[0] += 1

    def slow_view(_snap):  # a GUI that needs 0.3 s to show a snapshot
        handled[0] += 1
        time.sleep(0.3)
        ahead.append(produced[0] - handled[0])  # snapshots queued behind this one

    c.snapshotChanged.connect(slow_view)

    def play():
        c.play()
        c.run._worker.yielded.connect(count_produced, Qt.ConnectionType.DirectConnection)

    QTimer.singleShot(0, play)
    qtbot.waitUntil(lambda: handled[0] >= 5, timeout=20000)
    c.pause()
    assert len(ahead) >= 5 and max(ahead) == 0, ahead
