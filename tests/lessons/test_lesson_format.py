"""The lesson file format (resources/lessons/README.md): its example works, and every
kind of broken lesson is one LessonError naming the file, the step and the field.
No Qt here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz.lessons.model import LessonError, load_lesson_file, parse_lesson
from nnviz.lessons.player import LessonPlayer
from nnviz.paths import resource
from mini_lesson import SETUP

REPO = Path(__file__).resolve().parents[2]

#: A small correct lesson; the cases below break one thing in it.
GOOD = SETUP + '''
[[steps]]
title = "Forward"
sample = [95, 4]
target = [1]
phase = "forward"
expect = { z = 1.031, a = 0.737, class = 1 }
'''


def with_step(extra: str) -> str:
    """GOOD plus a third step (its title is "Broken")."""
    return GOOD + '\n[[steps]]\ntitle = "Broken"\n' + extra + "\n"


def write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    """The LessonError message of loading ``text`` from broken.toml (it must fail to load)."""
    with pytest.raises(LessonError) as info:
        load_lesson_file(write(tmp_path, text))
    return str(info.value)


def play_error(tmp_path: Path, text: str) -> str:
    """``text`` loads, but playing it (check) raises one LessonError; its message."""
    lesson = load_lesson_file(write(tmp_path, text))
    with pytest.raises(LessonError) as info:
        LessonPlayer(lesson).check()
    return str(info.value)


def assert_names(message: str, *needles: str) -> None:
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


# --------------------------------------------------------------------------- the README

def readme_example() -> str:
    text = resource("lessons").joinpath("README.md").read_text(encoding="utf-8")
    match = re.search(r"```toml\n(.*?)```", text, re.S)
    assert match, "README.md has no ```toml block"
    return match.group(1)


def test_readme_example_parses_and_checks_clean():
    lesson = parse_lesson(readme_example(), "README.md", "readme")
    assert lesson.id == "perceptron-mini"
    assert len(lesson.steps) >= 3
    assert LessonPlayer(lesson).check() == []


def test_readme_example_from_a_file(tmp_path):
    lesson = load_lesson_file(write(tmp_path, readme_example(), "example.toml"))
    assert LessonPlayer(lesson).check() == []


def test_the_good_lesson_is_good(tmp_path):
    lesson = load_lesson_file(write(tmp_path, GOOD, "mini.toml"))
    assert lesson.id == "mini"  # the file name without .toml
    assert LessonPlayer(lesson).check() == []


# --------------------------------------------------------------------------- broken files

def test_bad_toml(tmp_path):
    message = load_error(tmp_path, GOOD + "\n[[steps]\ntitle = \n")
    assert_names(message, "broken.toml", "not valid TOML")


def test_missing_lesson_title(tmp_path):
    message = load_error(tmp_path, GOOD.replace('title = "Mini"\n', ""))
    assert_names(message, "broken.toml", "title", "missing")


def test_missing_step_title(tmp_path):
    message = load_error(tmp_path, GOOD + '\n[[steps]]\ntext = "no title"\n')
    assert_names(message, "broken.toml", "step 3", "title", "missing")


def test_unknown_step_field(tmp_path):
    message = load_error(tmp_path, with_step('colour = "red"'))
    assert_names(message, "broken.toml", "step 3", "colour", "not a known field")


def test_unknown_lesson_field(tmp_path):
    message = load_error(tmp_path, 'author = "me"\n' + GOOD)
    assert_names(message, "broken.toml", "author", "not a known field")


def test_phase_sideways(tmp_path):
    message = load_error(tmp_path, with_step('phase = "sideways"'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "phase", "sideways", "forward")


def test_panel_nope(tmp_path):
    message = load_error(tmp_path, with_step('panel = "nope"'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "panel", "nope")


def test_expect_not_a_number(tmp_path):
    message = load_error(tmp_path, with_step('expect = { z = "high" }'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "expect.z", "high")


def test_expect_without_value_or_bounds(tmp_path):
    message = load_error(tmp_path, with_step('expect = [{ quantity = "z" }]'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "expect[1].value")


def test_expect_with_a_wrong_number(tmp_path):
    """check() returns (not raises) a message naming the step and both numbers."""
    lesson = load_lesson_file(write(tmp_path, with_step('phase = "forward"\nexpect = { z = 1.5 }')))
    problems = LessonPlayer(lesson).check()
    assert len(problems) == 1
    assert_names(problems[0], "broken.toml", 'step 3 ("Broken")', "z", "1.5", "1.031")


def test_expect_bounds_that_do_not_hold(tmp_path):
    lesson = load_lesson_file(write(tmp_path, with_step('expect = [{ quantity = "a", min = 0.9 }]')))
    problems = LessonPlayer(lesson).check()
    assert_names(problems[0], 'step 3 ("Broken")', "a", "0.9", "0.737")


def test_wrong_answer_tied_to_the_engine(tmp_path):
    ask = '[steps.ask]\nquestion = "z?"\nanswer = 2.0\ncheck = { quantity = "z" }'
    problems = LessonPlayer(load_lesson_file(write(tmp_path, with_step(ask)))).check()
    assert_names(problems[0], 'step 3 ("Broken")', "answer", "2", "1.031")


def test_ask_answer_out_of_range(tmp_path):
    ask = '[steps.ask]\nquestion = "Which?"\nchoices = ["a", "b"]\nanswer = 2'
    message = load_error(tmp_path, with_step(ask))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "ask.answer", "0..1")


def test_ask_answer_not_a_whole_index(tmp_path):
    ask = '[steps.ask]\nquestion = "Which?"\nchoices = ["a", "b"]\nanswer = 0.5'
    assert_names(load_error(tmp_path, with_step(ask)), 'step 3 ("Broken")', "ask.answer")


def test_ask_choices_not_texts(tmp_path):
    ask = '[steps.ask]\nquestion = "Which?"\nchoices = [1, 2]\nanswer = 0'
    message = load_error(tmp_path, with_step(ask))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "ask.choices", "texts")


def test_ask_without_question(tmp_path):
    message = load_error(tmp_path, with_step("[steps.ask]\nanswer = 1"))
    assert_names(message, 'step 3 ("Broken")', "ask.question", "missing")


def test_network_with_a_wrong_weights_shape(tmp_path):
    """Parsed fine; the shape is found when the step is played, and named there."""
    network = ('network = { layers = [2, 1], activations = ["sigmoid"], '
               'weights = [[[0.01, 0.02, 0.03]]], biases = [[0.001]] }')
    message = play_error(tmp_path, with_step(network))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "network.weights", "(1, 3)", "(1, 2)")


def test_network_weights_without_biases(tmp_path):
    network = 'network = { layers = [2, 1], activations = ["sigmoid"], weights = [[[0.01, 0.02]]] }'
    assert_names(load_error(tmp_path, with_step(network)), 'step 3 ("Broken")', "network.biases")


def test_unknown_activation_at_play_time(tmp_path):
    network = 'network = { layers = [2, 1], activations = ["wiggle"] }'
    assert_names(play_error(tmp_path, with_step(network)), 'step 3 ("Broken")', "wiggle")


def test_sample_of_the_wrong_length(tmp_path):
    message = play_error(tmp_path, with_step("sample = [1, 2, 3]"))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "sample", "3", "2")


def test_sample_not_numbers(tmp_path):
    message = load_error(tmp_path, with_step('sample = ["ninety-five", 4]'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "sample", "list of numbers")


def test_target_of_the_wrong_length(tmp_path):
    message = play_error(tmp_path, with_step("target = [1, 0]"))
    assert_names(message, 'step 3 ("Broken")', "target", "2 values")


def test_unknown_quantity(tmp_path):
    """Quantity names are known in advance: an unknown one is refused when the file is read."""
    message = load_error(tmp_path, with_step('expect = [{ quantity = "speed", value = 1 }]'))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "speed", "unknown quantity")


def test_quantity_that_cannot_be_computed(tmp_path):
    message = play_error(tmp_path, with_step('expect = [{ quantity = "final_loss", optimizer = "adam", max = 1 }]'))
    assert_names(message, 'step 3 ("Broken")', "final_loss", "compare")


def test_train_without_epochs_or_steps(tmp_path):
    message = load_error(tmp_path, with_step("train = { learning_rate = 0.1 }"))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', "train.epochs", "epochs or steps")


def test_train_with_both_epochs_and_steps(tmp_path):
    message = load_error(tmp_path, with_step("train = { epochs = 1, steps = 1 }"))
    assert_names(message, 'step 3 ("Broken")', "train.epochs")


@pytest.mark.parametrize("highlight, field", [
    ("highlight = { nodes = [[1]] }", "highlight.nodes"),
    ("highlight = { edges = [[1, 1]] }", "highlight.edges"),
    ("highlight = { nodes = [[1, 1, 1]] }", "highlight.nodes"),
])
def test_highlight_entries_of_the_wrong_size(tmp_path, highlight, field):
    message = load_error(tmp_path, with_step(highlight))
    assert_names(message, "broken.toml", 'step 3 ("Broken")', field, "whole numbers")


def test_weight_edit_outside_the_network(tmp_path):
    message = play_error(tmp_path, with_step("weights = [[1, 1, 3, 0.5]]"))
    assert_names(message, 'step 3 ("Broken")', "weights", "from 3 to 1")


def test_phase_without_target(tmp_path):
    text = with_step('network = { layers = [2, 1], activations = ["sigmoid"], init = "zeros" }\n'
                     'sample = [1, 2]\nphase = "backward"')
    assert_names(play_error(tmp_path, text), 'step 3 ("Broken")', "phase", "target")


def test_a_broken_step_stops_before_later_steps(tmp_path):
    """A lesson whose step 3 cannot be played names step 3, even if step 4 is also broken."""
    text = with_step("sample = [1, 2, 3]") + '\n[[steps]]\ntitle = "Later"\nphase = "sideways"\n'
    message = load_error(tmp_path, text)  # load errors come first: step 4's phase
    assert_names(message, 'step 4 ("Later")', "phase")


# --------------------------------------------------------------------------- the command line

def run_check(path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "error", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "nnviz", "lesson", str(path), "--check"],
                          capture_output=True, text=True, timeout=60, env=env, cwd=REPO)


@pytest.mark.parametrize("text, needles", [
    (with_step('phase = "sideways"'), ['step 3 ("Broken")', "phase"]),            # load time
    (with_step("sample = [1, 2, 3]"), ['step 3 ("Broken")', "sample"]),           # play time
    (with_step('phase = "forward"\nexpect = { z = 1.5 }'), ['step 3 ("Broken")', "1.5", "1.031"]),  # wrong number
    (GOOD + "\n[[steps]\n", ["not valid TOML"]),                                  # not TOML
], ids=["load", "play", "number", "toml"])
def test_cli_check_of_a_broken_lesson_exits_2_with_one_line(tmp_path, text, needles):
    result = run_check(write(tmp_path, text))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert_names(lines[0], "broken.toml", *needles)


def test_cli_check_of_a_missing_file_exits_2(tmp_path):
    result = run_check(tmp_path / "nowhere.toml")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "nowhere.toml" in result.stderr


def test_cli_check_of_a_good_file_exits_0(tmp_path):
    result = run_check(write(tmp_path, GOOD, "mini.toml"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "mini: all 2 steps checked" in result.stdout
