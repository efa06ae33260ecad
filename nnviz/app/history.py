"""Loss and accuracy curves over a run: one row per snapshot shown, frozen for the views."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    """Rows (epoch, train loss, test loss, train accuracy, test accuracy) as they arrive.

    A row whose epoch is not after the last one (a reset, a step back) first drops every
    later row, so the curves never run backwards.
    """

    def __init__(self, rows=()):
        self.rows: list[tuple[float, float, float, float, float]] = [tuple(r) for r in rows]

    def add(self, snap: Snapshot, batches_per_epoch: int) -> None:
        epoch = snap.epoch + snap.batch / max(batches_per_epoch, 1)
        nan = float("nan")
        row = (epoch, snap.train_loss,
               nan if snap.test_loss is None else snap.test_loss,
               nan if snap.train_accuracy is None else snap.train_accuracy,
               nan if snap.test_accuracy is None else snap.test_accuracy)
        if self.rows and self.rows[-1][0] >= epoch:  # a step back (reset) or a repeat
            self.rows = [r for r in self.rows if r[0] < epoch]
        self.rows.append(row)

    def freeze(self) -> History:
        arr = np.array(self.rows, dtype=np.float64).reshape(-1, 5)
        return History(*(arr[:, i].copy() for i in range(5)))
