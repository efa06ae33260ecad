"""The output head rule, in one place: what a task needs at the output of a network.

    multiclass (C classes)   C outputs, softmax, cross-entropy (ce)
    binary                   1 output, sigmoid → bce (or mse if asked); tanh/linear → mse
    regression               1 output, linear (or a chosen unbounded head), mse

A requested head that cannot serve the task is replaced by the nearest one that can
(softmax on one output becomes sigmoid; ce needs softmax; bce needs sigmoid).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputHead:
    outputs: int
    activation: str
    loss: str


def output_head(task: str, num_classes: int = 2, activation: str = "sigmoid", loss: str = "bce") -> OutputHead:
    """The head for ``task`` ("binary", "multiclass", "regression"), honouring the requested
    output ``activation`` and ``loss`` where they fit the task."""
    outputs = num_classes if task == "multiclass" else 1
    if outputs > 1:  # several classes need a softmax output with cross-entropy
        return OutputHead(outputs, "softmax", "ce")
    if activation == "softmax":
        activation = "sigmoid"
    if loss == "ce":
        loss = "bce" if activation == "sigmoid" else "mse"
    if loss == "bce" and activation != "sigmoid":
        loss = "mse"
    if task == "regression":
        return OutputHead(1, "linear" if activation == "sigmoid" else activation, "mse")
    return OutputHead(1, activation, loss)
