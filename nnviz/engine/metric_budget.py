"""How often a display-rate snapshot evaluates the loss and accuracy over the whole sets.

Evaluating is one forward pass over the training and the test set: for the toy sets a
fraction of a millisecond, for 784-input images hundreds of milliseconds, far longer than a
frame. A snapshot taken for the display (Trainer.run with every_seconds, the window's
worker) therefore evaluates only when the time since the last evaluation is at least
SPACING times what that evaluation took, so evaluating takes at most 1 / (1 + SPACING) of
the run; in between it carries the last figures, marked as not fresh (``Snapshot.
fresh_metrics``; the loss curves record only fresh ones). An evaluation cheaper than
CHEAP_SECONDS (the toy sets) is always made afresh. Any other snapshot evaluates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

SPACING = 4.0  # evaluation ≤ 1/5 of a display-rate run's time
CHEAP_SECONDS = 0.005  # an evaluation this quick is always made: the toy sets never carry figures


@dataclass
class MetricBudget:
    """The last evaluation: its figures, the step it was made at, when and how long it took."""

    values: tuple | None = None
    step: int = -1
    at: float = float("-inf")
    cost: float = 0.0

    def affordable(self, step: int, now: float | None = None) -> bool:
        """True when a display-rate snapshot at ``step`` should evaluate afresh."""
        now = time.perf_counter() if now is None else now
        if self.values is None or self.cost < CHEAP_SECONDS:
            return self.values is None or step != self.step
        return step != self.step and now - self.at >= SPACING * self.cost

    def record(self, values: tuple, step: int, started: float, ended: float) -> None:
        self.values, self.step, self.at, self.cost = values, step, ended, ended - started

    def forget(self) -> None:
        """The weights changed outside the run (an edit, a restore): no figures to carry."""
        self.values, self.step = None, -1
