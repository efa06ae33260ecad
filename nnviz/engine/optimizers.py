"""Optimizers, learning-rate schedules and regularization, on the flat parameter vector.

Every optimizer updates θ (P,) in place from g = ∂L/∂θ (P,) with learning rate η; its
state arrays are shaped like θ, so "state keyed by parameter" is simply "same index".
Buffers are allocated once, so a step allocates nothing.

| name     | update (textbook form)                                                  |
|----------|-------------------------------------------------------------------------|
| sgd      | θ ← θ − η g                                                             |
| momentum | v ← μ v − η g;  θ ← θ + v                                   (μ = 0.9)   |
| nesterov | v ← μ v − η g;  θ ← θ + μ v − η g                           (μ = 0.9)   |
| adagrad  | G ← G + g²;  θ ← θ − η g / (√G + ε)                                     |
| rmsprop  | E ← ρ E + (1 − ρ) g²;  θ ← θ − η g / (√E + ε)               (ρ = 0.9)   |
| adam     | m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ); |
|          | θ ← θ − η m̂ / (√v̂ + ε)                        (β₁ = 0.9, β₂ = 0.999)   |

ε = 1e-8.
"""

from __future__ import annotations

import math

import numpy as np

from nnviz.engine.errors import NnvizError

EPS = 1e-8


class Optimizer:
    name = ""

    def __init__(self, size: int):
        self.size = size
        self.t = 0  # number of steps taken
        self._tmp = np.empty(size)

    def step(self, params: np.ndarray, grads: np.ndarray, lr: float) -> None:
        self.t += 1
        self._update(params, grads, lr)

    def _update(self, params, grads, lr) -> None:
        raise NotImplementedError

    # state, for sessions and copies: every array attribute ending in "_state"
    def state(self) -> dict:
        out = {"t": self.t}
        out.update({k: v.copy() for k, v in vars(self).items() if k.endswith("_state")})
        return out

    def load_state(self, state: dict) -> None:
        self.t = int(state["t"])
        for key, value in state.items():
            if key != "t":
                getattr(self, key)[...] = value


class SGD(Optimizer):
    name = "sgd"

    def step(self, params, grads, lr):  # the common case, without the extra call
        self.t += 1
        np.multiply(grads, lr, out=self._tmp)
        params -= self._tmp


class Momentum(Optimizer):
    name = "momentum"
    mu = 0.9

    def __init__(self, size):
        super().__init__(size)
        self.velocity_state = np.zeros(size)

    def _update(self, params, grads, lr):
        v = self.velocity_state
        v *= self.mu
        np.multiply(grads, lr, out=self._tmp)
        v -= self._tmp
        params += v


class Nesterov(Momentum):
    name = "nesterov"

    def _update(self, params, grads, lr):
        v = self.velocity_state
        v *= self.mu
        np.multiply(grads, lr, out=self._tmp)
        v -= self._tmp  # v ← μv − ηg
        params -= self._tmp  # θ ← θ − ηg + μv
        np.multiply(v, self.mu, out=self._tmp)
        params += self._tmp


class AdaGrad(Optimizer):
    name = "adagrad"

    def __init__(self, size):
        super().__init__(size)
        self.sum_sq_state = np.zeros(size)

    def _update(self, params, grads, lr):
        g2 = self.sum_sq_state
        np.multiply(grads, grads, out=self._tmp)
        g2 += self._tmp
        np.sqrt(g2, out=self._tmp)
        self._tmp += EPS
        np.divide(grads, self._tmp, out=self._tmp)
        self._tmp *= lr
        params -= self._tmp


class RMSProp(Optimizer):
    name = "rmsprop"
    rho = 0.9

    def __init__(self, size):
        super().__init__(size)
        self.mean_sq_state = np.zeros(size)

    def _update(self, params, grads, lr):
        e = self.mean_sq_state
        np.multiply(grads, grads, out=self._tmp)
        self._tmp *= 1.0 - self.rho
        e *= self.rho
        e += self._tmp
        np.sqrt(e, out=self._tmp)
        self._tmp += EPS
        np.divide(grads, self._tmp, out=self._tmp)
        self._tmp *= lr
        params -= self._tmp


class Adam(Optimizer):
    name = "adam"
    beta1 = 0.9
    beta2 = 0.999

    def __init__(self, size):
        super().__init__(size)
        self.m_state = np.zeros(size)
        self.v_state = np.zeros(size)
        self._tmp2 = np.empty(size)

    def _update(self, params, grads, lr):
        m, v, tmp, tmp2 = self.m_state, self.v_state, self._tmp, self._tmp2
        m *= self.beta1
        np.multiply(grads, 1.0 - self.beta1, out=tmp)
        m += tmp
        v *= self.beta2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - self.beta2
        v += tmp
        # θ ← θ − η·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
        np.multiply(v, 1.0 / (1.0 - self.beta2 ** self.t), out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += EPS
        np.multiply(m, lr / (1.0 - self.beta1 ** self.t), out=tmp2)
        tmp2 /= tmp
        params -= tmp2


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
}


def make_optimizer(name: str, size: int) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise NnvizError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
    return cls(size)


SCHEDULES = ("constant", "step", "exponential")


def scheduled_lr(lr: float, schedule: str, epoch: int, *, step_epochs: int = 100, gamma: float = 0.5) -> float:
    """Learning rate for ``epoch`` (0-based).

    constant: η;  step: η·γ^⌊epoch / step_epochs⌋;  exponential: η·γ^(epoch / step_epochs).
    """
    if schedule == "constant":
        return lr
    if schedule == "step":
        return lr * gamma ** (epoch // step_epochs)
    if schedule == "exponential":
        return lr * math.pow(gamma, epoch / step_epochs)
    raise NnvizError(f"unknown learning-rate schedule {schedule!r}; choose one of: {', '.join(SCHEDULES)}")


def add_regularization(grads: np.ndarray, params: np.ndarray, mask: np.ndarray,
                       l1: float, l2: float, tmp: np.ndarray) -> None:
    """g ← g + λ₁·sign(w) + λ₂·w on weights only (mask is 1 on weights, 0 on biases).

    That is the gradient of the penalty λ₁·Σ|w| + ½λ₂·Σw².
    """
    if l2:
        np.multiply(params, mask, out=tmp)
        tmp *= l2
        grads += tmp
    if l1:
        np.sign(params, out=tmp)
        tmp *= mask
        tmp *= l1
        grads += tmp


def regularization_penalty(params: np.ndarray, mask: np.ndarray, l1: float, l2: float) -> float:
    """λ₁·Σ|w| + ½λ₂·Σw² over weights (not biases)."""
    w = params * mask
    return float(l1 * np.abs(w).sum() + 0.5 * l2 * (w * w).sum())
