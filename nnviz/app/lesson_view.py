"""What the views show at a lesson step: one description for the window and the exporter.

The window shows step i's state once its question is answered (or when it has none) and
step i − 1's while the question is open, so the canvas never gives the answer away; the
exporter always shows the answered step. Either way the state comes from the headless
LessonPlayer, so a step looks the same on screen and in an exported video.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.app.problem import NetworkShape
from nnviz.app.stepping import PhaseView
from nnviz.engine.datasets import Dataset
from nnviz.lessons.model import Highlight, Lesson, Step
from nnviz.lessons.player import LessonPlayer


@dataclass(frozen=True)
class LessonView:
    """index: the step the lesson is at; shown: the step whose state is drawn (−1: none yet).

    shape/params/dataset: the network drawn and its data (shape None: the step has no
    network, the views keep what they show); highlight and panel: what the step points at
    (only when the step itself is shown); phase: the phase to animate; history: loss per
    epoch of the step's training; compare: optimizer → loss curve; sample_z: the traced
    sample's pre-activations of the first layer (for the activation plot when there is no
    dataset to histogram).
    """

    index: int
    shown: int
    shape: NetworkShape | None = None
    params: np.ndarray | None = None
    dataset: Dataset | None = None
    highlight: Highlight | None = None
    panel: str | None = None
    phase: PhaseView | None = None
    history: np.ndarray | None = None
    compare: dict = field(default_factory=dict)
    sample_z: np.ndarray | None = None


def lesson_view(player: LessonPlayer, index: int, answered: bool = True) -> LessonView:
    """The view of step ``index``: its own state when ``answered``, else the previous step's."""
    shown = index if answered else index - 1
    if shown < 0:
        return LessonView(index, shown)
    state = player.state(shown)
    net = state.network
    if net is None:
        return LessonView(index, shown)
    own = shown == index
    step = player.lesson.steps[index]
    phase = None
    if state.phase is not None and state.trace is not None:
        before, after = state.update if state.update else (net.params.copy(), net.params.copy())
        phase = PhaseView(state.phase, state.trace, 0, before, after)
    return LessonView(
        index, shown, NetworkShape.of(net), net.params.copy(), state.dataset,
        highlight=step.highlight if own else None, panel=step.panel if own else None, phase=phase,
        history=state.history, compare=dict(state.compare),
        sample_z=state.trace.layers[0].z.ravel() if state.trace is not None else None)


def step_markdown(lesson: Lesson, index: int, with_answer: bool = True) -> tuple[str, str, str]:
    """(title, markdown, counter) of step ``index`` for a text view; the question and its
    answer are appended when ``with_answer``."""
    step: Step = lesson.steps[index]
    text = step.text
    if step.ask is not None and with_answer:
        q = step.ask
        answer = q.choices[int(q.answer)] if q.choices else f"{q.answer:g}"
        text += f"\n\n**Question:** {q.prompt}\n\n**Answer:** {answer}. {q.explanation}"
    return step.title, text, f"step {index + 1} of {len(lesson.steps)} · {lesson.title}"
