"""One training run in a worker thread: a superqt GeneratorWorker around Trainer.run.

Each TrainingRun owns its flags (stop, done, frame shown) and its id, so a late event of
an old run can never mark a newer one finished, and ``stop()`` returns only once the
worker has left the trainer: "paused" means the generator has returned, not that a wait
timed out. Snapshots are handed over one at a time: after each one the worker waits until
the GUI has shown it, so painting never fights the trainer for the GIL.
"""

from __future__ import annotations

import logging
import threading

from nnviz.engine.trainer import Trainer

log = logging.getLogger(__name__)
DISPLAY_INTERVAL = 1 / 60  # seconds of training between snapshots while playing
FRAME_WAIT = 0.1  # longest the worker waits for the GUI to show a snapshot
STOP_PATIENCE = 1.0  # seconds between "still stopping" log lines while waiting for a step to end


class WorkerError(Exception):
    """Carries a RuntimeError out of the worker: superqt would drop it (it takes a
    RuntimeError for a deleted worker) and emit neither errored nor finished."""


class TrainingRun:
    """Trains ``trainer`` in a pool thread until stopped; ``on_snapshot(run, snap)``,
    ``on_error(run, exc)`` and ``on_finished(run)`` are called on the GUI thread."""

    def __init__(self, trainer: Trainer, run_id: int, on_snapshot, on_error, on_finished):
        self.trainer = trainer
        self.id = run_id
        self._stop = threading.Event()
        self._done = threading.Event()
        self._frame_shown = threading.Event()
        from superqt.utils import create_worker  # imported late: it costs ~0.15 s at start-up

        self._worker = create_worker(self._loop, _start_thread=False,
                                     _ignore_errors=True)  # on_error shows it (and logs the traceback)
        self._worker.yielded.connect(lambda snap: on_snapshot(self, snap))
        self._worker.errored.connect(lambda exc: on_error(self, exc.args[0] if isinstance(exc, WorkerError) else exc))
        self._worker.finished.connect(lambda: on_finished(self))

    def start(self) -> None:
        self._worker.start()

    def send(self, config) -> None:
        """A new TrainConfig, applied by the generator before its next step."""
        self._worker.send(config)

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
        self._stop.set()
        self._frame_shown.set()
        while not self._done.wait(STOP_PATIENCE):
            log.warning("waiting for the training step in progress to end")

    def _loop(self):
        """Runs in the worker thread: yields Snapshots at the display rate until stopped."""
        try:
            gen = self.trainer.run(granularity="batch", every_seconds=DISPLAY_INTERVAL)
            config = None
            while not self._stop.is_set():
                try:
                    snap = gen.send(config)
                except StopIteration:
                    return
                self._frame_shown.clear()
                config = yield snap
                if not self._stop.is_set():  # stop() may have set _frame_shown before the clear above
                    self._frame_shown.wait(FRAME_WAIT)
        except RuntimeError as exc:
            raise WorkerError(exc) from exc
        finally:
            self._done.set()
