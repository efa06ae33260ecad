"""Without the optional onnx package (sys.modules["onnx"] = None makes ``import onnx`` fail):
a .onnx file is one message naming the command that installs support; JSON models work as before."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network

OPENING = 'opening .onnx files needs the onnx package: python -m pip install "nnviz[onnx]"'
SAVING = 'saving .onnx files needs the onnx package: python -m pip install "nnviz[onnx]"'


@pytest.fixture
def no_onnx(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError):
        import onnx  # noqa: F401 - the premise


@pytest.fixture
def model_json(tmp_path):
    network = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    network.initialize("xavier", np.random.default_rng(0))
    save_model(network, tmp_path / "m.json")
    return tmp_path / "m.json"


def test_the_engine_says_which_command_installs_support(tmp_path, no_onnx, model_json):
    (tmp_path / "m.onnx").write_bytes(b"anything")
    with pytest.raises(NnvizError) as caught:
        load_model(tmp_path / "m.onnx")
    assert str(caught.value) == OPENING
    with pytest.raises(NnvizError) as caught:
        save_model(load_model(model_json), tmp_path / "out.onnx")
    assert str(caught.value) == SAVING
    assert not (tmp_path / "out.onnx").exists()


def one_line_exit_2(argv, capsys) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err.rstrip("\n")


def test_the_cli_says_it_in_one_line(tmp_path, no_onnx, model_json, capsys):
    (tmp_path / "m.onnx").write_bytes(b"anything")
    assert one_line_exit_2(["trace", str(tmp_path / "m.onnx"), "--input", "1,2"], capsys) == f"nnviz trace: {OPENING}"
    assert one_line_exit_2(["open", str(tmp_path / "m.onnx")], capsys) == f"nnviz open: {OPENING}"  # before any window
    assert one_line_exit_2(["convert", str(model_json), str(tmp_path / "o.onnx")], capsys) == f"nnviz convert: {SAVING}"
    assert not (tmp_path / "o.onnx").exists()


def test_json_models_work_as_before(tmp_path, no_onnx, model_json, capsys):
    assert main(["trace", str(model_json), "--input", "1,2", "--json"]) == 0
    assert main(["convert", str(model_json), str(tmp_path / "copy.json")]) == 0
    assert np.array_equal(load_model(tmp_path / "copy.json").params, load_model(model_json).params)
    capsys.readouterr()


def test_train_refuses_an_onnx_target_before_training(tmp_path, no_onnx, capsys, monkeypatch):
    import nnviz.commands.train as train_command

    trained = []
    monkeypatch.setattr(train_command, "train_with_progress", lambda *a, **k: trained.append(1) or 0.0)
    code = main(["train", "--dataset", "xor", "--epochs", "3", "--save", str(tmp_path / "out.onnx")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"nnviz train: {SAVING}"]
    assert trained == [] and not (tmp_path / "out.onnx").exists()
