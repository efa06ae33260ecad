"""A lesson's numbers are finite and its indices whole: inf, nan or a name where a number
belongs is one LessonError naming file, step and field, when the file loads (issue 15).
No Qt here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from nnviz.lessons.model import LessonError, parse_lesson
from mini_lesson import SETUP

GOOD = SETUP


def error_of(extra: str) -> str:
    with pytest.raises(LessonError) as info:
        parse_lesson(GOOD + '\n[[steps]]\ntitle = "Broken"\n' + extra + "\n", "broken.toml", "broken")
    return str(info.value)


@pytest.mark.parametrize("extra, field", [
    ("weights = [[inf, 1, 1, 0.5]]", "weights[1]"),
    ("weights = [[nan, 1, 1, 0.5]]", "weights[1]"),
    ("weights = [[1, 1, 1, nan]]", "weights[1]"),
    ("weights = [[1, 1, 1, -inf]]", "weights[1]"),
    ("weights = [[1.5, 1, 1, 0.5]]", "weights[1]"),
    ('sample = [nan, 4]\ntarget = [1]', "sample"),
    ('sample = [95, 4]\ntarget = [inf]', "target"),
    ('sample = [95, 4]\nphase = "forward"\nexpect = { z = nan }', "expect.z"),
    ('sample = [95, 4]\nphase = "forward"\n[[steps.expect]]\nquantity = "z"\nvalue = 1.0\ntolerance = inf',
     "expect[1].tolerance"),
    ('learning_rate = nan', "learning_rate"),
    ('network = { layers = [2, 1], activations = ["sigmoid"], weights = [[[nan, 0.02]]], biases = [[0.0]] }',
     "network.weights"),
    ('network = { layers = [2, 1], activations = ["sigmoid"], weights = [[[1, 0.02]]], biases = [[inf]] }',
     "network.biases"),
    ('highlight = { layers = ["x"] }', "highlight.layers"),
    ('highlight = { layers = [-1] }', "highlight.layers"),
    ('highlight = { layers = [true] }', "highlight.layers"),
    ('highlight = { nodes = [[1, true]] }', "highlight.nodes"),
    ('highlight = { edges = [[0, 1, 1]] }', "highlight.edges"),
])
def test_a_number_that_cannot_be_used_is_refused_at_load(extra, field):
    message = error_of(extra)
    assert message.startswith(f'broken.toml: step 2 ("Broken"): {field}:'), message


def test_finite_numbers_and_whole_indices_still_load():
    lesson = parse_lesson(GOOD + '''
[[steps]]
title = "Fine"
weights = [[1, 1, 1, 0.5]]
sample = [95, 4]
target = [1]
highlight = { layers = [0, 1], nodes = [[0, 1]], edges = [[1, 1, 2]] }
''', "fine.toml", "fine")
    step = lesson.steps[-1]
    assert step.weights == ((1, 1, 1, 0.5),)
    assert step.highlight.zero_based() == (((0, 0),), ((0, 0, 1),), (0, 1))


def test_lesson_check_refuses_a_nan_sample_in_one_line(tmp_path):
    path = tmp_path / "nan.toml"
    path.write_text(GOOD + '\n[[steps]]\ntitle = "Forward"\nsample = [nan, 4]\ntarget = [1]\nphase = "forward"\n'
                    'expect = { z = 1.0 }\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "nnviz", "lesson", str(path), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "sample" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("extra", ["train = { epochs = 1000000000 }", "train = { steps = 10000000000 }",
                                   'compare = { optimizers = ["sgd"], epochs = 1000000000 }',
                                   'compare = { optimizers = ["sgd"], epochs = 0 }'])
def test_a_training_length_the_class_cannot_wait_for_is_refused(extra):
    """Before the check, `lesson --check` (and the window, which checks first) never ended."""
    assert "epochs" in error_of(extra)
