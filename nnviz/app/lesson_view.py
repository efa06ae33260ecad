"""What the views show at a lesson step: one description for the window and the exporter.

A step always shows its own state, from the headless LessonPlayer: its network, data,
sample and phase, so the numbers drawn are the numbers the step's text states. Nothing
comes from outside the lesson: a step before the lesson's first network has an empty
canvas (with ``caption``) and only the lesson's data.

While the step's question is open (``answered`` False) the part it asks about is held
back, and shown once the question is answered:

- a forward pass asked about (``check`` z, a or prediction of layer l) stops before layer
  l: the inputs and the layers before it are drawn, layer l and after are not;
- a backward pass asked about (δ, ∂L/∂w or ∂L/∂b of layer l, all read off δ⁽ˡ⁾) stops
  before reaching layer l; for the output layer, where it starts, the canvas shows the
  completed forward pass the backward pass starts from;
- a step that trains (or races optimizers) shows the network it starts from, with no loss
  curves: every question on such a step is about what training does;
- the activation plot leaves out its histogram (it would show the hidden z).

A value a *later* step asks for is never drawn before it: while the steps after this one
keep its traced sample (no new network, sample, target, weights, data or training in
between), their questions hold back what they ask in this step's phase too, answered or
not (backprop steps 3 and 4 draw δ₂ only: step 5 asks δ₁). The histogram stays: those
questions are not about this step's z.

The exporter always shows the answered step (and, like the window, nothing a later step asks).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from nnviz.app.problem import NetworkShape
from nnviz.app.stepping import PhaseView
from nnviz.engine.datasets import Dataset
from nnviz.lessons.model import DIGIT_PANELS, Expectation, Highlight, Lesson, Step
from nnviz.lessons.player import LessonPlayer, LessonState

#: Quantities the forward pass writes on the canvas (a = f(z), z term by term).
FORWARD_DRAWN = ("z", "a", "prediction")
#: Quantities the backward pass writes (δ) or that are read off it (∂L/∂w = δ·a, ∂L/∂b = δ).
BACKWARD_DRAWN = ("delta", "grad_w", "grad_b")
NO_NETWORK = "No network yet at this step"
NO_NETWORK_DATA = "No network yet at this step: its data are in the data plot"


@dataclass(frozen=True)
class LessonView:
    """What the views show at step ``index``.

    shape/params/dataset: the network drawn (flat params) and its data; shape None: the step
    has no network yet, the canvas is empty with ``caption`` and the data plot shows
    ``dataset``. highlight and panel: what the step points at. phase: the phase drawn and
    ``progress`` ∈ [0, 1], how far it runs (< 1: it stops before the layer a question asks
    about). history: loss per epoch of the step's training; compare: optimizer → loss curve;
    sample_z: the traced sample's first-layer z (the activation plot's histogram when there
    is no dataset). hidden: part of the step is held back until its question is answered.
    digit_view: what the digit panel (image data's views) shows: the last of its views a
    step up to this one names as its ``panel`` (its first, "weights", before any does).
    """

    index: int
    shape: NetworkShape | None = None
    params: np.ndarray | None = None
    dataset: Dataset | None = None
    highlight: Highlight | None = None
    panel: str | None = None
    phase: PhaseView | None = None
    progress: float = 1.0
    history: np.ndarray | None = None
    compare: dict = field(default_factory=dict)
    sample_z: np.ndarray | None = None
    hidden: bool = False
    caption: str = ""
    digit_view: str = DIGIT_PANELS[0]


def lesson_view(player: LessonPlayer, index: int, answered: bool = True) -> LessonView:
    """The view of step ``index``: its own state, with what its open question asks held
    back while ``answered`` is False (see the module docstring)."""
    step = player.lesson.steps[index]
    state = player.state(index)
    net = state.network
    digit_view = next((s.panel for s in reversed(player.lesson.steps[:index + 1]) if s.panel in DIGIT_PANELS),
                      DIGIT_PANELS[0])  # kept by the following steps, as everything a step sets
    if net is None:
        caption = NO_NETWORK if state.dataset is None else NO_NETWORK_DATA
        return LessonView(index, dataset=state.dataset, panel=step.panel, caption=caption, digit_view=digit_view)
    asking = step.ask is not None and not answered
    before_training = asking and state.untrained is not None
    own = (step.ask.check,) if asking and step.ask.check is not None else ()
    phase, progress = (None, 1.0) if before_training else _phase(state, own)
    hidden = before_training or (phase is not None and (progress < 1.0 or phase.phase != state.phase))
    if phase is not None and phase.phase == state.phase:  # nor what a later step asks of this trace
        phase, progress = _phase(state, (*own, *asked_later(player, index)))
    return LessonView(
        index, NetworkShape.of(net), (state.untrained if before_training else net.params).copy(), state.dataset,
        highlight=step.highlight, panel=step.panel, phase=phase, progress=progress,
        history=None if before_training else state.history, compare={} if before_training else dict(state.compare),
        sample_z=state.trace.layers[0].z.ravel() if state.trace is not None and not hidden else None,
        hidden=hidden, digit_view=digit_view)


def asked_later(player: LessonPlayer, index: int) -> tuple[Expectation, ...]:
    """The checks of the questions of the steps after ``index`` that trace the same sample
    through the same network (the scan stops at the first step that changes either, and
    after an update: the weights differ from then on)."""
    trace, checks = player.state(index).trace, []
    if trace is None or player.lesson.steps[index].phase == "update":
        return ()
    for j in range(index + 1, len(player.lesson.steps)):
        step = player.lesson.steps[j]
        if any((step.network, step.dataset, step.sample, step.target, step.sample_image, step.weights, step.train,
                step.compare)):
            break
        if not _same_trace(player.state(j).trace, trace):
            break
        if step.ask is not None and step.ask.check is not None:
            checks.append(step.ask.check)
        if step.phase == "update":
            break
    return tuple(checks)


def _same_trace(a, b) -> bool:
    """The same sample, target and layer values (z) in both traces."""
    if a is None or b is None or not np.array_equal(a.x, b.x):
        return False
    if (a.y is None) != (b.y is None) or (a.y is not None and not np.array_equal(a.y, b.y)):
        return False
    return all(np.array_equal(la.z, lb.z) for la, lb in zip(a.layers, b.layers))


def _phase(state: LessonState, checks: tuple[Expectation, ...]) -> tuple[PhaseView | None, float]:
    """The step's phase and how far it runs: all the way, or to just before the first layer
    any of ``checks`` asks about (forward: progress (l − 1)/L; backward: to layer l + ½;
    the output's δ: the completed forward pass the backward pass starts from)."""
    if state.phase is None or state.trace is None:
        return None, 1.0
    params = state.network.params
    before, after = state.update if state.update else (params.copy(), params.copy())
    view = PhaseView(phase=state.phase, trace=state.trace, sample=0, before=before, after=after)
    n = len(state.network.layers) - 1
    progress = 1.0
    for check in checks:
        layer = n if check.layer is None else check.layer
        if check.quantity in FORWARD_DRAWN and state.phase == "forward":
            progress = min(progress, (layer - 1) / n)
        elif check.quantity in BACKWARD_DRAWN and state.phase == "backward":
            if layer >= n:
                return replace(view, phase="forward"), 1.0  # the output's δ is where backward starts
            progress = min(progress, 1.0 - (layer + 0.5) / n)  # δ drawn for the layers after l only
    return view, progress


def step_markdown(lesson: Lesson, index: int, with_answer: bool = True) -> tuple[str, str, str]:
    """(title, markdown, counter) of step ``index`` for a text view; the question, its
    answer and the step's ``reveal`` text are appended when ``with_answer``."""
    step: Step = lesson.steps[index]
    text = step.text
    if step.reveal and with_answer:  # as the lesson panel shows it: below the text
        text += f"\n\n{step.reveal}"
    if step.ask is not None and with_answer:
        q = step.ask
        answer = q.choices[int(q.answer)] if q.choices else f"{q.answer:g}"
        text += f"\n\n**Question:** {q.prompt}\n\n**Answer:** {answer}. {q.explanation}"
    return step.title, text, f"step {index + 1} of {len(lesson.steps)} · {lesson.title}"
