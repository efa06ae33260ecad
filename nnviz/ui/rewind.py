"""The session controller's way back: the timeline of recorded frames and undo/redo.

A mixin of ``SessionController`` (ui.controller), which owns the trainer, the timeline, the
history buffer and the stepper these methods use. ``show_frame(i)`` shows a recorded frame
without touching the trainer; ``continue_from_frame()`` trains on from it (the recorded
future is discarded); weight edits, resets and architecture changes push the state they
leave with ``_remember()``, and ``undo()`` / ``redo()`` restore states exactly.
"""

from __future__ import annotations

from nnviz.app.history import HistoryBuffer
from nnviz.app.timeline import Timeline, capacity_for, restore_frame
from nnviz.app.training import build_trainer
from nnviz.app.undo import SessionState

__all__ = ["Rewind"]


class Rewind:
    """Timeline and undo for SessionController (see the module docstring)."""

    def _new_timeline(self, recording: int | None = None) -> None:
        if recording is None:
            self._recordings += 1
            recording = self._recordings
        self.timeline = Timeline(capacity_for(self.network.size), recording)

    def show_frame(self, index: int) -> None:
        """Show recorded frame ``index`` (clamped; the last one is the live state): every view
        gets its Snapshot through snapshotChanged. Pauses first; the trainer is not touched."""
        self.pause()
        index = min(max(int(index), 0), len(self.timeline) - 1)
        self.timeline.cursor = None if index == len(self.timeline) - 1 else index
        self.stepper.reset()  # a phase shown belongs to the live state
        self.snapshot = self.timeline[index]
        self.phaseChanged.emit(None)
        self.snapshotChanged.emit(self.snapshot)

    def continue_from_frame(self) -> None:
        """Train on from the frame shown: the frames after it are discarded, the trainer is
        restored to it (app.timeline.restore_frame says what exactly) and shown again."""
        index = self.timeline.cursor
        if index is None:
            return
        self.pause()
        restore_frame(self.trainer, self.timeline[index])
        self.timeline.cut(index)
        self.stepper.reset()
        self._publish(self.trainer.snapshot())  # drops the curves' later rows too
        self.phaseChanged.emit(None)

    def _leave_the_past(self) -> None:
        if self.timeline.cursor is not None:
            self.continue_from_frame()

    def _state(self) -> SessionState:
        return SessionState.capture(self.trainer, self.problem, self._history.rows, csv_text=self.csv_text,
                                    model_path=self.model_path, recording=self.timeline.recording)

    def _remember(self) -> None:
        """Push the state about to be left (call paused, right before an undoable change)."""
        self.undo_stack.push(self._state())

    def undo(self) -> None:
        """Back to the state before the last weight edit, reset or architecture change."""
        if self.undo_stack.can_undo:
            self.pause()
            self._restore(self.undo_stack.undo(self._state()))

    def redo(self) -> None:
        if self.undo_stack.can_redo:
            self.pause()
            self._restore(self.undo_stack.redo(self._state()))

    def _restore(self, state: SessionState) -> None:
        """Make ``state`` the session's (its problem, network, optimizer, position, curves)."""
        if (state.problem, state.csv_text, state.model_path) != (self.problem, self.csv_text, self.model_path):
            self.problem, self.csv_text, self.model_path = state.problem, state.csv_text, state.model_path
            trainer = build_trainer(state.problem, state.problem.make_dataset(state.csv_text))
            state.restore_into(trainer)
            self._use(trainer, state.history_rows, state.recording)
            return
        state.restore_into(self.trainer)
        self._history = HistoryBuffer(state.history_rows)
        if self.timeline.recording != state.recording:
            self._new_timeline(state.recording)
        self.stepper.reset()
        self._publish(self.trainer.snapshot())
        self.phaseChanged.emit(None)
