"""One training run in a worker thread: a superqt GeneratorWorker around Trainer.run.

Each TrainingRun owns its flags (stop, done, frame shown) and its id, so a late event of
an old run can never mark a newer one finished, and ``stop()`` returns only once the
worker has left the trainer: "paused" means the generator has returned, not that a wait
timed out. Snapshots are handed over one at a time: after each one the worker waits until
the GUI has shown it, so painting never fights the trainer for the GIL, and for as long
as that takes: a worker that went on after a timeout would out-run a GUI slower than the
timeout (a loaded machine, every instrument open), and the queued snapshots would grow
without bound, each event-loop pass draining them before any timer or key got a turn.

superqt starts the worker from the event loop (a 1 ms timer), so a pause in the same
pass as Play (keys queued under load, an autosave, a reset) finds it not yet running:
``stop()`` then returns at once, and the worker, if it ever runs, leaves without training.

Speed: at ``rate=None`` (max) the trainer's own generator trains as fast as it can and
yields after a slice of training (``app.pace.SliceClock``: DISPLAY_INTERVAL while the GUI
is quick, shorter while it is slow, so frames keep coming every FRAME_AIM on average until
training is down to its share of the time); at a rate r (steps/s, app.pace) the worker trains the
steps a Pacer says are due, at most one batch of them per DISPLAY_INTERVAL (≈ r / 60 a
frame at high rates; one at a time with a sleep between at low ones), then yields. The sleep waits on the stop
event, so a pause during it returns at once. ``set_rate`` applies from the next frame.
"""

from __future__ import annotations

import logging
import threading
import time

from nnviz.app.pace import DISPLAY_INTERVAL, Pacer, SliceClock
from nnviz.engine.trainer import Trainer

log = logging.getLogger(__name__)
STOP_PATIENCE = 1.0  # seconds between "still stopping" log lines while waiting for a step to end
MAX_SLEEP = 0.25  # longest single sleep between paced steps (a new rate is noticed after it)


class WorkerError(Exception):
    """Carries a RuntimeError out of the worker: superqt would drop it (it takes a
    RuntimeError for a deleted worker) and emit neither errored nor finished."""


class TrainingRun:
    """Trains ``trainer`` in a pool thread until stopped; ``on_snapshot(run, snap)``,
    ``on_error(run, exc)`` and ``on_finished(run)`` are called on the GUI thread."""

    def __init__(self, trainer: Trainer, run_id: int, on_snapshot, on_error, on_finished,
                 rate: float | None = None):
        self.trainer = trainer
        self.id = run_id
        self.rate = rate  # steps/s, None = max; read by the worker before each frame
        self._stop = threading.Event()
        self._done = threading.Event()
        self._frame_shown = threading.Event()
        self._entered = False  # the worker thread has begun: stop() must wait for it to leave
        self._entry = threading.Lock()  # between that flag and the stop flag
        self._clock = SliceClock()  # when to stop for a snapshot at max rate
        from superqt.utils import create_worker  # imported late: it costs ~0.15 s at start-up

        self._worker = create_worker(self._loop, _start_thread=False,
                                     _ignore_errors=True)  # on_error shows it (and logs the traceback)
        self._worker.yielded.connect(lambda snap: on_snapshot(self, snap))
        self._worker.errored.connect(lambda exc: on_error(self, exc.args[0] if isinstance(exc, WorkerError) else exc))
        self._worker.finished.connect(lambda: on_finished(self))

    def start(self) -> None:
        self._worker.start()

    def send(self, config) -> None:
        """A new TrainConfig, applied by the worker before its next step."""
        self._worker.send(config)

    def set_rate(self, rate: float | None) -> None:
        """Train at ``rate`` steps/s from the next frame on (None: as fast as possible)."""
        self.rate = rate

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def frame_shown(self) -> None:
        """The GUI has shown the last snapshot: the worker may train on."""
        self._frame_shown.set()

    def stop(self) -> None:
        """Ask the worker to stop and return once it has: after this, nothing in the run
        touches the trainer (a step in progress is finished first, however long it takes)."""
        with self._entry:
            self._stop.set()
            if not self._entered:  # still queued: waiting here would block the timer that starts it
                return
        self._frame_shown.set()
        while not self._done.wait(STOP_PATIENCE):
            log.warning("waiting for the training step in progress to end")

    def _loop(self):
        """Runs in the worker thread: yields Snapshots at the display rate until stopped."""
        with self._entry:
            if self._stop.is_set():  # stopped before it began: stop() did not wait, touch nothing
                self._done.set()
                return
            self._entered = True
        trainer = self.trainer
        fast = None  # the trainer's own generator, while the rate is max
        pacer = None
        shown_at = -1.0  # when the last paced snapshot was taken
        try:
            config = None
            while not self._stop.is_set():
                if config is not None:  # between steps, in this thread: as the generator would
                    trainer.configure(config)
                    config = None
                rate = self.rate
                if rate is None:
                    pacer = None
                    if fast is None:  # (again) at max rate: frames from here on set the pace
                        self._clock = SliceClock()
                        self._clock.resume(time.perf_counter())
                        fast = trainer.run(granularity="batch", every_seconds=0.0, ready=self._slice_done)
                    try:
                        snap = next(fast)
                    except StopIteration:
                        return
                else:
                    if fast is not None:  # suspended at its yield: the trainer is between steps
                        fast.close()
                        fast = None
                    now = time.perf_counter()
                    if pacer is None or pacer.rate != rate:
                        pacer = Pacer(rate, now)
                    due = pacer.due(now)
                    wait = shown_at + DISPLAY_INTERVAL - now if due else pacer.wait(now)
                    if wait > 0:  # on the stop event: a pause wakes it at once
                        self._stop.wait(min(wait, MAX_SLEEP))
                        continue
                    snap = self._train_steps(due)
                    pacer.took(due)
                    shown_at = now
                self._frame_shown.clear()
                config = yield snap
                if snap.stopped:
                    return
                if not self._stop.is_set():  # stop() may have set _frame_shown before the clear above
                    self._frame_shown.wait()  # as long as it takes; stop() sets it too
                self._clock.resume(time.perf_counter())
        except RuntimeError as exc:
            raise WorkerError(exc) from exc
        finally:
            if fast is not None:
                fast.close()
            self._done.set()

    def _slice_done(self) -> bool:
        """Asked by the trainer after every step at max rate: is it time for a snapshot?"""
        return self._clock.ready(time.perf_counter())

    def _train_steps(self, count: int):
        """``count`` optimizer steps (fewer if training diverges), then the snapshot."""
        trainer = self.trainer
        for _ in range(count):
            trainer.step_batch()
            if trainer.stopped:
                break
        return trainer.snapshot(display_rate=True)
