"""Loss and accuracy curves over a run: one row per snapshot shown, frozen for the views."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.thinning import HISTORY_POINTS, RunHistory
from nnviz.engine.snapshot import epoch_position
from nnviz.engine.trainer import Snapshot


@dataclass(frozen=True)
class History:
    """Loss and accuracy curves: one entry per snapshot shown, arrays (n,).

    epoch is fractional: epoch + batch / batches_per_epoch; a missing value is NaN.
    """

    epoch: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray


class HistoryBuffer:
    """Rows (epoch, train loss, test loss, train accuracy, test accuracy) as they arrive,
    evenly thinned to at most ``capacity`` rows (engine.thinning), so a run of any length
    costs the same to keep and to draw.

    A row whose epoch is not after the last one (a reset, a step back) first drops every
    later row, so the curves never run backwards.
    """

    def __init__(self, rows=(), capacity: int = HISTORY_POINTS):
        self._curve = RunHistory(4, capacity)
        for row in rows:
            self._curve.add(row[0], row[1:])

    def __len__(self) -> int:
        return len(self._curve)

    @property
    def rows(self) -> list[tuple[float, float, float, float, float]]:
        """The rows kept, oldest first (what a session file or an undo state stores)."""
        return [tuple(r) for r in self._curve.rows().tolist()]

    def add(self, snap: Snapshot, batches_per_epoch: int) -> None:
        """A row for ``snap``'s figures, at the epoch they are of: its own, or (figures of an
        earlier step, evaluated in the background) their ``metrics_epoch`` when that is after
        the last row; figures already drawn add nothing."""
        epoch = epoch_position(snap.epoch, snap.batch, batches_per_epoch)
        if not snap.fresh_metrics:
            last = self._curve.last_x
            if snap.metrics_epoch is None or (last is not None and snap.metrics_epoch <= last):
                return
            epoch = snap.metrics_epoch
        nan = float("nan")
        self._curve.add(epoch, (snap.train_loss,
                                nan if snap.test_loss is None else snap.test_loss,
                                nan if snap.train_accuracy is None else snap.train_accuracy,
                                nan if snap.test_accuracy is None else snap.test_accuracy))

    def freeze(self) -> History:
        arr = self._curve.rows()
        return History(*(arr[:, i].copy() for i in range(5)))
