"""``nnviz convert IN OUT``: JSON ↔ ONNX by the suffixes; OUT is never replaced without --force;
anything wrong is one line on stderr and exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network


@pytest.fixture
def model_json(tmp_path):
    network = Network([3, 4, 2], ["elu", "softmax"], "ce")
    network.initialize("xavier", np.random.default_rng(0))
    network.set_params(network.params.astype(np.float32))  # float32 values: ONNX keeps them exactly
    save_model(network, tmp_path / "m.json")
    return tmp_path / "m.json"


def bad_input(argv, capsys) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err.rstrip("\n")


def test_json_to_onnx_and_back(tmp_path, model_json, capsys):
    assert main(["convert", str(model_json), str(tmp_path / "m.onnx")]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'm.onnx'}\n"
    assert (tmp_path / "m.onnx").read_bytes()[:2] != b"{\n"  # a protobuf, not JSON
    assert main(["convert", str(tmp_path / "m.onnx"), str(tmp_path / "back.json")]) == 0
    assert json.loads((tmp_path / "back.json").read_text()) == json.loads(model_json.read_text())
    capsys.readouterr()


def test_an_existing_out_needs_force(tmp_path, model_json, capsys):
    target = tmp_path / "old.onnx"
    target.write_bytes(b"older")
    assert bad_input(["convert", str(model_json), str(target)], capsys) == (
        f"nnviz convert: {target}: the file exists; add --force to replace it")
    assert target.read_bytes() == b"older"
    assert main(["convert", str(model_json), str(target), "--force"]) == 0
    assert np.array_equal(load_model(target).params, load_model(model_json).params)
    capsys.readouterr()


@pytest.mark.parametrize("source, target", [("m.json", "m.txt"), ("m.json", "model"), ("m.h5", "m.onnx")])
def test_an_unknown_suffix_is_one_line(tmp_path, model_json, capsys, source, target):
    (tmp_path / "m.h5").write_bytes(b"keras")
    bad = target if source == "m.json" else source
    assert bad_input(["convert", str(tmp_path / source), str(tmp_path / target)], capsys) == (
        f"nnviz convert: {tmp_path / bad}: nnviz converts model files ending in .json or .onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.h5", "m.json"]


def test_a_broken_in_is_one_line_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "broken.onnx").write_bytes(b"\x0a\xff\xff\xff\xff\x0f")
    assert bad_input(["convert", str(tmp_path / "broken.onnx"), str(tmp_path / "m.json")], capsys) == (
        f"nnviz convert: {tmp_path / 'broken.onnx'}: not an ONNX model (the file is not a valid ONNX protobuf)")
    assert not (tmp_path / "m.json").exists()
