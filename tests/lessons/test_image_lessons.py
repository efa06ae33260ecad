"""Lessons on image data (issue 13): the built-in ``digits`` set in a step, ``sample_image``
(an example of the dataset traced, its class the target), the digit panel's views as a
step's ``panel``, and the quantities an image lesson checks (``x``, ``confusion``,
``parameters``, ``train_size``, ``test_size``). No Qt here.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.image_views import confusion_matrix, predictions
from nnviz.app.lesson_view import asked_later, lesson_view
from nnviz.cli import main
from nnviz.engine.datasets import make_dataset
from nnviz.lessons.catalog import find_lesson
from nnviz.lessons.model import (
    DIGIT_PANELS,
    PANELS,
    Expectation,
    LessonError,
    SampleImage,
    parse_lesson,
)
from nnviz.lessons.player import LessonPlayer
from nnviz.lessons.quantities import describe, measure

NET = 'network = { layers = [64, 8, 10], activations = ["tanh", "softmax"], loss = "ce", init = "xavier", seed = 0 }'
DIGITS = 'dataset = { name = "digits", test_fraction = 0.5, seed = 0 }'


def lesson(*steps: str) -> str:
    """A lesson whose steps are the given TOML bodies, titled "Step 1", "Step 2", …"""
    body = "".join(f'\n[[steps]]\ntitle = "Step {i}"\n{text}\n' for i, text in enumerate(steps, start=1))
    return 'title = "Digits"\n' + body


def parse(text: str):
    return parse_lesson(text, "digits.toml", "digits")


def parse_error(text: str) -> str:
    with pytest.raises(LessonError) as info:
        parse(text)
    return str(info.value)


def play_error(text: str) -> str:
    player = LessonPlayer(parse(text))
    with pytest.raises(LessonError) as info:
        player.check()
    return str(info.value)


@pytest.fixture(scope="module")
def digits():
    return make_dataset("digits", test_fraction=0.5, seed=0)


# --------------------------------------------------------------------------- dataset

def test_digits_in_a_step_has_all_its_images(digits):
    state = LessonPlayer(parse(lesson(DIGITS, 'dataset = "digits"'))).state(1)
    assert state.dataset.image_shape == (8, 8)
    assert state.dataset.n_train + state.dataset.n_test == 1797
    assert np.array_equal(LessonPlayer(parse(lesson(DIGITS))).state(0).dataset.x_test, digits.x_test)


@pytest.mark.parametrize("key, value", [("samples", "100"), ("noise", "0.1"), ("features", '["x1", "x1*x2"]')])
def test_an_image_set_refuses_what_only_drawn_points_have(key, value):
    message = parse_error(lesson(f'dataset = {{ name = "digits", {key} = {value} }}'))
    assert message.startswith(f'digits.toml: step 1 ("Step 1"): dataset.{key}: \'digits\' is an image set'), message


def test_a_toy_set_still_takes_samples_noise_and_features():
    step = parse(lesson('dataset = { name = "circles", samples = 100, noise = 0.1, features = ["x1", "x2"] }')).steps[0]
    assert (step.dataset.samples, step.dataset.noise, step.dataset.features) == (100, 0.1, ("x1", "x2"))


# --------------------------------------------------------------------------- sample_image

@pytest.mark.parametrize("part", ["test", "train"])
@pytest.mark.parametrize("standardize", [False, True])
def test_sample_image_traces_the_dataset_row_and_its_class(part, standardize):
    """The sample is the network input row (z-scored when the set is) and the target its
    class one-hot, as Dataset.targets gives it; the trace is of exactly that row."""
    text = lesson(f'dataset = {{ name = "digits", standardize = {str(standardize).lower()} }}\n{NET}',
                  f'sample_image = {{ part = "{part}", index = 12 }}\nphase = "backward"')
    state = LessonPlayer(parse(text)).state(1)
    data = make_dataset("digits", test_fraction=0.5, seed=0, standardize=standardize)
    row = data.inputs(part)[11]
    assert np.array_equal(state.sample, row) and np.array_equal(state.trace.x[0], row)
    assert np.array_equal(state.target, data.targets(part, 10)[11])
    assert state.target[int(data.labels(part)[11])] == 1.0 and state.target.sum() == 1.0
    assert state.trace.layers[-1].delta is not None  # a target: backpropagation runs


def test_sample_image_defaults_to_the_test_part():
    assert parse(lesson("sample_image = { index = 3 }")).steps[0].sample_image == SampleImage("test", 3)


@pytest.mark.parametrize("value, field, words", [
    ("3", "sample_image", "must be a table"),
    ('{ part = "valid", index = 1 }', "sample_image.part", 'must be "train" or "test"'),
    ("{ index = 0 }", "sample_image.index", "counts from 1"),
    ("{ index = 1.5 }", "sample_image.index", "must be a whole number"),
    ('{ part = "test" }', "sample_image.index", "is missing"),
    ("{ index = 1, row = 2 }", "sample_image.row", "is not a known field"),
])
def test_a_bad_sample_image_is_refused_at_load(value, field, words):
    message = parse_error(lesson(f"{DIGITS}\n{NET}\nsample_image = {value}"))
    assert message.startswith(f'digits.toml: step 1 ("Step 1"): {field}: '), message
    assert words in message, message


@pytest.mark.parametrize("given", ["sample = [1, 2]", "target = [1]"])
def test_sample_image_replaces_sample_and_target(given):
    message = parse_error(lesson(f"sample_image = {{ index = 1 }}\n{given}"))
    assert "give either sample_image" in message and given.split()[0] in message


@pytest.mark.parametrize("steps, words", [
    ((f"{DIGITS}\n{NET}", 'sample_image = { part = "test", index = 899 }'), "the test part has images 1..898, not 899"),
    ((f"{DIGITS}\n{NET}", 'sample_image = { part = "train", index = 900 }'), "the train part has images 1..899"),
    ((NET, "sample_image = { index = 1 }"), "sample_image: no dataset has been set yet"),
    ((DIGITS, "sample_image = { index = 1 }"), "sample_image: no network has been set yet"),
    ((f'dataset = "circles"\n{NET}', "sample_image = { index = 1 }"),
     "the images have 2 inputs but the network takes 64"),
])
def test_a_sample_image_the_step_cannot_trace_names_the_step(steps, words):
    message = play_error(lesson(*steps))
    assert message.startswith('lesson digits: step 2 ("Step 2"): '), message
    assert words in message, message


def test_a_later_sample_image_step_ends_what_a_step_holds_back():
    """asked_later stops at a step that sets sample_image, as at one that sets a sample (even
    the same image: the step starts its own trace)."""
    text = lesson(f"{DIGITS}\n{NET}\nsample_image = {{ index = 1 }}\nphase = \"forward\"",
                  'sample_image = { index = 1 }\nphase = "forward"\n'
                  '[steps.ask]\nquestion = "z?"\nanswer = 7.25\ntolerance = 0.01\ncheck = { quantity = "z" }')
    assert asked_later(LessonPlayer(parse(text)), 0) == ()


# --------------------------------------------------------------------------- panels

def test_the_digit_panels_views_are_panels():
    assert DIGIT_PANELS == ("weights", "confusion", "mistakes")
    assert set(DIGIT_PANELS) <= set(PANELS)
    steps = parse(lesson(*(f'panel = "{name}"' for name in DIGIT_PANELS))).steps
    assert [step.panel for step in steps] == list(DIGIT_PANELS)


def test_an_unknown_panel_is_still_refused():
    message = parse_error(lesson('panel = "gallery"'))
    assert 'panel: must be one of' in message and "weights, confusion, mistakes" in message


def test_the_digit_view_is_kept_by_the_following_steps():
    """Like everything a step sets: the last digit view named, "weights" before any."""
    text = lesson(f"{DIGITS}\n{NET}", 'panel = "confusion"', 'panel = "network"', 'panel = "mistakes"',
                  'panel = "boundary"', 'panel = "weights"')
    player = LessonPlayer(parse(text))
    views = [lesson_view(player, i).digit_view for i in range(len(player))]
    assert views == ["weights", "confusion", "confusion", "mistakes", "mistakes", "weights"]


# --------------------------------------------------------------------------- quantities

@pytest.fixture(scope="module")
def trained_state():
    """The reading-digits lesson after its training step (confusion matrix of a real network)."""
    player = LessonPlayer(find_lesson("reading-digits"))
    index = next(i for i, step in enumerate(player.lesson.steps) if step.train is not None)
    return player.state(index)


def cell(true: int, predicted: int) -> Expectation:
    return Expectation("confusion", 0.0, true=true, predicted=predicted)


def test_confusion_counts_are_the_confusion_matrix(trained_state):
    """Every cell is app.image_views' confusion matrix on the test part (what the panel
    draws); the cells add up to the test set."""
    state = trained_state
    data = state.dataset
    matrix = confusion_matrix(data.y_test, predictions(state.network, data.x_test), 10)
    counts = np.array([[measure(state, cell(t, p)) for p in range(10)] for t in range(10)])
    assert np.array_equal(counts, matrix)
    assert counts.sum() == data.n_test == measure(state, Expectation("test_size", 0.0))
    assert np.trace(counts) / data.n_test == measure(state, Expectation("test_accuracy", 0.0))


def test_confusion_uses_the_training_part_without_test_data():
    text = lesson(f'dataset = {{ name = "digits", test_fraction = 0 }}\n{NET}')
    state = LessonPlayer(parse(text)).state(0)
    total = sum(measure(state, cell(t, p)) for t in range(10) for p in range(10))
    assert total == state.dataset.n_train == 1797


@pytest.mark.parametrize("bad, words", [
    (cell(10, 1), "true class 10 does not exist (0..9)"),
    (cell(1, 12), "predicted class 12 does not exist (0..9)"),
])
def test_a_confusion_cell_outside_the_classes_is_named(trained_state, bad, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        measure(trained_state, bad)


@pytest.mark.parametrize("expect, field, words", [
    ('{ quantity = "confusion", true = 8, value = 10 }', "expect[1].predicted", "needs the true and the predicted"),
    ('{ quantity = "confusion", true = -1, predicted = 1, value = 10 }', "expect[1].true", "whole numbers from 0"),
    ('{ quantity = "z", true = 8, value = 10 }', "expect[1].true", 'belongs to quantity = "confusion" only'),
])
def test_a_confusion_expectation_needs_both_classes(expect, field, words):
    message = parse_error(lesson(f"expect = [{expect}]"))
    assert message.startswith(f'digits.toml: step 1 ("Step 1"): {field}: '), message
    assert words in message


def test_confusion_has_no_short_form():
    assert "expect.confusion: needs true and predicted" in parse_error(lesson("expect = { confusion = 10 }"))


def test_describe_names_the_cell():
    e = Expectation("confusion", 10.0, tolerance=0.0, true=8, predicted=1)
    assert describe(e) == "confusion (true 8, predicted 1) = 10 ± 0"


def test_x_parameters_and_sizes(digits):
    text = lesson(f"{DIGITS}\n{NET}\nsample_image = {{ index = 19 }}")
    state = LessonPlayer(parse(text)).state(0)
    for k in (1, 5, 64):
        assert measure(state, Expectation("x", 0.0, input=k)) == digits.x_test[18, k - 1]
    assert measure(state, Expectation("parameters", 0.0)) == 64 * 8 + 8 + 8 * 10 + 10
    assert measure(state, Expectation("train_size", 0.0)) == 899
    assert measure(state, Expectation("test_size", 0.0)) == 898
    with pytest.raises(ValueError, match=r"input 65 does not exist \(1..64\)"):
        measure(state, Expectation("x", 0.0, input=65))


# --------------------------------------------------------------------------- the built-in lesson

def test_reading_digits_checks_and_its_worked_numbers_hold(capsys):
    """`nnviz lesson reading-digits --check` passes, and the text's arithmetic is the engine's:
    2,410 parameters, p₃ = e^z₃ / Σ e^z = e^7.319 / 1544 = 1509 / 1544 = 0.977: from the z the
    text writes, a student gets the text's numbers (e^7.32 would be 1510)."""
    assert main(["lesson", "reading-digits", "--check"]) == 0
    assert capsys.readouterr().out.startswith("reading-digits: all 10 steps checked")
    player = LessonPlayer(find_lesson("reading-digits"))
    steps = player.lesson.steps
    assert measure(player.state(1), Expectation("parameters", 0.0)) == 64 * 32 + 32 + 32 * 10 + 10 == 2410
    traced = next(i for i, step in enumerate(steps) if step.ask is not None and step.ask.check is not None)
    z = player.state(traced).trace.layers[-1].z[0]
    written = f"{z[3]:.3f}"
    assert f"z₃ = **{written}**" in steps[traced].text and round(np.exp(z).sum()) == 1544
    assert f"e^{written} / 1544 = {round(math.exp(float(written)))} / 1544" in steps[traced].text
    assert round(math.exp(float(written))) / 1544 == pytest.approx(np.exp(z[3]) / np.exp(z).sum(), abs=5e-4)
    p = np.exp(z) / np.exp(z).sum()
    assert f"p₉ = {p[9]:.2f}" in steps[traced].ask.explanation  # as the output bars write it
    panels = [step.panel for step in steps]
    assert all(name in panels for name in DIGIT_PANELS)


