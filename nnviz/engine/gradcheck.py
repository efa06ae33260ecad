"""Gradient check: backpropagation against central differences, in float64.

For each parameter θⱼ:  ∂L/∂θⱼ ≈ (L(θ + h·eⱼ) − L(θ − h·eⱼ)) / (2h),  h = 1e-5 by default.
Relative error per parameter: |g − ĝ| / max(|g| + |ĝ|, floor), floor = 1e-4 so that two
tiny gradients that agree in absolute terms do not count as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.network import Network

DEFAULT_STEP = 1e-5  # h: large enough that rounding noise in L stays far below the differences
DEFAULT_FLOOR = 1e-4


@dataclass(frozen=True)
class GradCheck:
    analytic: np.ndarray  # (P,) backpropagation
    numeric: np.ndarray  # (P,) central differences
    max_relative_error: float
    max_absolute_error: float

    def passed(self, tolerance: float = 1e-5) -> bool:
        return self.max_relative_error <= tolerance


def numeric_gradient(network: Network, x, y, h: float = DEFAULT_STEP) -> np.ndarray:
    """Central-difference ∂L/∂θ for the batch mean loss; the network is left unchanged."""
    theta = network.params
    grad = np.empty_like(theta)
    for j in range(theta.size):
        saved = theta[j]
        theta[j] = saved + h
        plus = network.loss_value(x, y)
        theta[j] = saved - h
        minus = network.loss_value(x, y)
        theta[j] = saved
        grad[j] = (plus - minus) / (2.0 * h)
    return grad


def gradient_check(network: Network, x, y, h: float = DEFAULT_STEP, floor: float = DEFAULT_FLOOR) -> GradCheck:
    """Compare backpropagation with central differences on the batch (x, y)."""
    _, analytic = network.loss_and_grads(x, y)
    numeric = numeric_gradient(network, x, y, h)
    diff = np.abs(analytic - numeric)
    rel = diff / np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return GradCheck(analytic, numeric, float(rel.max(initial=0.0)), float(diff.max(initial=0.0)))
