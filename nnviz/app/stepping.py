"""Stepping through training: the phases of one step and what Step does.

A PhaseView is what the canvas animates for one phase; the window's controller and the
exporter build them with the same functions here, so a step looks the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnviz.engine.network import PHASES, Trace
from nnviz.engine.trainer import GRANULARITIES as RUN_UNITS

#: What one press of Step does: one phase, or one of the trainer's units.
GRANULARITIES = ("phase", *RUN_UNITS)


@dataclass(frozen=True)
class PhaseView:
    """What the canvas animates for one phase of one step.

    trace: the engine's Trace of the step's batch (at the weights before the update);
    sample: which row of the batch the nodes show; before/after: flat params around
    the update (both equal before it).
    """

    phase: str
    trace: Trace
    sample: int
    before: np.ndarray
    after: np.ndarray


@dataclass(frozen=True)
class StepResult:
    """What one press of Step did: the phase to show (or None) and whether it trained
    (the parameters changed, so a new snapshot is due)."""

    phase: PhaseView | None
    trained: bool


class Stepper:
    """One press of Step on a paused trainer, by granularity.

    phase:  forward → backward → update, one press each, on the trainer's next batch;
            the update applies the batch's mean gradient (w ← w − η·∂L/∂w);
    sample: one sample of the next batch traced per press; the batch's update is applied
            with its last sample;
    batch:  one optimizer step; epoch: one pass over the training data.
    """

    def __init__(self, trainer, granularity: str = "batch"):
        self.trainer = trainer
        self.granularity = granularity
        self.phase: PhaseView | None = None
        self._sample_cursor = 0

    def set_granularity(self, granularity: str) -> None:
        if granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {granularity!r}; choose one of {', '.join(GRANULARITIES)}")
        self.granularity = granularity
        self.reset()

    def reset(self) -> None:
        """Forget a step in progress (the weights or the data changed under it)."""
        self.phase = None
        self._sample_cursor = 0

    def step(self) -> StepResult:
        trained = {"phase": self._step_phase, "sample": self._step_sample,
                   "batch": self._step_batch, "epoch": self._step_epoch}[self.granularity]()
        return StepResult(self.phase, trained)

    def _update(self, trace: Trace, sample: int) -> PhaseView:
        network = self.trainer.network
        before = network.params.copy()
        self.trainer.step_batch()
        return PhaseView("update", trace, sample, before, network.params.copy())

    def _step_phase(self) -> bool:
        current = self.phase
        if current is None or current.phase == "update":
            network = self.trainer.network
            x, y = self.trainer.current_batch()
            params = network.params.copy()
            self.phase = PhaseView("forward", network.trace(x, y), 0, params, params)
            return False
        if current.phase == "forward":
            self.phase = replace(current, phase="backward")
            return False
        self.phase = self._update(current.trace, current.sample)
        return True

    def _step_sample(self) -> bool:
        network = self.trainer.network
        x, y = self.trainer.current_batch()
        i = self._sample_cursor
        params = network.params.copy()
        trace = network.trace(x[i:i + 1], y[i:i + 1])
        self._sample_cursor += 1
        if self._sample_cursor < len(x):
            self.phase = PhaseView("backward", trace, 0, params, params)
            return False
        self._sample_cursor = 0
        self.phase = self._update(trace, 0)
        return True

    def _step_batch(self) -> bool:
        x, y = self.trainer.current_batch()
        self.phase = self._update(self.trainer.network.trace(x, y), 0)
        return True

    def _step_epoch(self) -> bool:
        self.phase = None
        self.trainer.train_epochs(1)
        return True


def one_step_phases(trainer) -> list[PhaseView]:
    """The three phases of the trainer's next step, the step applied: what Step shows
    pressed three times with "one phase" (the exporter's phase animation)."""
    stepper = Stepper(trainer, "phase")
    return [stepper.step().phase for _ in PHASES]
