"""Tests for the ``nnviz`` command line: ``--version``/``--help``, ``trace`` and ``train``.

Most cases call ``nnviz.cli.main`` in-process (fast, output through capsys); a few run
``python -m nnviz`` in a subprocess to check real exit codes, one-line stderr and that
the headless paths never import Qt.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnviz import __version__
from nnviz.cli import main
from nnviz.engine.model_io import load_model

REPO = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "pyqtgraph", "superqt")
TRAIN_KEYS = {"epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
              "train_samples", "epochs_per_second"}
LAYER_KEYS = {"z", "a", "delta", "grad_w", "grad_b"}

LECTURE_MODEL = {
    "format": "nnviz-model", "version": 1, "layers": [2, 1], "activations": ["sigmoid"],
    "loss": "mse", "weights": [[[0.01, 0.02]]], "biases": [[0.001]],
}
SOFTMAX_MODEL = {
    "format": "nnviz-model", "version": 1, "layers": [2, 3, 2], "activations": ["tanh", "softmax"],
    "loss": "ce",
    "weights": [[[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], [[0.1, 0.2, 0.3], [-0.1, 0.5, -0.3]]],
    "biases": [[0.01, 0.02, 0.03], [0.0, 0.1]],
}


# --------------------------------------------------------------------------- helpers

def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``nnviz argv`` run in-process."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: --help, --version, bad choices
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "error", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)


def assert_one_line(err: str) -> str:
    """stderr is exactly one line (ending in a newline) and no traceback; returns it."""
    assert "Traceback" not in err
    assert err.endswith("\n"), repr(err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].strip()
    return lines[0]


def assert_bad_input(argv: list[str], capsys, *needles: str) -> str:
    """Exit 2, nothing on stdout, one stderr line naming the problem (every needle, case-insensitive)."""
    code, out, err = run(argv, capsys)
    line = assert_one_line(err)
    assert code == 2, (code, err)
    assert out == ""
    for needle in needles:
        assert needle.lower() in line.lower(), (needle, line)
    return line


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def lecture(tmp_path: Path) -> Path:
    return write_json(tmp_path / "lecture.json", LECTURE_MODEL)


@pytest.fixture
def softmax_model(tmp_path: Path) -> Path:
    return write_json(tmp_path / "softmax.json", SOFTMAX_MODEL)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    """A small 2-feature binary CSV with a header; the label is the last column."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(40, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    lines = ["a,b,label", *(f"{p:.4f},{q:.4f},{c}" for (p, q), c in zip(x, y))]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def train_json(argv: list[str], capsys) -> dict:
    code, out, err = run(["train", *argv, "--json"], capsys)
    assert code == 0, err
    assert "Traceback" not in err
    return json.loads(out)


# --------------------------------------------------------------------------- version, help, no command

def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out.strip() == f"nnviz {__version__}"


@pytest.mark.parametrize("argv", [["--help"], ["trace", "--help"], ["train", "--help"]])
def test_help(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 0
    assert "usage: nnviz" in out
    assert err == ""


def test_train_help_lists_options(capsys):
    _, out, _ = run(["train", "--help"], capsys)
    for option in ("--dataset", "--layers", "--lr", "--batch-size", "--epochs", "--save", "--force", "--json"):
        assert option in out


def _no_display_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "PYTHONWARNINGS": "error"}


def test_no_command_without_display_exits_2_with_one_line():
    """With no display the app says so in one line and points to the headless commands."""
    result = subprocess.run([sys.executable, "-m", "nnviz"], capture_output=True, text=True,
                            timeout=60, env=_no_display_env(), cwd=REPO)
    assert result.returncode == 2
    line = assert_one_line(result.stderr)
    assert "no display" in line and "nnviz train" in line


