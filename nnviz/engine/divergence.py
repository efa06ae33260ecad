"""Telling a training run that has blown up, and naming the setting that probably did it.

A run can diverge without ever producing NaN: with a sigmoid output and MSE, η = 10⁶ drives
the weights to |w| ≈ 3·10⁴ while the loss stays at a finite, chance-level 0.25. So besides
NaN/∞, ``DivergenceWatch`` looks for two finite symptoms, against the state before the first
step (start) and the lowest training loss seen since (best):

    loss explosion   L > max(1000·L_best, 10·L_start, 1)
    weight runaway   max|w| > 1000·max(1, max|w|_start)  and  L ≥ L_start

A symptom must hold at STREAK checked steps in a row: one wild step that training recovers from
(ReLU on unscaled inputs can spike the loss 200-fold once) is not a divergence. Normal runs
stay far from both: a loss 1000 times its best and 10 times its start, or weights a thousand
times their start with nothing learnt, do not last while a network learns. Large weights while
the loss falls (e.g. unscaled regression targets) are fine: the watch then looks again only
once max|w| has doubled, so a fast loop pays one max|w| per check, not a loss.

``likely_cause`` blames L2 when η·λ₂ > 2 (plain gradient descent then multiplies each weight
by 1 − η·λ₂ < −1 every step: it flips sign and grows) with λ₂ ≥ 1, L1 when its every step
η·λ₁ moves a weight by more than 1 with λ₁ ≥ 1, and otherwise the learning rate.
"""

from __future__ import annotations

import math

from nnviz.engine.train_config import TrainConfig

#: The loss explodes above LOSS_RISE × its best and START_RISE × its start (and LOSS_FLOOR).
LOSS_RISE = 1e3
START_RISE = 10.0
LOSS_FLOOR = 1.0
#: The weights run away above WEIGHT_RISE × max(1, their start's max |w|).
WEIGHT_RISE = 1e3
#: Checked steps in a row a symptom must hold at.
STREAK = 3


class DivergenceWatch:
    """The start, best loss and weight gate of one run; ``symptom`` judges a (loss, max|w|)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the run: the next ``start`` begins a new one (e.g. after a restore)."""
        self.start_loss: float | None = None
        self.best = math.inf
        self.gate = math.inf
        self.streak = 0  # checked steps in a row that showed a symptom
        self._judged: tuple[int, str | None] = (-1, None)  # (step, verdict) of the last check

    @property
    def started(self) -> bool:
        return self.start_loss is not None

    def start(self, loss: float, peak: float) -> None:
        """The state before the first step: its mean training loss and max |w| (``peak``)."""
        self.start_loss = loss if math.isfinite(loss) else math.inf
        self.best = self.start_loss
        self.gate = WEIGHT_RISE * max(1.0, peak)

    def past_gate(self, peak: float) -> bool:
        """True when max |w| is large enough to be worth evaluating the loss for."""
        return peak > self.gate

    def symptom(self, loss: float, peak: float, step: int) -> str | None:
        """What shows the run exploded (e.g. "the loss rose to 7.2e+05, …") once it has shown
        at STREAK checked steps in a row, else None; remembers the best loss. A step checked
        twice counts once. NaN/∞ are not judged here (the trainer reports them as they are)."""
        if not self.started or not math.isfinite(loss):
            return None
        if step == self._judged[0]:
            return self._judged[1]
        found = None
        if loss > max(LOSS_RISE * self.best, START_RISE * self.start_loss, LOSS_FLOOR):
            found = f"the loss rose to {loss:.3g}, over {LOSS_RISE:g} times its best ({self.best:.3g})"
        elif peak > self.gate and loss >= self.start_loss:
            found = (f"the weights grew to |w| = {peak:.3g} and the loss ({loss:.3g}) "
                     f"is no better than before training ({self.start_loss:.3g})")
        elif peak > self.gate:
            self.gate = 2.0 * peak  # large weights, but learning: look again once they double
        self.streak = self.streak + 1 if found else 0
        if not found:
            self.best = min(self.best, loss)
        self._judged = (step, found if self.streak >= STREAK else None)
        return self._judged[1]


def likely_cause(config: TrainConfig) -> str:
    """The setting that most probably made training diverge, as the end of a sentence."""
    lr = config.learning_rate
    if config.l2 >= 1.0 and lr * config.l2 > 2.0:
        return f"the L2 rate ({config.l2:g}) is probably too high"
    if config.l1 >= 1.0 and lr * config.l1 > 1.0:
        return f"the L1 rate ({config.l1:g}) is probably too high"
    return f"the learning rate ({lr:g}) is probably too high"


def diverged_message(step: int, epoch: int, symptom: str, config: TrainConfig) -> str:
    """The trainer's ``stopped``: "training diverged at step 9 (epoch 1): <symptom>; <cause>"."""
    return f"training diverged at step {step} (epoch {epoch}): {symptom}; {likely_cause(config)}"
