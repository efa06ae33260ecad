"""The session controller: the one hub between the engine and the views.

It owns the dataset, the network and the trainer. While training plays, a TrainingRun
(ui.worker) trains in a pool thread and hands over a frozen Snapshot up to 60 times a
second (app.pace.SliceClock), training on once ``after_shown`` says the window has painted
it (ui.after_paint); the GUI thread never touches the live network or trainer then, and every
method that does (step, set_weight, save_session, …) pauses first: ``pause()`` returns
only once the worker has really left the trainer. Hyper-parameter changes are sent into
the running generator; changes to the data or the architecture stop it, rebuild, and
start again.

Views read only frozen state: ``problem``, ``shape``, ``snapshot``, ``phase``, the
read-only ``dataset``, ``history()`` and ``next_batch()``, and the signals below.
Stepping (while paused) runs on the GUI thread through app.stepping.Stepper.

Every snapshot shown is recorded in ``timeline`` (app.timeline); ``show_frame(i)`` shows a
recorded frame (``snapshot`` is that frame and ``history()`` ends there; the trainer is not
touched), and training on from it (Play, Step, an edit) first ``continue_from_frame()``: the
recorded future is discarded and the trainer restored to that frame (the window asks first).
Weight edits, resets and architecture changes push the state they leave on ``undo_stack``
(app.undo); ``undo()`` / ``redo()`` restore states exactly (these live in ui.rewind).
``set_speed`` paces Play.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from nnviz.app.history import History, HistoryBuffer
from nnviz.app.timeline import history_at
from nnviz.app.undo import UndoStack
from nnviz.app.problem import NetworkShape, Problem, check_hidden, session_problem
from nnviz.app.stepping import GRANULARITIES, PhaseView, Stepper
from nnviz.app.training import build_trainer, check_inputs, data_for_network
from nnviz.engine.errors import NnvizError
from nnviz.engine.layout import ParamLayout
from nnviz.engine.network import Network
from nnviz.engine.trainer import Snapshot, TrainConfig, Trainer
from nnviz.ui.rewind import Rewind
from nnviz.ui.worker import TrainingRun

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_MS = 1000  # the pool thread's last moments after the run has stopped


class SessionController(Rewind, QObject):
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
        self.run: TrainingRun | None = None  # the run playing now
        self._run_count = 0
        self.snapshot: Snapshot | None = None
        self.model_path: str | None = None
        self.csv_text: str | None = None  # the imported CSV's text, when the dataset is "csv"
        self.speed: float | None = None  # Play's steps per second; None = as fast as it goes
        self.undo_stack = UndoStack()
        self._recordings = 0
        # how the worker waits for a snapshot to be shown: the window sets one that waits for its paint
        self.after_shown = lambda fn: QTimer.singleShot(0, fn)
        self._build()

    # ---- building ----------------------------------------------------------------------------

    def _use(self, trainer: Trainer, history_rows=(), recording: int | None = None) -> None:
        """Make ``trainer`` (with its network and dataset) the session's, and tell the views;
        a new timeline starts (or goes on with an undo state's ``recording`` number)."""
        self.trainer = trainer
        self.network = trainer.network
        self.dataset = trainer.dataset
        self.shape = NetworkShape.of(self.network)
        self.stepper = Stepper(trainer, self.granularity)
        self._history = HistoryBuffer(history_rows)
        self._new_timeline(recording)
        self.problemChanged.emit(self.problem)
        if history_rows:
            self.snapshot = trainer.snapshot()
            self.timeline.record(self.snapshot)
            self.snapshotChanged.emit(self.snapshot)
        else:
            self._publish(trainer.snapshot())
        self.phaseChanged.emit(None)

    def _build(self, network: Network | None = None) -> None:
        dataset = self.problem.make_dataset(self.csv_text)
        trainer = build_trainer(self.problem, dataset, network)
        built = trainer.network  # the head rule may have changed the output (digits: softmax and ce)
        self.problem = replace(self.problem, output_activation=built.activation_names[-1], loss=built.loss_name)
        self._use(trainer)

    def set_problem(self, problem: Problem) -> None:
        """Apply what the controls chose: hyper-parameters at the next step, the rest by rebuilding."""
        if problem == self.problem:
            return
        if not problem.needs_rebuild(self.problem):
            self.problem = problem
            self._apply_config(problem.train)
            return
        was_running = self.running
        self.pause()
        old = (self.problem, self.model_path)
        self.problem = problem
        try:  # nothing is used until the data and the network are built: a refusal changes nothing
            kept = problem.with_own_loss(self.network, self.dataset) if problem.only_loss_differs(old[0]) else None
            if kept is None:
                self.model_path = None  # the network is no longer the one from the file
            self._build(kept)  # a new loss alone keeps the weights (an opened model's too)
        except NnvizError as exc:
            self.problem, self.model_path = old
            self.errorOccurred.emit(str(exc))
            return
        if was_running:
            self.play()

    def load_network(self, network: Network, path: str | None = None) -> None:
        """Use a network read from a model file (its architecture replaces the problem's)."""
        self.pause()
        problem, dataset = data_for_network(self.problem, network, self.csv_text)  # a digits model: the digits
        check_inputs(network, dataset, problem)
        self.problem = problem
        self.model_path = path
        self._use(build_trainer(problem, dataset, network))

    def import_csv(self, name: str, text: str, test_fraction: float, standardize: bool) -> None:
        """Train on an imported CSV (the engine's importer has already read ``text``)."""
        self._use_data(replace(self.problem, dataset="csv", csv_name=name, test_fraction=test_fraction,
                               standardize=standardize), text)

    def import_idx(self, path: str) -> None:
        """Train on MNIST-format files (``path``: the images or the labels file; the other is
        found beside it), half held out for testing."""
        self._use_data(replace(self.problem, dataset="idx", data_path=str(path), test_fraction=0.5), None)

    def _use_data(self, problem: Problem, csv_text: str | None) -> None:
        """Rebuild on imported data; NnvizError (a bad file) leaves the session as it was, its
        trained weights too: nothing is used until the data and the network are built."""
        old = (self.problem, self.csv_text, self.model_path)
        self.pause()
        self.problem, self.csv_text, self.model_path = problem, csv_text, None
        try:
            self._build()
        except NnvizError:
            self.problem, self.csv_text, self.model_path = old
            raise

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
        problem = session_problem(session.problem, path) or self.problem
        source = session.trainer.dataset.source or {}
        self.pause()
        self.problem = problem
        self.csv_text = source.get("text") if source.get("kind") == "csv" else None
        self.model_path = None
        if session.extra.get("granularity") in GRANULARITIES:
            self.granularity = session.extra["granularity"]
        self._use(session.trainer, [tuple(row) for row in session.history_rows])

    def _apply_config(self, config: TrainConfig) -> None:
        if self.running:
            self.run.send(config)
        else:
            self.trainer.configure(config)

    def reset(self) -> None:
        """Fresh weights (same seed), history cleared; keeps playing if it was (undoable)."""
        was_running = self.running
        self.pause()
        self._remember()
        self.model_path = None
        self._build()
        if was_running:
            self.play()

    # ---- playing -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.run is not None

    def play(self) -> None:
        if self.running:
            return
        self._leave_the_past()
        if self.trainer.stopped:
            return
        self.stepper.reset()
        self.phaseChanged.emit(None)
        self._run_count += 1
        self.run = TrainingRun(self.trainer, self._run_count, self._on_yielded, self._on_error, self._on_finished,
                               rate=self.speed)
        self.run.start()
        self.runningChanged.emit(True)

    def pause(self) -> None:
        """Stop the run and return once its worker has left the trainer."""
        run = self.run
        if run is None:
            return
        self.run = None  # from here on, what the old run still sends is stale
        run.stop()
        shown = self.snapshot
        if shown is not None and (not shown.fresh_metrics or shown.step != self.trainer.step):
            self._publish(self.trainer.snapshot())  # paused: the weights trained last and their own losses
        if self.trainer.config != self.problem.train:  # a config sent that the worker had not taken yet
            self.trainer.configure(self.problem.train)
        self.runningChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def set_speed(self, rate: float | None) -> None:
        """Play at ``rate`` optimizer steps per second (None: as fast as possible), from now on."""
        self.speed = rate
        if self.running:
            self.run.set_rate(rate)

    def shutdown(self) -> None:
        """Stop training for good (the window is closing) and let the pool thread finish."""
        self.pause()
        QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)

    def _on_yielded(self, run: TrainingRun, snap: Snapshot) -> None:
        if run is not self.run:
            return  # stale: from a run that has been paused or replaced
        if snap.stopped:
            self._publish(snap)
            self.pause()
            self.diverged.emit(snap.stopped)
            return
        try:
            self._publish(snap)
        finally:  # once the repaints this snapshot asked for have run, the trainer goes on (the worker waits for it)
            self.after_shown(run.frame_shown)

    def _on_error(self, run: TrainingRun, exc: BaseException) -> None:
        log.error("training stopped", exc_info=(type(exc), exc, exc.__traceback__))
        if run is self.run:  # an error from a run already paused must not stop the one playing now
            self.run = None
            self.runningChanged.emit(False)
        self.errorOccurred.emit(f"training stopped: {type(exc).__name__}: {exc}")

    def _on_finished(self, run: TrainingRun) -> None:
        if run is self.run and not run.stopping:  # the trainer's generator ended by itself
            self.run = None
            self.runningChanged.emit(False)

    def _publish(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self._history.add(snap, self.trainer.batches_per_epoch)
        self.timeline.record(snap)
        self.snapshotChanged.emit(snap)

    @property
    def batches_per_epoch(self) -> int:
        return self.trainer.batches_per_epoch

    def history(self) -> History:
        """The loss curves up to the snapshot shown (a recorded frame's, when scrubbed back)."""
        if self.timeline.cursor is None:
            return self._history.freeze()
        return history_at(self._history.freeze(), self.snapshot, self.batches_per_epoch)

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of (x (B, n_in), y (B, n_out)) that the next step trains on; changes nothing."""
        if self.running:
            raise NnvizError("pause training first")
        return self.trainer.peek_batch()

    # ---- stepping ------------------------------------------------------------------------------

    def set_granularity(self, granularity: str) -> None:
        self.stepper.set_granularity(granularity)
        self.granularity = granularity
        self.phaseChanged.emit(None)

    def step(self) -> None:
        """One unit of the chosen granularity (pauses first; from a recorded frame, continues from it)."""
        self.pause()
        self._leave_the_past()
        if self.trainer.stopped:
            self.diverged.emit(self.trainer.stopped)
            return
        result = self.stepper.step()
        if result.trained:
            self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(result.phase)
        if self.trainer.stopped:
            self.diverged.emit(self.trainer.stopped)

    @property
    def phase(self) -> PhaseView | None:
        return self.stepper.phase

    def set_phase_sample(self, sample: int) -> None:
        """Show row ``sample`` (0-based) of the phase's batch on the nodes (the edges keep the
        whole batch's ∂L/∂w); phaseChanged tells the views. Nothing without a phase."""
        if self.stepper.select_sample(sample):
            self.phaseChanged.emit(self.stepper.phase)

    def trace_sample(self, x: np.ndarray, y: np.ndarray | None = None) -> None:
        """Make the input row ``x`` (d,) the traced sample at the current weights (a gallery
        image, the drawing pad): its forward pass, and with a target ``y`` (n_out,) its δ.
        Pauses; trains nothing; the next Step goes on with the run's own next step."""
        self.pause()
        shown = self.snapshot.params if self.timeline.cursor is not None else None  # a recorded frame's weights
        self.phaseChanged.emit(self.stepper.inspect(x, y, shown))

    # ---- editing -------------------------------------------------------------------------------

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Set W_layer[row, col] (0-based; col == n_in is the bias b_layer[row]) and show it."""
        if not np.isfinite(value):
            raise NnvizError("a weight must be a finite number")
        self.pause()
        self._leave_the_past()
        self._remember()
        self.network.params[ParamLayout(self.network.layers).index(layer, row, col)] = value
        self.trainer.clear_stop()
        self.stepper.reset()
        self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(None)

    def change_hidden(self, hidden: tuple[int, ...]) -> None:
        """Add or remove hidden layers/neurons (a new, freshly initialized network; undoable)."""
        check_hidden(hidden)
        if tuple(hidden) == self.problem.hidden:
            return
        was_running = self.running
        self.pause()
        self._remember()
        self.set_problem(replace(self.problem, hidden=tuple(hidden)))
        if self.problem.hidden != tuple(hidden):  # it did not build: nothing to undo
            self.undo_stack.drop_last()
        if was_running:
            self.play()
