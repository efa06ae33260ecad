"""Reading an ONNX model as a Network: the feed-forward MLPs torch.onnx.export and tf2onnx write.

The graph is walked from its one input to its one output, a chain of:

    Flatten | Reshape              at the input only (to (batch, features))
    Gemm(x, B, C)                  W = α·B with transB=1, α·Bᵀ without;  b = β·C   (transA=1 is refused)
    MatMul(x, B) [Add(·, c)]       W = Bᵀ (B is (in, out));  b = c, the constant on either side of the Add
    one activation per layer       Relu, LeakyRelu (α = 0.01), Sigmoid, Tanh, Elu (α = 1), Softplus,
                                   Gelu (approximate="tanh"), or elementwise nodes that compute one of
                                   nnviz's activations (torch's decomposed tanh-GELU, x·σ(x) for silu)
    Identity                       anywhere: skipped
    Softmax | LogSoftmax           last: the output layer's softmax (LogSoftmax: softmax with loss ce)

Constants are initializers or Constant nodes (and Identity, Transpose or Cast of them).
Decomposed activations are recognised by value: the elementwise nodes between two layers are
evaluated on probe points and compared with each nnviz activation, so any order of the same
arithmetic is read alike. Anything else is refused with one line naming the first node nnviz
cannot read and its op type. The loss: the metadata "nnviz.loss" (files nnviz wrote), else
softmax → ce, sigmoid → bce, anything else → mse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_bytes
from nnviz.engine.model_io import FORMAT, VERSION, model_from_dict
from nnviz.engine.network import Network
from nnviz.engine.onnx_io import LOSS_KEY, require_onnx

SUPPORTED = ("it reads MLPs of Gemm or MatMul+Add layers with Relu, LeakyRelu, Sigmoid, Tanh, Elu, Softplus, "
             "Gelu or Identity, a final Softmax or LogSoftmax, and Flatten or Reshape at the input")
ACTIVATION_OPS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softplus": "softplus",
                  "LeakyRelu": "leaky_relu", "Elu": "elu", "Gelu": "gelu"}
EXACT_GELU = ("is the exact GELU x·Φ(x); nnviz's gelu is the tanh approximation (they differ by up to 5e-4): "
              'export torch.nn.GELU(approximate="tanh") instead')
_erf = np.vectorize(math.erf, otypes=[float])
#: What an elementwise node computes, for recognising a decomposed activation by its values.
ELEMENTWISE = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Pow": np.power,
    "Neg": np.negative, "Sqrt": np.sqrt, "Exp": np.exp, "Log": np.log, "Abs": np.abs, "Erf": _erf,
    "Relu": ACTIVATIONS["relu"].forward, "Sigmoid": ACTIVATIONS["sigmoid"].forward,
    "Tanh": ACTIVATIONS["tanh"].forward, "Softplus": ACTIVATIONS["softplus"].forward,
}
PROBE = np.linspace(-4.0, 4.0, 41)  # where a decomposed activation is compared with nnviz's


@dataclass
class _Layer:
    label: str  # the node that made it, for messages
    weights: np.ndarray  # (out, in)
    biases: np.ndarray  # (out,)
    activation: str | None = None  # None until an activation node is met (then "linear" if none)


def network_from_onnx(path) -> Network:
    """Read ``path`` as a Network; any problem is one NnvizError naming the file."""
    onnx = require_onnx("opening")
    raw = read_bytes(path, "model file")
    from google.protobuf.message import DecodeError  # protobuf comes with onnx

    model = onnx.ModelProto()
    try:
        model.ParseFromString(raw)
    except (DecodeError, ValueError):
        raise NnvizError(f"{path}: not an ONNX model (the file is not a valid ONNX protobuf)") from None
    if not model.graph.node:
        raise NnvizError(f"{path}: not an ONNX model (it holds no graph)")
    try:
        return _GraphReader(path, model, onnx).network()
    except NnvizError:  # a ValueError too, and already one line naming the file
        raise
    except (ValueError, TypeError, KeyError, IndexError) as exc:  # a malformed node or tensor, e.g. Gemm with one input
        raise NnvizError(f"{path}: a malformed ONNX graph ({type(exc).__name__}: {exc})") from None


class _GraphReader:
    """One model's graph: its constants, who uses which tensor, and the walk along the chain."""

    def __init__(self, path, model, onnx):
        self.path = path
        self.onnx = onnx
        self.graph = model.graph
        self.nodes = list(model.graph.node)
        self.metadata = {p.key: p.value for p in model.metadata_props}
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 1)
        self.consts = {t.name: self._tensor(t) for t in model.graph.initializer}
        self.flattened = False  # a Flatten or Reshape at the input: then the input may have any rank
        self.log_softmax = False
        self.folded = self._fold_constants()
        self.users: dict[str, list[int]] = {}
        for i, node in enumerate(self.nodes):
            if i not in self.folded:
                for name in dict.fromkeys(n for n in node.input if n):  # Mul(x, x) uses x once
                    self.users.setdefault(name, []).append(i)

    # ---- messages -------------------------------------------------------------------------------

    def _label(self, i: int) -> str:
        return repr(self.nodes[i].name) if self.nodes[i].name else f"#{i}"

    def _op(self, i: int) -> str:
        node = self.nodes[i]
        return node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"

    def unsupported(self, i: int) -> NnvizError:
        return NnvizError(f"{self.path}: node {self._label(i)} has op type {self._op(i)!r}, which nnviz cannot draw; "
                          f"{SUPPORTED}")

    def refused(self, i: int, why: str) -> NnvizError:
        return NnvizError(f"{self.path}: node {self._label(i)} ({self._op(i)}) {why}")

    # ---- constants ------------------------------------------------------------------------------

    def _tensor(self, tensor) -> np.ndarray:
        if tensor.data_location == self.onnx.TensorProto.EXTERNAL:
            raise NnvizError(f"{self.path}: the tensor {tensor.name!r} is stored in a separate file (ONNX external "
                             "data); nnviz reads .onnx files that hold their weights")
        return self.onnx.numpy_helper.to_array(tensor)

    def _attributes(self, i: int) -> dict:
        return {a.name: self.onnx.helper.get_attribute_value(a) for a in self.nodes[i].attribute}

    def _fold_constants(self) -> set[int]:
        """Constant nodes, and Identity/Transpose/Cast of constants, into ``consts``; their indices."""
        folded = set()
        for i, node in enumerate(self.nodes):
            inputs = [n for n in node.input if n]
            if node.op_type == "Constant":
                attrs = self._attributes(i)
                value = attrs.get("value", attrs.get("value_float", attrs.get("value_floats",
                                  attrs.get("value_int", attrs.get("value_ints")))))
                if value is None:
                    continue  # a sparse or string constant: never a weight, refused where it is used
                self.consts[node.output[0]] = (self._tensor(value) if isinstance(value, self.onnx.TensorProto)
                                               else np.array(value))
            elif node.op_type in ("Identity", "Transpose", "Cast") and inputs and all(n in self.consts for n in inputs):
                value = self.consts[inputs[0]]
                if node.op_type == "Transpose":
                    value = np.transpose(value, self._attributes(i).get("perm"))
                elif node.op_type == "Cast":
                    value = value.astype(self.onnx.helper.tensor_dtype_to_np_dtype(self._attributes(i)["to"]))
                self.consts[node.output[0]] = value
            else:
                continue
            folded.add(i)
        return folded

    def _weight(self, i: int, name: str, ndim: int) -> np.ndarray:
        if name not in self.consts:
            raise self.refused(i, f"takes {name!r} as a weight, but it is not a constant (an initializer)")
        value = np.asarray(self.consts[name], dtype=np.float64)
        if value.ndim != ndim:
            raise self.refused(i, f"has a weight {name!r} of shape {value.shape}; nnviz reads a {ndim}-D one")
        return value

    def _bias(self, i: int, value, n_out: int) -> np.ndarray:
        """A constant added to a layer of ``n_out`` units, as (n_out,): a scalar, (n_out,) or (1, n_out)."""
        value = np.asarray(value, dtype=np.float64)
        if value.size == 1:
            return np.full(n_out, value.item())
        if value.shape not in ((n_out,), (1, n_out)):
            raise self.refused(i, f"adds a bias of shape {value.shape} to a layer of {n_out} units")
        return value.reshape(n_out)

    # ---- the walk -------------------------------------------------------------------------------

    def network(self) -> Network:
        graph = self.graph
        inputs = [v for v in graph.input if v.name not in self.consts]
        if len(inputs) != 1 or len(graph.output) != 1:
            raise NnvizError(f"{self.path}: the graph has {len(inputs)} inputs and {len(graph.output)} outputs; "
                             "nnviz reads models with one of each")
        self.input = inputs[0]
        layers = self._walk(inputs[0].name, graph.output[0].name)
        if not layers:
            raise NnvizError(f"{self.path}: the model has no layers (no Gemm or MatMul node between its input "
                             "and its output)")
        self._check_input_size(layers[0])
        activations = [layer.activation or "linear" for layer in layers]
        loss = self.metadata.get(LOSS_KEY) or ("ce" if self.log_softmax or activations[-1] == "softmax"
                                              else "bce" if activations[-1] == "sigmoid" else "mse")
        try:
            return model_from_dict({
                "format": FORMAT, "version": VERSION, "loss": loss, "activations": activations,
                "layers": [layers[0].weights.shape[1], *(layer.weights.shape[0] for layer in layers)],
                "weights": [layer.weights for layer in layers], "biases": [layer.biases for layer in layers]})
        except NnvizError as exc:
            raise NnvizError(f"{self.path}: {exc}") from None

    def _walk(self, tensor: str, output: str) -> list[_Layer]:
        """Follow the chain from ``tensor`` to ``output``; the layers met on the way."""
        layers: list[_Layer] = []
        ended = False
        seen: set[int] = set()
        while True:
            users = self.users.get(tensor, [])
            if not users:
                if tensor != output:
                    raise NnvizError(f"{self.path}: the tensor {tensor!r} leads nowhere (it is not the output "
                                     f"{output!r})")
                return layers
            i = users[0]
            if i in seen:
                raise self.refused(i, "is part of a cycle; an ONNX graph must not have one")
            seen.add(i)
            node, op = self.nodes[i], self._op(i)
            if tensor == output:
                raise self.refused(i, f"uses the model's output {output!r}; nnviz reads one chain ending there")
            if ended and op != "Identity":
                raise self.refused(i, "comes after the final Softmax; nnviz reads it only as the last node")
            last = layers[-1] if layers else None
            open_layer = last is not None and last.activation is None
            if len(users) > 1 or not self._reads(i, tensor, open_layer):
                tensor = self._decomposed_activation(tensor, last)
                continue
            if op in ("Flatten", "Reshape"):
                self._check_flatten(i, first=not layers)
            elif op in ("Gemm", "MatMul"):
                if open_layer:
                    last.activation = "linear"
                layers.append(self._layer(i, tensor, last))
            elif op == "Add":
                other = next((n for n in node.input if n != tensor), tensor)
                last.biases += self._bias(i, self.consts[other], last.biases.size)
            elif op in ACTIVATION_OPS:
                self._attach(i, last, self._activation(i))
            elif op in ("Softmax", "LogSoftmax"):
                self._check_softmax_axis(i)
                self._attach(i, last, "softmax")
                self.log_softmax = op == "LogSoftmax"
                ended = True
            tensor = node.output[0]

    def _reads(self, i: int, tensor: str, open_layer: bool) -> bool:
        """True for a node the walk takes as it is (the rest is an elementwise activation or refused)."""
        op = self._op(i)
        if op == "Add":  # a bias: a constant added to a layer's z
            inputs = self.nodes[i].input
            return open_layer and len(inputs) == 2 and any(n != tensor and n in self.consts for n in inputs)
        return op in ("Flatten", "Reshape", "Gemm", "MatMul", "Identity", "Softmax", "LogSoftmax", *ACTIVATION_OPS)

    def _check_flatten(self, i: int, first: bool) -> None:
        if not first:
            raise self.refused(i, "comes after a layer; nnviz reads Flatten or Reshape only at the input")
        node = self.nodes[i]
        if node.op_type == "Flatten" and self._attributes(i).get("axis", 1) != 1:
            raise self.refused(i, f"has axis {self._attributes(i)['axis']}; nnviz reads Flatten(axis=1) only")
        if node.op_type == "Reshape":
            shape = self.consts.get(node.input[1]) if len(node.input) > 1 else None
            if shape is None or np.asarray(shape).shape != (2,):
                raise self.refused(i, "does not reshape to a constant (batch, features); nnviz reads that only")
        self.flattened = True

    def _layer(self, i: int, tensor: str, before: _Layer | None) -> _Layer:
        node, label = self.nodes[i], self._label(i)
        if node.op_type == "MatMul":
            if node.input[0] != tensor:
                raise self.refused(i, "multiplies a constant by the layer's input (W·x); nnviz reads x·W")
            weights, biases = self._weight(i, node.input[1], 2).T, None
        else:
            attrs = self._attributes(i)
            if node.input[0] != tensor or attrs.get("transA", 0):
                raise self.refused(i, "does not take the layer's input as A without transA; nnviz reads Gemm(x, W)")
            b = self._weight(i, node.input[1], 2)
            weights = attrs.get("alpha", 1.0) * (b if attrs.get("transB", 0) else b.T)
            has_c = len(node.input) > 2 and node.input[2]
            biases = (attrs.get("beta", 1.0) * self._bias(i, self._bias_constant(i, node.input[2]), weights.shape[0])
                      if has_c else None)
        if before is not None and weights.shape[1] != before.weights.shape[0]:
            raise NnvizError(f"{self.path}: node {label} ({node.op_type}) takes {weights.shape[1]} inputs but the "
                             f"layer before it ({before.label}) has {before.weights.shape[0]} units")
        return _Layer(label, weights, np.zeros(weights.shape[0]) if biases is None else biases)

    def _bias_constant(self, i: int, name: str) -> np.ndarray:
        if name not in self.consts:
            raise self.refused(i, f"takes {name!r} as a bias, but it is not a constant (an initializer)")
        return self.consts[name]

    def _activation(self, i: int) -> str:
        op, attrs = self.nodes[i].op_type, self._attributes(i)
        nnviz_alpha = {"LeakyRelu": ACTIVATIONS["leaky_relu"].alpha, "Elu": 1.0}.get(op)
        if nnviz_alpha is not None:
            alpha = attrs.get("alpha", 0.01 if op == "LeakyRelu" else 1.0)
            if np.float32(alpha) != np.float32(nnviz_alpha):  # attributes are float32
                raise self.refused(i, f"has alpha {alpha:.6g}; nnviz's {ACTIVATION_OPS[op]} has alpha {nnviz_alpha:g}")
        if op == "Gelu" and attrs.get("approximate", b"none") not in (b"tanh", "tanh"):
            raise self.refused(i, EXACT_GELU)
        return ACTIVATION_OPS[op]

    def _check_softmax_axis(self, i: int) -> None:
        axis = self._attributes(i).get("axis", -1 if self.opset >= 13 else 1)
        if axis not in (-1, 1):  # the tensor is (batch, units)
            raise self.refused(i, f"normalizes over axis {axis}; nnviz's softmax is over the units (axis -1)")

    def _attach(self, i: int, layer: _Layer | None, activation: str) -> None:
        if layer is None:
            raise self.refused(i, "comes before the first Gemm or MatMul layer; nnviz applies activations to layers")
        if layer.activation is not None:
            raise self.refused(i, "follows another activation; nnviz has one activation per layer")
        layer.activation = activation

    def _check_input_size(self, first: _Layer) -> None:
        """The input's declared shape, where it is known, must fit the first layer."""
        if not self.input.type.tensor_type.HasField("shape"):
            return
        dims = [d.dim_value if d.HasField("dim_value") else None for d in self.input.type.tensor_type.shape.dim]
        if len(dims) != 2 and not self.flattened:
            raise NnvizError(f"{self.path}: the input {self.input.name!r} has {len(dims)} dimensions; nnviz reads "
                             "(batch, features), or a Flatten first")
        features = math.prod(dims[1:]) if None not in dims[1:] else None
        if features is not None and features != first.weights.shape[1]:
            raise NnvizError(f"{self.path}: the input {self.input.name!r} has {features} features but the first "
                             f"layer ({first.label}) takes {first.weights.shape[1]}")

    # ---- decomposed activations -----------------------------------------------------------------

    def _decomposed_activation(self, tensor: str, layer: _Layer | None) -> str:
        """The elementwise nodes from ``tensor`` on, if they compute one of nnviz's activations
        (attached to ``layer``); the tensor they end in. Refused otherwise, naming the first
        node nnviz cannot read."""
        inside, produced = self._elementwise_from(tensor)
        users = self.users[tensor]
        if not inside.issuperset(users):
            if len(users) == 1:
                raise self.unsupported(users[0])
            raise self.refused(users[1], f"uses {tensor!r}, as node {self._label(users[0])} does; nnviz reads one "
                                         "chain of layers, without branches")
        ends = [t for t in produced if t == self.graph.output[0].name
                or any(j not in inside for j in self.users.get(t, []))]
        first = min(inside)
        if len(ends) != 1:
            raise self.refused(first, "starts a branch; nnviz reads one chain of layers")
        values = self._evaluate(tensor, sorted(inside))
        match = values is not None and next(
            (name for name, act in ACTIVATIONS.items()
             if not act.output_only and np.allclose(values[ends[0]], act.forward(PROBE), rtol=1e-5, atol=1e-6)), None)
        if not match:
            exact_gelu = 0.5 * PROBE * (1.0 + _erf(PROBE / math.sqrt(2.0)))
            erf = next((j for j in sorted(inside) if self.nodes[j].op_type == "Erf"), None)
            if erf is not None and values is not None and np.allclose(values[ends[0]], exact_gelu, rtol=1e-5,
                                                                      atol=1e-6):
                raise self.refused(erf, EXACT_GELU)
            odd = [j for j in sorted(inside) if self._op(j) not in ACTIVATION_OPS]
            raise self.unsupported(odd[0] if odd else first)
        self._attach(first, layer, match)
        return ends[0]

    def _elementwise_from(self, tensor: str) -> tuple[set[int], list[str]]:
        """The elementwise nodes computed from ``tensor`` and constants alone; the tensors they make."""
        inside: set[int] = set()
        produced = [tensor]
        known = {tensor}
        grown = True
        while grown:
            grown = False
            for i, node in enumerate(self.nodes):
                inputs = [n for n in node.input if n]
                computable = all(n in known or n in self.consts for n in inputs) and any(n in known for n in inputs)
                if i in inside or i in self.folded or self._op(i) not in ELEMENTWISE or not computable:
                    continue
                inside.add(i)
                produced += node.output
                known.update(node.output)
                grown = True
        return inside, produced[1:]

    def _evaluate(self, tensor: str, order: list[int]) -> dict[str, np.ndarray] | None:
        """Every tensor of the elementwise nodes ``order`` at x = PROBE; None when a constant is not a scalar."""
        values = {tensor: PROBE}
        with np.errstate(all="ignore"):  # e.g. Log of a negative: then no activation matches, which is the answer
            for i in order:
                args = []
                for name in (n for n in self.nodes[i].input if n):
                    if name in values:
                        args.append(values[name])
                    elif np.size(self.consts[name]) == 1:
                        args.append(np.asarray(self.consts[name], dtype=np.float64).reshape(()))
                    else:  # a per-unit constant: not an activation nnviz has
                        return None
                values[self.nodes[i].output[0]] = np.asarray(ELEMENTWISE[self.nodes[i].op_type](*args), dtype=float)
        return values
