"""Dead ReLU neurons: z ≤ 0 for every training input, so ReLU′(z) = 0 everywhere.

Such a neuron outputs 0 for all the data and its incoming weights get ∂L/∂w = 0 from
every sample: gradient descent can never bring it back (unless a later change to the
weights *below* it moves its z). Leaky ReLU (f′ = 0.01 for z ≤ 0) keeps a small slope,
so its neurons are never dead in that sense; with z ≤ 0 everywhere they are only
"inactive" (``inactive_neurons``).

Neurons are named as the canvas's ``set_dead`` wants them: (layer counted from 1,
neuron index from 0).

    dead_neurons(network, dataset.x_train)         # [(2, 3), …]
    tracker = DeadNeuronTracker()
    tracker.update(dead_neurons(net, x), step=700, epoch=14)
    tracker.records[(2, 3)].since_step             # 700
    tracker.as_of(500).dead                        # as it stood at step 500
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from nnviz.engine.network import Network

__all__ = ["DeadEvent", "DeadNeuronTracker", "DeadRecord", "checks_anything", "dead_neurons", "inactive_neurons",
           "max_preactivations"]

CHUNK = 4096  # samples per forward pass, so a large training set needs little memory
MAX_EVENTS = 10_000  # deaths and revivals the tracker keeps (at least)


def max_preactivations(network: Network, x) -> list[np.ndarray]:
    """For each non-input layer, max over the samples of z: a list of (n_l,) arrays
    (−inf everywhere when x has no rows)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    out = [np.full(n, -np.inf) for n in network.layers[1:]]
    with np.errstate(all="ignore"):
        for start in range(0, x.shape[0], CHUNK):
            trace = network.trace(x[start:start + CHUNK])
            for m, layer in zip(out, trace.layers):
                np.maximum(m, layer.z.max(axis=0), out=m)
    return out


def _never_positive(network: Network, x, names: tuple[str, ...]) -> list[tuple[int, int]]:
    if not any(a in names for a in network.activation_names):
        return []
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return []
    found = []
    for l, (name, zmax) in enumerate(zip(network.activation_names, max_preactivations(network, x)), start=1):
        if name in names:
            # NaN (a diverged network) is not "≤ 0": such a neuron is broken, not dead
            found.extend((l, int(k)) for k in np.flatnonzero(zmax <= 0.0))
    return found


def checks_anything(network: Network) -> bool:
    """Whether ``dead_neurons`` or ``inactive_neurons`` can find any neuron of ``network``: only
    (leaky) ReLU layers are checked, so for any other a check is a forward pass for nothing."""
    return bool({"relu", "leaky_relu"} & set(network.activation_names))


def dead_neurons(network: Network, x_train) -> list[tuple[int, int]]:
    """ReLU neurons whose z ≤ 0 for every row of x_train (B, n_0): (layer from 1, neuron
    from 0), in layer order. Only layers whose activation is ``relu`` are checked."""
    return _never_positive(network, x_train, ("relu",))


def inactive_neurons(network: Network, x_train) -> list[tuple[int, int]]:
    """Leaky-ReLU neurons with z ≤ 0 for every row of x_train: silent, but not dead (they
    still pass 1 % of the gradient, so they can recover)."""
    return _never_positive(network, x_train, ("leaky_relu",))


@dataclass(frozen=True)
class DeadRecord:
    """A neuron dead now: since the first observation (step, epoch) of this death."""

    since_step: int
    since_epoch: int
    first_step: int  # when it first died at all (it may have revived and died again)
    first_epoch: int


@dataclass(frozen=True)
class DeadEvent:
    neuron: tuple[int, int]
    kind: str  # "died" or "revived"
    step: int
    epoch: int