def test_open_broken_model_fails_before_any_window(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "nnviz", "open", str(bad)], capture_output=True, text=True,
                            timeout=60, env=_no_display_env(), cwd=REPO)
    assert result.returncode == 2
    assert "not valid JSON" in assert_one_line(result.stderr)


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_do_not_import_qt(flag):
    code = (
        "import sys, contextlib, io\n"
        "from nnviz.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main([{flag!r}])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_subprocess_version_and_help():
    version = run_subprocess("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"nnviz {__version__}"
    helped = run_subprocess("--help")
    assert helped.returncode == 0
    assert "trace" in helped.stdout and "train" in helped.stdout
    assert helped.stderr == ""


# --------------------------------------------------------------------------- trace

def test_trace_text_lecture(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "95,4"], capsys)
    assert code == 0, err
    assert err == ""
    assert "1.031" in out
    assert "0.7371" in out
    assert "class 1" in out


def test_trace_text_writes_negative_inputs_in_parentheses(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "-1,2"], capsys)
    assert code == 0, err
    assert "z = 0.001 + 0.01·(-1) + 0.02·2 = 0.031" in out


def test_trace_json_lecture(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "95,4", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)  # exactly one JSON object: json.loads rejects trailing data
    assert isinstance(data, dict)
    assert set(data) == {"prediction", "class", "loss", "layers"}
    assert len(data["layers"]) == 1
    layer = data["layers"][0]
    assert set(layer) == LAYER_KEYS
    assert layer["z"][0] == pytest.approx(1.031, abs=1e-12)
    assert layer["a"][0] == pytest.approx(1 / (1 + math.exp(-1.031)), abs=1e-12)
    assert data["prediction"] == layer["a"]
    assert data["class"] == 1
    assert data["loss"] is None
    assert layer["delta"] is None and layer["grad_w"] is None and layer["grad_b"] is None


