"""Lesson files: TOML read with the standard library's tomllib into frozen dataclasses.

The format is documented, with a complete example, in ``resources/lessons/README.md``.
Every problem is reported as one LessonError naming the file, the step and the field:

    perceptron.toml: step 3 ("The decision"): expect.z: must be a number, not "high"
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_text
from nnviz.engine.network import PHASES
from nnviz.lessons.answers import giveaway
from nnviz.lessons.data_spec import DatasetSpec, SampleImage, parse_dataset, parse_sample_image
from nnviz.lessons.fields import (
    LessonError, Where, check_keys, finite_nested, finite_numbers, get_field, is_number, is_whole, whole_numbers,
)

__all__ = ["DEFAULT_TOLERANCE", "DIGIT_PANELS", "PANELS", "CompareSpec", "DatasetSpec", "Expectation", "Highlight",
           "Lesson", "LessonError", "NetworkSpec", "Question", "SampleImage", "Step", "TrainSpec", "load_lesson_file",
           "parse_lesson"]

#: The image data's views (the digit panel's, in its place of the boundary plot).
DIGIT_PANELS = ("weights", "confusion", "mistakes")
PANELS = ("network", "activation", "loss", "boundary", "chain_rule", *DIGIT_PANELS)
#: Numbers a step may check against the engine (see nnviz.lessons.quantities).
DEFAULT_TOLERANCE = 5e-4

MAX_LESSON_EPOCHS = 10_000  # the built-in lessons train at most 100: a lesson step must end while the class waits
MAX_LESSON_STEPS = 1_000_000


@dataclass(frozen=True)
class NetworkSpec:
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str = "mse"
    weights: tuple | None = None  # per layer: rows (out, in)
    biases: tuple | None = None  # per layer: (out,)
    init: str = "xavier"
    seed: int = 0


@dataclass(frozen=True)
class TrainSpec:
    """Train the current network on the current dataset: ``epochs`` epochs (or ``steps`` steps)."""

    epochs: int = 0
    steps: int = 0
    learning_rate: float = 0.1
    batch_size: int = 10
    optimizer: str = "sgd"
    seed: int = 0


@dataclass(frozen=True)
class CompareSpec:
    """Train copies of the current network with each optimizer from the same start."""

    optimizers: tuple[str, ...]
    epochs: int = 50
    learning_rate: float = 0.05
    batch_size: int = 10
    seed: int = 0


@dataclass(frozen=True)
class Expectation:
    """A number the engine must produce at this step: ``value`` ± ``tolerance``, or within
    [``minimum``, ``maximum``]. Layers count from 1 (the first non-input layer); neurons
    and inputs from 1; the default is the output layer's first neuron. ``true`` and
    ``predicted`` are the classes (from 0) of a confusion matrix cell."""

    quantity: str
    value: float | None = None
    tolerance: float = DEFAULT_TOLERANCE
    minimum: float | None = None
    maximum: float | None = None
    layer: int | None = None
    neuron: int = 1
    input: int = 1
    optimizer: str | None = None
    sample: int = 1
    true: int | None = None
    predicted: int | None = None


@dataclass(frozen=True)
class Question:
    """Predict-then-reveal: ``choices`` with the index of the right one (from 0), or a
    number ``answer`` ± ``tolerance``. ``check`` ties the answer to an engine quantity."""

    prompt: str
    choices: tuple[str, ...] | None
    answer: float
    tolerance: float = DEFAULT_TOLERANCE
    explanation: str = ""
    check: Expectation | None = None


@dataclass(frozen=True)
class Highlight:
    nodes: tuple[tuple[int, int], ...] = ()  # (layer, neuron), layer 0 = inputs, neurons from 1
    edges: tuple[tuple[int, int, int], ...] = ()  # (weight layer from 1, to neuron, from neuron)
    layers: tuple[int, ...] = ()

    def zero_based(self) -> tuple[tuple, tuple, tuple]:
        """(nodes, edges, layers) counted from 0, as the canvas's set_highlight takes them:
        node (layer, neuron − 1), edge (layer − 1, to − 1, from − 1); layers stay (0 = inputs)."""
        return (tuple((l, k - 1) for l, k in self.nodes),
                tuple((l - 1, to - 1, frm - 1) for l, to, frm in self.edges),
                tuple(self.layers))


@dataclass(frozen=True)
class Step:
    title: str
    text: str = ""
    network: NetworkSpec | None = None
    dataset: DatasetSpec | None = None
    sample: tuple[float, ...] | None = None
    target: tuple[float, ...] | None = None
    sample_image: SampleImage | None = None  # an image of the dataset as the sample, its class the target
    weights: tuple = ()  # (layer, to, from, value) edits of single weights (from 0 = bias)
    phase: str | None = None
    learning_rate: float | None = None  # for the "update" phase (kept for later steps)
    train: TrainSpec | None = None
    compare: CompareSpec | None = None
    highlight: Highlight = field(default_factory=Highlight)
    panel: str | None = None
    expect: tuple[Expectation, ...] = ()
    ask: Question | None = None
    reveal: str = ""  # text added once the question is answered (so the text does not give it away)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    path: Path | None = None


# ---- parsing ------------------------------------------------------------------------------


def _network(table, where: Where) -> NetworkSpec:
    p = "network."
    if not isinstance(table, dict):
        where.fail("network", "must be a table")
    check_keys(table, {"layers", "activations", "loss", "weights", "biases", "init", "seed"}, where, p)
    layers = get_field(table, "layers", list, where, p, required=True)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in layers):
        where.fail(p + "layers", f"must be whole numbers, e.g. [2, 1]; got {layers!r}")
    acts = get_field(table, "activations", (list, str), where, p, required=True)
    if isinstance(acts, str):  # one name for every layer
        acts = [acts] * (len(layers) - 1)
    weights = get_field(table, "weights", list, where, p)
    biases = get_field(table, "biases", list, where, p)
    if (weights is None) != (biases is None):
        where.fail(p + ("biases" if biases is None else "weights"), "must be given together with the other")
    return NetworkSpec(tuple(layers), tuple(acts), get_field(table, "loss", str, where, p, "mse"),
                       None if weights is None else finite_nested(weights, where, p + "weights"),
                       None if biases is None else finite_nested(biases, where, p + "biases"),
                       get_field(table, "init", str, where, p, "xavier"),
                       get_field(table, "seed", int, where, p, 0))


def _train(value, where: Where) -> TrainSpec:
    p = "train."
    if not isinstance(value, dict):
        where.fail("train", "must be a table, e.g. { epochs = 100 }")
    check_keys(value, {"epochs", "steps", "learning_rate", "batch_size", "optimizer", "seed"}, where, p)
    spec = TrainSpec(get_field(value, "epochs", int, where, p, 0), get_field(value, "steps", int, where, p, 0),
                     get_field(value, "learning_rate", float, where, p, 0.1),
                     get_field(value, "batch_size", int, where, p, 10),
                     get_field(value, "optimizer", str, where, p, "sgd"), get_field(value, "seed", int, where, p, 0))
    if spec.epochs < 0 or spec.steps < 0 or (spec.epochs == 0) == (spec.steps == 0):
        where.fail(p + "epochs", "give either epochs or steps, a whole number ≥ 1")
    if spec.epochs > MAX_LESSON_EPOCHS or spec.steps > MAX_LESSON_STEPS:
        where.fail(p + "epochs", f"at most {MAX_LESSON_EPOCHS:,} epochs or {MAX_LESSON_STEPS:,} steps: "
                                 "a lesson step trains while the class waits")
    return spec


def _compare(value, where: Where) -> CompareSpec:
    p = "compare."
    if not isinstance(value, dict):
        where.fail("compare", "must be a table, e.g. { optimizers = [\"sgd\", \"adam\"] }")
    check_keys(value, {"optimizers", "epochs", "learning_rate", "batch_size", "seed"}, where, p)
    optimizers = get_field(value, "optimizers", list, where, p, required=True)
    if not optimizers or not all(isinstance(o, str) for o in optimizers):
        where.fail(p + "optimizers", f"must be a list of optimizer names, e.g. [\"sgd\", \"adam\"]; got {optimizers!r}")
    spec = CompareSpec(tuple(optimizers), get_field(value, "epochs", int, where, p, 50),
                       get_field(value, "learning_rate", float, where, p, 0.05),
                       get_field(value, "batch_size", int, where, p, 10), get_field(value, "seed", int, where, p, 0))
    if not 1 <= spec.epochs <= MAX_LESSON_EPOCHS:
        where.fail(p + "epochs", f"must be a whole number from 1 to {MAX_LESSON_EPOCHS:,}")
    return spec


_EXPECT_KEYS = {"quantity", "value", "tolerance", "min", "max", "layer", "neuron", "input", "optimizer", "sample",
                "true", "predicted"}


def _expectation(table: dict, where: Where, p: str) -> Expectation:
    check_keys(table, _EXPECT_KEYS, where, p)
    e = Expectation(
        get_field(table, "quantity", str, where, p, required=True), get_field(table, "value", float, where, p),
        get_field(table, "tolerance", float, where, p, DEFAULT_TOLERANCE), get_field(table, "min", float, where, p),
        get_field(table, "max", float, where, p), get_field(table, "layer", int, where, p),
        get_field(table, "neuron", int, where, p, 1), get_field(table, "input", int, where, p, 1),
        get_field(table, "optimizer", str, where, p), get_field(table, "sample", int, where, p, 1),
        get_field(table, "true", int, where, p), get_field(table, "predicted", int, where, p))
    if e.value is None and e.minimum is None and e.maximum is None:
        where.fail(p + "value", "give a value (with a tolerance) or min and/or max")
    _known_quantity(e.quantity, where, p + "quantity")
    for key, cls in (("true", e.true), ("predicted", e.predicted)):  # a confusion matrix cell (classes from 0)
        if e.quantity != "confusion" and cls is not None:
            where.fail(p + key, 'belongs to quantity = "confusion" only')
        if e.quantity == "confusion" and (cls is None or cls < 0):
            where.fail(p + key, "a confusion count needs the true and the predicted class, whole numbers from 0")
    return e


def _known_quantity(name: str, where: Where, fieldname: str) -> None:
    from nnviz.lessons.quantities import QUANTITIES

    if name not in QUANTITIES:
        where.fail(fieldname, f"unknown quantity {name!r} (known: {', '.join(QUANTITIES)})")


def _expectations(value, where: Where) -> tuple[Expectation, ...]:
    """``expect = { z = 1.031, a = 0.737, class = 1 }`` (the output layer's first neuron), or a
    list of tables ``[[steps.expect]] quantity = "z" layer = 1 neuron = 2 value = 0.5``."""
    if isinstance(value, dict):
        out = []
        for key, v in value.items():
            if not is_number(v) or not math.isfinite(v):
                where.fail(f"expect.{key}", f"must be a finite number, not {v!r}")
            _known_quantity(key, where, f"expect.{key}")
            if key == "confusion":
                where.fail("expect.confusion", "needs true and predicted classes: "
                                               '{ quantity = "confusion", true = 8, predicted = 1, value = … }')
            out.append(Expectation(key, float(v)))
        return tuple(out)
    if isinstance(value, list):
        out = []
        for i, table in enumerate(value, start=1):
            if not isinstance(table, dict):
                where.fail(f"expect[{i}]", "must be a table with quantity and value")
            out.append(_expectation(table, where, f"expect[{i}]."))
        return tuple(out)
    where.fail("expect", "must be a table or a list of tables")


def _question(table, where: Where) -> Question:
    p = "ask."
    if not isinstance(table, dict):
        where.fail("ask", "must be a table with a question and an answer")
    check_keys(table, {"question", "choices", "answer", "tolerance", "explanation", "check"}, where, p)
    prompt = get_field(table, "question", str, where, p, required=True)
    choices = get_field(table, "choices", list, where, p)
    answer = get_field(table, "answer", (int, float), where, p, required=True)
    if choices is not None:
        if not choices or not all(isinstance(c, str) for c in choices):
            where.fail(p + "choices", "must be a list of texts")
        if not float(answer).is_integer() or not 0 <= answer < len(choices):
            where.fail(p + "answer", f"must be the index (from 0) of the right choice, 0..{len(choices) - 1}")
    check = table.get("check")
    if check is not None:
        if not isinstance(check, dict):
            where.fail(p + "check", "must be a table like { quantity = \"z\" }")
        tolerance = get_field(table, "tolerance", float, where, p, DEFAULT_TOLERANCE)
        check = _expectation({"tolerance": tolerance, **check, "value": float(answer)}, where, p + "check.")
    return Question(prompt, tuple(choices) if choices else None, float(answer),
                    get_field(table, "tolerance", float, where, p, DEFAULT_TOLERANCE),
                    get_field(table, "explanation", str, where, p, ""), check)


def _highlight(table, where: Where) -> Highlight:
    p = "highlight."
    if not isinstance(table, dict):
        where.fail("highlight", "must be a table, e.g. { nodes = [[1, 1]] }")
    check_keys(table, {"nodes", "edges", "layers"}, where, p)
    nodes = get_field(table, "nodes", list, where, p, [])
    edges = get_field(table, "edges", list, where, p, [])
    layers = get_field(table, "layers", list, where, p, [])
    # counted as the canvas counts them: layers and node layers from 0 (inputs), the rest from 1
    nodes = tuple(whole_numbers(item, 2, 0, where, p + "nodes") for item in nodes)
    edges = tuple(whole_numbers(item, 3, 1, where, p + "edges") for item in edges)
    if not all(is_whole(v) and v >= 0 for v in layers):
        where.fail(p + "layers", f"must be whole numbers ≥ 0 (0 = the inputs), e.g. [1]; got {layers!r}")
    return Highlight(nodes, edges, tuple(layers))


_STEP_KEYS = {"title", "text", "network", "dataset", "sample", "target", "sample_image", "weights", "phase",
              "learning_rate", "train", "compare", "highlight", "panel", "expect", "ask", "reveal"}


def _step(table: dict, where: Where) -> Step:
    title = get_field(table, "title", str, where, "", required=True)
    where.step = f'{where.step} ("{title}")'
    check_keys(table, _STEP_KEYS, where, "")
    phase = get_field(table, "phase", str, where, "")
    if phase is not None and phase not in PHASES:
        where.fail("phase", f"must be one of {', '.join(PHASES)}; got {phase!r}")
    panel = get_field(table, "panel", str, where, "")
    if panel is not None and panel not in PANELS:
        where.fail("panel", f"must be one of {', '.join(PANELS)}; got {panel!r}")
    edits = []
    for i, edit in enumerate(get_field(table, "weights", list, where, "", []), start=1):
        if not (isinstance(edit, list) and len(edit) == 4 and all(is_whole(v) for v in edit[:3])
                and is_number(edit[3]) and math.isfinite(edit[3])):
            where.fail(f"weights[{i}]", "must be [layer, to neuron, from neuron (0 = bias), value]: "
                                        f"three whole numbers and a finite number, not {edit!r}")
        edits.append((*edit[:3], float(edit[3])))
    for given in ("sample", "target"):
        if "sample_image" in table and given in table:
            where.fail(given, "give either sample_image (the image and its class) or sample and target")
    step = Step(
        title=title, text=get_field(table, "text", str, where, "", ""),
        network=_network(table["network"], where) if "network" in table else None,
        dataset=parse_dataset(table["dataset"], where) if "dataset" in table else None,
        sample=finite_numbers(table["sample"], where, "sample") if "sample" in table else None,
        target=finite_numbers(table["target"], where, "target") if "target" in table else None,
        sample_image=parse_sample_image(table["sample_image"], where) if "sample_image" in table else None,
        weights=tuple(edits), phase=phase, learning_rate=get_field(table, "learning_rate", float, where, "", None),
        train=_train(table["train"], where) if "train" in table else None,
        compare=_compare(table["compare"], where) if "compare" in table else None,
        highlight=_highlight(table["highlight"], where) if "highlight" in table else Highlight(),
        panel=panel, expect=_expectations(table["expect"], where) if "expect" in table else (),
        ask=_question(table["ask"], where) if "ask" in table else None,
        reveal=get_field(table, "reveal", str, where, "", ""),
    )
    given_away = giveaway(step)
    if given_away is not None:
        where.fail(*given_away)
    return step


def parse_lesson(text: str, source: str, lesson_id: str, path: Path | None = None) -> Lesson:
    where = Where(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"{source}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise LessonError(f"{source}: not valid TOML for nnviz (arrays or tables nested too deeply)") from None
    check_keys(data, {"title", "id", "summary", "steps"}, where, "")
    title = get_field(data, "title", str, where, "", required=True)
    steps_data = get_field(data, "steps", list, where, "", required=True)
    if not steps_data:
        where.fail("steps", "a lesson needs at least one [[steps]] table")
    steps = []
    for i, table in enumerate(steps_data, start=1):
        where.step = f"step {i}"
        if not isinstance(table, dict):
            where.step = None
            where.fail(f"steps[{i}]", "must be a [[steps]] table")
        steps.append(_step(table, where))
    where.step = None
    return Lesson(get_field(data, "id", str, where, "", lesson_id), title,
                  get_field(data, "summary", str, where, "", ""), tuple(steps), path)


def load_lesson_file(path) -> Lesson:
    path = Path(path)
    try:
        text = read_text(path, "lesson file")
    except NnvizError as exc:
        raise LessonError(str(exc)) from None
    return parse_lesson(text, path.name, path.stem, path)
