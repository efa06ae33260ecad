"""Every built-in lesson, opened in the real window: at every step (and, for a question,
both before and after it is answered) the numbers the canvas writes are the step's own.

For each step, against the headless player's state of that step (x, z, a, δ of the traced
sample) and the step's ``expect`` values:

- value labels: "x = …" is the sample's input, "a = …" the neuron's activation, "δ = …"
  its δ = ∂L/∂z, as the engine computes them for this step (to the 3 digits written);
- term labels "z = b + w·x + … = z": every term is this step's bias or weight × input,
  and the sum is the neuron's z (to the 4 digits written);
- a drawn quantity the step expects (z, a, prediction, δ) is the expected number;
- nothing from outside the lesson: the canvas shows the step's network (or is hidden
  with a caption before the first one), no dead-neuron marks, the step's own highlight;
- an open numeric question's answer is written nowhere on the canvas, its text and the
  step's text say nothing of it; a question on training shows no loss curve yet.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.lessons.answers import states_answer
from nnviz.lessons.catalog import builtin_files
from nnviz.lessons.model import load_lesson_file

FILES = builtin_files()
DRAWN = ("z", "a", "prediction", "delta")


def written(value: float, exact: float, digits: int) -> bool:
    """``value`` is ``exact`` written with ``digits`` significant digits (half a unit of slack)."""
    return abs(value - exact) <= 0.5 * 10.0 ** (1 - digits) * abs(exact) + 1e-12


def parse_value(label: str) -> tuple[str, float]:
    name, number = label.split(" = ")
    return name, float(number)


def parse_terms(label: str) -> tuple[list[float], float]:
    """'z = 0.001 + 0.95 − 3 = -2.049' → ([0.001, 0.95, -3.0], -2.049) (network_labels writes
    a negative term after the first as '− 3')."""
    _, middle, total = label.split(" = ")
    return [float(t) for t in middle.replace(" − ", " + -").split(" + ")], float(total)


def test_parse_terms():
    assert parse_terms("z = 0.001 + 0.95 + 0.08 = 1.031") == ([0.001, 0.95, 0.08], 1.031)
    assert parse_terms("z = -3 + 0 + 4 = 1") == ([-3.0, 0.0, 4.0], 1.0)
    assert parse_terms("z = 0.001 − 0.95 + 1e-05 = -0.949") == ([0.001, -0.95, 1e-05], -0.949)
    assert parse_terms("z = -1 + 1 = 0") == ([-1.0, 1.0], 0.0)


def check_step(w, player, i: int, answered: bool) -> None:
    """Everything the module docstring lists, for step i as the window shows it now."""
    step, state = player.lesson.steps[i], player.state(i)
    where = f"{player.lesson.id} step {i + 1} ({step.title!r}), {'answered' if answered else 'question open'}"
    canvas = w.canvas
    values, terms = canvas.value_labels(), canvas.term_labels()
    assert canvas.dead == (), where
    if state.network is None:  # before the lesson's first network: an empty canvas with a caption
        assert not canvas.isVisible() and w.lessons.no_network.isVisible(), where
        assert w.lessons.no_network.text(), where
        assert values == {} and terms == {}, where
        return
    assert canvas.isVisible() and not w.lessons.no_network.isVisible(), where
    net = state.network
    assert canvas.layers == net.layers and canvas.activation_names == net.activation_names, where
    assert canvas.highlight == step.highlight.zero_based(), where
    asking = step.ask is not None and not answered
    training = asking and state.untrained is not None
    shown = net.copy()
    if training:  # the question is about what training does: the network it starts from
        shown.set_params(state.untrained)
        assert not w.loss_plot.isVisible(), where
    for drawn, exact in zip(canvas.weights, shown.weights):
        assert np.array_equal(drawn, exact), where
    trace = state.trace
    if values or terms:
        assert trace is not None and not training, where
        assert trace.x[0].tolist() == state.sample.tolist(), where  # the step's own sample
    for (l, k), label in values.items():
        name, v = parse_value(label)
        assert name in ("x", "a", "δ"), (where, label)
        if name == "x":
            exact = trace.x[0, k]
        else:
            exact = (trace.layers[l - 1].a if name == "a" else trace.layers[l - 1].delta)[0, k]
        assert written(v, exact, 3), (where, (l, k), label, exact)
    before = state.update[0] if state.update else net.params
    layout_net = net.copy()
    layout_net.set_params(before)
    for (l, k), label in terms.items():
        parts, z = parse_terms(label)
        inputs = trace.x[0] if l == 1 else trace.layers[l - 2].a[0]
        exact_terms = [layout_net.biases[l - 1][k], *(layout_net.weights[l - 1][k] * inputs)]
        assert len(parts) == len(exact_terms), (where, label)
        for part, exact in zip(parts, exact_terms):
            assert written(part, exact, 4), (where, label, exact_terms)
        assert written(z, trace.layers[l - 1].z[0, k], 4), (where, label)
    n = len(net.layers) - 1
    for e in step.expect:  # a drawn number the step expects is the expected number
        if e.quantity not in DRAWN or e.value is None or e.sample != 1:
            continue
        node = (n if e.layer is None else e.layer, e.neuron - 1)
        slack = max(e.tolerance, 0.5e-2 * abs(e.value) + 1e-12)  # 3 digits are written
        if e.quantity == "z" and node in terms:
            assert abs(parse_terms(terms[node])[1] - e.value) <= slack, (where, e)
        name = {"a": "a", "prediction": "a", "delta": "δ"}.get(e.quantity)
        if name and node in values and values[node].startswith(name):
            assert abs(parse_value(values[node])[1] - e.value) <= slack, (where, e, values[node])
    if step.ask is not None and step.reveal:  # the reveal text only once answered
        shown_text = " ".join(w.lesson_panel.text.toPlainText().split())
        assert (" ".join(step.reveal.replace("**", "").split()[:6]) in shown_text) == answered, where
    if asking and step.ask.choices is None:  # a numeric answer: written nowhere while the question is open
        q = step.ask
        for text in [*values.values(), *terms.values()]:
            assert states_answer(text, q.answer, q.tolerance) is None, (where, text, q.answer)
        if q.check is not None and q.check.quantity in DRAWN + ("grad_w", "grad_b"):
            assert w.activation_plot.histogram_counts().sum() == 0, where  # it would show the hidden z


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_step_draws_the_steps_own_numbers(qtbot, make_window, path):
    w = make_window()
    w.canvas.set_animation_speed(0)  # each phase is drawn complete (or where a question stops it)
    lesson = load_lesson_file(path)
    assert w.lessons.open(lesson)
    player = w.lessons.player
    for i, step in enumerate(lesson.steps):
        w.lessons.show_step(i)
        if step.ask is not None:
            assert not w.lesson_panel.answered
            check_step(w, player, i, answered=False)
            w.lesson_panel.reveal()
        check_step(w, player, i, answered=True)
    w.lessons.leave()


def test_perceptron_step_8_question_open_shows_the_third_student(make_window):
    """The issue's example: the text says x = (95, 2), z = 0.991, σ = 0.729; so does the canvas."""
    w = make_window()
    w.canvas.set_animation_speed(0)
    assert w.lessons.open(load_lesson_file(next(p for p in FILES if "perceptron" in p.name)))
    w.lessons.show_step(7)
    assert not w.lesson_panel.answered
    values, terms = w.canvas.value_labels(), w.canvas.term_labels()
    assert values[(0, 0)] == "x = 95" and values[(0, 1)] == "x = 2" and values[(1, 0)] == "a = 0.729"
    assert terms[(1, 0)] == "z = 0.001 + 0.95 + 0.04 = 0.991"
    w.lessons.leave()


def test_backprop_delta_questions_hold_back_the_asked_delta(make_window):
    """The issue's other example. Step 3 asks δ₂ (the output): no δ at all until answered.
    Step 5 asks δ₁: the backward pass shows δ₂ (its text's number) and stops above layer 1
    (it used to show step 4's finished pass, δ₁ = −0.0264 included)."""
    w = make_window()
    w.canvas.set_animation_speed(0)
    assert w.lessons.open(load_lesson_file(next(p for p in FILES if "backprop" in p.name)))
    w.lessons.show_step(2)
    assert not any(label.startswith("δ") for label in w.canvas.value_labels().values())
    assert w.canvas.value_labels()[(2, 0)] == "a = 0.731"
    w.lesson_panel.reveal()
    assert w.canvas.value_labels()[(2, 0)] == "δ = -0.0529"
    w.lessons.show_step(4)
    assert w.canvas.value_labels() == {(2, 0): "δ = -0.0529"}
    w.lesson_panel.reveal()
    assert w.canvas.value_labels() == {(1, 0): "δ = -0.0264", (2, 0): "δ = -0.0529"}
    w.lessons.leave()
