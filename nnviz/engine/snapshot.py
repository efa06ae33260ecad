"""The frozen state of a training run after a step: what views, the timeline and tests read.

    snap = trainer.snapshot()
    snap.weights[0]      # (n_1, n_0) read-only, layer 1's weights
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine.layout import ParamLayout
from nnviz.engine.network import Trace
from nnviz.engine.train_config import TrainConfig


def read_only_copy(arr: np.ndarray) -> np.ndarray:
    """A copy of ``arr`` that cannot be written to (a snapshot's arrays never change)."""
    out = arr.copy()
    out.flags.writeable = False
    return out


def epoch_position(epoch: int, batch: int, batches_per_epoch: int) -> float:
    """Where a step stands in epochs, fractional: epoch + batch / batches_per_epoch (the loss
    curves' x axis)."""
    return epoch + batch / max(batches_per_epoch, 1)


@dataclass(frozen=True)
class Snapshot:
    """The state after a step, with read-only copies of every array.

    params, grads: (P,) in the network's flat layout (grads = the gradient the last update
    used, regularization included). ``weights``/``biases``/``grad_weights``/``grad_biases``
    give per-layer views (``layout``): (n_out, n_in) and (n_out,). ``sample_trace`` is set with
    granularity "sample": the forward/backward trace of that one training sample.
    """

    step: int  # optimizer updates done so far
    epoch: int  # completed epochs
    batch: int  # batches done in the current epoch
    layers: tuple[int, ...]
    params: np.ndarray
    grads: np.ndarray
    learning_rate: float
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    sample_index: int | None = None
    sample_trace: Trace | None = None
    stopped: str | None = None
    config: TrainConfig = field(default_factory=TrainConfig)
    fresh_metrics: bool = True  # False: the losses and accuracies are an earlier step's (engine.metric_budget)
    metrics_epoch: float | None = None  # the epoch (epoch + batch / batches) the figures are of; None: this one's

    @property
    def layout(self) -> ParamLayout:
        return ParamLayout(self.layers)

    @property
    def weights(self) -> list[np.ndarray]:
        return self.layout.weights(self.params)

    @property
    def biases(self) -> list[np.ndarray]:
        return self.layout.biases(self.params)

    @property
    def grad_weights(self) -> list[np.ndarray]:
        return self.layout.weights(self.grads)

    @property
    def grad_biases(self) -> list[np.ndarray]:
        return self.layout.biases(self.grads)
