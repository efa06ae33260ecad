"""What an export shows, frame by frame: a training run, the phases of one step, or a lesson.

Each source is a generator that updates an ExportScene and yields once per frame; the
exporter renders the scene at each yield. Everything is seeded and nothing reads a clock,
so the same spec gives the same frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from nnviz.app.history import HistoryBuffer
from nnviz.app.lesson_view import lesson_view, step_markdown
from nnviz.app.problem import NetworkShape, Problem
from nnviz.app.stepping import one_step_phases
from nnviz.app.training import build_trainer, check_inputs, data_for_network, snapshot_parts
from nnviz.engine.errors import NnvizError
from nnviz.engine.idx import is_idx_name
from nnviz.engine.model_io import load_model
from nnviz.engine.network import PHASES
from nnviz.engine.trainer import Trainer
from nnviz.lessons.player import LessonPlayer



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
    """The trainer an export runs: the problem (and dataset override), or a model file on it
    (opened as the app opens it: app.training)."""
    problem = spec.problem or Problem()
    if spec.dataset and is_idx_name(spec.dataset):  # MNIST-format files, as the app imports them
        problem = replace(problem, dataset="idx", data_path=spec.dataset)
    elif spec.dataset:
        problem = replace(problem, dataset=spec.dataset)
    if spec.source != "model":
        return build_trainer(problem)
    network = load_model(spec.model)
    problem, dataset = data_for_network(problem, network, chosen=bool(spec.dataset))
    check_inputs(network, dataset, problem, source=f"{spec.model}: the model")
    return build_trainer(problem, dataset, network)


def _show_snapshot(scene, snap, history: HistoryBuffer, batches_per_epoch: int) -> None:
    history.add(snap, batches_per_epoch)
    scene.views.show_snapshot(snap, history.freeze())
    scene.set_caption("   ·   ".join(snapshot_parts(snap)))


def training_frames(spec: ExportSpec, scene):
    """A frame at the start and after every ``every`` steps, for ``epochs`` epochs."""
    trainer = build_training(spec)
    scene.views.set_problem(NetworkShape.of(trainer.network), trainer.dataset)
    history = HistoryBuffer()
    per_epoch = trainer.batches_per_epoch
    _show_snapshot(scene, trainer.snapshot(), history, per_epoch)
    yield
    shown = 0
    for snap in trainer.run(granularity="batch", every=spec.every, max_epochs=spec.epochs):
        _show_snapshot(scene, snap, history, per_epoch)
        yield
        shown = snap.step
        if snap.stopped:
            raise NnvizError(snap.stopped)
    if trainer.step != shown:  # the run ends between two frames: show its final state too
        _show_snapshot(scene, trainer.snapshot(), history, per_epoch)
        yield


def training_frame_count(spec: ExportSpec) -> int:
    trainer = build_training(spec)
    return 1 + math.ceil(spec.epochs * trainer.batches_per_epoch / spec.every)


def phase_frames(spec: ExportSpec, scene):
    """One training step shown as its three phases, each ``phase_seconds`` long at ``fps``."""
    trainer = build_training(spec)
    scene.views.set_problem(NetworkShape.of(trainer.network), trainer.dataset)
    scene.views.show_params(trainer.network.params.copy())
    n = phase_frame_count(spec) // len(PHASES)
    for view in one_step_phases(trainer):
        scene.views.show_phase(view, animate=False)
        for i in range(n):
            scene.canvas.set_phase_progress(i / max(n - 1, 1))
            yield


def phase_frame_count(spec: ExportSpec) -> int:
    return len(PHASES) * max(2, round(spec.phase_seconds * spec.fps))


def lesson_frames(spec: ExportSpec, scene):
    """Every step held for ``hold`` seconds; a step's phase animates over the first half."""
    lesson = spec.lesson
    player = LessonPlayer(lesson)
    n = lesson_frames_per_step(spec)
    animated = max(n // 2, 1)  # the phase plays over the first half, then holds complete
    for i in range(len(lesson.steps)):
        scene.set_lesson_text(*step_markdown(lesson, i))
        view = lesson_view(player, i)  # answered: the step's whole result
        shown = scene.views.show_lesson_state(view, animate=False)
        if scene.views.digits is not None:  # image data: the step's view of the digit panel
            scene.views.digits.set_view(view.digit_view)
        scene.set_caption("" if shown else view.caption)  # a step with no network yet says so
        for k in range(n):
            if shown and view.phase is not None:
                scene.canvas.set_phase_progress(view.progress * min((k + 1) / animated, 1.0))
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
