"""Nowhere does nnviz print "-0": ``nnviz trace``'s text, the canvas labels and the instrument
panels all write numbers with app.numbers.number (a value that reads as zero is "0").

A dead ReLU neuron whose outgoing weight meets a negative output δ has δ = w·δₒ·ReLU′(z)
= (negative)·0 = −0.0 exactly: the case that printed "δ = (-0.01252, -0)"."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nnviz.commands.trace import num, trace_to_text
from nnviz.draw import network_labels
from nnviz.engine.network import Network

NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def signed_zeros(text: str) -> list[str]:
    return [t for t in NUMBER.findall(text) if t[0] in "-−" and float(t.replace("−", "-")) == 0.0]


def dead_relu_network() -> Network:
    net = Network([1, 2, 1], ["relu", "sigmoid"], "mse")
    net.set_layer(0, [[1.0], [1.0]], [0.0, -5.0])  # neuron 2: z = 2 − 5 < 0, dead
    net.set_layer(1, [[1.0, 1.0]], [0.0])
    return net


def test_trace_text_never_prints_minus_zero():
    net = dead_relu_network()
    trace = net.trace(np.array([2.0]), np.array([1.0]))
    assert np.signbit(trace.layers[0].delta[0, 1]) and trace.layers[0].delta[0, 1] == 0.0  # a real −0.0
    text = trace_to_text(net, trace)
    assert "layer 1: δ = (-0.01252, 0)" in text
    assert signed_zeros(text) == [], text


@pytest.mark.parametrize("value", [-0.0, -1e-12])
def test_every_number_writer_gives_0_for_a_negative_zero(value):
    from nnviz.ui.instruments.common import format_number

    assert num(-0.0) == "0"
    assert format_number(value) == ("0" if value == 0 else "−1×10⁻¹²")
    assert network_labels.number(value, ".3f") == "0"
    assert network_labels.number(value, ".4g") == ("0" if value == 0 else "-1e-12")
