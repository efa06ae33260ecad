"""The timeline: a recording of the run, one frame per snapshot shown, in bounded memory.

    timeline = Timeline(capacity_for(network.size))
    timeline.record(snap)          # every snapshot the views show (Play, Step, edits)
    timeline[i], len(timeline)     # frames, oldest first; the last is always the latest
    timeline.cut(i)                # continue from frame i: it and the frames after it go

A frame is the frozen Snapshot itself: params and grads (the read-only float64 copies the
trainer made for the views, so recording copies nothing), step, epoch, losses and
accuracies. One frame of a network with P parameters costs FRAME_BYTES(P) = 2·8·P bytes of
arrays plus about FRAME_OVERHEAD bytes of Python objects.

Thinning: engine.thinning's rule (the one every history view uses): the frames kept are
evenly spaced from the first to the latest, stride s doubling each time they reach the
capacity C, so C/2 ≤ len ≤ C once it has been thinned.

Memory. C = clamp(BUDGET_BYTES // FRAME_BYTES(P), MIN_FRAMES, MAX_FRAMES), BUDGET_BYTES =
64 MiB. A 10-minute Play at the display rate (60 snapshots/s: 36,000 frames offered):

| network        |       P | C      | stride | frames kept | params (P·8·kept) | params + grads |
|----------------|--------:|-------:|-------:|------------:|------------------:|---------------:|
| 2-8-8-1        |     105 | 10,000 |      4 |       9,001 |            7.6 MB |        15.1 MB |
| 784-128-64-10  | 109,386 |     38 |  1,024 |          37 |           32.4 MB |        64.8 MB |

(MB = 10⁶ bytes; 64.8 MB = 61.8 MiB. The Python objects add about 0.55 KiB a frame,
counted as FRAME_OVERHEAD = 1 KiB: ≤ 9.2 MB and ≤ 38 KB here.) The bound
holds whatever the length of the run: ≤ C frames, ≤ 64 MiB with the objects (for a network
of more than 262,000 parameters, MIN_FRAMES frames: over the budget rather than useless).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnviz.app.history import History, HistoryBuffer
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.thinning import ThinnedSeries
from nnviz.engine.snapshot import epoch_position
from nnviz.engine.trainer import Snapshot, Trainer

BUDGET_BYTES = 64 * 2**20
MAX_FRAMES = 10_000  # a finer timeline than a slider can show is wasted
MIN_FRAMES = 16  # even a huge network gets a usable timeline (over budget then)
FRAME_OVERHEAD = 1024  # bytes: the Snapshot object and its two array headers, rounded up


def frame_bytes(n_params: int) -> int:
    """Bytes one frame of a P-parameter network takes: params and grads (float64) + objects."""
    return 2 * 8 * n_params + FRAME_OVERHEAD


def capacity_for(n_params: int, budget: int = BUDGET_BYTES) -> int:
    """How many frames a P-parameter network's recording keeps at most."""
    return int(min(MAX_FRAMES, max(MIN_FRAMES, budget // frame_bytes(n_params))))


class Timeline:
    """The frames of one recording; ``recording`` names it (undo states say which one they
    belong to), ``cursor`` is the frame the views show, None for the latest (live)."""

    def __init__(self, capacity: int, recording: int = 0):
        self._frames = ThinnedSeries(capacity)
        self.capacity = capacity
        self.recording = recording
        self.cursor: int | None = None

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index: int) -> Snapshot:
        return self._frames[index]

    @property
    def stride(self) -> int:
        return self._frames.stride

    def frames(self) -> tuple[Snapshot, ...]:
        return tuple(self._frames.view())

    @property
    def nbytes(self) -> int:
        """Bytes of the recorded arrays (params and grads)."""
        return sum(s.params.nbytes + s.grads.nbytes for s in self.frames())

    @property
    def shown(self) -> int:
        """The index of the frame the views show (the last one when live)."""
        return len(self) - 1 if self.cursor is None else self.cursor

    def record(self, snap: Snapshot) -> None:
        """Keep ``snap`` as the latest frame (thinning as above); the views go live."""
        self.cursor = None
        self._frames.append(snap)

    def cut(self, index: int) -> None:
        """Drop frame ``index`` and every later one: the next frame recorded takes its place
        (training continues from that frame). The stride and the spacing stay."""
        self._frames.cut(index)
        self.cursor = None


def history_at(history: History, snap: Snapshot, batches_per_epoch: int) -> History:
    """The loss curves as they stood when ``snap`` was shown: the rows before its epoch
    (epoch + batch / batches_per_epoch), then its own row."""
    columns = (history.epoch, history.train_loss, history.test_loss, history.train_acc, history.test_acc)
    if not snap.fresh_metrics:  # it carried an earlier step's figures: the rows up to its epoch
        at = epoch_position(snap.epoch, snap.batch, batches_per_epoch)
        keep = int(np.searchsorted(history.epoch, at, side="right"))
        return History(*(col[:keep].copy() for col in columns))
    end = HistoryBuffer()
    end.add(snap, batches_per_epoch)
    row = end.rows[0]
    keep = int(np.searchsorted(history.epoch, row[0], side="left"))
    return History(*(np.append(col[:keep], value) for col, value in zip(columns, row)))


def restore_frame(trainer: Trainer, snap: Snapshot) -> None:
    """Put ``trainer`` back at a recorded frame, to train on from there.

    Restored exactly: the parameters, the last gradient, the counters (step, epoch, batch,
    so the learning-rate schedule and the curves' epoch axis go on from there) and the
    divergence note. Not recorded, so started afresh: the optimizer's state (momentum's
    velocity, Adagrad/RMSprop/Adam's moments are zero and Adam's t = 0; plain SGD has none)
    and the data order (the rest of the epoch comes from a new shuffle by the trainer's
    generator as it stands). The training settings stay the current ones.
    """
    net = trainer.network
    if tuple(snap.layers) != tuple(net.layers):
        raise ValueError(f"a frame of a {snap.layers} network cannot go into a {net.layers} one")
    net.params[...] = snap.params
    net.grads[...] = snap.grads
    trainer.optimizer.load_state(make_optimizer(trainer.optimizer.name, net.size).state())
    trainer.load_state(replace(trainer.state(), step=snap.step, epoch=snap.epoch, batch=snap.batch,
                               stopped=snap.stopped, shuffled_for=None))
