"""Stepping through training: the phases of one step and what Step does.

A PhaseView is what the canvas animates for one phase; the window's controller and the
exporter build them with the same functions here, so a step looks the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnviz.engine.losses import batch_loss
from nnviz.engine.network import PHASES, Network, Trace
from nnviz.engine.trainer import GRANULARITIES as RUN_UNITS

#: What one press of Step does: one phase, or one of the trainer's units.
GRANULARITIES = ("phase", *RUN_UNITS)


@dataclass(frozen=True)
class PhaseView:
    """What the canvas animates for one phase of one step.

    trace: the engine's Trace of the step's batch of B samples (at the weights before the
    update); its grad_w is the batch's ∂L/∂w, the mean over the samples, which is what the
    update applies; sample: which row of the batch the nodes show (a selector picks it);
    before/after: flat params around the update (both equal before it); losses: (B,) each
    sample's own loss Lᵢ (the batch loss is their mean), None when not known; traced: the
    step follows one sample of its batch (phase and sample stepping), which the data plot
    rings; False for a plain mini-batch step, whose update belongs to the batch alone.
    """

    phase: str
    trace: Trace
    sample: int
    before: np.ndarray
    after: np.ndarray
    losses: np.ndarray | None = None
    traced: bool = True

    @property
    def batch(self) -> int:
        """B, the number of samples in the step's batch."""
        return self.trace.x.shape[0]

    @property
    def shown(self) -> int:
        """The row of the batch the nodes show (``sample`` kept inside the batch)."""
        return min(max(self.sample, 0), self.batch - 1)

    def sample_delta(self, l: int) -> np.ndarray | None:
        """The shown sample's own δ⁽ˡ⁾ = ∂Lᵢ/∂z⁽ˡ⁾ (n_l,), l counted over the weight layers
        from 0; None without targets.

        The trace's δ is of the batch's mean loss L = (1/B)·Σᵢ Lᵢ, so each of its rows is
        (1/B)·∂Lᵢ/∂z: B times that row is the sample's own δ, the number a hand calculation
        for that one sample gives (and ∂L/∂W = (1/B)·Σᵢ δᵢᵀ a⁽ˡ⁻¹⁾ᵢ, the batch mean).
        """
        delta = self.trace.layers[l].delta
        return None if delta is None else self.batch * delta[self.shown]

    @property
    def sample_loss(self) -> float | None:
        """The shown sample's own loss Lᵢ, or None."""
        return None if self.losses is None else float(self.losses[self.shown])

    @property
    def sample_target(self) -> float | int | None:
        """The shown sample's target: its value with one output, its class (the one-hot
        position) with several; None without targets."""
        if self.trace.y is None:
            return None
        y = self.trace.y[self.shown]
        return float(y[0]) if y.shape[0] == 1 else int(np.argmax(y))

    def with_sample(self, sample: int) -> PhaseView:
        """The same phase showing row ``sample`` (kept inside the batch)."""
        return replace(self, sample=min(max(int(sample), 0), self.batch - 1))


def sample_losses(network: Network, trace: Trace) -> np.ndarray | None:
    """Each sample's own loss Lᵢ (B,) of a Trace with targets; None without targets.

    Evaluated one row at a time with the engine's batch loss (the stable sigmoid + BCE and
    softmax + CE forms), so their mean is the trace's loss.
    """
    if trace.y is None:
        return None
    out, loss, act = trace.layers[-1], network.loss, network.activations[-1]
    return np.array([batch_loss(loss, act, trace.y[i:i + 1], out.z[i:i + 1], out.a[i:i + 1])
                     for i in range(trace.x.shape[0])])


@dataclass(frozen=True)
class StepResult:
    """What one press of Step did: the phase to show (or None) and whether it trained
    (the parameters changed, so a new snapshot is due)."""

    phase: PhaseView | None
    trained: bool


