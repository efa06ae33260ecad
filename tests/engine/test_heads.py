"""The output-head rule: what a task needs at the output, and how a request is corrected."""

from __future__ import annotations

import pytest

from nnviz.engine.heads import OutputHead, output_head


@pytest.mark.parametrize(("task", "classes", "activation", "loss", "expected"), [
    # several classes: one softmax output per class with cross-entropy, whatever was asked
    ("multiclass", 3, "sigmoid", "bce", OutputHead(3, "softmax", "ce")),
    ("multiclass", 5, "tanh", "mse", OutputHead(5, "softmax", "ce")),
    # binary: one output
    ("binary", 2, "sigmoid", "bce", OutputHead(1, "sigmoid", "bce")),
    ("binary", 2, "sigmoid", "mse", OutputHead(1, "sigmoid", "mse")),
    ("binary", 2, "tanh", "bce", OutputHead(1, "tanh", "mse")),  # bce needs a sigmoid
    ("binary", 2, "linear", "bce", OutputHead(1, "linear", "mse")),
    ("binary", 2, "softmax", "bce", OutputHead(1, "sigmoid", "bce")),  # softmax on one output
    ("binary", 2, "softmax", "ce", OutputHead(1, "sigmoid", "bce")),
    ("binary", 2, "sigmoid", "ce", OutputHead(1, "sigmoid", "bce")),  # ce on a sigmoid
    ("binary", 2, "tanh", "ce", OutputHead(1, "tanh", "mse")),
    # regression: one output, mse; a sigmoid (the default) becomes linear
    ("regression", 0, "sigmoid", "bce", OutputHead(1, "linear", "mse")),
    ("regression", 0, "sigmoid", "mse", OutputHead(1, "linear", "mse")),
    ("regression", 0, "tanh", "mse", OutputHead(1, "tanh", "mse")),
    ("regression", 0, "linear", "ce", OutputHead(1, "linear", "mse")),
])
def test_output_head_rule(task, classes, activation, loss, expected):
    assert output_head(task, classes, activation, loss) == expected


def test_defaults_are_a_sigmoid_with_bce():
    assert output_head("binary") == OutputHead(1, "sigmoid", "bce")
    assert output_head("multiclass", 4) == OutputHead(4, "softmax", "ce")
