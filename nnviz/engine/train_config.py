"""The hyper-parameters of training, checked once when made.

    config = TrainConfig(learning_rate=0.05, batch_size=8, optimizer="adam", l2=1e-3)
    config.lr_at(epoch)   # the learning rate the schedule gives at that epoch
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.optimizers import OPTIMIZERS, SCHEDULES, scheduled_lr


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of training; frozen so it can cross threads safely."""

    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: str = "sgd"
    l1: float = 0.0
    l2: float = 0.0
    schedule: str = "constant"
    schedule_step: int = 100  # epochs per decay step
    schedule_gamma: float = 0.5

    def __post_init__(self):
        checks = [
            (np.isfinite(self.learning_rate) and self.learning_rate > 0, "the learning rate must be a positive number"),
            (isinstance(self.batch_size, int) and self.batch_size >= 1, "the batch size must be a whole number ≥ 1"),
            (self.optimizer in OPTIMIZERS, f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}"),
            (np.isfinite(self.l1) and self.l1 >= 0, "the L1 rate must be ≥ 0"),
            (np.isfinite(self.l2) and self.l2 >= 0, "the L2 rate must be ≥ 0"),
            (self.schedule in SCHEDULES, f"unknown learning-rate schedule {self.schedule!r}; choose one of: {', '.join(SCHEDULES)}"),
            (isinstance(self.schedule_step, int) and self.schedule_step >= 1, "the schedule step must be a whole number of epochs ≥ 1"),
            (np.isfinite(self.schedule_gamma) and 0 < self.schedule_gamma <= 1, "the schedule factor must be in (0, 1]"),
        ]
        for ok, message in checks:
            if not ok:
                raise NnvizError(message)

    def lr_at(self, epoch: int) -> float:
        return scheduled_lr(self.learning_rate, self.schedule, epoch,
                            step_epochs=self.schedule_step, gamma=self.schedule_gamma)