class Stepper:
    """One press of Step on a paused trainer, by granularity.

    phase:  forward → backward → update, one press each, on the trainer's next batch;
            the update applies the batch's mean gradient (w ← w − η·∂L/∂w); the nodes
            show one chosen sample of the batch (``select_sample``), the edges the batch;
    sample: one sample of the next batch traced per press; the batch's update is applied
            with its last sample;
    batch:  one optimizer step; epoch: one pass over the training data.
    """

    def __init__(self, trainer, granularity: str = "batch"):
        self.trainer = trainer
        self.granularity = granularity
        self.phase: PhaseView | None = None
        self._sample_cursor = 0
        self._inspected = False  # the phase shows a chosen sample, not a step of the run

    def set_granularity(self, granularity: str) -> None:
        if granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {granularity!r}; choose one of {', '.join(GRANULARITIES)}")
        self.granularity = granularity
        self.reset()

    def reset(self) -> None:
        """Forget a step in progress (the weights or the data changed under it)."""
        self.phase = None
        self._sample_cursor = 0
        self._inspected = False

    def inspect(self, x: np.ndarray, y: np.ndarray | None, params: np.ndarray | None = None) -> PhaseView:
        """Trace one chosen sample outside the run: x (d,) its input, y (n_out,) its target or
        None, at ``params`` (flat; None: the trainer's current weights). With a target the
        phase is "backward" (forward values and δ), without one "forward"; nothing is
        trained, and the next Step starts the run's own next step afresh (``step`` forgets
        an inspected phase)."""
        x = np.asarray(x, dtype=np.float64).reshape(1, -1)
        y = None if y is None else np.asarray(y, dtype=np.float64).reshape(1, -1)
        network = self.trainer.network
        if params is not None:  # a recorded frame: its own weights, the trainer's untouched
            network = network.copy()
            network.set_params(params)
        self.reset()
        self.phase = self._traced("forward" if y is None else "backward", x, y, network=network)
        self._inspected = True
        return self.phase

    def select_sample(self, sample: int) -> bool:
        """Show row ``sample`` of the current phase's batch; False when there is no phase
        or it already shows that row (nothing changed)."""
        if self.phase is None:
            return False
        chosen = self.phase.with_sample(sample)
        if chosen.sample == self.phase.sample:
            return False
        self.phase = chosen
        return True

    def step(self) -> StepResult:
        if self._inspected:  # a chosen sample's trace is not a step in progress
            self.reset()
        trained = {"phase": self._step_phase, "sample": self._step_sample,
                   "batch": self._step_batch, "epoch": self._step_epoch}[self.granularity]()
        return StepResult(self.phase, trained)

    def _traced(self, phase: str, x: np.ndarray, y: np.ndarray | None, sample: int = 0,
                network: Network | None = None) -> PhaseView:
        """A phase of the batch (x, y) traced at the current weights (no update yet)."""
        network = network or self.trainer.network
        trace = network.trace(x, y)
        params = network.params.copy()
        return PhaseView(phase, trace, sample, params, params, sample_losses(network, trace))

    def _update(self, view: PhaseView) -> PhaseView:
        """Apply the step's update to ``view``'s batch: the view with the weights after it."""
        self.trainer.step_batch()
        return replace(view, phase="update", after=self.trainer.network.params.copy())

    def _step_phase(self) -> bool:
        current = self.phase
        if current is None or current.phase == "update":
            self.phase = self._traced("forward", *self.trainer.current_batch())
            return False
        if current.phase == "forward":
            self.phase = replace(current, phase="backward")
            return False
        self.phase = self._update(current)
        return True

    def _step_sample(self) -> bool:
        x, y = self.trainer.current_batch()
        i = self._sample_cursor
        self._sample_cursor += 1
        if self._sample_cursor < len(x):
            self.phase = self._traced("backward", x[i:i + 1], y[i:i + 1])
            return False
        self._sample_cursor = 0
        self.phase = self._update(self._traced("update", x[i:i + 1], y[i:i + 1]))
        return True

    def _step_batch(self) -> bool:
        view = self._traced("update", *self.trainer.current_batch())
        self.phase = self._update(replace(view, traced=False))  # no sample followed: none is ringed
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
