"""Plays a lesson without any GUI: each step turns into a LessonState (network, data,
sample, the engine's trace, training results) computed from the previous one.

States are cached per step and always derived from the start, so going back to step k
gives exactly the state of step k, never a mix of two steps. ``check`` plays every step
and verifies every expected value and every question tied to an engine quantity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from nnviz.engine.datasets import Dataset, make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network, Trace
from nnviz.engine.trainer import TrainConfig, Trainer
from nnviz.lessons.model import Expectation, Lesson, LessonError, Step
from nnviz.lessons.quantities import QuantityError, describe, measure, satisfied

DEFAULT_LEARNING_RATE = 0.5


@dataclass
class LessonState:
    """Everything a view needs to show after a step (arrays are the step's own copies).

    trace: the traced sample at the weights the step starts its phase with (before an
    update); update: (params before, params after) when the step's phase is "update";
    history: train loss per epoch of the step's training; compare: optimizer → loss curve;
    untrained: the parameters (flat) the step's training or comparison started from.
    """

    index: int = -1
    network: Network | None = None
    dataset: Dataset | None = None
    sample: np.ndarray | None = None  # (n_0,)
    target: np.ndarray | None = None  # (n_L,)
    trace: Trace | None = None
    phase: str | None = None
    learning_rate: float = DEFAULT_LEARNING_RATE
    update: tuple[np.ndarray, np.ndarray] | None = None
    loss_before: float | None = None
    history: np.ndarray | None = None
    compare: dict[str, np.ndarray] = field(default_factory=dict)
    untrained: np.ndarray | None = None

    def carried(self, index: int) -> LessonState:
        """The start of the next step: same network (a copy), data and sample; no phase."""
        return replace(self, index=index, network=self.network.copy() if self.network else None,
                       trace=None, phase=None, update=None, loss_before=None, history=None, compare={},
                       untrained=None)


class LessonPlayer:
    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self._states: list[LessonState] = []
        self.source = lesson.path.name if lesson.path else f"lesson {lesson.id}"

    def __len__(self) -> int:
        return len(self.lesson.steps)

    def _where(self, i: int) -> str:
        return f'{self.source}: step {i + 1} ("{self.lesson.steps[i].title}")'

    def state(self, i: int) -> LessonState:
        """The state after step i (0-based), computed once from the lesson's start."""
        if not 0 <= i < len(self):
            raise IndexError(i)
        while len(self._states) <= i:
            k = len(self._states)
            prev = self._states[-1] if self._states else LessonState()
            self._states.append(self._apply(self.lesson.steps[k], prev.carried(k)))
        return self._states[i]

    def _apply(self, step: Step, state: LessonState) -> LessonState:
        i = state.index
        try:
            with np.errstate(all="ignore"):
                return self._apply_unchecked(step, state)
        except (NnvizError, IndexError, ValueError) as exc:
            raise LessonError(f"{self._where(i)}: {exc}") from None

    def _apply_unchecked(self, step: Step, state: LessonState) -> LessonState:
        if step.dataset is not None:
            d = step.dataset
            state.dataset = make_dataset(d.name, samples=d.samples, noise=d.noise, test_fraction=d.test_fraction,
                                         seed=d.seed, features=d.features, standardize=d.standardize)
        if step.network is not None:
            state.network = build_network(step.network)
            state.trace = None
            if state.sample is not None and state.sample.size != state.network.layers[0]:
                state.sample = state.target = None
        for layer, to, frm, value in step.weights:
            _edit_weight(_need_network(state, "weights"), layer, to, frm, value)
        if step.sample is not None:
            state.sample = np.array(step.sample, dtype=np.float64)
            if state.network is not None and state.sample.size != state.network.layers[0]:
                raise NnvizError(f"sample: has {state.sample.size} values but the network takes {state.network.layers[0]}")
            state.target = None
        if step.sample_image is not None:
            state.sample, state.target = _image_sample(state, step.sample_image)
        if step.target is not None:
            state.target = np.array(step.target, dtype=np.float64)
            if state.network is not None and state.target.size != state.network.layers[-1]:
                raise NnvizError(f"target: has {state.target.size} values but the network has {state.network.layers[-1]} outputs")
        if step.learning_rate is not None:
            state.learning_rate = step.learning_rate
        if (step.train is not None or step.compare is not None) and state.network is not None:
            state.untrained = state.network.params.copy()
        if step.train is not None:
            state.history = _train(state, step.train)
        if step.compare is not None:
            state.compare = _compare(state, step.compare)
        if state.network is not None and state.sample is not None:
            state.trace = state.network.trace(state.sample, state.target)
        state.phase = step.phase
        if step.phase is not None and state.trace is None:
            raise NnvizError("phase: needs a network and a sample")
        if step.phase in ("backward", "update") and state.target is None:
            raise NnvizError(f"phase: {step.phase} needs a target")
        if step.phase == "update":
            state.loss_before = float(state.trace.loss)
            before = state.network.params.copy()
            _, grads = state.network.loss_and_grads(state.sample, state.target)
            state.network.params -= state.learning_rate * grads  # w ← w − η·∂L/∂w
            state.update = (before, state.network.params.copy())
        return state

    # ---- checking --------------------------------------------------------------------------

    def measured(self, i: int) -> list[tuple[Expectation, float]]:
        """Each expectation of step i with the engine's value (LessonError if it can't be computed)."""
        state = self.state(i)
        out = []
        for e in self.lesson.steps[i].expect:
            out.append((e, self._measure(i, state, e)))
        return out

    def _measure(self, i: int, state: LessonState, e: Expectation) -> float:
        try:
            return measure(state, e)
        except QuantityError as exc:
            raise LessonError(f"{self._where(i)}: expect {e.quantity}: {exc}") from None

    def failures(self, i: int) -> list[str]:
        """Why step i teaches a wrong number (empty when every check holds)."""
        out = []
        for e, value in self.measured(i):
            if not satisfied(value, e):
                out.append(f"{self._where(i)}: expected {describe(e)}, the engine gives {value:.6g}")
        q = self.lesson.steps[i].ask
        if q is not None and q.check is not None:
            value = self._measure(i, self.state(i), q.check)
            if not satisfied(value, q.check):
                out.append(f"{self._where(i)}: the question's answer {q.answer:g} does not match "
                           f"{q.check.quantity} = {value:.6g} from the engine")
        return out

    def check(self) -> list[str]:
        """Play every step; the failures of the first step that has any (empty: all good)."""
        for i in range(len(self)):
            problems = self.failures(i)
            if problems:
                return problems
        return []


def answer_is_right(question, given: float) -> bool:
    """A student's answer: the choice index, or a number within the tolerance."""
    if question.choices is not None:
        return int(given) == int(question.answer)
    return abs(given - question.answer) <= question.tolerance


def build_network(spec) -> Network:
    network = Network(spec.layers, spec.activations, spec.loss)
    if spec.weights is None:
        network.initialize(spec.init, np.random.default_rng(spec.seed))
        return network
    if len(spec.weights) != network.n_layers or len(spec.biases) != network.n_layers:
        raise NnvizError(f"network.weights: needs one entry per layer ({network.n_layers})")
    for l, (w, b) in enumerate(zip(spec.weights, spec.biases)):
        w, b = np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)
        if w.shape != network.weights[l].shape or b.shape != network.biases[l].shape:
            raise NnvizError(f"network.weights[{l + 1}]: shape {w.shape} (biases {b.shape}), expected "
                             f"{network.weights[l].shape} ({network.biases[l].shape})")
        network.set_layer(l, w, b)
    return network