def test_trace_json_backward_matches_hand_computation(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "95,4", "--target", "1", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    x = np.array([95.0, 4.0])
    z = 0.001 + 0.01 * 95 + 0.02 * 4
    y_hat = 1 / (1 + math.exp(-z))
    sigma_prime = y_hat * (1 - y_hat)
    delta = (y_hat - 1.0) * sigma_prime  # mse: L = ½(ŷ − y)², ∂L/∂z = (ŷ − y)·σ'(z)
    layer = data["layers"][0]
    assert np.shape(layer["grad_w"]) == np.shape(LECTURE_MODEL["weights"][0]) == (1, 2)
    np.testing.assert_allclose(layer["grad_w"], [delta * x], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer["grad_b"], [delta], rtol=1e-12)
    np.testing.assert_allclose(layer["delta"], [delta], rtol=1e-12)
    assert data["loss"] == pytest.approx(0.5 * (y_hat - 1.0) ** 2, rel=1e-12)


def test_trace_text_backward_pass(lecture, capsys):
    code, out, _ = run(["trace", str(lecture), "--input", "95,4", "--target", "1"], capsys)
    assert code == 0
    assert "Backward pass" in out
    assert "-4.84" in out  # ∂L/∂w₁ = (ŷ − y)·σ'(z)·95


def test_trace_negative_values_as_separate_arguments(lecture, capsys):
    # "--input -1,2" (not only "--input=-1,2"): argparse < 3.13 took "-1,2" for an option
    code, out, err = run(["trace", str(lecture), "--input", "-1,-2", "--target", "-0.5", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["layers"][0]["z"][0] == pytest.approx(0.001 - 0.01 - 0.04, abs=1e-12)
    y_hat = data["prediction"][0]
    assert data["loss"] == pytest.approx(0.5 * (y_hat + 0.5) ** 2, rel=1e-12)


def test_trace_check_text(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "95,4", "--target", "1", "--check"], capsys)
    assert code == 0, err
    line = next(l for l in out.splitlines() if "max relative error" in l)
    error = float(line.split("max relative error")[1].split(",")[0])
    assert error < 1e-6
    assert "OK" in line


def test_trace_check_json(lecture, capsys):
    code, out, err = run(["trace", str(lecture), "--input", "95,4", "--target", "1", "--check", "--json"], capsys)
    assert code == 0, err
    check = json.loads(out)["gradient_check"]
    assert check["max_relative_error"] < 1e-6
    assert check["passed"] is True


def test_trace_softmax_ce_class_index(softmax_model, capsys):
    code, out, err = run(["trace", str(softmax_model), "--input", "0.5,-1", "--target", "1", "--check", "--json"],
                         capsys)
    assert code == 0, err
    data = json.loads(out)
    assert len(data["layers"]) == 2
    for layer, (n_out, n_in) in zip(data["layers"], [(3, 2), (2, 3)]):
        assert set(layer) == LAYER_KEYS
        assert np.shape(layer["grad_w"]) == (n_out, n_in)
        assert np.shape(layer["grad_b"]) == (n_out,)
    prediction = np.array(data["prediction"])
    assert prediction.sum() == pytest.approx(1.0, abs=1e-12)
    assert data["class"] == int(np.argmax(prediction))
    # softmax + cross-entropy: output δ = ŷ − y with y = one-hot(1)
    np.testing.assert_allclose(data["layers"][1]["delta"], prediction - np.array([0.0, 1.0]), atol=1e-12)
    assert data["loss"] == pytest.approx(-math.log(prediction[1]), rel=1e-10)
    assert data["gradient_check"]["max_relative_error"] < 1e-6


def test_trace_softmax_text(softmax_model, capsys):
    code, out, err = run(["trace", str(softmax_model), "--input", "0.5,-1", "--target", "1"], capsys)
    assert code == 0, err
    assert "class" in out and "Backward pass" in out


def test_subprocess_trace_json(lecture):
    result = run_subprocess("trace", str(lecture), "--input", "95,4", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["class"] == 1


# --------------------------------------------------------------------------- trace: bad input

def test_trace_missing_model(tmp_path, capsys):
    assert_bad_input(["trace", str(tmp_path / "nope.json"), "--input", "1,2"], capsys, "nope.json", "no such file")


def test_trace_malformed_json(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "nnviz-model", ', encoding="utf-8")
    assert_bad_input(["trace", str(path), "--input", "1,2"], capsys, "broken.json", "JSON")


def test_trace_wrong_shapes(tmp_path, capsys):
    path = write_json(tmp_path / "shapes.json", {**LECTURE_MODEL, "weights": [[[0.01, 0.02, 0.03]]]})
    assert_bad_input(["trace", str(path), "--input", "1,2"], capsys, "shapes.json", "weights[0]", "shape")


def test_trace_unknown_activation(tmp_path, capsys):
    path = write_json(tmp_path / "act.json", {**LECTURE_MODEL, "activations": ["sigmoidish"]})
    assert_bad_input(["trace", str(path), "--input", "1,2"], capsys, "act.json", "activation", "sigmoidish")


def test_trace_input_wrong_length(lecture, capsys):
    assert_bad_input(["trace", str(lecture), "--input", "95,4,1"], capsys, "--input", "3", "2")


def test_trace_input_not_numeric(lecture, capsys):
    assert_bad_input(["trace", str(lecture), "--input", "95,four"], capsys, "95,four", "number")


def test_trace_target_wrong_length(lecture, capsys):
    assert_bad_input(["trace", str(lecture), "--input", "95,4", "--target", "1,0"], capsys, "--target")


def test_trace_target_bad_class_index(softmax_model, capsys):
    assert_bad_input(["trace", str(softmax_model), "--input", "1,2", "--target", "5"], capsys, "--target", "class")


def test_trace_check_without_target(lecture, capsys):
    assert_bad_input(["trace", str(lecture), "--input", "95,4", "--check"], capsys, "--check", "--target")


def test_trace_input_required(lecture, capsys):
    assert_bad_input(["trace", str(lecture)], capsys, "--input")


def test_subprocess_trace_bad_input(tmp_path):
    result = run_subprocess("trace", str(tmp_path / "nope.json"), "--input", "1,2")
    assert result.returncode == 2
    assert "nope.json" in assert_one_line(result.stderr)
    assert result.stdout == ""


# --------------------------------------------------------------------------- train

def test_train_xor_json(capsys):
    data = train_json(["--dataset", "xor", "--epochs", "50"], capsys)
    assert set(data) == TRAIN_KEYS
    assert data["epochs"] == 50
    assert data["train_samples"] == 250  # 500 samples, half held out
    assert math.isfinite(data["train_loss"]) and math.isfinite(data["test_loss"])
    assert 0.0 <= data["train_accuracy"] <= 1.0 and 0.0 <= data["test_accuracy"] <= 1.0
    assert data["epochs_per_second"] > 0


def test_train_text_summary(capsys):
    code, out, err = run(["train", "--dataset", "xor", "--epochs", "5"], capsys)
    assert code == 0, err
    assert "trained 2-8-8-1" in out
    assert "train loss" in out and "accuracy" in out


def test_train_regression_accuracy_null(capsys):
    data = train_json(["--dataset", "regression_plane", "--epochs", "10", "--output-activation", "linear"], capsys)
    assert set(data) == TRAIN_KEYS
    assert data["train_accuracy"] is None and data["test_accuracy"] is None
    assert math.isfinite(data["train_loss"])


def test_train_deterministic(capsys):
    argv = ["--dataset", "spiral", "--epochs", "20", "--samples", "200"]
    first, second = train_json(argv, capsys), train_json(argv, capsys)
    assert first["train_loss"] == second["train_loss"]
    assert first["test_loss"] == second["test_loss"]


def test_train_csv(csv_file, capsys):
    data = train_json(["--dataset", str(csv_file), "--epochs", "30", "--layers", "2,4,1"], capsys)
    assert data["train_samples"] == 40
    assert data["test_loss"] is None and data["test_accuracy"] is None
    assert 0.0 <= data["train_accuracy"] <= 1.0


def test_train_save_writes_loadable_model(tmp_path, capsys):
    target = tmp_path / "model.json"
    data = train_json(["--dataset", "xor", "--epochs", "10", "--layers", "2,4,1", "--save", str(target)], capsys)
    network = load_model(target)
    assert network.layers == (2, 4, 1)
    assert network.activation_names == ("tanh", "sigmoid")
    assert data["epochs"] == 10
    assert not [name for name in files_in(tmp_path) if name.endswith(".tmp")]


def test_train_save_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "model.json"
    target.write_bytes(b"precious bytes\n")
    assert_bad_input(["train", "--dataset", "xor", "--epochs", "5", "--save", str(target)], capsys,
                     "model.json", "--force")
    assert target.read_bytes() == b"precious bytes\n"
    assert files_in(tmp_path) == {"model.json"}


def test_train_save_force_replaces(tmp_path, capsys):
    target = tmp_path / "model.json"
    target.write_bytes(b"old\n")
    code, out, err = run(["train", "--dataset", "xor", "--epochs", "5", "--save", str(target), "--force"], capsys)
    assert code == 0, err
    assert "saved the model" in out
    assert load_model(target).layers == (2, 8, 8, 1)


def test_subprocess_train_json():
    result = run_subprocess("train", "--dataset", "xor", "--epochs", "20", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert set(json.loads(result.stdout)) == TRAIN_KEYS


# --------------------------------------------------------------------------- train: bad input

@pytest.mark.parametrize(("argv", "needles"), [
    (["--dataset", "nosuchset"], ["nosuchset", "dataset"]),
    (["--dataset", "xor", "--layers", "3,4,1"], ["--layers", "3", "2"]),
    (["--layers", "2,0,1"], ["layer 1", "0"]),
    (["--layers", "abc"], ["--layers", "abc"]),
    (["--lr", "-0.1"], ["learning rate"]),
    (["--batch-size", "0"], ["batch size"]),
    (["--epochs", "0"], ["--epochs"]),
    (["--activation", "swishy"], ["--activation", "swishy"]),
    (["--output-activation", "swishy"], ["--output-activation", "swishy"]),
    (["--optimizer", "lbfgs"], ["--optimizer", "lbfgs"]),
    (["--loss", "hinge"], ["--loss", "hinge"]),
    (["--init", "orthogonal"], ["--init", "orthogonal"]),
    (["--loss", "ce"], ["ce", "softmax"]),
    (["--lr", "fast"], ["--lr", "fast"]),
])
def test_train_bad_input(argv, needles, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out.json"
    assert_bad_input(["train", "--epochs", "3", *argv, "--save", str(target)], capsys, *needles)
    assert files_in(tmp_path) == set()


def test_train_missing_csv(tmp_path, capsys):
    assert_bad_input(["train", "--dataset", str(tmp_path / "gone.csv"), "--save", str(tmp_path / "m.json")],
                     capsys, "gone.csv", "no such file")
    assert files_in(tmp_path) == set()


def test_train_bad_csv_cell(tmp_path, capsys):
    path = tmp_path / "cells.csv"
    path.write_text("a,b,label\n1,2,0\n3,oops,1\n", encoding="utf-8")
    line = assert_bad_input(["train", "--dataset", str(path), "--save", str(tmp_path / "m.json")],
                            capsys, "cells.csv", "oops")
    assert "row 3" in line and "column 2" in line
    assert files_in(tmp_path) == {"cells.csv"}


def test_train_csv_layers_not_matching_features(csv_file, capsys):
    assert_bad_input(["train", "--dataset", str(csv_file), "--layers", "4,8,1"], capsys, "--layers", "2")


def test_train_save_into_missing_folder(tmp_path, capsys):
    assert_bad_input(["train", "--epochs", "3", "--save", str(tmp_path / "nowhere" / "m.json")],
                     capsys, "nowhere", "does not exist")
    assert files_in(tmp_path) == set()


def test_train_divergence_exits_1(tmp_path, capsys):
    target = tmp_path / "m.json"
    code, out, err = run(["train", "--dataset", "regression_plane", "--layers", "2,8,1", "--activation", "relu",
                          "--output-activation", "linear", "--lr", "1e6", "--epochs", "50", "--json",
                          "--save", str(target)], capsys)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]  # the progress bar comes before it
    assert last.startswith("nnviz train:")
    assert "learning rate" in last
    assert files_in(tmp_path) == set()


def test_subprocess_train_bad_input():
    result = run_subprocess("train", "--layers", "2,0,1")
    assert result.returncode == 2
    assert "layer" in assert_one_line(result.stderr)
    assert result.stdout == ""


def test_subprocess_train_divergence(tmp_path):
    target = tmp_path / "m.json"
    result = run_subprocess("train", "--dataset", "regression_plane", "--activation", "relu",
                            "--output-activation", "linear", "--lr", "1e6", "--epochs", "50", "--save", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "learning rate" in result.stderr.strip().splitlines()[-1]
    assert not target.exists()


# --------------------------------------------------------------------------- the benchmark script

def test_benchmark_quick_json():
    """``benchmarks/engine.py --quick --json`` (a script, not a test) runs and prints a row per configuration."""
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "engine.py"), "--quick", "--json"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = data["rows"]
    configs = {(tuple(row["layers"]), row["batch_size"]) for row in rows}
    assert configs == {((2, 8, 8, 1), 1), ((2, 8, 8, 1), 10), ((2, 8, 8, 1), 100), ((2, 8, 8, 1), 500),
                       ((2, 64, 64, 64, 1), 10)}
    for row in rows:
        assert row["nnviz_epochs_per_second"] > 0 and row["plain_epochs_per_second"] > 0
        assert row["ratio"] == pytest.approx(row["nnviz_epochs_per_second"] / row["plain_epochs_per_second"])
