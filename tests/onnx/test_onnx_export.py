"""``nnviz export --model model.onnx``: an ONNX model is exported like any other (model_io.load_model)."""

from __future__ import annotations

import numpy as np

from nnviz.cli import main
from nnviz.engine.model_io import save_model
from nnviz.engine.network import Network


def test_export_a_still_of_an_onnx_model(tmp_path, qapp, capsys):
    network = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    network.initialize("xavier", np.random.default_rng(0))
    save_model(network, tmp_path / "m.onnx")
    out = tmp_path / "still.svg"
    code = main(["export", "--model", str(tmp_path / "m.onnx"), "--format", "svg", "--size", "320x200",
                 "--epochs", "1", "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    assert out.read_text().lstrip().startswith("<?xml") and "<svg" in out.read_text()
