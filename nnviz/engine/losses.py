"""Losses, each with its value and its gradient beside it, and the output-layer δ.

Shapes: targets ``y`` and predictions ``y_hat`` are (B, k). ``value`` returns the
per-sample losses (B,); a batch's loss is their mean. ``grad`` returns the per-sample
∂Lᵢ/∂ŷᵢ (B, k).

``output_delta`` is the one place where the stable fused gradients live:
sigmoid + BCE gives δ = ∂L/∂z = ŷ − y, softmax + CE δ = ŷ·Σₖyₖ − y (ŷ − y for
targets that sum to 1, as one-hot rows do), for any targets.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.activations import Activation
from nnviz.engine.errors import NnvizError

#: Predictions are kept inside [ε, 1 − ε] before a logarithm, so ln 0 never happens.
LOG_EPS = 1e-12


class Loss:
    name = ""
    #: Output activations this loss accepts (None: any).
    needs_output: tuple[str, ...] | None = None

    def value(self, y: np.ndarray, y_hat: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, y: np.ndarray, y_hat: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """L = ½·Σₖ (ŷₖ − yₖ)²;  ∂L/∂ŷ = ŷ − y."""

    name = "mse"

    def value(self, y, y_hat):
        d = y_hat - y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def grad(self, y, y_hat):
        return y_hat - y


class BCE(Loss):
    """L = −Σₖ [yₖ ln ŷₖ + (1 − yₖ) ln(1 − ŷₖ)];  ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)).

    Needs a sigmoid output (ŷ in (0, 1)); ŷ is clipped to [ε, 1 − ε] before the logarithm.
    """

    name = "bce"
    needs_output = ("sigmoid",)

    def value(self, y, y_hat):
        p = np.clip(y_hat, LOG_EPS, 1.0 - LOG_EPS)
        return -(y * np.log(p) + (1.0 - y) * np.log1p(-p)).sum(axis=1)

    def grad(self, y, y_hat):
        p = np.clip(y_hat, LOG_EPS, 1.0 - LOG_EPS)
        return (p - y) / (p * (1.0 - p))


class CE(Loss):
    """L = −Σₖ yₖ ln ŷₖ (y one-hot, ŷ from softmax);  ∂L/∂ŷ = −y / ŷ."""

    name = "ce"
    needs_output = ("softmax",)

    def value(self, y, y_hat):
        p = np.clip(y_hat, LOG_EPS, 1.0)
        return -(y * np.log(p)).sum(axis=1)

    def grad(self, y, y_hat):
        return -y / np.clip(y_hat, LOG_EPS, 1.0)


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MSE(), BCE(), CE())}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise NnvizError(f"unknown loss {name!r}; choose one of: {', '.join(LOSSES)}") from None


def check_pairing(loss: Loss, output: Activation) -> None:
    """A loss that takes logarithms needs an output activation that stays in (0, 1)."""
    if loss.needs_output is not None and output.name not in loss.needs_output:
        raise NnvizError(
            f"loss {loss.name!r} needs a {' or '.join(loss.needs_output)} output layer, "
            f"not {output.name!r}"
        )


def output_delta(
    loss: Loss, act: Activation, y: np.ndarray, z: np.ndarray, a: np.ndarray,
    out: np.ndarray, tmp: np.ndarray, axis: int = -1,
) -> np.ndarray:
    """δ = ∂Lᵢ/∂z for each sample, written into ``out`` (B, k), or (k, B) with axis=0.

    Fused, exact and stable even when ŷ rounds to 0 or 1: sigmoid+BCE gives δ = ŷ − y
    (each output is its own BCE); softmax+CE gives δ = ŷ·Σₖyₖ − y, since
    ∂/∂zⱼ(−Σₖ yₖ ln ŷₖ) = −yⱼ + ŷⱼ·Σₖ yₖ: ŷ − y only when the targets sum to 1.
    Otherwise δ = ∂L/∂ŷ ⊙ f'(z) (softmax: its Jacobian).
    """
    if (act.name, loss.name) == ("sigmoid", "bce"):
        return np.subtract(a, y, out=out)
    if (act.name, loss.name) == ("softmax", "ce"):
        np.multiply(a, y.sum(axis=axis, keepdims=True), out=out)
        out -= y
        return out
    if loss.name == "mse":  # ŷ − y, written without a temporary
        np.subtract(a, y, out=out)
    else:
        out[...] = loss.grad(y, a)
    act.backprop(out, z, a, tmp, axis)
    return out


def batch_loss(loss: Loss, act: Activation, y: np.ndarray, z: np.ndarray, a: np.ndarray) -> float:
    """Mean loss over the batch; sigmoid+BCE is evaluated from z as softplus(z) − y·z,
    which stays finite even where ŷ rounds to exactly 0 or 1."""
    if (act.name, loss.name) == ("sigmoid", "bce"):
        per_sample = (np.logaddexp(0.0, z) - y * z).sum(axis=1)
    elif (act.name, loss.name) == ("softmax", "ce"):
        m = z.max(axis=1, keepdims=True)
        log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        per_sample = -(y * log_p).sum(axis=1)
    else:
        per_sample = loss.value(y, a)
    return float(per_sample.mean()) if len(per_sample) else float("nan")
