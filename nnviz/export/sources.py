"""What an export shows, frame by frame: a training run, the phases of one step, or a lesson.

Each source is a generator that updates an ExportScene and yields once per frame; the
exporter renders the scene at each yield. Everything is seeded and nothing reads a clock,
so the same spec gives the same frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model
from nnviz.engine.trainer import Trainer
from nnviz.app.history import HistoryBuffer
from nnviz.app.stepping import PHASES, PhaseView
from nnviz.app.problem import Problem



@dataclass(frozen=True)
class ExportSpec:
    """source: "default" (the app's default problem), "problem" (the given Problem),
    "model" (a model file, trained on the problem's dataset) or "lesson"."""

    out: Path
    fmt: str = "mp4"
    source: str = "default"
    model: str | None = None
    lesson: object | None = None  # a Lesson (already loaded and checked)
    problem: Problem | None = None
    dataset: str | None = None  # replaces the problem's dataset
    epochs: int = 10
    every: int = 10  # optimizer steps per frame
    phases: bool = False  # the forward/backward/update animation of one step instead of a run
    phase_seconds: float = 1.0
    hold: float = 3.0  # seconds per lesson step
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    layout: str = "full"
    view: str = "canvas"  # what a still shows
    still: bool = False
    theme: str = "light"
    transparent: bool = False
    force: bool = False


def build_training(spec: ExportSpec) -> Trainer:
    """The trainer an export runs: the problem (and dataset override), or a model file on it."""
    problem = spec.problem or Problem()
    if spec.dataset:
        problem = replace(problem, dataset=spec.dataset)
    if spec.source == "model":
        network = load_model(spec.model)
        problem = replace(problem, hidden=tuple(network.layers[1:-1]),
                          output_activation=network.activation_names[-1], loss=network.loss_name)
        dataset = problem.make_dataset()
        if dataset.x_train.shape[1] != network.layers[0]:
            raise NnvizError(f"{spec.model}: the model takes {network.layers[0]} inputs but the dataset "
                             f"{problem.dataset!r} has {dataset.x_train.shape[1]} features")
    else:
        dataset = problem.make_dataset()
        network = problem.make_network(dataset)
    return Trainer(network, dataset, problem.train, seed=problem.seed)


def _show_snapshot(scene, trainer: Trainer, snap, history: HistoryBuffer) -> None:
    views = scene.views
    views.show_params(snap.params, snap.grad_weights if snap.step else None)
    history.add(snap, trainer.batches_per_epoch)
    data = trainer.dataset
    views.show_history(history.freeze(), data.task != "regression", len(data.x_test) > 0)
    parts = [f"epoch {snap.epoch}", f"step {snap.step}", f"train loss {snap.train_loss:.4f}"]
    if snap.test_loss is not None:
        parts.append(f"test loss {snap.test_loss:.4f}")
    if snap.train_accuracy is not None:
        parts.append(f"accuracy {100 * snap.train_accuracy:.1f} %")
    scene.set_caption("   ·   ".join(parts))


def training_frames(spec: ExportSpec, scene):
    """A frame at the start and after every ``every`` steps, for ``epochs`` epochs."""
    trainer = build_training(spec)
    net = trainer.network
    scene.views.set_problem(net.layers, net.activation_names, net.loss_name, trainer.dataset)
    history = HistoryBuffer()
    _show_snapshot(scene, trainer, trainer.snapshot(), history)
    yield
    shown = 0
    for snap in trainer.run(granularity="batch", every=spec.every, max_epochs=spec.epochs):
        _show_snapshot(scene, trainer, snap, history)
        yield
        shown = snap.step
        if snap.stopped:
            raise NnvizError(snap.stopped)
    if trainer.step != shown:  # the run ends between two frames: show its final state too
        _show_snapshot(scene, trainer, trainer.snapshot(), history)
        yield


def training_frame_count(spec: ExportSpec) -> int:
    trainer = build_training(spec)
    return 1 + math.ceil(spec.epochs * trainer.batches_per_epoch / spec.every)


def phase_frames(spec: ExportSpec, scene):
    """One training step shown as its three phases, each ``phase_seconds`` long at ``fps``."""
    trainer = build_training(spec)
    net = trainer.network
    scene.views.set_problem(net.layers, net.activation_names, net.loss_name, trainer.dataset)
    x, y = trainer.current_batch()
    trace = net.trace(x, y)
    before = net.params.copy()
    trainer.step_batch()
    after = net.params.copy()
    scene.views.show_params(before)
    n = phase_frame_count(spec) // len(PHASES)
    for phase in PHASES:
        scene.canvas.set_phase(PhaseView(phase, trace, 0, before, after), animate=False)
        for i in range(n):
            scene.canvas.set_phase_progress(i / max(n - 1, 1))
            yield


def phase_frame_count(spec: ExportSpec) -> int:
    return len(PHASES) * max(2, round(spec.phase_seconds * spec.fps))


def lesson_frames(spec: ExportSpec, scene):
    """Every step held for ``hold`` seconds; a step's phase animates over the first half."""
    from nnviz.lessons.player import LessonPlayer

    lesson = spec.lesson
    player = LessonPlayer(lesson)
    n = lesson_frames_per_step(spec)
    for i, step in enumerate(lesson.steps):
        state = player.state(i)
        text = step.text
        if step.ask is not None:
            q = step.ask
            answer = q.choices[int(q.answer)] if q.choices else f"{q.answer:g}"
            text += f"\n\n**Question:** {q.prompt}\n\n**Answer:** {answer}. {q.explanation}"
        scene.set_lesson_text(step.title, text, f"step {i + 1} of {len(lesson.steps)} · {lesson.title}")
        net = state.network
        if net is None:
            for _ in range(n):
                yield
            continue
        views = scene.views
        views.set_problem(net.layers, net.activation_names, net.loss_name, state.dataset)
        views.show_params(net.params)
        h = step.highlight
        scene.canvas.set_highlight(h.nodes, h.edges, h.layers)
        if views.loss is not None:  # no empty loss axes in steps that do not train
            views.loss.setVisible(state.history is not None or bool(state.compare))
        if views.loss is not None and state.compare:
            views.loss.set_comparison(state.compare)
        elif views.loss is not None and state.history is not None:
            views.loss.set_history(np.arange(len(state.history), dtype=float), state.history)
        phase = None
        if state.phase is not None and state.trace is not None:
            before, after = state.update if state.update else (net.params.copy(), net.params.copy())
            phase = PhaseView(state.phase, state.trace, 0, before, after)
        scene.canvas.set_phase(phase, animate=False)
        animated = max(n // 2, 1)  # the phase plays over the first half, then holds complete
        for k in range(n):
            if phase is not None:
                scene.canvas.set_phase_progress(min((k + 1) / animated, 1.0))
            yield


def lesson_frames_per_step(spec: ExportSpec) -> int:
    return max(1, round(spec.hold * spec.fps))


def frames(spec: ExportSpec, scene):
    if spec.source == "lesson":
        return lesson_frames(spec, scene)
    return phase_frames(spec, scene) if spec.phases else training_frames(spec, scene)


def frame_count(spec: ExportSpec) -> int:
    if spec.source == "lesson":
        return len(spec.lesson.steps) * lesson_frames_per_step(spec)
    return phase_frame_count(spec) if spec.phases else training_frame_count(spec)
