"""Stepping through training: the phases of one step and what Step does.

A PhaseView is what the canvas animates for one phase; the window's controller and the
exporter build them with the same functions here, so a step looks the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.network import Trace

#: The three phases of one training step, in the order they are shown.
PHASES = ("forward", "backward", "update")
#: What one press of Step does.
GRANULARITIES = ("phase", "sample", "batch", "epoch")


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
