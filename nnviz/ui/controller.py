"""The session controller: the one hub between the engine and the views.

It owns the dataset, the network and the trainer. While training plays, a superqt
``GeneratorWorker`` runs ``Trainer.run`` flat out in a pool thread and yields a frozen
Snapshot about 60 times a second; the GUI thread never touches the live network then.
Play/pause stop and start that worker (pausing waits at most one display frame);
hyper-parameter changes are sent into the running generator; changes to the data or
the architecture stop it, rebuild, and start again.

Stepping (while paused) runs on the GUI thread and can be shown as phases:
forward → backward → update, each animated on the canvas from the engine's Trace.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network, Trace
from nnviz.engine.trainer import Snapshot, TrainConfig, Trainer
from nnviz.app.history import History, HistoryBuffer
from nnviz.app.problem import NetworkShape, Problem
from nnviz.app.stepping import GRANULARITIES, PhaseView

log = logging.getLogger(__name__)
DISPLAY_INTERVAL = 1 / 60  # seconds between snapshots while playing
STOP_TIMEOUT = 1.0  # seconds to wait for the worker to stop
FRAME_WAIT = 0.1  # longest the worker waits for the GUI to show a snapshot


class _WorkerError(Exception):
    """Carries a RuntimeError out of the worker: superqt would drop it (it takes a
    RuntimeError for a deleted worker) and emit neither errored nor finished."""


class SessionController(QObject):
    problemChanged = Signal(object)  # Problem (and a new dataset / network shape)
    snapshotChanged = Signal(object)  # Snapshot
    runningChanged = Signal(bool)
    phaseChanged = Signal(object)  # PhaseView or None
    diverged = Signal(str)
    errorOccurred = Signal(str)

    def __init__(self, problem: Problem | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.problem = problem or Problem()
        self.granularity = "batch"
        self._worker = None
        self._stop = threading.Event()
        self._done = threading.Event()
        self._done.set()
        # hand-off: the worker trains for one display interval, then waits until the GUI
        # has shown that snapshot, so painting never fights the trainer for the GIL
        self._frame_shown = threading.Event()
        self._run_id = 0
        self._phase: PhaseView | None = None
        self._sample_cursor = 0
        self.snapshot: Snapshot | None = None
        self.model_path: str | None = None
        self.csv_text: str | None = None  # the imported CSV's text, when the dataset is "csv"
        self._build()

    # ---- building ----------------------------------------------------------------------------

    def _build(self, network: Network | None = None) -> None:
        self.dataset = self.problem.make_dataset(self.csv_text)
        self.network = network or self.problem.make_network(self.dataset)
        self.trainer = Trainer(self.network, self.dataset, self.problem.train, seed=self.problem.seed)
        self.shape = NetworkShape.of(self.network)
        self._history = HistoryBuffer()
        self._phase = None
        self._sample_cursor = 0
        self.problemChanged.emit(self.problem)
        self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(None)

    def set_problem(self, problem: Problem) -> None:
        """Apply what the controls chose: hyper-parameters at the next step, the rest by rebuilding."""
        if problem == self.problem:
            return
        rebuild = problem.needs_rebuild(self.problem)
        if not rebuild:
            self.problem = problem
            self._apply_config(problem.train)
            return
        was_running = self.running
        self.pause()
        old = self.problem
        self.problem = problem
        self.model_path = None  # the network is no longer the one from the file
        try:
            self._build()
        except NnvizError as exc:
            self.problem = old
            self._build()
            self.errorOccurred.emit(str(exc))
            return
        if was_running:
            self.play()

    def load_network(self, network: Network, path: str | None = None) -> None:
        """Use a network read from a model file (its architecture replaces the problem's)."""
        self.pause()
        hidden = tuple(network.layers[1:-1])
        act = network.activation_names[0] if hidden else self.problem.activation
        problem = replace(self.problem, hidden=hidden, activation=act,
                          output_activation=network.activation_names[-1], loss=network.loss_name)
        dataset = problem.make_dataset(self.csv_text)
        if dataset.x_train.shape[1] != network.layers[0]:
            raise NnvizError(f"the model takes {network.layers[0]} inputs but the dataset "
                             f"{problem.dataset!r} with features {', '.join(problem.features)} has "
                             f"{dataset.x_train.shape[1]}")
        if len(set(network.activation_names[:-1])) > 1:
            raise NnvizError("the app shows one activation for all hidden layers; this model mixes several")
        self.problem = problem
        self.model_path = path
        self._build(network)

    def import_csv(self, name: str, text: str, test_fraction: float, standardize: bool) -> None:
        """Train on an imported CSV (the engine's importer has already read ``text``)."""
        old = (self.problem, self.csv_text)
        self.pause()
        self.csv_text = text
        problem = replace(self.problem, dataset="csv", csv_name=name, test_fraction=test_fraction,
                          standardize=standardize)
        try:
            self.problem = problem
            self.model_path = None
            self._build()
        except NnvizError as exc:
            self.problem, self.csv_text = old
            self._build()
            raise exc

    def save_session(self, path) -> None:
        """Everything, to continue later exactly where training stands (see docs/session-format.md)."""
        from nnviz.engine.session import save_session

        was_running = self.running
        self.pause()
        try:
            save_session(path, self.trainer, self.problem.to_dict(), self._history.rows,
                         extra={"granularity": self.granularity})
        finally:
            if was_running:
                self.play()

    def open_session(self, path) -> None:
        """Continue a saved session; a corrupt or newer file raises NnvizError and changes nothing."""
        from nnviz.engine.session import load_session

        session = load_session(path)  # validated whole before anything here changes
        problem = self.problem
        if session.problem:
            problem = Problem.from_dict(session.problem)
        source = session.trainer.dataset.source or {}
        self.pause()
        self.problem = problem
        self.csv_text = source.get("text") if source.get("kind") == "csv" else None
        self.model_path = None
        self.dataset = session.trainer.dataset
        self.network = session.trainer.network
        self.trainer = session.trainer
        self.shape = NetworkShape.of(self.network)
        self._history = HistoryBuffer()
        self._history.rows = [tuple(row) for row in session.history_rows]
        self._phase = None
        self._sample_cursor = 0
        granularity = session.extra.get("granularity")
        if granularity in GRANULARITIES:
            self.granularity = granularity
        self.problemChanged.emit(self.problem)
        self.snapshot = self.trainer.snapshot()
        self.snapshotChanged.emit(self.snapshot)
        self.phaseChanged.emit(None)

    def _apply_config(self, config: TrainConfig) -> None:
        if self.running:
            self._worker.send(config)
        else:
            self.trainer.configure(config)

    def reset(self) -> None:
        """Fresh weights (same seed), history cleared; keeps playing if it was."""
        was_running = self.running
        self.pause()
        self.model_path = None
        self._build()
        if was_running:
            self.play()

    # ---- playing -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._worker is not None

    def play(self) -> None:
        if self.running or self.trainer.stopped:
            return
        self._phase = None
        self.phaseChanged.emit(None)
        self._run_id += 1
        self._stop.clear()
        self._done.clear()
        from superqt.utils import create_worker  # imported late: it costs ~0.15 s at start-up

        worker = create_worker(self._train_loop, self.trainer, self._run_id, _start_thread=False,
                               _ignore_errors=True)  # _on_error shows it (and logs the traceback)
        worker.yielded.connect(self._on_yielded)
        worker.errored.connect(lambda exc, w=worker: self._on_error(exc, stale=w is not self._worker))
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()
        self.runningChanged.emit(True)

    def _train_loop(self, trainer: Trainer, run_id: int):
        """Runs in the worker thread: yields (run id, Snapshot) at the display rate."""
        try:
            gen = trainer.run(granularity="batch", every_seconds=DISPLAY_INTERVAL)
            config = None
            while not self._stop.is_set():
                try:
                    snap = gen.send(config)
                except StopIteration:
                    return
                self._frame_shown.clear()
                config = yield run_id, snap
                if not self._stop.is_set():  # pause() may have set _frame_shown before the clear above
                    self._frame_shown.wait(FRAME_WAIT)
        except RuntimeError as exc:
            raise _WorkerError(exc) from exc
        finally:
            self._done.set()

    def pause(self) -> None:
        """Stop the worker and wait for it (at most one display frame of training)."""
        worker = self._worker
        if worker is None:
            return
        self._stop.set()
        self._frame_shown.set()
        if not self._done.wait(STOP_TIMEOUT):
            worker.quit()
        elif self.trainer.config != self.problem.train:  # a config sent that the worker had not taken yet
            self.trainer.configure(self.problem.train)
        self._worker = None
        self._run_id += 1  # snapshots still queued from that run are stale
        self.runningChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def shutdown(self) -> None:
        """Stop training for good (the window is closing) and let the pool thread finish."""
        self.pause()
        QThreadPool.globalInstance().waitForDone(int(STOP_TIMEOUT * 1000))

    def _on_yielded(self, item) -> None:
        run_id, snap = item
        if run_id != self._run_id:
            return  # stale: from a run that has been paused or replaced
        self._publish(snap)
        if snap.stopped:
            self.pause()
            self.diverged.emit(snap.stopped)
        else:  # once the repaints this snapshot asked for have run, the trainer goes on
            QTimer.singleShot(0, self._frame_shown.set)

    def _on_error(self, exc: BaseException, stale: bool = False) -> None:
        if isinstance(exc, _WorkerError):
            exc = exc.args[0]
        log.error("training stopped", exc_info=(type(exc), exc, exc.__traceback__))
        if not stale:  # an error from a run already paused must not stop the one playing now
            self._worker = None
            self._done.set()
            self.runningChanged.emit(False)
        self.errorOccurred.emit(f"training stopped: {type(exc).__name__}: {exc}")

    def _on_finished(self) -> None:
        if self._worker is not None and self._done.is_set() and self._stop.is_set() is False:
            self._worker = None
            self.runningChanged.emit(False)

    def _publish(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self._history.add(snap, self.trainer.batches_per_epoch)
        self.snapshotChanged.emit(snap)

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of (x (B, n_in), y (B, n_out)) that the next step trains on; changes nothing."""
        if self.running:
            raise NnvizError("pause training first")
        x, y = self.trainer.current_batch()
        return x.copy(), y.copy()

    def history(self) -> History:
        return self._history.freeze()

    # ---- stepping ------------------------------------------------------------------------------

    def set_granularity(self, granularity: str) -> None:
        if granularity not in GRANULARITIES:
            raise ValueError(granularity)
        self.granularity = granularity
        self._phase = None
        self._sample_cursor = 0
        self.phaseChanged.emit(None)

    def step(self) -> None:
        """One unit of the chosen granularity (pauses first)."""
        self.pause()
        if self.trainer.stopped:
            self.diverged.emit(self.trainer.stopped)
            return
        {"phase": self._step_phase, "sample": self._step_sample,
         "batch": self._step_batch, "epoch": self._step_epoch}[self.granularity]()
        if self.trainer.stopped:
            self.diverged.emit(self.trainer.stopped)

    def _update(self, trace: Trace, sample: int) -> PhaseView:
        before = self.network.params.copy()
        self.trainer.step_batch()
        view = PhaseView("update", trace, sample, before, self.network.params.copy())
        self._publish(self.trainer.snapshot())
        return view

    def _step_phase(self) -> None:
        current = self._phase
        if current is None or current.phase == "update":
            x, y = self.trainer.current_batch()
            params = self.network.params.copy()
            self._phase = PhaseView("forward", self.network.trace(x, y), 0, params, params)
        elif current.phase == "forward":
            self._phase = replace(current, phase="backward")
        else:
            self._phase = self._update(current.trace, current.sample)
        self.phaseChanged.emit(self._phase)

    def _step_sample(self) -> None:
        x, y = self.trainer.current_batch()
        i = self._sample_cursor
        params = self.network.params.copy()
        trace = self.network.trace(x[i:i + 1], y[i:i + 1])
        self._sample_cursor += 1
        if self._sample_cursor < len(x):
            self._phase = PhaseView("backward", trace, 0, params, params)
        else:
            self._sample_cursor = 0
            self._phase = self._update(trace, 0)
        self.phaseChanged.emit(self._phase)

    def _step_batch(self) -> None:
        x, y = self.trainer.current_batch()
        self._phase = self._update(self.network.trace(x, y), 0)
        self.phaseChanged.emit(self._phase)

    def _step_epoch(self) -> None:
        self._phase = None
        self.trainer.train_epochs(1)
        self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(None)

    @property
    def phase(self) -> PhaseView | None:
        return self._phase

    # ---- editing -------------------------------------------------------------------------------

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Set weight w[layer][row, col] (col == n_in means the bias) and show the result."""
        if not np.isfinite(value):
            raise NnvizError("a weight must be a finite number")
        self.pause()
        if col == self.network.layers[layer]:
            self.network.biases[layer][row] = value
        else:
            self.network.weights[layer][row, col] = value
        self.trainer.stopped = None
        self._phase = None
        self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(None)

    def change_hidden(self, hidden: tuple[int, ...]) -> None:
        """Add or remove hidden layers/neurons (a new, freshly initialized network)."""
        if any(n < 1 for n in hidden) or len(hidden) > 6 or any(n > 64 for n in hidden):
            raise NnvizError("hidden layers need 1 to 64 neurons each, at most 6 layers")
        self.set_problem(replace(self.problem, hidden=tuple(hidden)))
