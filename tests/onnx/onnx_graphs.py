"""Fixture ONNX graphs built with onnx.helper (no PyTorch), the way exporters write them, and
onnxruntime to run them.

    layers = random_layers(rng, [3, 5, 2])                       # float32 (W (out, in), b) pairs
    nodes, inits = gemm(0, "x", *layers[0]), ...                 # one layer's nodes and initializers
    path = write(tmp_path / "m.onnx", nodes, inits, n_in=3, n_out=2)
    y = run(path, x)                                             # onnxruntime, float32

Weights are float32 values, so nnviz reads them exactly (float32 → float64 is exact).
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

IN, OUT = "x", "y"


def random_layers(rng, sizes):
    """(W (out, in), b (out,)) per layer, float32, scaled as Xavier does (w ~ N(0, 1/n_in)), nonzero biases."""
    return [(rng.normal(0, n_in ** -0.5, (n_out, n_in)).astype(np.float32),
             rng.normal(0, 0.5, n_out).astype(np.float32)) for n_in, n_out in pairwise(sizes)]


def const(name, value):
    return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)


def gemm(k, x, w, b, out=None, trans_b=True, alpha=1.0, beta=1.0):
    """torch.onnx.export's Linear: Gemm(x, W, b, transB=1); without trans_b, B is Wᵀ (in, out)."""
    out = out or f"fc{k}.z"
    b_init = w if trans_b else w.T
    attrs = {"transB": 1} if trans_b else {}
    if alpha != 1.0 or beta != 1.0:
        attrs.update(alpha=alpha, beta=beta)
        b_init = b_init / np.float32(alpha)
        b = b / np.float32(beta)
    node = helper.make_node("Gemm", [x, f"fc{k}.weight", f"fc{k}.bias"], [out], name=f"fc{k}", **attrs)
    return [node], [const(f"fc{k}.weight", b_init), const(f"fc{k}.bias", b)]


def matmul_add(k, x, w, b, out=None, bias_first=False):
    """tf2onnx's Dense: MatMul(x, K) with K = Wᵀ (in, out), then Add of the bias (either order)."""
    out = out or f"fc{k}.z"
    add_inputs = [f"fc{k}.bias", f"fc{k}.xw"] if bias_first else [f"fc{k}.xw", f"fc{k}.bias"]
    nodes = [helper.make_node("MatMul", [x, f"fc{k}.kernel"], [f"fc{k}.xw"], name=f"fc{k}/MatMul"),
             helper.make_node("Add", add_inputs, [out], name=f"fc{k}/BiasAdd")]
    return nodes, [const(f"fc{k}.kernel", w.T), const(f"fc{k}.bias", b)]


def unary(op, x, out, name=None, **attrs):
    return [helper.make_node(op, [x], [out], name=name or f"{out}.{op}", **attrs)], []


def silu(x, out):
    """torch's SiLU: Sigmoid then Mul."""
    return [helper.make_node("Sigmoid", [x], [f"{out}.s"], name=f"{out}/Sigmoid"),
            helper.make_node("Mul", [x, f"{out}.s"], [out], name=f"{out}/Mul")], []


def gelu_tanh_torchscript(x, out):
    """torch.onnx.export (TorchScript) of GELU(approximate="tanh"): ½·(x·(1 + tanh(β·(x + κ·x·x·x))))."""
    p = f"{out}/"
    nodes = [
        helper.make_node("Mul", [x, x], [p + "xx"], name=p + "Mul"),
        helper.make_node("Mul", [x, p + "xx"], [p + "x3"], name=p + "Mul_1"),
        helper.make_node("Mul", [p + "kappa", p + "x3"], [p + "kx3"], name=p + "Mul_2"),
        helper.make_node("Add", [x, p + "kx3"], [p + "inner"], name=p + "Add"),
        helper.make_node("Mul", [p + "beta", p + "inner"], [p + "u"], name=p + "Mul_3"),
        helper.make_node("Tanh", [p + "u"], [p + "t"], name=p + "Tanh"),
        helper.make_node("Add", [p + "one", p + "t"], [p + "t1"], name=p + "Add_1"),
        helper.make_node("Mul", [x, p + "t1"], [p + "xt"], name=p + "Mul_4"),
        helper.make_node("Mul", [p + "half", p + "xt"], [out], name=p + "Mul_5"),
    ]
    inits = [const(p + "kappa", 0.044715), const(p + "beta", math.sqrt(2 / math.pi)), const(p + "one", 1.0),
             const(p + "half", 0.5)]
    return nodes, inits


