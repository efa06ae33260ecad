"""The app's File menu with ONNX models: Open model offers and reads .onnx (the loss chosen from
the output is shown in the controls), Save model as… writes ONNX by the chosen filter, and a
session made from an ONNX model saves and reopens exactly."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from PySide6.QtWidgets import QFileDialog

from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network

@pytest.fixture(autouse=True)
def no_modal_warnings(dialogs):
    """Every test here records warning boxes (conftest's ``dialogs``) instead of showing them."""
    return dialogs


@pytest.fixture
def onnx_model(tmp_path):
    """A 2-3-1 relu/tanh ONNX model with float32 weights and no nnviz metadata (as torch writes it)."""
    network = Network([2, 3, 1], ["relu", "tanh"], "mse")
    network.initialize("he", np.random.default_rng(0))
    network.set_params(network.params.astype(np.float32))
    path = tmp_path / "torch.onnx"
    save_model(network, path)
    model = onnx.load(str(path))
    del model.metadata_props[:]
    onnx.save(model, str(path))
    return path, network


def test_open_an_onnx_model_shows_its_loss_and_trains(window, monkeypatch, dialogs, onnx_model):
    path, network = onnx_model
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: asked.append(a[3]) or (str(path), "")))
    window.actions_["open"].trigger()
    assert "*.onnx" in asked[0].split(";;")[0] and "*.json" in asked[0].split(";;")[0]
    c = window.controller
    assert dialogs == [] and "torch.onnx" in window.windowTitle()
    np.testing.assert_array_equal(c.network.params, network.params)
    assert c.network.activation_names == ("relu", "tanh")
    assert c.network.loss_name == "mse" == window.controls.loss.currentData()  # the app's default is bce
    c.step()
    assert c.snapshot.step == 1 and not np.array_equal(c.network.params, network.params)


def test_save_model_as_onnx_by_the_chosen_filter(window, tmp_path, monkeypatch, dialogs):
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: asked.append(a[3]) or (str(tmp_path / "saved"), "ONNX model (*.onnx)")))
    window.controller.step()
    window.actions_["save"].trigger()
    assert asked == ["nnviz model (*.json);;ONNX model (*.onnx)"] and dialogs == []
    saved = tmp_path / "saved.onnx"
    onnx.checker.check_model(onnx.load(str(saved)))
    params = window.controller.network.params
    np.testing.assert_array_equal(load_model(saved).params, params.astype(np.float32).astype(np.float64))
    assert "saved.onnx" in window.windowTitle()


def test_a_session_of_an_onnx_model_saves_and_reopens(make_window, tmp_path, dialogs, onnx_model):
    path, _ = onnx_model
    window = make_window()
    assert window.files.open_file(str(path))
    for _ in range(3):
        window.controller.step()
    trained = window.controller.network.params.copy()
    assert window.files.save_session(str(tmp_path / "run.nnviz"))
    other = make_window()
    assert other.files.open_file(str(tmp_path / "run.nnviz")) and dialogs == []
    np.testing.assert_array_equal(other.controller.network.params, trained)
    assert other.controller.network.activation_names == ("relu", "tanh")
    assert other.controller.snapshot.step == 3


def test_a_broken_onnx_file_is_one_dialog_and_changes_nothing(window, tmp_path, dialogs):
    params = window.controller.network.params.copy()
    (tmp_path / "broken.onnx").write_bytes(b"\x0a\xff\xff\xff\xff\x0f")
    assert window.files.open_file(str(tmp_path / "broken.onnx")) is False
    assert dialogs == [f"{tmp_path / 'broken.onnx'}: not an ONNX model (the file is not a valid ONNX protobuf)"]
    np.testing.assert_array_equal(window.controller.network.params, params)
