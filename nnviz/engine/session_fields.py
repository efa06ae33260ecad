"""A session file's JSON values, checked: every reader here returns the value or raises one
NnvizError that says which field is wrong and why; the writers keep floats exact.

Per-layer vectors (weights, gradients, optimizer moments) are stored as
{"weights": [W_l (n_out, n_in) …], "biases": [b_l (n_out,) …]} and mapped to and from the
flat (P,) vector by nnviz.engine.layout.ParamLayout.
"""

from __future__ import annotations

import json
import math

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.layout import ParamLayout

HISTORY_COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")

HistoryRow = tuple[float, float, float, float, float]


# ============================================================================ checking

def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def field(obj: dict, key: str, where: str):
    if key not in obj:
        raise NnvizError(f'{where} has no "{key}" field')
    return obj[key]


def json_object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise NnvizError(f"{what} must be a JSON object")
    return value


def whole_number(value, what: str, low: int = 0, high: int | None = None) -> int:
    if not is_int(value) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"≥ {low}"
        raise NnvizError(f"{what} must be a whole number {bound}, not {value!r}")
    return value


def float_array(value, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite float64 array of exactly ``shape`` (1-D or 2-D) from nested JSON lists."""
    expected = f"a list of {'rows of ' if len(shape) == 2 else ''}numbers of shape {shape}"
    if not isinstance(value, list):
        raise NnvizError(f"{what} must be {expected}")
    if len(shape) == 2:
        if not all(isinstance(row, list) for row in value):
            raise NnvizError(f"{what} must be {expected}")
        if len(value) != shape[0]:
            raise NnvizError(f"{what} has {len(value)} rows, expected shape {shape}")
        for row in value:
            if len(row) != shape[1]:
                raise NnvizError(f"{what} has a row of {len(row)} numbers, expected shape {shape}")
        flat = [v for row in value for v in row]
    else:
        if len(value) != shape[0]:
            raise NnvizError(f"{what} has {len(value)} numbers, expected shape {shape}")
        flat = value
    for v in flat:
        if not is_real(v):
            if v is None:
                raise NnvizError(f"{what} holds a value that is not a finite number (null)")
            raise NnvizError(f"{what} must hold numbers, not {type(v).__name__} {v!r:.40}")
    try:
        arr = np.array(flat, dtype=np.float64).reshape(shape)
    except OverflowError:
        raise NnvizError(f"{what} holds a value that is not a finite number") from None
    if not np.isfinite(arr).all():
        raise NnvizError(f"{what} holds a value that is not a finite number")
    return arr


# ============================================================================ per-layer vectors

def finite_lists(arr: np.ndarray, what: str) -> list:
    """Nested lists of Python floats (json writes them in exact shortest form)."""
    if not np.isfinite(arr).all():
        raise NnvizError(f"{what} holds NaN or infinite values; the session was not saved")
    return arr.tolist()


def layers_to_json(flat: np.ndarray, layout: ParamLayout, what: str) -> dict:
    """A (P,) vector in ``layout`` as {"weights": [(out, in) …], "biases": [(out,) …]}."""
    return {"weights": [finite_lists(w, what) for w in layout.weights(flat)],
            "biases": [finite_lists(b, what) for b in layout.biases(flat)]}


def layers_from_json(value, layout: ParamLayout, what: str) -> np.ndarray:
    """{"weights": [...], "biases": [...]} (one entry per non-input layer) → a new (P,) vector."""
    obj = json_object(value, what)
    n_layers = len(layout.shapes)
    parts = {}
    for key in ("weights", "biases"):
        part = field(obj, key, what)
        if not isinstance(part, list) or len(part) != n_layers:
            raise NnvizError(f'{what} "{key}" must be a list with one entry per non-input layer ({n_layers})')
        parts[key] = part
    weights, biases = [], []
    for l, (rows, n_out) in enumerate(layout.shapes):
        weights.append(float_array(parts["weights"][l], (n_out, rows - 1), f"{what} weights[{l}]"))
        biases.append(float_array(parts["biases"][l], (n_out,), f"{what} biases[{l}]"))
    return layout.flatten(weights, biases)


# ============================================================================ the caller's parts

def json_copy(value, what: str):
    """A deep copy of ``value`` as JSON gives it back (tuples become lists), or NnvizError."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise NnvizError(f"{what} cannot be stored in a session ({exc}); the session was not saved") from None


def _history_cell(value) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, (bool, str)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise NnvizError(f"history rows must hold numbers (or None), not {value!r}; the session was not saved")
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def history_to_json(rows) -> list:
    """Rows of HISTORY_COLUMNS → lists of floats, with null for NaN and "±Infinity" strings."""
    out = []
    for i, row in enumerate(() if rows is None else rows):
        row = list(row)
        if len(row) != len(HISTORY_COLUMNS):
            raise NnvizError(f"history row {i} has {len(row)} values, expected {len(HISTORY_COLUMNS)} "
                             f"({', '.join(HISTORY_COLUMNS)}); the session was not saved")
        out.append([_history_cell(v) for v in row])
    return out


def history_from_json(value) -> list[HistoryRow]:
    """The inverse of history_to_json: one tuple of floats per row, NaN for null."""
    if not isinstance(value, list):
        raise NnvizError('"history" must be a list of rows')
    out = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != len(HISTORY_COLUMNS):
            raise NnvizError(f'"history" row {i} must be a list of {len(HISTORY_COLUMNS)} values '
                             f"({', '.join(HISTORY_COLUMNS)})")
        cells = []
        for v in row:
            if v is None:
                cells.append(math.nan)
            elif v in ("Infinity", "-Infinity") and isinstance(v, str):
                cells.append(math.inf if v == "Infinity" else -math.inf)
            elif is_real(v):
                cells.append(float(v))
            else:
                raise NnvizError(f'"history" row {i} holds {v!r}, not a number or null')
        out.append(tuple(cells))
    return out
