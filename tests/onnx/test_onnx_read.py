"""Opening ONNX MLPs (engine.onnx_read through model_io.load_model): every supported op, Gemm and
MatMul+Add layers, Flatten/Reshape at the input, the loss chosen from the output; nnviz's forward
pass equals onnxruntime's, and the weights are the initializers exactly. Anything else is one line
naming the first node nnviz cannot read."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper, numpy_helper
from onnx_graphs import (
    IN,
    OUT,
    assert_same_outputs,
    const,
    gelu_erf_torchscript,
    gelu_tanh_dynamo,
    gelu_tanh_torchscript,
    gemm,
    matmul_add,
    mlp,
    random_layers,
    run,
    silu,
    unary,
    write,
)

from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model

SIZES = [3, 6, 5, 2]
SUPPORTED = ("it reads MLPs of Gemm or MatMul+Add layers with Relu, LeakyRelu, Sigmoid, Tanh, Elu, Softplus, "
             "Gelu or Identity, a final Softmax or LogSoftmax, and Flatten or Reshape at the input")


def op(op_type, **attrs):
    return lambda x, out: unary(op_type, x, out, **attrs)


def identity_then(name):
    """Identity nodes around an activation (tf2onnx leaves some): skipped."""
    def nodes(x, out):
        return ([helper.make_node("Identity", [x], [f"{out}.i"], name=f"{out}/Identity"),
                 helper.make_node(name, [f"{out}.i"], [out], name=f"{out}/{name}")], [])
    return nodes


def read_and_compare(tmp_path, nodes, inits, layers, opset=17, x=None, **kwargs):
    """Write the graph, read it with nnviz, check weights exactly and the forward pass against onnxruntime."""
    path = write(tmp_path / "m.onnx", nodes, inits, layers[0][0].shape[1], layers[-1][0].shape[0], opset=opset,
                 **kwargs)
    network = load_model(path)
    for k, (w, b) in enumerate(layers):
        assert np.array_equal(network.weights[k], w.astype(np.float64)), k
        assert np.array_equal(network.biases[k], b.astype(np.float64)), k
    x = np.random.default_rng(7).normal(0, 1, (64, network.layers[0])) if x is None else x
    x = x.astype(np.float32).astype(np.float64)  # what onnxruntime sees
    return network, path, x


HIDDEN = {
    "relu": (op("Relu"), 17),
    "leaky_relu": (op("LeakyRelu", alpha=0.01), 17),
    "sigmoid": (op("Sigmoid"), 17),
    "tanh": (op("Tanh"), 17),
    "elu": (op("Elu"), 17),
    "softplus": (op("Softplus"), 17),
    "gelu": (op("Gelu", approximate="tanh"), 20),
    "gelu/torchscript": (gelu_tanh_torchscript, 17),
    "gelu/dynamo": (gelu_tanh_dynamo, 18),
    "silu": (silu, 17),
    "linear/identity": (op("Identity"), 17),
    "tanh/identity": (identity_then("Tanh"), 17),
}


@pytest.mark.parametrize("case", HIDDEN)
def test_each_hidden_activation_reads_and_matches_onnxruntime(tmp_path, case):
    hidden, opset = HIDDEN[case]
    layers = random_layers(np.random.default_rng(1), SIZES)
    network, path, x = read_and_compare(tmp_path, *mlp(layers, hidden), layers, opset=opset)
    name = case.split("/")[0]
    assert network.activation_names == (name, name, "linear")
    assert network.loss_name == "mse"
    assert_same_outputs(network.predict(x), run(path, x))


@pytest.mark.parametrize("output, activation, loss", [
    (op("Softmax", axis=-1), "softmax", "ce"),
    (op("Softmax", axis=1), "softmax", "ce"),
    (op("Sigmoid"), "sigmoid", "bce"),
    (op("Tanh"), "tanh", "mse"),
    (None, "linear", "mse"),
])
def test_the_loss_is_chosen_from_the_output(tmp_path, output, activation, loss):
    layers = random_layers(np.random.default_rng(2), SIZES)
    network, path, x = read_and_compare(tmp_path, *mlp(layers, op("Relu"), output), layers)
    assert network.activation_names == ("relu", "relu", activation) and network.loss_name == loss
    assert_same_outputs(network.predict(x), run(path, x))


def test_log_softmax_is_a_softmax_output_with_cross_entropy(tmp_path):
    layers = random_layers(np.random.default_rng(3), SIZES)
    network, path, x = read_and_compare(tmp_path, *mlp(layers, op("Relu"), op("LogSoftmax", axis=-1)), layers)
    assert network.activation_names[-1] == "softmax" and network.loss_name == "ce"
    assert_same_outputs(np.log(network.predict(x)), run(path, x))  # onnxruntime gives log-probabilities


@pytest.mark.parametrize("bias_first", [False, True])
def test_a_matmul_add_mlp(tmp_path, bias_first):
    layers = random_layers(np.random.default_rng(4), SIZES)
    def layer(k, x, w, b, out):
        return matmul_add(k, x, w, b, out, bias_first=bias_first)

    network, path, x = read_and_compare(tmp_path, *mlp(layers, op("Tanh"), op("Softmax"), layer=layer), layers)
    assert network.layers == tuple(SIZES) and network.activation_names == ("tanh", "tanh", "softmax")
    assert_same_outputs(network.predict(x), run(path, x))


def test_a_gemm_mlp_with_alpha_beta_and_without_trans_b(tmp_path):
    layers = random_layers(np.random.default_rng(5), SIZES)
    def layer(k, x, w, b, out):
        return gemm(k, x, w, b, out, trans_b=k != 1, alpha=2.0, beta=0.5)

    network, path, x = read_and_compare(tmp_path, *mlp(layers, op("Relu"), op("Sigmoid"), layer=layer), layers)
    assert network.layers == tuple(SIZES) and network.loss_name == "bce"
    assert_same_outputs(network.predict(x), run(path, x))


def test_a_matmul_without_bias_and_a_gemm_without_c(tmp_path):
    (w0, _), (w1, _) = random_layers(np.random.default_rng(6), [3, 4, 2])
    nodes = [helper.make_node("MatMul", [IN, "k0"], ["z0"], name="mm"), helper.make_node("Relu", ["z0"], ["a0"]),
             helper.make_node("Gemm", ["a0", "w1"], [OUT], name="gemm", transB=1)]
    path = write(tmp_path / "m.onnx", nodes, [const("k0", w0.T), const("w1", w1)], 3, 2)
    network = load_model(path)
    assert not network.biases[0].any() and not network.biases[1].any()
    x = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32).astype(np.float64)
    assert_same_outputs(network.predict(x), run(path, x))


def test_weights_from_constant_nodes_and_a_transpose(tmp_path):
    """torch sometimes writes weights as Constant nodes; a Transpose of a constant is folded."""
    (w0, b0), (w1, b1) = random_layers(np.random.default_rng(8), [3, 4, 2])
    def constant(name, v):
        return helper.make_node("Constant", [], [name], name=f"c_{name}", value=numpy_helper.from_array(v, name))

    nodes = [constant("w0", w0), constant("b0", b0), constant("w1", w1),
             helper.make_node("Transpose", ["w1"], ["w1t"], perm=[1, 0]),
             helper.make_node("Gemm", [IN, "w0", "b0"], ["z0"], name="fc0", transB=1),
             helper.make_node("Elu", ["z0"], ["a0"]),
             helper.make_node("MatMul", ["a0", "w1t"], ["z1"], name="fc1"),
             helper.make_node("Add", ["z1", "b1"], [OUT], name="add1")]
    path = write(tmp_path / "m.onnx", nodes, [const("b1", b1)], 3, 2)
    network = load_model(path)
    assert network.activation_names == ("elu", "linear")
    np.testing.assert_array_equal(network.weights[1], w1)
    x = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32).astype(np.float64)
    assert_same_outputs(network.predict(x), run(path, x))


@pytest.mark.parametrize("first", ["flatten", "reshape"])
def test_flatten_or_reshape_at_the_input(tmp_path, first):
    layers = random_layers(np.random.default_rng(9), [4, 3, 2])
    if first == "flatten":
        head = [helper.make_node("Flatten", [IN], ["flat"], name="flatten", axis=1)], []
    else:
        head = ([helper.make_node("Reshape", [IN, "shape"], ["flat"], name="reshape")],
                [numpy_helper.from_array(np.array([-1, 4], dtype=np.int64), "shape")])
    nodes, inits = mlp(layers, op("Relu"), op("Softmax"), x="flat")
    path = write(tmp_path / "m.onnx", head[0] + nodes, head[1] + inits, 4, 2, in_shape=["N", 1, 2, 2])
    network = load_model(path)
    assert network.layers == (4, 3, 2)
    x = np.random.default_rng(0).normal(size=(10, 1, 2, 2)).astype(np.float32)
    assert_same_outputs(network.predict(x.reshape(10, 4).astype(np.float64)), run(path, x))


# ---- refused, one line naming the node -------------------------------------------------------


def refusal(path) -> str:
    with pytest.raises(NnvizError) as caught:
        load_model(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_a_conv_graph_is_refused_naming_the_node_and_its_op(tmp_path):
    nodes = [helper.make_node("Conv", [IN, "k"], ["c"], name="conv1"), helper.make_node("Flatten", ["c"], ["f"]),
             helper.make_node("Gemm", ["f", "w", "b"], [OUT], name="fc", transB=1)]
    inits = [const("k", np.ones((2, 1, 3, 3))), const("w", np.ones((1, 8))), const("b", [0.0])]
    path = write(tmp_path / "conv.onnx", nodes, inits, 1, 1, in_shape=["N", 1, 4, 4])
    assert refusal(path) == f"{path}: node 'conv1' has op type 'Conv', which nnviz cannot draw; {SUPPORTED}"


def bad_graph(tmp_path, hidden=None, output=None, layer=gemm, **kwargs):
    """A 3-4-2 MLP (Relu, Softmax unless given) to break in one place."""
    layers = random_layers(np.random.default_rng(0), [3, 4, 2])
    nodes, inits = mlp(layers, hidden or op("Relu"), output or op("Softmax"), layer=layer)
    return write(tmp_path / "bad.onnx", nodes, inits, 3, 2, **kwargs)


@pytest.mark.parametrize("hidden, opset, expected", [
    (op("HardSigmoid", name="hs"), 17, "node 'hs' has op type 'HardSigmoid', which nnviz cannot draw; "),
    (op("LeakyRelu", alpha=0.2, name="lr"), 17,
     "node 'lr' (LeakyRelu) has alpha 0.2; nnviz's leaky_relu has alpha 0.01"),
    (op("Elu", alpha=0.5, name="elu"), 17, "node 'elu' (Elu) has alpha 0.5; nnviz's elu has alpha 1"),
    (op("Gelu", name="g"), 20, "node 'g' (Gelu) is the exact GELU x·Φ(x); nnviz's gelu is the tanh approximation"),
    (gelu_erf_torchscript, 17, "node 'fc0.a/Erf' (Erf) is the exact GELU x·Φ(x); nnviz's gelu is the tanh"),
    (lambda x, out: ([helper.make_node("Mul", [x, "two"], [out], name="scale")], [const("two", 2.0)]), 17,
     "node 'scale' has op type 'Mul', which nnviz cannot draw"),
])
def test_an_activation_nnviz_does_not_have_is_refused(tmp_path, hidden, opset, expected):
    path = bad_graph(tmp_path, hidden, opset=opset)
    assert refusal(path).startswith(f"{path}: {expected}")


def test_an_erf_gelu_message_says_what_to_export_instead(tmp_path):
    path = bad_graph(tmp_path, gelu_erf_torchscript)
    assert refusal(path).endswith('export torch.nn.GELU(approximate="tanh") instead')


def test_a_scaled_softplus_is_refused_at_its_first_node(tmp_path):
    """torch's Softplus(beta=2) exports as Mul, Softplus, Div: not nnviz's softplus."""
    def softplus2(x, out):
        nodes = [helper.make_node("Mul", [x, "two"], ["bx"], name="sp/Mul"),
                 helper.make_node("Softplus", ["bx"], ["s"], name="sp/Softplus"),
                 helper.make_node("Div", ["s", "two"], [out], name="sp/Div")]
        return nodes, [const("two", 2.0)]

    path = bad_graph(tmp_path, softplus2)
    assert refusal(path).startswith(f"{path}: node 'sp/Mul' has op type 'Mul', which nnviz cannot draw")


def test_a_residual_branch_is_refused(tmp_path):
    (w0, b0), = random_layers(np.random.default_rng(0), [3, 3])
    nodes = [helper.make_node("Gemm", [IN, "w", "b"], ["z"], name="fc", transB=1),
             helper.make_node("Add", ["z", IN], [OUT], name="skip")]
    path = write(tmp_path / "res.onnx", nodes, [const("w", w0), const("b", b0)], 3, 3)
    assert refusal(path) == (f"{path}: node 'skip' (Add) uses 'x', as node 'fc' does; nnviz reads one chain "
                             "of layers, without branches")


def test_trans_a_softmax_axis_and_two_activations_are_refused(tmp_path):
    def trans_a(k, x, w, b, out):
        return ([helper.make_node("Gemm", [x, f"w{k}", f"b{k}"], [out], name=f"fc{k}", transA=1, transB=1)],
                [const(f"w{k}", w), const(f"b{k}", b)])

    path = bad_graph(tmp_path, layer=trans_a)
    assert refusal(path).startswith(f"{path}: node 'fc0' (Gemm) does not take the layer's input as A without transA")
    path = bad_graph(tmp_path, output=op("Softmax", axis=0, name="sm"))
    assert refusal(path) == (f"{path}: node 'sm' (Softmax) normalizes over axis 0; nnviz's softmax is over the units "
                             "(axis -1)")
    path = bad_graph(tmp_path, output=lambda x, out: ([helper.make_node("Sigmoid", [x], ["s"], name="s1"),
                                                       helper.make_node("Softmax", ["s"], [out], name="sm")], []))
    assert refusal(path) == (f"{path}: node 'sm' (Softmax) follows another activation; nnviz has one activation "
                             "per layer")


def test_broken_files_are_one_line_each(tmp_path):
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x0a\xff\xff\xff\xff\x0f nonsense")
    assert refusal(garbage) == f"{garbage}: not an ONNX model (the file is not a valid ONNX protobuf)"
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert refusal(empty) == f"{empty}: not an ONNX model (it holds no graph)"
    assert refusal(tmp_path / "missing.onnx") == f"{tmp_path / 'missing.onnx'}: no such file"
    graph = helper.make_graph([helper.make_node("Gemm", [IN], [OUT], name="fc")], "g",  # a Gemm without B
                              [helper.make_tensor_value_info(IN, 1, ["N", 2])],
                              [helper.make_tensor_value_info(OUT, 1, [])])
    malformed = tmp_path / "malformed.onnx"
    malformed.write_bytes(helper.make_model(graph).SerializeToString())  # onnx.checker would refuse it
    assert refusal(malformed).startswith(f"{malformed}: a malformed ONNX graph (IndexError: ")


def test_no_layers_shapes_that_do_not_chain_and_non_finite_weights(tmp_path):
    path = write(tmp_path / "relu.onnx", *unary("Relu", IN, OUT, name="r"), 3, 3)
    assert refusal(path) == (f"{path}: node 'r' (Relu) comes before the first Gemm or MatMul layer; nnviz applies "
                             "activations to layers")
    path = write(tmp_path / "id.onnx", *unary("Identity", IN, OUT), 3, 3)
    assert refusal(path) == f"{path}: the model has no layers (no Gemm or MatMul node between its input and its output)"

    (w0, b0), (w1, b1) = random_layers(np.random.default_rng(0), [3, 4, 2])
    nodes = mlp([(w0, b0), (np.ones((2, 5), np.float32), b1)], op("Relu"))[0]
    path = write(tmp_path / "chain.onnx", nodes, [const("fc0.weight", w0), const("fc0.bias", b0),
                                                 const("fc1.weight", np.ones((2, 5))), const("fc1.bias", b1)], 3, 2)
    assert refusal(path) == f"{path}: node 'fc1' (Gemm) takes 5 inputs but the layer before it ('fc0') has 4 units"

    w0[1, 2] = np.nan
    path = write(tmp_path / "nan.onnx", *mlp([(w0, b0), (w1, b1)], op("Relu")), 3, 2)
    assert refusal(path) == f"{path}: weights[0] holds a value that is not a finite number"


def test_an_input_that_does_not_fit_the_first_layer(tmp_path):
    path = bad_graph(tmp_path, in_shape=["N", 5])
    assert refusal(path) == f"{path}: the input 'x' has 5 features but the first layer ('fc0') takes 3"
