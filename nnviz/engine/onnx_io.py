"""ONNX files: the optional ``onnx`` package, and writing a Network as a standard ONNX graph.

The graph ``network_to_onnx`` writes (float32, runs in onnxruntime with nnviz's outputs):

    input "input" (N, n₀)  →  per layer l = 1 … L:
        Gemm(a, W_l, b_l, transB=1)       z = a·W_lᵀ + b_l,  W_l "layer<l>.weight" (n_l, n_{l−1}), b_l (n_l,)
        the activation's node(s)          Relu, Tanh, Sigmoid, LeakyRelu(α=0.01), Elu(α=1), Softplus,
                                          Softmax(axis=−1), silu as Sigmoid + Mul, gelu as Gelu(approximate="tanh"),
                                          linear as nothing
    →  output "output" (N, n_L)

The loss is not part of a graph; it is kept in the model's metadata ("nnviz.loss") so that a
model goes JSON → ONNX → JSON unchanged. nnviz's float64 weights are rounded to float32:
a model whose weights are float32 values (one read from ONNX) round-trips bit for bit.
"""

from __future__ import annotations

import numpy as np

from nnviz import __version__
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.atomic_files import write_atomic
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network

#: Opset 17 is what torch.onnx.export writes by default; Gelu needs 20, used only when a layer is gelu.
OPSET = 17
GELU_OPSET = 20
#: IR 8 goes with opset 17 and IR 9 with opset 20: the oldest that carry them, so older runtimes load the file.
IR_VERSIONS = {OPSET: 8, GELU_OPSET: 9}
#: Where the loss is kept (model metadata: the graph itself has no loss).
LOSS_KEY = "nnviz.loss"
INSTALL_HINT = 'python -m pip install "nnviz[onnx]"'

#: nnviz activation → (ONNX op, attributes), for those that are one ONNX op.
SINGLE_OPS = {
    "relu": ("Relu", {}),
    "tanh": ("Tanh", {}),
    "sigmoid": ("Sigmoid", {}),
    "leaky_relu": ("LeakyRelu", {"alpha": ACTIVATIONS["leaky_relu"].alpha}),
    "elu": ("Elu", {"alpha": 1.0}),  # nnviz's ELU is e^z − 1 below 0: α = 1
    "softplus": ("Softplus", {}),
    "softmax": ("Softmax", {"axis": -1}),
    "gelu": ("Gelu", {"approximate": "tanh"}),  # nnviz's GELU is the tanh form
}


def require_onnx(doing: str):
    """The ``onnx`` module, or NnvizError saying which command installs it (``doing``: "opening", "saving")."""
    try:
        import onnx
    except ImportError:
        raise NnvizError(f"{doing} .onnx files needs the onnx package: {INSTALL_HINT}") from None
    return onnx


def _activation_nodes(helper, name: str, z: str, out: str, activation: str) -> list:
    """The node(s) computing ``out`` = f(``z``) for nnviz's activation named ``activation``."""
    if activation == "linear":
        return [helper.make_node("Identity", [z], [out], name=f"{name}.identity")]
    if activation == "silu":  # no single ONNX op (before opset 24): z·σ(z), as torch exports it
        return [helper.make_node("Sigmoid", [z], [f"{name}.sigmoid"], name=f"{name}.sigmoid"),
                helper.make_node("Mul", [z, f"{name}.sigmoid"], [out], name=f"{name}.silu")]
    op, attributes = SINGLE_OPS[activation]
    return [helper.make_node(op, [z], [out], name=f"{name}.{op.lower()}", **attributes)]


def network_model(network: Network):
    """An onnx ModelProto of ``network`` (checked with onnx.checker)."""
    onnx = require_onnx("saving")
    from onnx import TensorProto, helper, numpy_helper

    nodes, weights = [], []
    a = "input"
    last = network.n_layers - 1
    for index, (w, b, activation) in enumerate(zip(network.weights, network.biases, network.activation_names)):
        name = f"layer{index + 1}"
        weights += [numpy_helper.from_array(w.astype(np.float32), f"{name}.weight"),
                    numpy_helper.from_array(b.astype(np.float32), f"{name}.bias")]
        z = f"{name}.z"
        nodes.append(helper.make_node("Gemm", [a, f"{name}.weight", f"{name}.bias"], [z], name=f"{name}.gemm",
                                      transB=1))
        a = "output" if index == last else f"{name}.a"
        nodes += _activation_nodes(helper, name, z, a, activation)
    graph = helper.make_graph(
        nodes, "nnviz", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", network.layers[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", network.layers[-1]])], weights)
    opset = GELU_OPSET if "gelu" in network.activation_names else OPSET
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="nnviz",
                              producer_version=__version__, ir_version=IR_VERSIONS[opset])
    helper.set_model_props(model, {LOSS_KEY: network.loss_name})
    onnx.checker.check_model(model)
    return model


def network_to_onnx(network: Network, path) -> None:
    """Write ``network`` (finite weights: model_io.save_model checks) to ``path`` as ONNX, atomically."""
    with np.errstate(over="ignore"):  # a weight past float32's range becomes ±inf: refused below
        too_big = ~np.isfinite(network.params.astype(np.float32))
    if too_big.any():
        raise NnvizError(f"the network holds a weight of {network.params[too_big][0]:.3g}, beyond the float32 range "
                         "(±3.4e38) of an ONNX model; it was not saved")
    write_atomic(path, network_model(network).SerializeToString())
