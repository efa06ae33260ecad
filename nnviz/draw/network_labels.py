"""What the network canvas writes, as plain strings: layer titles, input names, the numbers
a phase writes beside the nodes, a weighted sum written term by term, the old → new
weights of an update, the caption and the hover text. NumPy in, text out (no Qt), so
tests and lesson checks can read it. Every number goes through ``app.numbers.number`` (the
one function nnviz writes numbers with): a value that prints as zero prints "0", never "-0".

Nodes are (layer, neuron) with layer 0 = the inputs and neurons from 0, as everywhere on
the canvas; the text itself counts from 1 ("layer 1, neuron 3"), as a lecture does.
``phase`` is a PhaseView (phase, trace, sample, before, after) or None; ``active`` is how
far its animation has got, in layers (``NetworkPainter.active_layer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from nnviz.app.numbers import number, signed_sum
from nnviz.engine.layout import ParamLayout

LABELLED_LAYER = 10  # layers up to this width get their numbers written during a phase
TERMS_FAN_IN, TERMS_LAYER = 3, 2  # neurons whose weighted sum is written out term by term
UPDATE_LABEL_EDGES = 12  # weight layers with at most this many edges get "old → new" labels
REACHED = 1e-9  # slack when comparing a layer with the animation's progress


def node_values(phase) -> list[np.ndarray] | None:
    """Activations of the shown sample per layer, inputs first: [x (n_0,), a_1 (n_1,), …]; None without a phase."""
    if phase is None:
        return None
    i = phase.shown
    return [phase.trace.x[i]] + [layer.a[i] for layer in phase.trace.layers]


def input_name(i: int, input_names: Sequence[str]) -> str:
    return input_names[i] if i < len(input_names) else f"x{i + 1}"


def layer_title(l: int, layers: Sequence[int], activation_names: Sequence[str],
                image_shape: tuple[int, int] | None = None) -> str:
    """'Input · 2', 'Hidden 1 · 4 · tanh' or 'Output · sigmoid' for layer l (0 = inputs);
    inputs that are an image of ``image_shape`` (rows, cols): 'Input · 8×8 pixels'."""
    if l == 0:
        return f"Input · {image_shape[0]}×{image_shape[1]} pixels" if image_shape else f"Input · {layers[0]}"
    if l == len(layers) - 1:
        return f"Output · {activation_names[-1]}"
    return f"Hidden {l} · {layers[l]} · {activation_names[l - 1]}"


def title_lines(title: str) -> tuple[str, ...]:
    """A title broken after its name, for a narrow column: 'Hidden 2 · 4 · relu' →
    ('Hidden 2', '4 · relu'); a title without ' · ' stays one line."""
    head, sep, rest = title.partition(" · ")
    return (head, rest) if sep else (title,)


def formula_lines(text: str) -> tuple[str, ...]:
    """A term label broken before its result, for a crowded canvas:
    'z = 0.001 + 0.95 + 0.08 = 1.031' → ('z = 0.001 + 0.95 + 0.08', '= 1.031')."""
    head, sep, tail = text.rpartition(" = ")
    return (head, f"= {tail}") if sep and " = " in head else (text,)


def value_labels(phase, layers: Sequence[int], active: float) -> dict[tuple[int, int], str]:
    """The numbers written beside nodes during a phase, keyed by (layer, neuron), all of
    the shown sample: forward: x for inputs, a = f(z) elsewhere; backward: its own
    δ = ∂Lᵢ/∂z (``PhaseView.sample_delta``); update: nothing."""
    if phase is None or phase.phase == "update":
        return {}
    i = phase.shown
    out = {}
    for l, n in enumerate(layers):
        if n > LABELLED_LAYER:
            continue
        if phase.phase == "forward":
            if l > active + REACHED:
                continue
            row = phase.trace.x[i] if l == 0 else phase.trace.layers[l - 1].a[i]
            name = "x" if l == 0 else "a"
        else:
            if l == 0 or l < active - REACHED or phase.trace.layers[l - 1].delta is None:
                continue
            row, name = phase.sample_delta(l - 1), "δ"
        for k in range(n):
            out[(l, k)] = f"{name} = {number(row[k])}"
    return out


def term_labels(phase, layout: ParamLayout, active: float) -> dict[tuple[int, int], str]:
    """During the forward pass of a small network, each reached neuron's weighted sum
    z = b + Σ_j w_j·x_j written term by term, as on a blackboard:
    'z = 0.001 + 0.95 + 0.08 = 1.031' (the parameters are the phase's ``before``)."""
    if phase is None or phase.phase != "forward" or np.shape(phase.before) != (layout.size,):
        return {}
    i = phase.shown
    weights, biases = layout.weights(phase.before), layout.biases(phase.before)
    layers = layout.layers
    out = {}
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        if n_in > TERMS_FAN_IN or n_out > TERMS_LAYER or l > active + REACHED:
            continue
        x = phase.trace.x[i] if l == 1 else phase.trace.layers[l - 2].a[i]
        w, b = weights[l - 1], biases[l - 1]
        for k in range(n_out):
            terms = signed_sum([number(b[k], ".4g")] + [number(w[k, j] * x[j], ".4g") for j in range(n_in)])
            out[(l, k)] = f"z = {terms} = {number(phase.trace.layers[l - 1].z[i, k], '.4g')}"
    return out


def update_labels(phase, layout: ParamLayout) -> dict[tuple[int, int, int], str]:
    """During an update, each weight's "old → new" ("0.120 → 0.113"), keyed by edge
    (weight layer, to, from), for the weight layers with at most UPDATE_LABEL_EDGES edges
    (on bigger ones the labels could not be read). Three decimals, more (up to five) where
    three would hide the change."""
    if phase is None or phase.phase != "update" or np.shape(phase.before) != (layout.size,) \
            or np.shape(phase.after) != (layout.size,):
        return {}
    old, new = layout.weights(phase.before), layout.weights(phase.after)
    out = {}
    for l, (w0, w1) in enumerate(zip(old, new)):
        if w0.size > UPDATE_LABEL_EDGES:
            continue
        for (to, frm), a in np.ndenumerate(w0):
            b = w1[to, frm]
            spec = next((f".{d}f" for d in (3, 4, 5) if number(a, f".{d}f") != number(b, f".{d}f")), ".3f")
            out[(l, to, frm)] = f"{number(a, spec)} → {number(b, spec)}"
    return out


def sample_facts(phase, short: bool = False) -> str:
    """'target 1, loss 0.21' (or 'class 2, …' with several outputs) of the shown sample;
    ``short``: 'y=1 L=0.21'."""
    facts = []
    target = phase.sample_target
    if target is not None:
        if isinstance(target, int):
            facts.append(f"class {target}")
        else:
            facts.append(f"y={number(target)}" if short else f"target {number(target)}")
    if phase.sample_loss is not None:
        facts.append(f"L={number(phase.sample_loss)}" if short else f"loss {number(phase.sample_loss)}")
    return (" " if short else ", ").join(facts)


def sample_note(phase) -> tuple[str, ...]:
    """The data plot's note on the ringed sample, longest form first (the plot shows the
    longest that fits one line): '◯ sample 3 of 10: target 1, loss 0.21', '◯ 3/10: target 1,
    loss 0.21', '◯ 3/10 y=1 L=0.21', '◯ 3/10' ("the step's sample" for a batch of one)."""
    who, tag = (f"sample {phase.shown + 1} of {phase.batch}", f"{phase.shown + 1}/{phase.batch}") \
        if phase.batch > 1 else ("the step's sample", "")
    facts, brief = sample_facts(phase), sample_facts(phase, short=True)
    forms = ("◯ " + ": ".join(p for p in (who, facts) if p), "◯ " + ": ".join(p for p in (tag, facts) if p),
             "◯ " + " ".join(p for p in (tag, brief) if p), f"◯ {tag}".strip())
    return tuple(dict.fromkeys(f for f in forms if f.strip() != "◯"))  # in order, each once


def sample_summary(phase) -> str:
    """'sample 3 of 10 (target 1, loss 0.21)': the shown sample of a batch, or "" for a
    phase of one sample (its numbers are the step's own)."""
    if phase is None or phase.batch < 2:
        return ""
    facts = sample_facts(phase)
    return f"sample {phase.shown + 1} of {phase.batch}" + (f" ({facts})" if facts else "")


def caption(phase, layers: Sequence[int], edge_limit: int | None) -> str:
    """The line under the network: what the edges and rings mean now, and whether only
    the strongest ``edge_limit`` edges per layer are drawn (None: all of them)."""
    limited = edge_limit is not None and any(i * o > edge_limit for i, o in pairwise(layers))
    parts = []
    if phase is not None and phase.batch < 2:
        parts.append({"forward": "Forward pass: a = f(z), layer by layer",
                      "backward": "Backward pass: edges show ∂L/∂w (purple +, green −), rings show δ = ∂L/∂z",
                      "update": "Update: w ← w − η·∂L/∂w"}[phase.phase])
    elif phase is not None:  # a batch: the edges show all of it, the nodes one sample
        n, sample = phase.batch, sample_summary(phase)
        parts.append({"forward": f"Forward pass: a = f(z) · nodes: {sample}",
                      "backward": f"Backward pass · edges: batch mean ∂L/∂w over {n} samples (purple +, green −)"
                                  f" · nodes: δ = ∂L/∂z of {sample}",
                      "update": f"Update: w ← w − η·∂L/∂w, ∂L/∂w the batch mean over {n} samples"}[phase.phase])
    else:
        parts.append("Edges: blue w > 0, orange w < 0, width |w|")
    if limited:
        parts.append(f"strongest {edge_limit} edges per layer (A: all)")
    return "   ·   ".join(parts)


def edge_tooltip(weight: float, layer: int, row: int, col: int, grad: float | None = None) -> str:
    """Hover text of the edge showing w[layer][row, col] (all from 0)."""
    lines = [f"w = {number(weight, '.4g')}  (layer {layer + 1}, from node {col + 1} to node {row + 1})"]
    if grad is not None:
        lines.append(f"∂L/∂w = {number(grad, '.4g')}")
    lines.append("click to edit")
    return "\n".join(lines)


def gradient_shown(phase, weight_layer: int, active: float) -> bool:
    """Whether ∂L/∂w of ``weight_layer`` may be told now: not during the forward pass, and in
    the backward pass only once it has reached that layer (as the edges are drawn); hover
    text never runs ahead of the picture (a lesson's open question may ask for it)."""
    if phase is None or phase.phase == "update":
        return True
    return phase.phase == "backward" and weight_layer >= active - REACHED


def node_tooltip(l: int, i: int, input_names: Sequence[str], activation_names: Sequence[str],
                 biases: Sequence[np.ndarray], phase, active: float = float("inf")) -> str:
    """Hover text of node (l, i): an input's name and value, or a neuron's b, z, a and δ,
    each only once the phase's animation (``active``, in layers) has reached it."""
    if l == 0:
        values = node_values(phase)
        value = f"\nx = {number(values[0][i], '.4g')}" if values is not None else ""
        return f"input {input_name(i, input_names)}{value}"
    lines = [f"layer {l}, neuron {i + 1} ({activation_names[l - 1]})", f"b = {number(biases[l - 1][i], '.4g')}"]
    if phase is not None:
        k = phase.shown
        layer = phase.trace.layers[l - 1]
        if phase.phase != "forward" or l <= active + REACHED:
            lines.append(f"z = {number(layer.z[k, i], '.4g')}   a = {number(layer.a[k, i], '.4g')}")
        backward_reached = phase.phase == "update" or (phase.phase == "backward" and l >= active - REACHED)
        if layer.delta is not None and backward_reached:
            lines.append(f"δ = ∂L/∂z = {number(phase.sample_delta(l - 1)[i], '.4g')}")
        summary = sample_summary(phase)
        if summary:
            lines.append(summary)
    return "\n".join(lines)
