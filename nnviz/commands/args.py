"""Parsers for the comma-separated values the headless commands take (``--input 95,4``)."""

from __future__ import annotations

import math

from nnviz.engine.errors import NnvizError


def float_list(text: str) -> list[float]:
    """"1.5, -2,3e-2" → [1.5, -2.0, 0.03]; NnvizError unless every value is a finite number."""
    parts = text.replace(" ", "").split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise NnvizError(f"{text!r} is not a comma-separated list of numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise NnvizError(f"{text!r} holds a value that is not a finite number")
    return values


def int_list(text: str, what: str) -> list[int]:
    """"2,8,8,1" → [2, 8, 8, 1] (empty parts skipped); NnvizError naming ``what`` otherwise."""
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise NnvizError(f"{what} must be whole numbers separated by commas, e.g. 2,8,8,1; got {text!r}") from None
