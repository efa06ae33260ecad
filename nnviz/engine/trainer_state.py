"""Where a trainer stands: the position and randomness that decide its next steps.

    state = trainer.state()          # a frozen record, safe to keep or store
    other.load_state(state)          # other (same network, data and config) goes on identically

The network's params and grads and the optimizer's state are not in it: they keep their
own (``network.params``, ``network.grads``, ``optimizer.state()``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrainerState:
    """step: optimizer updates done; epoch: completed epochs; batch: batches done in this
    epoch; stopped: why training diverged, or None.

    permutation: (n_train,) read-only, the training rows' order; batch k is rows
    permutation[k·B : (k+1)·B], B = min(batch_size, n_train). Each epoch start shuffles it in
    place, so the next epoch's order depends on it too.
    shuffled_for: (epoch, B) the permutation was last shuffled for, or None if never; the next
    step shuffles first unless it equals (epoch, B).
    rng: the random generator's ``bit_generator.state`` dict.
    """

    step: int
    epoch: int
    batch: int
    stopped: str | None
    permutation: np.ndarray
    shuffled_for: tuple[int, int] | None
    rng: dict
