"""Hostile input on the command line is one line on stderr and exit 2, never a traceback
(issue 15): deep or huge model files, a 400-digit weight, ``--hold nan``, ``--layers`` past
the parameter budget, bce on number labels; ``trace --json`` stays standard JSON; and
``nnviz open`` opens sessions."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from idx_files import idx_bytes

from nnviz.cli import main
from nnviz.engine.datasets import make_dataset
from nnviz.engine.network import Network
from nnviz.engine.session import save_session
from nnviz.engine.trainer import TrainConfig, Trainer

MODEL = {"format": "nnviz-model", "version": 1, "layers": [2, 1], "activations": ["sigmoid"],
         "loss": "mse", "weights": [[[0.5, -0.25]]], "biases": [[0.125]]}


def run(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line_refusal(argv, capsys) -> str:
    code, out, err = run(argv, capsys)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def write(tmp_path, name, text) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_trace_of_a_model_nested_200000_deep(tmp_path, capsys):
    path = write(tmp_path, "deep.json", '{"layers": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert "nested 200,001 levels deep" in one_line_refusal(["trace", path, "--input", "1,2"], capsys)


@pytest.mark.parametrize("command", [["trace", "--input", "1,2"], ["open"]])
def test_a_weight_of_400_digits(tmp_path, capsys, command):
    path = write(tmp_path, "big.json", json.dumps(MODEL).replace("0.5", "4" * 400))
    err = one_line_refusal([command[0], path, *command[1:]], capsys)
    assert "weights[0] holds a value that is not a finite number" in err


def test_a_model_past_the_parameter_budget(tmp_path, capsys):
    layers = [2, *[4096] * 60, 1]
    path = write(tmp_path, "huge.json", json.dumps(MODEL | {"layers": layers,
                                                            "activations": ["tanh"] * 60 + ["sigmoid"]}))
    err = one_line_refusal(["trace", path, "--input", "1,2"], capsys)
    assert "990,113,793 parameters" in err and "at most 50,000,000" in err


def test_train_layers_past_the_parameter_budget(capsys):
    layers = ",".join(["2", *["4096"] * 62, "1"])
    err = one_line_refusal(["train", "--layers", layers, "--epochs", "1"], capsys)
    assert err.startswith("nnviz train: the network would have 1,023,676,417 parameters")


def test_model_version_true(tmp_path, capsys):
    path = write(tmp_path, "v.json", json.dumps(MODEL | {"version": True}))
    assert "model version True is not supported" in one_line_refusal(["trace", path, "--input", "1,2"], capsys)


@pytest.mark.parametrize("hold", ["nan", "inf", "1e308", "0", "-1"])
def test_export_hold_must_be_a_finite_positive_time(tmp_path, capsys, hold):
    err = one_line_refusal(["export", "--lesson", "perceptron", "--format", "gif", "--hold", hold,
                            "--out", str(tmp_path / "l.gif")], capsys)
    assert "--hold" in err
    assert not (tmp_path / "l.gif").exists()


def test_trace_json_with_huge_inputs_is_standard_json_without_warnings(tmp_path, capsys):
    path = write(tmp_path, "m.json", json.dumps(MODEL | {"weights": [[[2.0, 2.0]]]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run(["trace", path, "--input", "1e308,1e308", "--target", "1", "--json"], capsys)
    assert code == 0 and err == ""

    def refuse(constant):
        raise AssertionError(f"non-standard JSON constant {constant}")

    data = json.loads(out, parse_constant=refuse)
    assert data["layers"][0]["z"] == [None]  # 2·1e308 + 2·1e308 overflows: null, not Infinity
    assert data["prediction"] == [1.0]


def test_bce_on_number_labels_is_refused(tmp_path, capsys):
    rows = "\n".join(f"{x:.3f},{-x:.3f},{1.5 * x:.3f}" for x in np.linspace(0, 2, 30))
    path = write(tmp_path, "floats.csv", "a,b,y\n" + rows + "\n")
    err = one_line_refusal(["train", "--dataset", path, "--layers", "2,4,1", "--loss", "bce",
                            "--epochs", "2"], capsys)
    assert "bce needs class labels 0 or 1" in err and "regression" in err


def session_file(tmp_path, problem=None, name="s.nnviz") -> str:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(0))
    trainer = Trainer(net, make_dataset("xor", samples=40, seed=1), TrainConfig(batch_size=8))
    path = tmp_path / name
    save_session(path, trainer, problem=problem)
    return str(path)


def test_open_a_session_opens_it_in_the_app(tmp_path, capsys, monkeypatch):
    import nnviz.ui.app

    opened = []
    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda path=None, lesson=None: opened.append(path) or 0)
    path = session_file(tmp_path, problem={"dataset": "xor", "hidden": [3]})
    code, _, err = run(["open", path], capsys)
    assert (code, err, opened) == (0, "", [path])


@pytest.mark.parametrize("problem, message", [
    ({"hidden": 5}, '"hidden" must be a list'),
    ({"activation": "bogus"}, "hidden activation 'bogus' is unknown"),
    ({"dataset": "nope"}, "dataset 'nope' is unknown"),
    ({"samples": -5}, '"samples" must be from 2 to 100000'),
    ({"train": "fast"}, '"train" must be a JSON object'),
])
def test_open_a_session_with_a_bad_problem_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch,
                                                                        problem, message):
    import nnviz.ui.app

    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda *a, **k: pytest.fail("a window was opened"))
    path = session_file(tmp_path, problem=problem)
    err = one_line_refusal(["open", path], capsys)
    assert err.startswith(f"nnviz open: {path}: the problem") and message in err


def idx_file(path, array: np.ndarray) -> str:
    path.write_bytes(idx_bytes(array))
    return str(path)


def test_open_mnist_format_data_opens_it_in_the_app(tmp_path, capsys, monkeypatch):
    import nnviz.ui.app

    opened = []
    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda path=None, lesson=None: opened.append(path) or 0)
    idx_file(tmp_path / "t10k-labels-idx1-ubyte", np.arange(5) % 10)
    path = idx_file(tmp_path / "t10k-images-idx3-ubyte", np.zeros((5, 4, 4)))
    code, _, err = run(["open", path], capsys)
    assert (code, err, opened) == (0, "", [path])


@pytest.mark.parametrize("labels, message", [
    (None, "its labels file t10k-labels-idx1-ubyte[.gz] is not next to it"),
    (np.arange(4), "holds 5 images but t10k-labels-idx1-ubyte holds 4 labels"),
])
def test_open_bad_mnist_format_data_is_one_line(tmp_path, capsys, monkeypatch, labels, message):
    import nnviz.ui.app

    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda *a, **k: pytest.fail("a window was opened"))
    if labels is not None:
        idx_file(tmp_path / "t10k-labels-idx1-ubyte", labels)
    path = idx_file(tmp_path / "t10k-images-idx3-ubyte", np.zeros((5, 4, 4)))
    assert message in one_line_refusal(["open", path], capsys)


def test_open_garbage_named_like_mnist_names_the_idx_problem(tmp_path, capsys, monkeypatch):
    import nnviz.ui.app

    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda *a, **k: pytest.fail("a window was opened"))
    idx_file(tmp_path / "x-labels-idx1-ubyte", np.arange(3))
    path = write(tmp_path, "x-images-idx3-ubyte", "not an image file at all")
    assert "does not start with the IDX magic bytes" in one_line_refusal(["open", path], capsys)


def test_open_a_lesson_file_is_checked_as_a_lesson(tmp_path, capsys, monkeypatch):
    import nnviz.ui.app
    from nnviz.paths import resource

    opened = []
    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda path=None, lesson=None: opened.append(path) or 0)
    good = str(resource("lessons", "01-perceptron.toml"))
    assert run(["open", good], capsys)[:1] == (0,) and opened == [good]
    bad = write(tmp_path, "broken.toml", 'title = "unclosed')
    err = one_line_refusal(["open", bad], capsys)
    assert "broken.toml" in err and "not a UTF-8" not in err
