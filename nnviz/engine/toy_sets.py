"""The built-in toy data sets (TensorFlow-Playground-like) and the lecture's table:
how each draws its 2-D points and labels. nnviz.engine.datasets makes Datasets of them.

Noise is in [0, 1]; 1 is TensorFlow Playground's maximum of 50 %. The generators'
docstrings write ``t = noise / 2`` for the Playground's own noise value. Noise displaces
the points after they were labelled, so labels near a class boundary become wrong (the
Playground instead labels a displaced copy and keeps the point; the effect is the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


def _class_counts(n: int, classes: int) -> list[int]:
    """Split n samples over classes as evenly as possible, earlier classes first."""
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def _class_labels(counts: Sequence[int], labels: Sequence[float]) -> np.ndarray:
    """(sum(counts),) labels: labels[k] repeated counts[k] times."""
    return np.repeat(np.asarray(labels, dtype=np.float64), counts)


def _uniform_jitter(rng: np.random.Generator, n: int, half_width: float) -> np.ndarray:
    """(n, 2) displacements, each coordinate uniform in [-half_width, half_width]."""
    return rng.uniform(-1.0, 1.0, size=(n, 2)) * half_width


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """XOR: p ~ U(-5, 5)², each coordinate pushed 0.3 away from 0;
    y = 1 if x1·x2 >= 0 else 0; then p += U(-5t, 5t)² (t = noise / 2)."""
    p = rng.uniform(-5.0, 5.0, size=(n, 2))
    p += np.where(p > 0, 0.3, -0.3)
    y = (p[:, 0] * p[:, 1] >= 0).astype(np.float64)
    return p + _uniform_jitter(rng, n, 5.0 * noise / 2), y


def _circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Circles: class 1 radius r ~ U(0, 2.5) (inner disc), class 0 r ~ U(3.5, 5) (ring);
    angle a ~ U(0, 2π), p = (r sin a, r cos a); then p += U(-5t, 5t)²."""
    counts = _class_counts(n, 2)
    r = np.concatenate([rng.uniform(0.0, 2.5, counts[0]), rng.uniform(3.5, 5.0, counts[1])])
    a = rng.uniform(0.0, 2 * math.pi, n)
    p = np.column_stack([r * np.sin(a), r * np.cos(a)])
    return p + _uniform_jitter(rng, n, 5.0 * noise / 2), _class_labels(counts, (1.0, 0.0))


def _gaussian_clusters(
    centers: np.ndarray, labels: Sequence[float], n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """p = center + sqrt(v)·N(0, 1)², variance v = 0.5 + 7t = 0.5 + 3.5·noise."""
    counts = _class_counts(n, len(labels))
    p = np.repeat(centers, counts, axis=0)
    std = math.sqrt(0.5 + 3.5 * noise)
    return p + std * rng.standard_normal((n, 2)), _class_labels(counts, labels)


def _gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussians: class 1 around (2, 2), class 0 around (-2, -2), variance 0.5 + 3.5·noise."""
    return _gaussian_clusters(np.array([[2.0, 2.0], [-2.0, -2.0]]), (1.0, 0.0), n, noise, rng)


def _blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three blobs (multiclass): class k around 4·(cos φk, sin φk), φk = 90° + k·120°,
    variance 0.5 + 3.5·noise."""
    phi = math.pi / 2 + 2 * math.pi / 3 * np.arange(3)
    centers = 4.0 * np.column_stack([np.cos(phi), np.sin(phi)])
    return _gaussian_clusters(centers, (0.0, 1.0, 2.0), n, noise, rng)


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two spirals (TF Playground): for class 1 (δ = 0) and class 0 (δ = π) with m points,
    i = 0..m-1: r = 5i/m, θ = 1.75·2π·i/m + δ, p = (r sin θ, r cos θ) + U(-t, t)²."""
    counts = _class_counts(n, 2)
    arms = []
    for m, delta in zip(counts, (0.0, math.pi)):
        i = np.arange(m)
        r = 5.0 * i / m
        theta = 1.75 * 2 * math.pi * i / m + delta
        arms.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
    p = np.concatenate(arms)
    return p + _uniform_jitter(rng, n, noise / 2), _class_labels(counts, (1.0, 0.0))


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two moons: s ~ U(0, π); class 0: q = (cos s, sin s), class 1: q = (1 - cos s, 0.5 - sin s);
    p = 3·(q - (0.5, 0.25)) + 1.5·noise·N(0, 1)²."""
    counts = _class_counts(n, 2)
    s = rng.uniform(0.0, math.pi, n)
    upper, lower = s[: counts[0]], s[counts[0]:]
    q = np.concatenate([
        np.column_stack([np.cos(upper), np.sin(upper)]),
        np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
    ])
    p = 3.0 * (q - np.array([0.5, 0.25]))
    return p + 1.5 * noise * rng.standard_normal((n, 2)), _class_labels(counts, (0.0, 1.0))


def _regression_plane(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Plane: p ~ U(-6, 6)², y = (x1 + x2) / 10 (in [-1.2, 1.2]); then p += U(-6t, 6t)²."""
    p = rng.uniform(-6.0, 6.0, size=(n, 2))
    y = (p[:, 0] + p[:, 1]) / 10.0
    return p + _uniform_jitter(rng, n, 6.0 * noise / 2), y


_BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0),
          (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))


def bump_height(p: np.ndarray) -> np.ndarray:
    """(m,) Σ_k s_k·max(0, 1 - |p - c_k| / 2) over the six signed bumps (c_k, s_k) in _BUMPS.

    The bumps do not overlap, so this equals TF Playground's "largest |bump|" rule.
    """
    y = np.zeros(p.shape[0], dtype=np.float64)
    for cx, cy, sign in _BUMPS:
        dist = np.hypot(p[:, 0] - cx, p[:, 1] - cy)
        y += sign * np.maximum(0.0, 1.0 - dist / 2.0)
    return y


def _regression_gaussians(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Bumps: p ~ U(-6, 6)², y = bump_height(p) (in [-1, 1]); then p += U(-6t, 6t)²."""
    p = rng.uniform(-6.0, 6.0, size=(n, 2))
    return p + _uniform_jitter(rng, n, 6.0 * noise / 2), bump_height(p)


# The lecture's table: (IQ, study hours) -> passed.
LECTURE_X = np.array([[95.0, 4.0], [100.0, 5.0], [95.0, 2.0]])
LECTURE_Y = np.array([1.0, 1.0, 0.0])

PointGenerator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ToySet:
    """task: "binary", "multiclass" or "regression"; num_classes: 0 for regression;
    generate(n, noise, rng) -> (points (n, 2), labels (n,)), None for the fixed lecture table."""

    task: str
    num_classes: int
    generate: PointGenerator | None


TOY_SETS: dict[str, ToySet] = {
    "lecture": ToySet("binary", 2, None),
    "xor": ToySet("binary", 2, _xor),
    "circles": ToySet("binary", 2, _circles),
    "gaussians": ToySet("binary", 2, _gaussians),
    "spiral": ToySet("binary", 2, _spiral),
    "moons": ToySet("binary", 2, _moons),
    "blobs": ToySet("multiclass", 3, _blobs),
    "regression_plane": ToySet("regression", 0, _regression_plane),
    "regression_gaussians": ToySet("regression", 0, _regression_gaussians),
}

DATASET_NAMES: tuple[str, ...] = tuple(TOY_SETS)
