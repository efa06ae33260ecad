"""``nnviz trace``: one sample's forward (and backward) pass, as a blackboard worked example."""

from __future__ import annotations

import json
import math

import numpy as np

from nnviz.app.numbers import factor, number, signed_sum
from nnviz.commands.args import float_list
from nnviz.engine.errors import NnvizError
from nnviz.engine.gradcheck import DEFAULT_STEP as GRADCHECK_STEP
from nnviz.engine.gradcheck import gradient_check
from nnviz.engine.model_io import load_model
from nnviz.engine.network import Network, Trace

#: Terms of a weighted sum written out before the rest is summarized (784 inputs would not fit).
MAX_TERMS = 8
SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU",
           "softplus": "softplus", "silu": "SiLU", "gelu": "GELU", "linear": "id", "softmax": "softmax"}


def num(v: float) -> str:
    """A number as a blackboard shows it: 4 significant digits (1.031, 0.7371, 95, 3.2e-07),
    through the one number writer (``app.numbers.number``: a zero is "0", never "-0")."""
    return number(v, ".4g")


def predicted_class(prediction: np.ndarray) -> int:
    """σ > 0.5 ⇒ class 1 for one output; the largest output's index for several."""
    return int(prediction[0] > 0.5) if prediction.size == 1 else int(np.argmax(prediction))


def parse_sample(network: Network, input_text: str, target_text: str | None):
    x = np.array(float_list(input_text))
    if x.size != network.layers[0]:
        raise NnvizError(f"--input has {x.size} values but the network takes {network.layers[0]}")
    if target_text is None:
        return x, None
    y = np.array(float_list(target_text))
    k = network.layers[-1]
    if y.size == 1 and k > 1:  # a class index for a several-output network
        c = y[0]
        if c != int(c) or not 0 <= c < k:
            raise NnvizError(f"--target {target_text} is not a class index 0..{k - 1} nor {k} values")
        y = np.eye(k)[int(c)]
    if y.size != k:
        raise NnvizError(f"--target has {y.size} values but the network has {k} outputs")
    return x, y


def json_numbers(values):
    """Nested lists of floats (or one float) with null for ±inf and NaN: standard JSON has neither."""
    if isinstance(values, np.ndarray):
        return json_numbers(values.tolist())
    if isinstance(values, list):
        return [json_numbers(v) for v in values]
    return None if values is None or not math.isfinite(values) else values


def trace_to_json(trace: Trace) -> dict:
    """The trace as standard JSON: a value that overflowed (±inf) or is undefined (NaN) is null."""
    layers = []
    for layer in trace.layers:
        has_grads = layer.delta is not None
        layers.append({
            "z": json_numbers(layer.z[0]),
            "a": json_numbers(layer.a[0]),
            "delta": json_numbers(layer.delta[0]) if has_grads else None,
            "grad_w": json_numbers(layer.grad_w) if has_grads else None,
            "grad_b": json_numbers(layer.grad_b) if has_grads else None,
        })
    prediction = trace.prediction[0]
    return {"prediction": json_numbers(prediction), "class": predicted_class(prediction),
            "loss": json_numbers(trace.loss), "layers": layers}


def _weighted_sum(x: np.ndarray, w: np.ndarray, b: float) -> str:
    terms = [f"{num(wi)}·{factor(num(xi))}" for wi, xi in zip(w[:MAX_TERMS], x[:MAX_TERMS])]
    if len(x) > MAX_TERMS:
        rest = float(np.dot(w[MAX_TERMS:], x[MAX_TERMS:]))
        terms.append(f"({len(x) - MAX_TERMS} more terms: {num(rest)})")
    return signed_sum([num(b), *terms])


def trace_to_text(network: Network, trace: Trace) -> str:
    x = trace.x[0]
    lines = [f"Network {network.describe()}", f"Input x = ({', '.join(num(v) for v in x)})", "",
             "Forward pass: z = b + Σ wᵢ·xᵢ, then a = f(z)"]
    prev = x
    for l, layer in enumerate(trace.layers):
        act = network.activation_names[l]
        kind = "output" if l == network.n_layers - 1 else "hidden"
        lines.append(f"  layer {l + 1} ({kind}, {act})")
        f = SYMBOLS[act]
        for j in range(min(len(layer.z[0]), 32)):
            z, a = layer.z[0][j], layer.a[0][j]
            lines.append(f"    neuron {j + 1}: z = {_weighted_sum(prev, network.weights[l][j], network.biases[l][j])} = {num(z)}")
            lines.append(f"              a = {f}({num(z)}) = {num(a)}")
        if len(layer.z[0]) > 32:
            lines.append(f"    … {len(layer.z[0]) - 32} more neurons (see --json)")
        prev = layer.a[0]
    prediction = trace.prediction[0]
    cls = predicted_class(prediction)
    if prediction.size == 1:
        rule = f"{num(prediction[0])} {'>' if cls else '≤'} 0.5 ⇒ class {cls}"
    else:
        rule = f"largest output is number {cls} ⇒ class {cls}"
    lines += ["", f"Prediction ŷ = ({', '.join(num(v) for v in prediction)}): {rule}"]
    if trace.loss is None:
        return "\n".join(lines)
    lines += [f"Target y = ({', '.join(num(v) for v in trace.y[0])}), loss {network.loss_name} L = {num(trace.loss)}",
              "", "Backward pass: δ = ∂L/∂z;  ∂L/∂w = δ·(input of w);  ∂L/∂b = δ"]
    for l in range(network.n_layers - 1, -1, -1):
        layer = trace.layers[l]
        lines.append(f"  layer {l + 1}: δ = ({', '.join(num(v) for v in layer.delta[0][:MAX_TERMS])}"
                     f"{', …' if layer.delta.shape[1] > MAX_TERMS else ''})")
        for j in range(min(layer.grad_w.shape[0], MAX_TERMS)):
            g = ", ".join(num(v) for v in layer.grad_w[j][:MAX_TERMS])
            more = ", …" if layer.grad_w.shape[1] > MAX_TERMS else ""
            lines.append(f"    neuron {j + 1}: ∂L/∂w = ({g}{more}), ∂L/∂b = {num(layer.grad_b[j])}")
    return "\n".join(lines)


def run_trace(args) -> int:
    network = load_model(args.model)
    x, y = parse_sample(network, args.input, args.target)
    if args.check and y is None:
        raise NnvizError("--check needs --target (the gradient is of the loss against a target)")
    with np.errstate(over="ignore", invalid="ignore"):  # huge inputs overflow to ±inf: shown, not warned
        trace = network.trace(x, y)
        check = gradient_check(network, x[None, :], y[None, :]) if args.check else None
    if args.json:
        out = trace_to_json(trace)
        if check is not None:
            out["gradient_check"] = {"max_relative_error": json_numbers(check.max_relative_error),
                                     "max_absolute_error": json_numbers(check.max_absolute_error),
                                     "passed": check.passed()}
        print(json.dumps(out, allow_nan=False))
    else:
        print(trace_to_text(network, trace))
        if check is not None:
            verdict = "OK" if check.passed() else "MISMATCH"
            print(f"\nGradient check (central differences, h = {GRADCHECK_STEP:g}): max relative error "
                  f"{check.max_relative_error:.2e}, max absolute error {check.max_absolute_error:.2e}: {verdict}")
    return 0 if check is None or check.passed() else 1
