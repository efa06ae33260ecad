"""A question never gives its answer away: the load-time check (nnviz.lessons.answers).
No Qt here."""

from __future__ import annotations

import pytest

from nnviz.lessons.answers import PLACEHOLDER, numbers_in, states_answer
from nnviz.lessons.catalog import builtin_files
from nnviz.lessons.model import LessonError, load_lesson_file, parse_lesson
from mini_lesson import SETUP

BASE = SETUP + '''
[[steps]]
title = "Guess"
text = """TEXT"""
sample = [95, 4]
target = [1]

[steps.ask]
question = "PROMPT"
ASK
'''


def lesson(text: str = "The first student: x = (95, 4).", prompt: str = "What is z? (3 decimals)",
           ask: str = "answer = 1.031\ntolerance = 0.0005"):
    source = BASE.replace("TEXT", text).replace("PROMPT", prompt).replace("ASK", ask)
    return parse_lesson(source, "mini.toml", "mini")


def error(**kwargs) -> str:
    with pytest.raises(LessonError) as info:
        lesson(**kwargs)
    return str(info.value)


def test_numbers_are_read_as_written():
    text = "z = −3 + 95·0.01 + 4·0.02 = **1.031**, x₂, e⁻¹·⁰³¹, w1, (−0.0264)·2 = ?"
    assert numbers_in(text) == [-3.0, 95.0, 0.01, 4.0, 0.02, 1.031, -0.0264, 2.0]


def test_a_number_states_the_answer_when_a_student_could_type_it():
    assert states_answer("e.g. 1.031", 1.031, 0.0005) == 1.031
    assert states_answer("about 1.0312", 1.031, 0.0005) == 1.0312
    assert states_answer("δ = 0.0529", -0.0529, 0.0001) == 0.0529  # the sign left off
    assert states_answer("(3 decimals), 1.04", 1.031, 0.0005) is None


def test_a_good_question_loads():
    assert lesson().steps[1].ask.answer == 1.031


def test_a_prompt_stating_the_answer_is_refused():
    message = error(prompt="z = 0.001 + 0.95 + 0.08 = 1.031. What is z?")
    assert 'mini.toml: step 2 ("Guess"): ask.question: states 1.031' in message


def test_step_text_stating_the_answer_is_refused():
    message = error(text="z = **1.031**")
    assert 'step 2 ("Guess"): text: states 1.031' in message


def test_a_whole_number_answer_may_appear_in_the_text_but_not_in_the_prompt():
    assert lesson(text="Learning rate η = 5.", prompt="How many are dead?", ask="answer = 5\ntolerance = 0")
    message = error(prompt="With η = 5, how many are dead?", ask="answer = 5\ntolerance = 0")
    assert "ask.question: states 5" in message


def test_choices_are_indices_not_numbers_to_hide():
    assert lesson(text="0.737 > 0.5", prompt="Class 1?", ask='choices = ["no", "yes"]\nanswer = 1')


def test_the_answer_box_hint_has_no_number():
    assert numbers_in(PLACEHOLDER) == []


@pytest.mark.parametrize("path", builtin_files(), ids=[p.stem for p in builtin_files()])
def test_no_built_in_question_gives_its_answer_away(path):
    """Loading runs the check; and every numeric answer is absent from prompt and hint."""
    for step in load_lesson_file(path).steps:
        q = step.ask
        if q is not None and q.choices is None:
            assert states_answer(q.prompt + " " + PLACEHOLDER, q.answer, q.tolerance) is None, step.title