def test_a_wrong_count_in_the_lesson_fails_its_check():
    """--check really compares: the confusion step with one eight too many is refused."""
    lesson_ = find_lesson("reading-digits")
    steps = list(lesson_.steps)
    k = next(i for i, step in enumerate(steps) if step.panel == "confusion")
    wrong = tuple(replace(e, value=e.value + 1) if e.quantity == "confusion" and e.true == 8 and e.predicted == 1
                  else e for e in steps[k].expect)
    steps[k] = replace(steps[k], expect=wrong)
    failures = LessonPlayer(replace(lesson_, steps=tuple(steps))).check()
    assert failures and f'step {k + 1} ("The confusion matrix")' in failures[0]
    assert "confusion (true 8, predicted 1) = 11" in failures[0] and "the engine gives 10" in failures[0]


def test_most_confused_is_the_largest_cell_off_the_diagonal():
    from types import SimpleNamespace

    from nnviz.engine.datasets import make_dataset
    from nnviz.engine.network import Network
    from nnviz.lessons.quantities import QUANTITIES

    data = make_dataset("digits", test_fraction=0.5, seed=0)
    net = Network([64, 10], ["softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(1))  # untrained: many mistakes
    state = SimpleNamespace(dataset=data, network=net)
    predicted = np.argmax(net.predict(data.x_test), axis=1)
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (data.y_test.astype(int), predicted), 1)
    np.fill_diagonal(matrix, 0)
    assert QUANTITIES["most_confused"](state, None) == matrix.max() > 0