def gelu_tanh_dynamo(x, out):
    """The dynamo exporter's (onnxscript) tanh-GELU: Pow(x, 3), constants as Constant nodes."""
    p = f"{out}/"
    constants = [helper.make_node("Constant", [], [p + name], name=p + f"Constant_{name}",
                                  value=numpy_helper.from_array(np.array(value, dtype=np.float32)))
                 for name, value in (("three", 3.0), ("kappa", 0.044715), ("beta", math.sqrt(2 / math.pi)),
                                     ("one", 1.0), ("half", 0.5))]
    nodes = [
        helper.make_node("Pow", [x, p + "three"], [p + "x3"], name=p + "Pow"),
        helper.make_node("Mul", [p + "x3", p + "kappa"], [p + "kx3"], name=p + "Mul"),
        helper.make_node("Add", [x, p + "kx3"], [p + "inner"], name=p + "Add"),
        helper.make_node("Mul", [p + "inner", p + "beta"], [p + "u"], name=p + "Mul_1"),
        helper.make_node("Tanh", [p + "u"], [p + "t"], name=p + "Tanh"),
        helper.make_node("Add", [p + "t", p + "one"], [p + "t1"], name=p + "Add_1"),
        helper.make_node("Mul", [x, p + "t1"], [p + "xt"], name=p + "Mul_2"),
        helper.make_node("Mul", [p + "half", p + "xt"], [out], name=p + "Mul_3"),
    ]
    return constants + nodes, []


def gelu_erf_torchscript(x, out):
    """torch.onnx.export of the exact GELU(): x·(Erf(x/√2) + 1)·½."""
    p = f"{out}/"
    nodes = [
        helper.make_node("Div", [x, p + "sqrt2"], [p + "d"], name=p + "Div"),
        helper.make_node("Erf", [p + "d"], [p + "e"], name=p + "Erf"),
        helper.make_node("Add", [p + "e", p + "one"], [p + "e1"], name=p + "Add"),
        helper.make_node("Mul", [x, p + "e1"], [p + "xe"], name=p + "Mul"),
        helper.make_node("Mul", [p + "xe", p + "half"], [out], name=p + "Mul_1"),
    ]
    return nodes, [const(p + "sqrt2", math.sqrt(2)), const(p + "one", 1.0), const(p + "half", 0.5)]


def mlp(layers, hidden, output=None, layer=gemm, x=IN):
    """An MLP: each layer's nodes, ``hidden(x, out)`` between layers, ``output(x, out)`` (or nothing) last."""
    nodes, inits = [], []
    for k, (w, b) in enumerate(layers):
        last = k == len(layers) - 1
        z = OUT if last and output is None else f"fc{k}.z"
        more = layer(k, x, w, b, out=z)
        nodes += more[0]
        inits += more[1]
        act = output if last else hidden
        if act is not None:
            x = OUT if last else f"fc{k}.a"
            more = act(z, x)
            nodes += more[0]
            inits += more[1]
    return nodes, inits


def model(nodes, inits, n_in, n_out, opset=17, in_shape=None):
    """A checked ModelProto with one float input [N, n_in] (or ``in_shape``) and one output."""
    graph = helper.make_graph(nodes, "fixture", [helper.make_tensor_value_info(IN, TensorProto.FLOAT,
                                                                               in_shape or ["N", n_in])],
                              [helper.make_tensor_value_info(OUT, TensorProto.FLOAT, ["N", n_out])], inits)
    opsets = [helper.make_opsetid("", opset)]
    m = helper.make_model(graph, opset_imports=opsets, ir_version=helper.find_min_ir_version_for(opsets))
    onnx.checker.check_model(m)
    return m


def write(path, nodes, inits, n_in, n_out, **kwargs):
    onnx.save(model(nodes, inits, n_in, n_out, **kwargs), str(path))
    return path


def run(path, x):
    """onnxruntime's output for ``x`` (cast to float32), as float64."""
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: np.asarray(x, dtype=np.float32)})[0].astype(np.float64)


def assert_same_outputs(ours, theirs):
    """nnviz (float64) and onnxruntime (float32) agree to 1e-6 relative to the output's scale.

    Elementwise relative error cannot be bounded for a float32 graph: an output near 0 that is a
    sum of larger terms keeps their absolute rounding error (≈ 1e-7 of the terms). With inputs
    and weights of the usual scale (x ~ N(0, 1), Xavier weights) that stays below 1e-6."""
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(theirs, ours, rtol=1e-6, atol=1e-6 * np.abs(ours).max())
