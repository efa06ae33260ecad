"""The built-in lessons (resources/lessons/*.toml): they load, play headless, and every
number they teach is the engine's number. No Qt here.

Each lesson is played once per test session (module-scoped players; states are cached
per step), so the whole file stays fast.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.lessons.catalog import builtin_files, builtin_lessons, find_lesson
from nnviz.lessons.model import load_lesson_file
from nnviz.lessons.player import LessonPlayer, answer_is_right
from nnviz.lessons.quantities import measure, satisfied

#: The lecture's order: lesson files 01..09 and their ids.
LECTURE_ORDER = ["perceptron", "multilayer", "losses", "backprop", "vanishing", "dead-relu",
                 "optimizers", "initialization", "why-now"]
#: The lessons after the lecture's, in file order (10: image data, issue 13).
AFTER_THE_LECTURE = ["reading-digits"]

FILES = builtin_files()
FILE_IDS = [path.stem for path in FILES]


@pytest.fixture(scope="module")
def players() -> dict[str, LessonPlayer]:
    """One player per built-in lesson, by file stem (shared: states are cached per step)."""
    return {path.stem: LessonPlayer(load_lesson_file(path)) for path in FILES}


# --------------------------------------------------------------------------- the catalogue

def test_the_lectures_lessons_are_built_in_in_order():
    ids = [lesson.id for lesson in builtin_lessons()]
    assert ids == LECTURE_ORDER + AFTER_THE_LECTURE
    prefixes = [path.name[:3] for path in FILES[:len(LECTURE_ORDER)]]
    assert prefixes == [f"{n:02d}-" for n in range(1, len(LECTURE_ORDER) + 1)]


def test_ids_are_unique_and_found_by_id():
    ids = [lesson.id for lesson in builtin_lessons()]
    assert len(ids) == len(set(ids))
    for lesson_id in ids:
        assert find_lesson(lesson_id).id == lesson_id


@pytest.mark.parametrize("path", FILES, ids=FILE_IDS)
def test_lesson_shape(path):
    """6–12 steps, a title and summary, at least one question and some checked numbers."""
    lesson = load_lesson_file(path)
    assert lesson.title and lesson.summary
    assert 6 <= len(lesson.steps) <= 12, len(lesson.steps)
    assert all(step.title and step.text.strip() for step in lesson.steps)
    assert any(step.ask is not None for step in lesson.steps)
    assert sum(len(step.expect) for step in lesson.steps) >= 3


# --------------------------------------------------------------------------- playing

@pytest.mark.parametrize("stem", FILE_IDS)
def test_every_step_plays_and_every_number_holds(players, stem):
    assert players[stem].check() == []


@pytest.mark.parametrize("stem", FILE_IDS)
def test_numeric_questions_match_the_engine(players, stem):
    """A student who types the engine's own number is told they are right."""
    player = players[stem]
    for i, step in enumerate(player.lesson.steps):
        q = step.ask
        if q is None or q.check is None:
            continue
        value = measure(player.state(i), q.check)
        assert satisfied(value, q.check), (stem, i + 1, value)
        if q.choices is None:
            assert answer_is_right(q, value), (stem, i + 1, q.answer, value)
        else:
            assert int(q.answer) == value, (stem, i + 1, q.answer, value)


def test_numeric_questions_use_check_where_they_can(players):
    """Every built-in lesson after the first asks at least one question checked by the engine."""
    for stem, player in players.items():
        checked = [s for s in player.lesson.steps if s.ask is not None and s.ask.check is not None]
        if player.lesson.id in LECTURE_ORDER[1:6]:
            assert checked, stem


def test_perceptron_key_numbers(players):
    """The lecture's worked example: z = 1.031, σ(z) = 0.737 ⇒ class 1."""
    player = players[FILE_IDS[LECTURE_ORDER.index("perceptron")]]
    found = False
    for i, step in enumerate(player.lesson.steps):
        values = {e.quantity: v for e, v in player.measured(i)}
        sample = player.state(i).sample
        first_student = sample is not None and list(sample) == [95.0, 4.0]
        if first_student and {"z", "a", "class"} <= values.keys():
            assert round(values["z"], 3) == 1.031
            assert round(values["a"], 3) == 0.737
            assert values["class"] == 1
            assert values["z"] == pytest.approx(0.001 + 95 * 0.01 + 4 * 0.02, abs=1e-12)
            assert values["a"] == pytest.approx(1 / (1 + np.exp(-1.031)), abs=1e-12)
            found = True
    assert found


def _digest(state) -> str:
    """Every number of a LessonState, bit for bit."""
    h = hashlib.sha256()

    def add(arr):
        if arr is None:
            h.update(b"none")
        else:
            a = np.ascontiguousarray(np.asarray(arr, dtype=np.float64))
            h.update(str(a.shape).encode())
            h.update(a.tobytes())

    add(state.network.params if state.network is not None else None)
    for arr in (state.sample, state.target, state.history, state.loss_before):
        add(arr)
    if state.dataset is not None:
        add(state.dataset.x_train)
        add(state.dataset.x_test)
    if state.trace is not None:
        for layer in state.trace.layers:
            for arr in (layer.z, layer.a, layer.delta, layer.grad_w, layer.grad_b):
                add(arr)
    for pair in (state.update or ()):
        add(pair)
    for name, curve in sorted(state.compare.items()):
        h.update(name.encode())
        add(curve)
    h.update(f"{state.index}|{state.phase}|{state.learning_rate!r}".encode())
    return h.hexdigest()


@pytest.mark.parametrize("stem", FILE_IDS)
def test_going_back_gives_exactly_the_earlier_state(stem):
    """state(k) after playing to the end is bit-identical to state(k) as first computed."""
    lesson = load_lesson_file(FILES[FILE_IDS.index(stem)])
    fresh = LessonPlayer(lesson)
    first, params = [], []
    for k in range(len(fresh)):  # each state recorded before step k + 1 is played
        state = fresh.state(k)
        first.append(_digest(state))
        params.append(state.network.params.copy() if state.network is not None else None)
    player = LessonPlayer(lesson)
    player.state(len(player) - 1)  # to the end
    for k in reversed(range(len(player))):  # then back, step by step
        assert _digest(player.state(k)) == first[k], (stem, k + 1)
        if params[k] is not None:
            assert player.state(k).network.params.tobytes() == params[k].tobytes()


def test_states_are_independent_copies(players):
    """A later step never shares its network with an earlier one."""
    for player in players.values():
        nets = [player.state(k).network for k in range(len(player))]
        ids = [id(n) for n in nets if n is not None]
        assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- the command line

def test_nnviz_lessons_lists_them_in_order(capsys):
    assert main(["lessons"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["id", "steps", "title"]
    rows = [line.split(maxsplit=2) for line in lines[1:]]
    lessons = builtin_lessons()
    assert [row[0] for row in rows] == [lesson.id for lesson in lessons]
    assert [int(row[1]) for row in rows] == [len(lesson.steps) for lesson in lessons]
    assert [row[2] for row in rows] == [lesson.title for lesson in lessons]
    assert [row[0] for row in rows][:len(LECTURE_ORDER)] == LECTURE_ORDER


@pytest.mark.parametrize("lesson_id", LECTURE_ORDER + AFTER_THE_LECTURE)
def test_nnviz_lesson_check_exits_0(lesson_id, capsys):
    assert main(["lesson", lesson_id, "--check"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    steps = len(find_lesson(lesson_id).steps)
    assert out.startswith(f"{lesson_id}: all {steps} steps checked")
