"""Loss functions as curves: the loss of one prediction p ∈ (0, 1) against its target.

For a single output with target t ∈ {0, 1} and prediction p:

    MSE  L = ½(p − t)²                       ∂L/∂p = p − t
    BCE  L = −[t ln p + (1 − t) ln(1 − p)]    ∂L/∂p = (p − t) / (p(1 − p))
    CE   L = −ln p   (p: probability of the true class, t = 1)   ∂L/∂p = −1/p

Every number comes from the engine's own Loss classes (``Loss.value`` / ``Loss.grad``),
so the curves are exactly the functions the network is trained with, and
``per_sample_losses`` puts each sample of a data set on them: its prediction, its
target and its loss under the network's loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.losses import get_loss
from nnviz.engine.network import Network

__all__ = ["CURVE_LOSSES", "LossCurve", "default_grid", "loss_curves", "per_sample_losses"]

#: Which targets each loss is drawn for: CE only for the true class (target 1).
CURVE_LOSSES: dict[str, tuple[int, ...]] = {"mse": (0, 1), "bce": (0, 1), "ce": (1,)}


def default_grid(n: int = 399) -> np.ndarray:
    """n evenly spaced predictions strictly inside (0, 1)."""
    return np.linspace(0.0, 1.0, n + 2)[1:-1]


@dataclass(frozen=True)
class LossCurve:
    """One loss for one target over the predictions p (n,): value L(p) and ∂L/∂p, (n,) each."""

    loss: str
    target: int
    p: np.ndarray
    value: np.ndarray
    derivative: np.ndarray


def _read_only(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


def loss_curves(p=None) -> dict[str, dict[int, LossCurve]]:
    """{loss name: {target: LossCurve}} for MSE and BCE (targets 0 and 1) and CE (target 1)
    over the predictions p (default ``default_grid()``), from the engine's Loss classes."""
    p = default_grid() if p is None else np.asarray(p, dtype=np.float64).reshape(-1)
    y_hat = p[:, None]
    out: dict[str, dict[int, LossCurve]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, targets in CURVE_LOSSES.items():
            loss = get_loss(name)
            out[name] = {}
            for t in targets:
                y = np.full_like(y_hat, float(t))
                out[name][t] = LossCurve(name, t, _read_only(p), _read_only(loss.value(y, y_hat)),
                                         _read_only(loss.grad(y, y_hat)[:, 0]))
    return out


def per_sample_losses(network: Network, dataset, which: str = "train"
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each sample's (ŷ, target, loss) under ``network``'s loss, each (N,).

    One output (binary or regression): ŷ = the output, target = y.  Several outputs
    (multiclass): ŷ = the predicted probability of the true class and target = 1, so
    with CE the loss is −ln ŷ, a point on the CE curve; losses are ``network.loss.value``
    of the whole output row (with softmax + MSE that is not a function of ŷ alone).
    """
    x = dataset.inputs(which)
    n_out = network.layers[-1]
    targets = dataset.targets(which, n_out)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = network.predict(x)
        losses = network.loss.value(targets, out)
    if n_out == 1:
        return out[:, 0].copy(), targets[:, 0].copy(), losses
    true = dataset.labels(which).astype(np.intp)
    return out[np.arange(len(true)), true], np.ones(len(true)), losses
