"""A question must not give its answer away: the load-time check, and the answer box's hint.

A number "states" a numeric answer when a student who typed it would be told they are
right: |v − answer| ≤ tolerance, or the same with the sign left off (|v| for |answer|).
Numbers are read as written, with either minus sign: "−0.0529", "-3", "1.031", "95".
Subscripts and superscripts (x₂, e⁻¹) are not digits and are never read as numbers.

Checked when a file is read (``check_question``):

- the question's prompt and the answer box's placeholder never state it;
- neither do the step's title and text, which are on screen while the question is open,
  except for a whole-number answer (a count, a class): small whole numbers are inputs,
  indices and counts all over a lesson's text, so only the prompt is held to it there.

A multiple-choice answer is an option's index (the right option is bound to state it):
only numeric questions are checked.
"""

from __future__ import annotations

import re

#: The answer box's hint: no number in it, so it can never be (or suggest) the answer.
PLACEHOLDER = "type your answer (a number)"

_NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d+(?:\.\d*)?|\.\d+)")


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text``, in order: "z = −3 + 95·0.01" → [−3.0, 95.0, 0.01]."""
    return [float(m.group().replace("−", "-")) for m in _NUMBER.finditer(text)]


def states_answer(text: str, answer: float, tolerance: float) -> float | None:
    """The first number in ``text`` that a student could type as ``answer`` (None: none)."""
    for v in numbers_in(text):
        if abs(v - answer) <= tolerance or abs(abs(v) - abs(answer)) <= tolerance:
            return v
    return None


def giveaway(step) -> tuple[str, str] | None:
    """(field, why) where step's numeric question gives its answer away, e.g. ("ask.question",
    "states 1.031, …"); None: nowhere, or not a numeric question."""
    q = step.ask
    if q is None or q.choices is not None:
        return None
    places = [("ask.question", q.prompt), ("the answer box's hint", PLACEHOLDER)]
    if not float(q.answer).is_integer():  # see the module docstring
        places += [("title", step.title), ("text", step.text)]
    for name, text in places:
        v = states_answer(text, q.answer, q.tolerance)
        if v is not None:
            return name, (f"states {v:g}, the question's answer ({q.answer:g} ± {q.tolerance:g}); a question "
                          "must not give its answer away (move it to ask.explanation or reveal)")
    return None
