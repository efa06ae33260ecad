"""The checks every data set maker applies to its arguments: one NnvizError naming the bad one."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from nnviz.engine.errors import NnvizError

MAX_SAMPLES = 100_000


def check_samples(samples: int) -> int:
    """A whole number of samples in [2, MAX_SAMPLES]."""
    if isinstance(samples, bool) or not isinstance(samples, Integral) or not (
        2 <= samples <= MAX_SAMPLES
    ):
        raise NnvizError(f"samples must be a whole number from 2 to {MAX_SAMPLES}, not {samples!r}")
    return int(samples)


def check_real(value: float, what: str, low: float, high: float) -> float:
    """A real number (not a bool) in [low, high], as float."""
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not low <= float(value) <= high:
        raise NnvizError(f"{what} must be between {low:g} and {high:g}, not {value!r}")
    return float(value)


def make_rng(seed: int) -> np.random.Generator:
    """np.random.default_rng(seed) for a whole number seed >= 0."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise NnvizError(f"seed must be a whole number >= 0, not {seed!r}")
    return np.random.default_rng(int(seed))


def held_out_count(n: int, test_fraction: float, unit: str) -> int:
    """n_test = round(n · test_fraction); at least one training row must remain."""
    n_test = round(n * test_fraction)
    if n - n_test < 1:
        raise NnvizError(
            f"with {n} {unit} and test fraction {test_fraction:g} no training {unit} are left; "
            f"use more {unit} or a smaller test fraction"
        )
    return n_test
