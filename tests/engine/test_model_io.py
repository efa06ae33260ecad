"""Model files: round trip, atomic writes, and every validation error."""

from __future__ import annotations

import copy
import json
import os

import numpy as np
import pytest

from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import (
    FORMAT, VERSION, load_model, model_from_dict, model_to_dict, save_model, write_atomic,
)
from nnviz.engine.network import Network


def sample_network(seed: int = 0) -> Network:
    net = Network([3, 4, 2], ["tanh", "softmax"], "ce")
    rng = np.random.default_rng(seed)
    net.set_params(rng.normal(size=net.size) * np.array([1e-300, 1.0, 1e300 ** 0.5, -3.7] * 100)[: net.size])
    return net


def good_dict() -> dict:
    return {
        "format": "nnviz-model", "version": 1, "layers": [2, 3, 1],
        "activations": ["tanh", "sigmoid"], "loss": "bce",
        "weights": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8, 0.9]]],
        "biases": [[0.01, 0.02, 0.03], [0.04]],
    }


def write_json(path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


# ---- round trip ----------------------------------------------------------------------------------

def test_round_trip_bit_identical(tmp_path):
    net = sample_network()
    net.biases[0][0] = 0.1 + 0.2  # a number without a short decimal form
    net.weights[1][1, 3] = -0.0
    path = tmp_path / "model.json"
    save_model(net, path)
    back = load_model(path)
    assert back.layers == net.layers
    assert back.activation_names == net.activation_names
    assert back.loss_name == net.loss_name
    assert back.params.tobytes() == net.params.tobytes()  # bit for bit, signed zero included
    x = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_array_equal(back.predict(x), net.predict(x))


def test_file_contents(tmp_path):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.set_layer(0, [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [0.01, 0.02, 0.03])
    net.set_layer(1, [[0.7, 0.8, 0.9]], [0.04])
    path = tmp_path / "m.json"
    save_model(net, path)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert json.loads(text) == good_dict()
    assert model_to_dict(net) == good_dict()
    assert FORMAT == "nnviz-model" and VERSION == 1


def test_model_from_dict_good():
    net = model_from_dict(good_dict())
    np.testing.assert_array_equal(net.weights[0], [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    np.testing.assert_array_equal(net.biases[1], [0.04])
    assert net.describe() == "2-3-1 (tanh, sigmoid; loss bce)"


def test_integers_are_accepted_as_numbers():
    d = good_dict()
    d["weights"][1] = [[1, 0, -2]]
    net = model_from_dict(d)
    np.testing.assert_array_equal(net.weights[1], [[1.0, 0.0, -2.0]])


# ---- atomic writes ------------------------------------------------------------------------------

def test_atomic_write_leaves_no_temp_files(tmp_path):
    path = tmp_path / "model.json"
    save_model(sample_network(), path)
    save_model(sample_network(1), path)  # overwrite
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    np.testing.assert_array_equal(load_model(path).params, sample_network(1).params)


def test_write_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "a.txt"
    write_atomic(path, "x" * 1000)
    write_atomic(path, "short")
    assert path.read_text(encoding="utf-8") == "short"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_write_atomic_failure_cleans_up(tmp_path):
    target = tmp_path / "folder"
    target.mkdir()
    with pytest.raises(NnvizError, match="cannot write"):
        write_atomic(target, "text")  # renaming a file over a folder fails
    assert os.listdir(tmp_path) == ["folder"]
    assert os.listdir(target) == []
    with pytest.raises(NnvizError, match="cannot write there"):
        write_atomic(tmp_path / "missing" / "m.json", "text")


def test_save_refuses_nan_and_keeps_existing_file(tmp_path):
    path = tmp_path / "model.json"
    save_model(sample_network(), path)
    before = path.read_bytes()
    for bad in (np.nan, np.inf, -np.inf):
        net = sample_network(2)
        net.weights[0][1, 1] = bad
        with pytest.raises(NnvizError, match="NaN or infinite"):
            save_model(net, path)
        assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]
    fresh = tmp_path / "new.json"
    net = sample_network(2)
    net.biases[1][0] = np.nan
    with pytest.raises(NnvizError, match="not saved"):
        save_model(net, fresh)
    assert not fresh.exists()


# ---- validation --------------------------------------------------------------------------------------

def mutated(**changes) -> dict:
    d = copy.deepcopy(good_dict())
    for key, value in changes.items():
        if value is KeyError:
            del d[key]
        else:
            d[key] = value
    return d


BAD_DICTS = [
    (mutated(format="keras"), 'not an nnviz model ("format" must be "nnviz-model")'),
    (mutated(format=KeyError), "not an nnviz model"),
    (mutated(version=2), "model version 2 is not supported (this nnviz reads version 1); it was written by a newer nnviz"),
    (mutated(version=0), "model version 0 is not supported"),
    (mutated(version="1"), "model version '1' is not supported"),
    (mutated(version=KeyError), "model version None is not supported"),
    (mutated(layers=KeyError), 'the model has no "layers" field'),
    (mutated(activations=KeyError), 'the model has no "activations" field'),
    (mutated(loss=KeyError), 'the model has no "loss" field'),
    (mutated(weights=KeyError), 'the model has no "weights" field'),
    (mutated(biases=KeyError), 'the model has no "biases" field'),
    (mutated(layers="2-3-1"), '"layers" must be a list of whole numbers'),
    (mutated(layers=[2, 3.5, 1]), '"layers" must be a list of whole numbers'),
    (mutated(layers=[2, True, 1]), '"layers" must be a list of whole numbers'),
    (mutated(layers=[2, 0, 1]), "layer 1 must have 1 to"),
    (mutated(activations="tanh"), '"activations" must be a list of names'),
    (mutated(activations=["tanh", 3]), '"activations" must be a list of names'),
    (mutated(activations=["tanh", "sigmod"]), "unknown activation 'sigmod'"),
    (mutated(activations=["tanh"]), "2 activations needed"),
    (mutated(loss=1), '"loss" must be a name'),
    (mutated(loss="mae"), "unknown loss 'mae'"),
    (mutated(loss="ce"), "loss 'ce' needs a softmax output layer"),
    (mutated(weights={"0": 1}), '"weights" must be a list with one entry per non-input layer (2)'),
    (mutated(weights=[[[0.1, 0.2]] * 3]), '"weights" must be a list with one entry per non-input layer (2)'),
    (mutated(biases=[[0.0] * 3]), '"biases" must be a list with one entry per non-input layer (2)'),
    (mutated(weights=[[[0.1, 0.2]] * 3, [[0.7, 0.8]]]), r"weights\[1\] has shape \(1, 2\), expected \(1, 3\)"),
    (mutated(weights=[[[0.1, 0.2, 0.3]] * 3, [[0.7, 0.8, 0.9]]]), r"weights\[0\] has shape \(3, 3\), expected \(3, 2\)"),
    (mutated(weights=[[[0.1, 0.2], [0.3], [0.5, 0.6]], [[0.7, 0.8, 0.9]]]), r"weights\[0\] must be a list of numbers rows of shape \(3, 2\)"),
    (mutated(biases=[[0.01, 0.02], [0.04]]), r"biases\[0\] has shape \(2,\), expected \(3,\)"),
    (mutated(biases=[[0.01, 0.02, 0.03], 0.04]), r"biases\[1\] has shape \(\), expected \(1,\)"),
    (mutated(biases=[[0.01, 0.02, 0.03], [[0.04]]]), r"biases\[1\] has shape \(1, 1\), expected \(1,\)"),
    (mutated(biases=[[0.01, 0.02, 0.03], {"a": 1}]), r"biases\[1\]"),
    (mutated(biases=[[0.01, True, 0.03], [0.04]]), r"biases\[0\] must hold numbers, not true/false"),
    (mutated(weights=[[[0.1, 0.2], [0.3, False], [0.5, 0.6]], [[0.7, 0.8, 0.9]]]), r"weights\[0\] must hold numbers, not true/false"),
    (mutated(weights=[[[0.1, 0.2], [0.3, "0.4"], [0.5, 0.6]], [[0.7, 0.8, 0.9]]]), r"weights\[0\] must hold numbers"),
    (mutated(weights=[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, float("nan"), 0.9]]]), r"weights\[1\] holds a value that is not a finite number"),
    (mutated(biases=[[0.01, float("inf"), 0.03], [0.04]]), r"biases\[0\] holds a value that is not a finite number"),
    (mutated(biases=[[0.01, 0.02, 0.03], [None]]), r"biases\[1\]"),
]


@pytest.mark.parametrize("data, message", BAD_DICTS)
def test_model_from_dict_errors(data, message):
    import re

    with pytest.raises(NnvizError) as info:
        model_from_dict(data)
    text = str(info.value)
    pattern = message if "\\" in message else re.escape(message)
    assert re.search(pattern, text), text


@pytest.mark.parametrize("data, message", BAD_DICTS)
def test_load_model_errors_name_the_file(tmp_path, data, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN/Infinity are written as JS literals
    with pytest.raises(NnvizError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: ")


def test_version_hint_only_for_newer():
    with pytest.raises(NnvizError) as info:
        model_from_dict(mutated(version=0))
    assert "newer" not in str(info.value)
    with pytest.raises(NnvizError, match="newer nnviz"):
        model_from_dict(mutated(version=99))


@pytest.mark.parametrize("data", [[1, 2, 3], "model", 3.5, None])
def test_not_an_object(data):
    with pytest.raises(NnvizError, match="must hold a JSON object"):
        model_from_dict(data)


def test_bad_json_reports_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "nnviz-model",\n  "version": 1,,\n}\n', encoding="utf-8")
    with pytest.raises(NnvizError) as info:
        load_model(path)
    text = str(info.value)
    assert str(path) in text
    assert "not valid JSON" in text
    assert "line 3, column 16" in text  # the second comma


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("", encoding="utf-8")
    with pytest.raises(NnvizError, match="not valid JSON .line 1, column 1"):
        load_model(path)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(NnvizError) as info:
        load_model(path)
    assert str(info.value) == f"{path}: no such file"


def test_directory(tmp_path):
    with pytest.raises(NnvizError) as info:
        load_model(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a model file"


def test_not_utf8(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(NnvizError, match="not a UTF-8 text file"):
        load_model(path)


def test_nan_literal_in_file(tmp_path):
    path = tmp_path / "nan.json"
    text = json.dumps(good_dict()).replace("0.04", "NaN")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NnvizError, match=r"biases\[1\] holds a value that is not a finite number"):
        load_model(path)
