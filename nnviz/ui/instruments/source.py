"""What an instrument panel may know of the session: the ``SnapshotSource`` protocol.

A worker thread trains the controller's live network and trainer while training plays,
so a panel never touches them: it reads frozen values (the problem, the network's shape,
the latest snapshot, the phase shown) and follows the four signals below. Where it needs
a network at the snapshot's parameters, it builds its own:
``Network(shape.layers, shape.activation_names, shape.loss_name)`` and
``set_params(snapshot.params)``. The SessionController is one; a test may pass any other.

A snapshot is either the live state or, while the timeline is scrubbed back, a recorded
frame (``shows_past``): a history chart then shows the run up to that frame and keeps its
later points for when the view goes live again.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PySide6.QtCore import SignalInstance

from nnviz.app.problem import NetworkShape, Problem
from nnviz.app.stepping import PhaseView
from nnviz.app.timeline import Timeline
from nnviz.engine.datasets import Dataset
from nnviz.engine.trainer import Snapshot

__all__ = ["SnapshotSource", "shows_past"]


class SnapshotSource(Protocol):
    """Read-only session state and its change signals; nothing here mutates the session."""

    #: (Problem) a new problem: new dataset and network shape (a snapshot follows).
    problemChanged: SignalInstance
    #: (Snapshot) the state after a step, or the latest one while training plays.
    snapshotChanged: SignalInstance
    #: (PhaseView | None) the phase of a step shown on the canvas, None when there is none.
    phaseChanged: SignalInstance
    #: (bool) training started playing or stopped.
    runningChanged: SignalInstance

    @property
    def problem(self) -> Problem: ...  # frozen

    @property
    def shape(self) -> NetworkShape: ...  # layers, activation names, loss name (frozen)

    @property
    def dataset(self) -> Dataset: ...  # read-only arrays

    @property
    def snapshot(self) -> Snapshot | None: ...  # frozen, read-only copies

    @property
    def phase(self) -> PhaseView | None: ...

    @property
    def running(self) -> bool: ...

    @property
    def timeline(self) -> Timeline: ...  # read only: ``cursor`` is None while the live state is shown

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the next training batch (x (B, n_in), y (B, n_out)); only while paused."""
        ...


def shows_past(source: SnapshotSource | None) -> bool:
    """True when the source's snapshot is a recorded frame (the timeline scrubbed back),
    not the live state: history views then show the run up to it, without forgetting."""
    return source is not None and source.timeline.cursor is not None
