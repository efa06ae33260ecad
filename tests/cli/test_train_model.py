"""``nnviz train --model FILE``: training continues from the file's architecture and weights
(no re-initialization); N epochs in one run equal N/2 + N/2 joined by --save / --model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network

# plain SGD, full batch (xor with 60 samples and test fraction 0.5 leaves 30 to train on), no regularization
DATA = ["--dataset", "xor", "--samples", "60", "--seed", "3", "--optimizer", "sgd", "--lr", "0.3",
        "--batch-size", "30"]


def train(capsys, *argv: str) -> dict:
    code = main(["train", *DATA, "--json", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_n_epochs_equal_two_halves_joined_by_save_and_model(tmp_path, capsys):
    """JSON keeps float64 exactly (Python writes the shortest repr that reads back the same
    float), and SGD has no state beyond the weights: the two halves are the one run, up to the
    summation order of the shuffled full batch (≈ 1e-16 per step)."""
    arch = ["--layers", "2,5,1", "--activation", "tanh"]
    train(capsys, *arch, "--epochs", "40", "--save", str(tmp_path / "full.json"))
    train(capsys, *arch, "--epochs", "20", "--save", str(tmp_path / "half.json"))
    second = train(capsys, "--model", str(tmp_path / "half.json"), "--epochs", "20",
                   "--save", str(tmp_path / "both.json"))
    full, half, both = (load_model(tmp_path / f"{name}.json") for name in ("full", "half", "both"))
    assert second["epochs"] == 20
    np.testing.assert_allclose(both.params, full.params, rtol=1e-12, atol=1e-12)
    assert np.abs(both.params - half.params).max() > 1e-3  # the second half trained
    assert both.layers == (2, 5, 1) and both.activation_names == ("tanh", "sigmoid") and both.loss_name == "mse"


def test_an_onnx_model_continues_from_its_float32_weights(tmp_path, capsys):
    train(capsys, "--layers", "2,4,1", "--epochs", "5", "--save", str(tmp_path / "start.json"))
    assert main(["convert", str(tmp_path / "start.json"), str(tmp_path / "start.onnx")]) == 0
    assert main(["convert", str(tmp_path / "start.onnx"), str(tmp_path / "start32.json")]) == 0
    capsys.readouterr()
    start, start32 = load_model(tmp_path / "start.json"), load_model(tmp_path / "start32.json")
    assert np.array_equal(start32.params, start.params.astype(np.float32).astype(np.float64))
    train(capsys, "--model", str(tmp_path / "start.onnx"), "--epochs", "5", "--save", str(tmp_path / "a.onnx"),
          "--force")
    train(capsys, "--model", str(tmp_path / "start32.json"), "--epochs", "5", "--save", str(tmp_path / "b.json"))
    a, b = load_model(tmp_path / "a.onnx"), load_model(tmp_path / "b.json")
    assert np.array_equal(a.params, b.params.astype(np.float32).astype(np.float64))  # --save .onnx: float32
    assert not np.allclose(a.params, start32.params, atol=1e-4)


def refused(capsys, *argv: str) -> str:
    code = main(["train", *DATA, "--epochs", "1", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err.rstrip("\n")


@pytest.fixture
def model_file(tmp_path):
    network = Network([2, 3, 1], ["relu", "sigmoid"], "mse")
    network.initialize("he", np.random.default_rng(0))
    save_model(network, tmp_path / "m.json")
    return tmp_path / "m.json"


@pytest.mark.parametrize("option, value", [("--layers", "2,3,1"), ("--activation", "tanh"),
                                           ("--output-activation", "sigmoid"), ("--init", "he")])
def test_architecture_options_are_refused_with_a_model(capsys, model_file, option, value):
    assert refused(capsys, "--model", str(model_file), option, value) == (
        f"nnviz train: {option} cannot be used with --model: the architecture and weights come from {model_file}")


def test_a_model_that_does_not_fit_the_data_is_one_line(capsys, model_file):
    assert refused(capsys, "--model", str(model_file), "--features", "x1,x2,x1*x2") == (
        f"nnviz train: --model {model_file} takes 2 inputs but the dataset has 3 features")
    assert refused(capsys, "--model", str(model_file.with_name("none.json"))) == (
        f"nnviz train: {model_file.with_name('none.json')}: no such file")


def test_the_loss_may_replace_the_models(tmp_path, capsys, model_file):
    """--loss keeps the weights and changes only what is minimized."""
    start = load_model(model_file)
    train(capsys, "--model", str(model_file), "--loss", "bce", "--epochs", "3", "--save", str(tmp_path / "bce.json"))
    trained = load_model(tmp_path / "bce.json")
    assert trained.loss_name == "bce" and trained.activation_names == start.activation_names
    train(capsys, "--model", str(model_file), "--epochs", "3", "--save", str(tmp_path / "mse.json"))
    assert load_model(tmp_path / "mse.json").loss_name == "mse"
    assert not np.array_equal(trained.params, load_model(tmp_path / "mse.json").params)
    assert refused(capsys, "--model", str(model_file), "--dataset", "regression_plane", "--loss", "bce").startswith(
        "nnviz train: the loss bce needs class labels 0 or 1")
