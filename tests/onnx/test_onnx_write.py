"""Saving ONNX (engine.onnx_io through model_io.save_model): a standard, checked graph that
onnxruntime runs with nnviz's outputs, for every activation nnviz has; read back unchanged."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
from onnx_graphs import assert_same_outputs, run

from nnviz.engine.activations import HIDDEN_ACTIVATIONS
from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network

OUTPUTS = {"softmax": "ce", "sigmoid": "bce", "linear": "mse", "tanh": "mse"}


def float32_network(layers, activations, loss, seed=0) -> Network:
    """A network whose weights are float32 values (so ONNX holds them exactly), biases nonzero."""
    network = Network(layers, activations, loss)
    rng = np.random.default_rng(seed)
    network.initialize("xavier", rng)
    for b in network.biases:
        b[...] = rng.normal(0, 0.5, b.shape)
    network.set_params(network.params.astype(np.float32))
    return network


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_onnxruntime_runs_every_activation_as_nnviz_does(tmp_path, hidden, output):
    network = float32_network([4, 7, 5, 3], [hidden, hidden, output], OUTPUTS[output])
    path = tmp_path / "m.onnx"
    save_model(network, path)
    x = np.random.default_rng(1).normal(size=(100, 4)).astype(np.float32).astype(np.float64)
    assert_same_outputs(network.predict(x), run(path, x))
    back = load_model(path)
    assert back.layers == network.layers and back.activation_names == network.activation_names
    assert back.loss_name == network.loss_name
    assert np.array_equal(back.params, network.params)


def test_the_graph_is_standard(tmp_path):
    """Gemm(transB=1) per layer with W (out, in), a symbolic batch, opset 17 / IR 8 (20 / 9 for Gelu)."""
    network = float32_network([2, 3, 2], ["tanh", "softmax"], "ce")
    save_model(network, tmp_path / "m.onnx")
    model = onnx.load(str(tmp_path / "m.onnx"))
    onnx.checker.check_model(model, full_check=True)
    assert (model.ir_version, model.opset_import[0].version) == (8, 17)
    assert [n.op_type for n in model.graph.node] == ["Gemm", "Tanh", "Gemm", "Softmax"]
    assert all(a.name == "transB" and a.i == 1 for a in model.graph.node[0].attribute)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    assert weights["layer1.weight"].dtype == np.float32 and weights["layer1.weight"].shape == (3, 2)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert (model.graph.input[0].name, dims[0].dim_param, dims[1].dim_value) == ("input", "N", 2)
    assert {p.key: p.value for p in model.metadata_props} == {"nnviz.loss": "ce"}

    save_model(float32_network([2, 3, 1], ["gelu", "sigmoid"], "bce"), tmp_path / "g.onnx")
    model = onnx.load(str(tmp_path / "g.onnx"))
    assert (model.ir_version, model.opset_import[0].version) == (9, 20)
    assert [(n.op_type, [a.s for a in n.attribute]) for n in model.graph.node if n.op_type == "Gelu"] == [
        ("Gelu", [b"tanh"])]


def test_json_onnx_json_keeps_float32_weights_bit_for_bit(tmp_path):
    """float64 → float32 loses precision, so "bit-identical" means: a model whose weights are
    float32 values comes back with exactly those weights (np.array_equal), loss and all."""
    network = float32_network([3, 8, 8, 2], ["relu", "relu", "softmax"], "ce")
    save_model(network, tmp_path / "a.json")
    save_model(load_model(tmp_path / "a.json"), tmp_path / "a.onnx")
    save_model(load_model(tmp_path / "a.onnx"), tmp_path / "b.json")
    a, b = (json.loads((tmp_path / name).read_text()) for name in ("a.json", "b.json"))
    assert a == b
    assert np.array_equal(load_model(tmp_path / "b.json").params, network.params)


def test_float64_weights_are_rounded_to_float32(tmp_path):
    network = Network([2, 3, 1], ["tanh", "sigmoid"], "mse")
    network.initialize("xavier", np.random.default_rng(0))
    save_model(network, tmp_path / "m.onnx")
    back = load_model(tmp_path / "m.onnx")
    assert not np.array_equal(back.params, network.params)
    assert np.array_equal(back.params, network.params.astype(np.float32).astype(np.float64))
    assert back.loss_name == "mse"  # kept in the metadata, though a sigmoid output alone would say bce


def test_weights_beyond_float32_are_not_saved(tmp_path):
    network = Network([1, 1], ["linear"], "mse")
    network.set_layer(0, [[1e39]], [0.0])
    with pytest.raises(NnvizError) as caught:
        save_model(network, tmp_path / "m.onnx")
    assert str(caught.value) == ("the network holds a weight of 1e+39, beyond the float32 range (±3.4e38) of an ONNX "
                                 "model; it was not saved")
    assert list(tmp_path.iterdir()) == []
