"""LatestJob: one computation at a time off the GUI thread, the latest asked for winning."""

from __future__ import annotations

import threading

from nnviz.draw.background_job import LatestJob


def test_results_come_back_on_the_gui_thread_and_the_newest_waiting_call_wins(qtbot):
    gate = threading.Event()
    ran, got = [], []

    def compute(x):
        ran.append((x, threading.current_thread() is threading.main_thread()))
        gate.wait(5)
        return x * x

    job = LatestJob(compute, lambda token, result: got.append((token, result,
                                                               threading.current_thread() is threading.main_thread())))
    job.submit("a", 2)  # runs
    job.submit("b", 3)  # waits …
    job.submit("c", 4)  # … and is replaced
    assert job.busy
    gate.set()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    assert ran == [(2, False), (4, False)]  # off the GUI thread, b never ran
    assert got == [("a", 4, True), ("c", 16, True)]  # delivered on the GUI thread
    qtbot.waitUntil(lambda: not job.busy, timeout=1000)


def test_a_cancelled_call_is_not_delivered_and_an_error_does_not_stop_the_next(qtbot, caplog):
    gate = threading.Event()
    got = []

    def compute(x):
        gate.wait(5)
        if x is None:
            raise ValueError("no input")
        return x + 1

    job = LatestJob(compute, lambda token, result: got.append(result))
    job.submit(1, 1)
    job.cancel()  # the state it was of is gone
    gate.set()
    job.wait(5)
    assert got == [] and not job.busy
    job.submit(2, None)
    job.wait(5)
    assert got == [] and "background computation failed" in caplog.text
    job.submit(3, 41)
    job.wait(5)
    assert got == [42]