def _need_network(state: LessonState, what: str) -> Network:
    if state.network is None:
        raise NnvizError(f"{what}: no network has been set yet")
    return state.network


def _image_sample(state: LessonState, image) -> tuple[np.ndarray, np.ndarray]:
    """sample_image: the network input row of image ``index`` (from 1) of the dataset's part,
    and its target as the network takes it (one-hot over the outputs: Dataset.targets)."""
    network, data = _need_network(state, "sample_image"), state.dataset
    if data is None:
        raise NnvizError("sample_image: no dataset has been set yet")
    x = data.inputs(image.part)
    if not 1 <= image.index <= len(x):
        raise NnvizError(f"sample_image.index: the {image.part} part has images 1..{len(x)}, not {image.index}")
    if x.shape[1] != network.layers[0]:
        raise NnvizError(f"sample_image: the images have {x.shape[1]} inputs but the network takes {network.layers[0]}")
    row = image.index - 1
    return x[row].copy(), data.targets(image.part, network.layers[-1])[row].copy()


def _edit_weight(network: Network, layer: int, to: int, frm: int, value: float) -> None:
    """weights = [[layer, to, from, value]]: from 0 is the bias; all indices from 1."""
    if not 1 <= layer <= network.n_layers:
        raise NnvizError(f"weights: layer {layer} does not exist (1..{network.n_layers})")
    n_in, n_out = network.layers[layer - 1], network.layers[layer]
    if not (1 <= to <= n_out and 0 <= frm <= n_in):
        raise NnvizError(f"weights: no weight from {frm} to {to} in layer {layer}")
    if frm == 0:
        network.biases[layer - 1][to - 1] = value
    else:
        network.weights[layer - 1][to - 1, frm - 1] = value


def _train(state: LessonState, spec) -> np.ndarray:
    network = _need_network(state, "train")
    if state.dataset is None:
        raise NnvizError("train: no dataset has been set yet")
    config = TrainConfig(learning_rate=spec.learning_rate, batch_size=spec.batch_size, optimizer=spec.optimizer)
    trainer = Trainer(network, state.dataset, config, seed=spec.seed)
    losses = [trainer.evaluate()[0]]
    if spec.steps:
        for _ in range(spec.steps):
            trainer.step_batch()
        losses.append(trainer.evaluate()[0])
    for _ in range(spec.epochs):
        if not trainer.train_epochs(1):
            break
        losses.append(trainer.evaluate()[0])
    return np.array(losses)


def _compare(state: LessonState, spec) -> dict[str, np.ndarray]:
    network = _need_network(state, "compare")
    if state.dataset is None:
        raise NnvizError("compare: no dataset has been set yet")
    curves = {}
    for name in spec.optimizers:
        config = TrainConfig(learning_rate=spec.learning_rate, batch_size=spec.batch_size, optimizer=name)
        trainer = Trainer(network.copy(), state.dataset, config, seed=spec.seed)
        losses = [trainer.evaluate()[0]]
        for _ in range(spec.epochs):
            if not trainer.train_epochs(1):
                break
            losses.append(trainer.evaluate()[0])
        curves[name] = np.array(losses)
    return curves
