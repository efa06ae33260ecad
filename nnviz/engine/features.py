"""Derived input features of 2-D points, as in TensorFlow Playground.

A raw point is ``(x1, x2)``. The network may see any selection of::

    x1, x2, x1² = x1*x1, x2² = x2*x2, x1·x2 = x1*x2, sin(x1), sin(x2)

``derive_features(raw, names)`` maps raw points, shape ``(m, 2)``, to the
selected features, shape ``(m, len(names))``, one column per name, in order.
Names may be written in ASCII too: ``x1^2``, ``x1**2``, ``x1*x2``, ``x1x2``,
``sinx1``, ``sin_x1``, ``sin x1`` ... (case and spaces do not matter).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nnviz.engine.errors import NnvizError

FEATURE_NAMES: tuple[str, ...] = ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")

_Formula = Callable[[np.ndarray, np.ndarray], np.ndarray]

_FORMULAS: dict[str, _Formula] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1²": lambda a, b: a * a,
    "x2²": lambda a, b: b * b,
    "x1·x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


def _squash(text: str) -> str:
    """Lower-case ``text`` and drop all whitespace: ``"Sin X1"`` -> ``"sinx1"``."""
    return "".join(text.split()).lower()


def _alias_table() -> dict[str, str]:
    """Every accepted spelling (squashed) -> its canonical name in FEATURE_NAMES."""
    table = {_squash(name): name for name in FEATURE_NAMES}
    for i in "12":
        table[f"x_{i}"] = f"x{i}"
        for form in ("^2", "**2", "sq", "_sq", "squared", "_squared"):
            table[f"x{i}{form}"] = f"x{i}²"
        for form in ("sinx{}", "sin_x{}", "sin(x{})", "sin_x_{}"):
            table[form.format(i)] = f"sin(x{i})"
    for form in ("x1*x2", "x1x2", "x1_x2", "x1×x2", "x1.x2", "x2*x1", "x2·x1", "x2x1"):
        table[form] = "x1·x2"
    return table


_ALIASES = _alias_table()


def canonical_feature_name(name: str) -> str:
    """The canonical spelling (one of FEATURE_NAMES) of a feature name or alias.

    Raises NnvizError for anything else.
    """
    if not isinstance(name, str):
        raise NnvizError(f"a feature name must be text, not {name!r}")
    canonical = _ALIASES.get(_squash(name))
    if canonical is None:
        choices = ", ".join(FEATURE_NAMES)
        raise NnvizError(f"unknown feature {name!r}; choose from {choices}")
    return canonical


def normalize_features(names: Sequence[str] | str) -> tuple[str, ...]:
    """Canonical names of a feature selection, in the given order.

    A single string counts as a one-name selection. Raises NnvizError for an
    empty selection, an unknown name or a feature selected twice.
    """
    if isinstance(names, str):
        names = (names,)
    canonical = tuple(canonical_feature_name(name) for name in names)
    if not canonical:
        raise NnvizError("select at least one input feature")
    for i, name in enumerate(canonical):
        if name in canonical[:i]:
            raise NnvizError(f"feature '{name}' is selected twice")
    return canonical


def derive_features(raw: np.ndarray, names: Sequence[str] | str) -> np.ndarray:
    """Derived features of raw 2-D points.

    raw: (m, 2) points ``(x1, x2)``; names: a selection of FEATURE_NAMES (or aliases).
    Returns a new (m, len(names)) float64 array; column j is feature ``names[j]``,
    e.g. the point (2, 3) gives x1² = 4, x1·x2 = 6, sin(x1) = sin 2.
    """
    canonical = normalize_features(names)
    points = np.asarray(raw, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise NnvizError(
            f"derived features need 2-D points of shape (m, 2), not shape {points.shape}"
        )
    a, b = points[:, 0], points[:, 1]
    out = np.empty((points.shape[0], len(canonical)), dtype=np.float64)
    for j, name in enumerate(canonical):
        out[:, j] = _FORMULAS[name](a, b)
    return out
