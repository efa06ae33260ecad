"""How nnviz writes a number: one function for the canvas labels, the instrument panels and
``nnviz trace``, so that a value which prints as zero prints "0" everywhere.

A negative zero (−0.0, from −0.5 · 0.0, say: the δ of a dead ReLU) or a small negative
value rounded away ("-0.000") would show a sign on nothing, and a class reads a sign.
"""

from __future__ import annotations

__all__ = ["factor", "number", "signed_sum"]


def number(value: float, spec: str = ".3g") -> str:
    """``value`` formatted with ``spec`` (a format spec such as ".3g", ".4f", ",.0f"); a
    result that reads as zero ("-0", "-0.000", "0.000") is "0", so no sign is shown on nothing."""
    text = format(float(value), spec)
    try:
        zero = float(text.replace(",", "").rstrip("%")) == 0.0
    except ValueError:  # "nan", "inf" parse; anything else is not a plain number
        zero = False
    return "0" if zero else text


def factor(text: str) -> str:
    """A written number as the second factor of a product: a negative one in parentheses
    ("1.1·(-1)", not "1.1·-1")."""
    return f"({text})" if text.startswith("-") else text


def signed_sum(parts: list[str]) -> str:
    """Written numbers or products joined as a sum, a negative one after the first with a
    minus sign instead of "+ -": ["0.001", "-0.95", "0.08"] → "0.001 − 0.95 + 0.08"."""
    out = parts[0] if parts else "0"
    for part in parts[1:]:
        out += f" − {part[1:]}" if part.startswith("-") else f" + {part}"
    return out
