"""Reading one field of a lesson file: its type and range checked, or one LessonError naming
file, step and field (nnviz.lessons.model builds the lesson from these).

    where = Where("perceptron.toml"); where.step = 'step 3 ("The decision")'
    rate = get_field(table, "learning_rate", float, where, "train.", 0.1)
    # perceptron.toml: step 3 ("The decision"): train.learning_rate: must be a finite number, not inf

Every number a lesson gives is finite (TOML allows inf and nan, which no step can use).
"""

from __future__ import annotations

import math

from nnviz.engine.errors import NnvizError


class LessonError(NnvizError):
    """A lesson file that cannot be used; the message names file, step and field."""


class Where:
    """Builds 'file: step n ("title"): field' prefixes for error messages."""

    def __init__(self, source: str):
        self.source = source
        self.step: str | None = None

    def fail(self, fieldname: str, message: str):
        where = f"{self.source}: {self.step}: " if self.step else f"{self.source}: "
        raise LessonError(f"{where}{fieldname}: {message}")


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text", list: "a list", dict: "a table",
               bool: "true or false"}


def kind_name(kinds) -> str:
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def get_field(table: dict, key: str, kind, where: Where, prefix: str, default=None, required=False):
    """table[key] checked to be of ``kind`` (a type or a tuple; an int counts as a float, and
    a float must be finite), ``default`` when absent, or a LessonError naming the field."""
    name = f"{prefix}{key}"
    if key not in table:
        if required:
            where.fail(name, "is missing")
        return default
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds and is_whole(value):
        value = float(value)
    if isinstance(value, bool) and bool not in kinds:
        where.fail(name, f"must be {kind_name(kinds)}, not {value!r}")
    if not isinstance(value, kinds):
        where.fail(name, f"must be {kind_name(kinds)}, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        where.fail(name, f"must be a finite number, not {value!r}")
    return value


def finite_numbers(value, where: Where, name: str) -> tuple[float, ...]:
    """A list of finite numbers as a tuple of floats."""
    if not isinstance(value, list) or not all(is_number(v) for v in value):
        where.fail(name, f"must be a list of numbers, not {value!r}")
    if not all(math.isfinite(v) for v in value):
        where.fail(name, f"must hold finite numbers, not {value!r}")
    return tuple(float(v) for v in value)


def whole_numbers(value, size: int, low: int, where: Where, name: str) -> tuple[int, ...]:
    """A list of ``size`` whole numbers, each ≥ ``low``, as a tuple."""
    if not (isinstance(value, list) and len(value) == size and all(is_whole(v) and v >= low for v in value)):
        where.fail(name, f"each entry must be {size} whole number{'s' if size > 1 else ''} ≥ {low}, "
                         f"e.g. {[max(low, 1)] * size}; got {value!r}")
    return tuple(value)


def finite_nested(value, where: Where, name: str):
    """Nested lists of finite numbers (weights, biases) as nested tuples of floats."""
    if isinstance(value, list):
        return tuple(finite_nested(v, where, name) for v in value)
    if not is_number(value) or not math.isfinite(value):
        where.fail(name, f"must hold finite numbers, not {value!r}")
    return float(value)


def check_keys(table: dict, allowed: set[str], where: Where, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            where.fail(f"{prefix}{key}", f"is not a known field (known: {', '.join(sorted(allowed))})")
