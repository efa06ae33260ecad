"""Undo and redo: a stack of frozen session states.

Before a weight edit, a Reset or an architecture change the controller pushes the state it
is about to leave; undo restores the latest one (and keeps the state it leaves for redo).
A state is everything training goes on from, so an undo returns to exactly that moment:

    state = SessionState.capture(trainer, problem, history_rows, csv_text=…, recording=…)
    state.restore_into(trainer)     # a trainer built for state.problem (same data, same shape)

One state holds 2·P float64 (params, grads), the optimizer's state (0 to 2·P more), the data
order (n_train ints) and references to the history rows. At most UNDO_LIMIT states and
UNDO_BUDGET bytes of their arrays are kept (the oldest go first; the latest always stays):
for a 784-128-64-10 network with Adam, 4·P·8 + 60,000·8 bytes ≈ 4 MB a state, so 16 states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.app.problem import Problem
from nnviz.engine.trainer import Trainer
from nnviz.engine.trainer_state import TrainerState

UNDO_LIMIT = 30  # states kept; the oldest goes first
UNDO_BUDGET = 64 * 2**20  # bytes of arrays in the kept states


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class SessionState:
    """problem: the controls' choices (architecture and training settings); csv_text: the
    imported CSV when the dataset is one; params, grads: (P,) read-only; optimizer: its
    ``state()`` (t and copies of its arrays, never mutated); trainer: position and data
    order; history_rows: the loss curves' rows; recording: the timeline the state was in."""

    problem: Problem
    csv_text: str | None
    model_path: str | None
    params: np.ndarray
    grads: np.ndarray
    optimizer: dict
    trainer: TrainerState
    history_rows: tuple
    recording: int

    @property
    def nbytes(self) -> int:
        """Bytes of the state's arrays."""
        arrays = [self.params, self.grads, self.trainer.permutation,
                  *(v for v in self.optimizer.values() if isinstance(v, np.ndarray))]
        return sum(a.nbytes for a in arrays)

    @classmethod
    def capture(cls, trainer: Trainer, problem: Problem, history_rows, *, csv_text: str | None = None,
                model_path: str | None = None, recording: int = 0) -> SessionState:
        """The state of a paused ``trainer`` (copies: training on does not change it)."""
        net = trainer.network
        return cls(problem=problem, csv_text=csv_text, model_path=model_path, params=_frozen(net.params),
                   grads=_frozen(net.grads), optimizer=trainer.optimizer.state(), trainer=trainer.state(),
                   history_rows=tuple(history_rows), recording=recording)

    def restore_into(self, trainer: Trainer) -> None:
        """Make ``trainer`` (built for ``self.problem``: same data, same architecture and
        optimizer) go on exactly as the captured one would have."""
        net = trainer.network
        if net.params.shape != self.params.shape:
            raise ValueError(f"a state of {self.params.size} parameters cannot go into a network of {net.size}")
        net.params[...] = self.params
        net.grads[...] = self.grads
        trainer.configure(self.problem.train)
        trainer.optimizer.load_state(self.optimizer)
        trainer.load_state(self.trainer)


class UndoStack:
    """Two stacks of SessionStates: ``push`` before a change (it clears redo); ``undo(now)``
    returns the state to go back to and keeps ``now`` for ``redo`` (and the other way round)."""

    def __init__(self, limit: int = UNDO_LIMIT, budget: int = UNDO_BUDGET):
        self.limit = limit
        self.budget = budget
        self._undo: list[SessionState] = []
        self._redo: list[SessionState] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def push(self, state: SessionState) -> None:
        self._undo.append(state)
        del self._undo[:-self.limit]
        while len(self._undo) > 1 and sum(s.nbytes for s in self._undo) > self.budget:
            del self._undo[0]
        self._redo.clear()

    def drop_last(self) -> None:
        """Forget the last push (the change it was for did not happen)."""
        if self._undo:
            self._undo.pop()

    def undo(self, now: SessionState) -> SessionState | None:
        if not self._undo:
            return None
        self._redo.append(now)
        return self._undo.pop()

    def redo(self, now: SessionState) -> SessionState | None:
        if not self._redo:
            return None
        self._undo.append(now)
        return self._redo.pop()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
