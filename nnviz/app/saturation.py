"""Where an activation saturates: the numbers behind the activation plot (Qt-free).

On the grid z ∈ Z_RANGE (Z_POINTS points) an activation f and its derivative f′ are
sampled; a unit is *saturated* where |f′(z)| < SATURATION_THRESHOLD, i.e. where the
gradient through it nearly vanishes. ``saturated_intervals`` finds those z intervals,
``saturated_fraction`` how many of a layer's z values fall inside them.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.init_lab import SATURATION_THRESHOLD  # one threshold for the lab and the plot

__all__ = [
    "SATURATION_THRESHOLD",
    "Z_POINTS",
    "Z_RANGE",
    "activation_curves",
    "saturated_fraction",
    "saturated_intervals",
]

#: The z range of the activation plot and the number of grid points.
Z_RANGE = (-6.0, 6.0)
Z_POINTS = 500


def activation_curves(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and f′(z) on the grid z (n,), each (n,); softmax is shown per unit, for 2 units
    with the other logit at 0, which is σ(z) and σ′(z)."""
    act = ACTIVATIONS[name]
    if act.output_only:  # softmax
        logits = np.column_stack([z, np.zeros_like(z)])
        return act.forward(logits, axis=1)[:, 0], act.derivative(logits)[:, 0]
    return act.forward(z), act.derivative(z)


def saturated_intervals(z: np.ndarray, d: np.ndarray, threshold: float = SATURATION_THRESHOLD
                        ) -> list[tuple[float, float]]:
    """Maximal intervals of the grid ``z`` where |d| < threshold. An end inside the grid is
    linearly interpolated between the two grid points around the crossing; an end at the
    grid's edge is the edge itself."""
    mask = np.abs(d) < threshold
    if not mask.any():
        return []
    steps = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(steps == 1)
    ends = np.flatnonzero(steps == -1) - 1  # inclusive
    a = np.abs(d)

    def cross(i: int, j: int) -> float:  # |d| goes through threshold between z[i] and z[j]
        t = (threshold - a[i]) / (a[j] - a[i])
        return float(z[i] + t * (z[j] - z[i]))

    last = len(z) - 1
    return [
        (float(z[0]) if s == 0 else cross(s - 1, s), float(z[last]) if e == last else cross(e, e + 1))
        for s, e in zip(starts, ends)
    ]


def saturated_fraction(z: np.ndarray, intervals: list[tuple[float, float]],
                       z_range: tuple[float, float] = Z_RANGE) -> float:
    """Fraction of the values z (n,) inside the intervals; an interval touching the edge of
    ``z_range`` extends to ±∞ (the plot clips its z values to the range)."""
    inside = np.zeros(z.shape, dtype=bool)
    for a, b in intervals:
        a = -np.inf if a <= z_range[0] else a
        b = np.inf if b >= z_range[1] else b
        inside |= (z >= a) & (z <= b)
    return float(inside.mean())