class DeadNeuronTracker:
    """Follows the dead set over training: when each neuron died (and revived).

    ``update`` takes the dead list at one moment (step, epoch). Because a GUI only sees
    some of the steps, "since step 700" means first seen dead at step 700. A step number
    lower than the last one (a reset, an undo, training on from an earlier frame) first
    forgets what happened from that step on. ``as_of(step)`` is the record as it stood then.
    ``events`` keeps the latest MAX_EVENTS to 2·MAX_EVENTS changes (bounded however long
    the run); the state (records, revived, first deaths) is kept whole: trimmed events are
    folded into a base state that replays start from.
    """

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.records: dict[tuple[int, int], DeadRecord] = {}
        self.events: list[DeadEvent] = []
        self.revived: dict[tuple[int, int], tuple[int, int]] = {}  # neuron → (step, epoch) of last revival
        self._first: dict[tuple[int, int], tuple[int, int]] = {}
        self._base: tuple[dict, dict] = ({}, {})  # (records, revived) after the trimmed events
        self.last_step: int | None = None

    def update(self, dead: Iterable[tuple[int, int]], step: int, epoch: int) -> list[DeadEvent]:
        """Record the dead set at (step, epoch); returns the events this update added."""
        step, epoch = int(step), int(epoch)
        if self.last_step is not None and step < self.last_step:
            self._replay_before(step)
        self.last_step = step
        now = {(int(l), int(k)) for l, k in dead}
        new_events = [DeadEvent(n, "revived", step, epoch) for n in sorted(set(self.records) - now)]
        new_events += [DeadEvent(n, "died", step, epoch) for n in sorted(now - set(self.records))]
        for event in new_events:
            self._apply(event)
        return new_events

    def as_of(self, step: int) -> DeadNeuronTracker:
        """A new tracker holding the record as it stood at ``step`` (the events up to it)."""
        past = DeadNeuronTracker()
        past.events, past._first = list(self.events), dict(self._first)
        past._base = (dict(self._base[0]), dict(self._base[1]))
        past._replay_before(int(step) + 1)
        past.last_step = int(step) if self.last_step is None else min(int(step), self.last_step)
        return past

    def _replay_before(self, step: int) -> None:
        """Keep only what happened before ``step``: replay the events before it."""
        events = [e for e in self.events if e.step < step]
        self._first = {n: when for n, when in self._first.items() if when[0] < step}
        records, revived = self._base
        self.records = {n: r for n, r in records.items() if r.since_step < step}
        self.revived = {n: when for n, when in revived.items() if when[0] < step}
        self.events = []
        for event in events:
            self._apply(event)

    def _apply(self, event: DeadEvent) -> None:
        neuron, step, epoch = event.neuron, event.step, event.epoch
        if event.kind == "died":
            first = self._first.setdefault(neuron, (step, epoch))
            self.records[neuron] = DeadRecord(step, epoch, *first)
        else:
            self.records.pop(neuron, None)
            self.revived[neuron] = (step, epoch)
        self.events.append(event)
        if len(self.events) > 2 * MAX_EVENTS:  # trimmed in chunks: amortized O(1)
            self._fold(self.events[:-MAX_EVENTS])
            del self.events[:-MAX_EVENTS]

    def _fold(self, events: list[DeadEvent]) -> None:
        """Apply trimmed events to the base state, so replays still know what they did."""
        records, revived = self._base
        for e in events:
            if e.kind == "died":
                records[e.neuron] = DeadRecord(e.step, e.epoch, *self._first.get(e.neuron, (e.step, e.epoch)))
            else:
                records.pop(e.neuron, None)
                revived[e.neuron] = (e.step, e.epoch)

    def observe(self, network: Network, x_train, step: int, epoch: int) -> list[DeadEvent]:
        """``update`` with the dead neurons of ``network`` on ``x_train``."""
        return self.update(dead_neurons(network, x_train), step, epoch)

    @property
    def dead(self) -> list[tuple[int, int]]:
        """The neurons dead now, sorted (layer, neuron)."""
        return sorted(self.records)
