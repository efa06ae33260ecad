"""How nnviz writes a number: one function for the canvas labels, the instrument panels and
``nnviz trace``, so that a value which prints as zero prints "0" everywhere.

A negative zero (−0.0, from −0.5 · 0.0, say: the δ of a dead ReLU) or a small negative
value rounded away ("-0.000") would show a sign on nothing, and a class reads a sign.
"""

from __future__ import annotations

__all__ = ["number"]


def number(value: float, spec: str = ".3g") -> str:
    """``value`` formatted with ``spec`` (a format spec such as ".3g", ".4f", ",.0f"); a
    result that reads as zero ("-0", "-0.000", "0.000") is "0", so no sign is shown on nothing."""
    text = format(float(value), spec)
    try:
        zero = float(text.replace(",", "").rstrip("%")) == 0.0
    except ValueError:  # "nan", "inf" parse; anything else is not a plain number
        zero = False
    return "0" if zero else text
