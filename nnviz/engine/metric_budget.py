"""How often a display-rate snapshot evaluates the loss and accuracy over the whole sets.

Evaluating is one forward pass over the training and the test set: for the toy sets a
fraction of a millisecond, for 784-input images hundreds of milliseconds, far longer than a
frame. A snapshot taken for the display (Trainer.run with every_seconds, the window's
worker) therefore evaluates only when the time since the last evaluation is at least
SPACING times what that evaluation took, so evaluating takes at most 1 / (1 + SPACING) of
the run; in between it carries the last figures, marked as not fresh (``Snapshot.
fresh_metrics``; the loss curves record only fresh ones). An evaluation cheaper than
CHEAP_SECONDS (the toy sets) is always made afresh. Any other snapshot evaluates.

A dear evaluation of a display-rate snapshot runs in a background thread on a copy of the
parameters (``evaluate_in_background``): its forward passes are large matrix products that
leave the GIL free, so they use the core the trainer and the GUI leave idle instead of
stalling the frames for their whole length (hundreds of milliseconds on 784 inputs). A
later snapshot ``collect``s the figures, marked with the step and epoch they are of.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

SPACING = 4.0  # evaluation ≤ 1/5 of a display-rate run's time
CHEAP_SECONDS = 0.005  # an evaluation this quick is always made: the toy sets never carry figures


@dataclass
class MetricBudget:
    """The last evaluation: its figures, the step it was made at, when and how long it took."""

    values: tuple | None = None
    step: int = -1
    position: float = 0.0  # the epoch of that step, fractional (epoch + batch / batches per epoch)
    at: float = float("-inf")
    cost: float = 0.0
    _thread: threading.Thread | None = field(default=None, repr=False)
    _result: tuple | None = field(default=None, repr=False)  # (generation, values, step, position, started, ended)
    _generation: int = 0  # forget() makes an evaluation still running stale

    def affordable(self, step: int, now: float | None = None) -> bool:
        """True when a display-rate snapshot at ``step`` should evaluate afresh."""
        now = time.perf_counter() if now is None else now
        if self.values is None or self.cost < CHEAP_SECONDS:
            return self.values is None or step != self.step
        return step != self.step and now - self.at >= SPACING * self.cost

    @property
    def cheap(self) -> bool:
        """The last evaluation was quick enough to make in the snapshot's own thread."""
        return self.values is None or self.cost < CHEAP_SECONDS

    @property
    def busy(self) -> bool:
        """An evaluation is running in the background."""
        return self._thread is not None and self._thread.is_alive()

    def record(self, values: tuple, step: int, started: float, ended: float, position: float = 0.0) -> None:
        self.values, self.step, self.position = values, step, position
        self.at, self.cost = ended, ended - started

    def evaluate_in_background(self, evaluate: Callable[[], tuple], step: int, position: float) -> None:
        """Run ``evaluate()`` (of a copy of the parameters at ``step``) in a daemon thread, one
        at a time; ``collect`` takes its figures once it is done."""
        generation = self._generation

        def work() -> None:
            started = time.perf_counter()
            try:
                values = evaluate()
            except Exception:  # noqa: BLE001 - a thread's error would print a traceback: the next snapshot evaluates
                log.exception("background evaluation failed")
                return
            self._result = (generation, values, step, position, started, time.perf_counter())

        self._result = None
        self._thread = threading.Thread(target=work, name="nnviz-evaluation", daemon=True)
        self._thread.start()

    def collect(self) -> bool:
        """Take a finished background evaluation's figures, unless they are stale (forgotten,
        or of a step before the figures held). True when new figures were taken."""
        if self._thread is None or self._thread.is_alive():
            return False
        self._thread = None
        result, self._result = self._result, None
        if result is None or result[0] != self._generation or result[2] <= self.step:
            return False
        _, values, step, position, started, ended = result
        self.record(values, step, started, ended, position)
        return True

    def forget(self) -> None:
        """The weights changed outside the run (an edit, a restore): no figures to carry."""
        self.values, self.step = None, -1
        self._generation += 1
