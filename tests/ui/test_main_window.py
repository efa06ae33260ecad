"""The whole window: launch, play/pause/step through actions and keys, editing weights and
layers, switching data and activations, divergence, closing while training, themes,
settings that persist (or are corrupt), and model files."""

from __future__ import annotations

import json
import logging
import time

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt, QThreadPool  # noqa: E402
from PySide6.QtGui import QColor, QKeySequence  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QInputDialog, QToolButton  # noqa: E402

from nnviz.engine.model_io import load_model  # noqa: E402
from nnviz.engine.network import Network  # noqa: E402
from nnviz.draw.theme import THEMES  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402
from nnviz.ui.settings import Settings  # noqa: E402


@pytest.fixture(autouse=True)
def no_modal_warnings(dialogs):
    """Every test here records warning boxes (conftest's ``dialogs``) instead of showing them."""
    return dialogs


def choose(box, value):
    i = box.findData(value)
    assert i >= 0, value
    box.setCurrentIndex(i)


def wait_epochs(qtbot, window, epochs, timeout=10_000):
    qtbot.waitUntil(lambda: window.controller.snapshot.epoch >= epochs, timeout=timeout)


def edge_count(layers):
    return sum(a * b for a, b in zip(layers[:-1], layers[1:]))


def model_dict(weights, biases, layers=(2, 3, 1), activations=("tanh", "sigmoid"), loss="bce"):
    return {"format": "nnviz-model", "version": 1, "layers": list(layers), "activations": list(activations),
            "loss": loss, "weights": weights, "biases": biases}


GOOD_MODEL = model_dict(weights=[[[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], [[1.0, -2.0, 0.5]]],
                        biases=[[0.1, -0.2, 0.3], [-0.4]])


# ----------------------------------------------------------------------------- launch and run


def test_launch_shows_the_default_problem(window):
    c = window.controller
    assert window.windowTitle() == "nnviz"
    assert c.problem == Problem()
    assert c.network.layers == (2, 4, 4, 1) == window.canvas.layers
    assert window.canvas.activation_names == ("tanh", "tanh", "sigmoid")
    assert len(window.canvas.edge_set.value) == edge_count((2, 4, 4, 1))
    assert window.controls.dataset.currentData() == "circles"
    assert window.controls.learning_rate.currentData() == Problem().train.learning_rate
    assert not c.running and c.snapshot.step == 0
    assert not window.banner.isVisible()
    assert window.boundary_plot.isVisible()
    assert [len(t) for t in window.canvas.thumbnails] == [2, 4, 4, 1]
    assert window.activation_layer.count() == 3


def test_play_by_action_and_pause_by_space(window, qtbot):
    c = window.controller
    window.actions_["play"].trigger()
    assert c.running
    assert window.actions_["play"].text() == "&Pause"
    wait_epochs(qtbot, window, 5)
    assert window.frames_painted > 1
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not c.running
    assert window.actions_["play"].text() == "&Play"
    step = c.trainer.step
    qtbot.wait(150)
    assert c.trainer.step == step
    assert np.isfinite(window.controller.history().train_loss).all()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # and Space plays again
    assert c.running
    window.controller.pause()


def test_stepping_phases_shows_the_controller_trace(window, qtbot):
    c = window.controller
    choose(window.controls.granularity, "phase")
    assert c.granularity == "phase"
    window.controls.speed.setValue(0)  # no animation: the final state at once
    canvas = window.canvas

    window.actions_["step"].trigger()
    ph = c.phase
    assert ph.phase == "forward" and canvas.phase is ph
    expected = {(0, k): f"x = {ph.trace.x[0, k]:.3g}" for k in range(2)}
    expected.update({(l, k): f"a = {ph.trace.layers[l - 1].a[0, k]:.3g}"
                     for l in (1, 2, 3) for k in range(c.network.layers[l])})
    assert canvas.value_labels() == expected
    assert c.snapshot.step == 0

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Right)  # the Step shortcut
    assert c.phase.phase == "backward"
    expected = {(l, k): f"δ = {ph.sample_delta(l - 1)[k]:.3g}"  # the sample's own δ = ∂Lᵢ/∂z
                for l in (1, 2, 3) for k in range(c.network.layers[l])}
    assert canvas.value_labels() == expected
    assert canvas.edge_kind == "gradient"
    es = canvas.edge_set
    for k in range(len(es.value)):
        assert es.value[k] == ph.trace.layers[es.layer[k]].grad_w[es.row[k], es.col[k]]

    window.actions_["step"].trigger()
    assert c.phase.phase == "update" and c.snapshot.step == 1
    assert canvas.value_labels() == {}
    np.testing.assert_array_equal(canvas.weights[0], c.network.weights[0])
    es = canvas.edge_set
    for k in range(len(es.value)):
        assert es.value[k] == c.network.weights[es.layer[k]][es.row[k], es.col[k]]

    window.actions_["step"].trigger()  # a new forward pass on the next batch
    assert c.phase.phase == "forward" and c.phase.trace is not ph.trace


def test_edit_weight(window, monkeypatch):
    c = window.controller
    asked = []

    def get_double(parent, title, label, value, *args, **kwargs):
        asked.append(value)
        return 1.5, True

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(get_double))
    x, y = c.trainer.current_batch()
    old_weight = float(c.network.weights[0][0, 0])
    before = c.network.trace(x, y)
    window.edit_weight(0, 0, 0)
    assert asked == [old_weight]
    assert c.network.weights[0][0, 0] == 1.5 != old_weight
    assert window.canvas.weights[0][0, 0] == 1.5
    after = c.network.trace(x, y)
    assert not np.array_equal(after.layers[0].z[:, 0], before.layers[0].z[:, 0])
    np.testing.assert_allclose(after.layers[0].z[:, 0] - before.layers[0].z[:, 0], (1.5 - old_weight) * x[:, 0])
    np.testing.assert_array_equal(after.layers[0].z[:, 1:], before.layers[0].z[:, 1:])
    assert after.loss != before.loss

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (7.0, False)))  # cancelled
    window.edit_weight(0, 0, 0)
    assert c.network.weights[0][0, 0] == 1.5


def test_click_an_edge_while_playing_edits_it_and_resumes(window, qtbot, monkeypatch):
    c = window.controller
    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (-3.25, True)))
    canvas = window.canvas
    es = canvas.edge_set
    k = int(np.flatnonzero((es.layer == 1) & (es.row == 2) & (es.col == 3))[0])
    x0, y0, x1, y1 = es.segments[k]
    # a third of the way along: the midpoint is where it crosses edge (1, 3, 2)
    px, py = canvas.to_widget(x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3)
    c.play()
    with qtbot.waitSignal(canvas.weightClicked, timeout=2000) as blocker:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(float(px)), round(float(py))))
    assert blocker.args == [1, 2, 3]
    assert c.running  # it played on after the edit
    c.pause()
    # the edit happened while paused, then training moved the weight on from −3.25
    assert abs(c.network.weights[1][2, 3] + 3.25) < 1.0


def test_add_and_remove_layers_while_training(window, qtbot, dialogs):
    c = window.controller
    c.play()
    wait_epochs(qtbot, window, 1)
    window.edit_hidden(+1, None)
    assert c.running
    assert c.network.layers == (2, 4, 4, 4, 1) == window.canvas.layers
    assert window.findChild(QToolButton, "add_neuron_2") is not None
    qtbot.waitUntil(lambda: c.snapshot.step > 0 and tuple(c.snapshot.layers) == (2, 4, 4, 4, 1), timeout=5000)
    assert len(window.canvas.edge_set.value) == edge_count((2, 4, 4, 4, 1))
    window.edit_hidden(+1, 0)  # one more neuron in hidden layer 1
    assert c.network.layers == (2, 5, 4, 4, 1) and c.running
    window.edit_hidden(-1, None)
    window.edit_hidden(-1, None)
    assert c.network.layers == (2, 5, 1) and c.running
    qtbot.waitUntil(lambda: c.snapshot.step > 0 and tuple(c.snapshot.layers) == (2, 5, 1), timeout=5000)
    assert len(window.canvas.edge_set.value) == edge_count((2, 5, 1))
    assert window.findChild(QToolButton, "add_neuron_1") is None
    assert dialogs == []
    c.pause()


def test_too_many_neurons_shows_one_warning(window, dialogs):
    c = window.controller
    c.change_hidden((128,))
    window.edit_hidden(+1, 0)
    assert len(dialogs) == 1 and "1 to 128 neurons" in dialogs[0]
    assert c.network.layers == (2, 128, 1)
    window.edit_hidden(-1, 0)
    assert c.network.layers == (2, 127, 1) and len(dialogs) == 1


def test_switching_datasets_and_activations_rebuilds_the_network(window, dialogs):
    c, controls = window.controller, window.controls
    choose(controls.dataset, "xor")
    assert c.problem.dataset == "xor" and c.dataset.name == "xor"
    assert c.network.layers == (2, 4, 4, 1) and c.network.activation_names[-1] == "sigmoid"

    choose(controls.dataset, "blobs")  # 3 classes: softmax output with cross-entropy
    assert c.network.layers == (2, 4, 4, 3) == window.canvas.layers
    assert c.network.activation_names[-1] == "softmax" and c.network.loss_name == "ce"
    assert window.canvas.activation_names[-1] == "softmax"
    assert window.activation_layer.itemText(2) == "output layer (softmax)"
    assert len(window.canvas.edge_set.value) == edge_count((2, 4, 4, 3))

    choose(controls.dataset, "regression_plane")
    assert c.dataset.task == "regression"
    assert c.network.layers == (2, 4, 4, 1)
    assert c.network.activation_names[-1] == "linear" and c.network.loss_name == "mse"
    assert c.snapshot.train_accuracy is None

    choose(controls.activation, "relu")
    assert c.problem.activation == "relu"
    assert c.network.activation_names == ("relu", "relu", "linear") == window.canvas.activation_names
    choose(controls.activation, "sigmoid")
    assert c.network.activation_names == ("sigmoid", "sigmoid", "linear")
    window.controller.step()
    assert c.snapshot.step == 1
    assert dialogs == []


def test_divergence_shows_the_banner(window, qtbot):
    controls = window.controls
    choose(controls.dataset, "regression_plane")
    choose(controls.output_activation, "linear")
    choose(controls.learning_rate, 10.0)
    c = window.controller
    assert c.trainer.config.learning_rate == 10.0 and c.network.activation_names[-1] == "linear"
    window.actions_["play"].trigger()
    qtbot.waitUntil(window.banner.isVisible, timeout=10_000)
    assert "learning rate" in window.banner.text()
    assert "Reset" in window.banner.text()
    assert not c.running
    window.actions_["reset"].trigger()
    assert not window.banner.isVisible() and c.trainer.stopped is None


@pytest.mark.parametrize("activation", ["relu", "linear", "tanh", "elu"])
def test_stepping_into_divergence_updates_every_view_without_errors(window, qtbot, activation):
    """The last snapshots hold inf/NaN weights and losses; every view takes them (warnings are errors here)."""
    controls, c = window.controls, window.controller
    choose(controls.dataset, "regression_plane")
    choose(controls.activation, activation)
    choose(controls.output_activation, "linear")
    choose(controls.learning_rate, 10.0)
    window.edit_hidden(-1, None)
    assert c.network.layers == (2, 4, 1)
    for _ in range(400):
        c.step()
        if c.trainer.stopped:
            break
    assert c.trainer.stopped and window.banner.isVisible() and "learning rate" in window.banner.text()
    window.canvas.grab()
    window.grab()
    choose(controls.granularity, "phase")
    window.controls.speed.setValue(0)
    window.actions_["step"].trigger()  # refused: diverged
    assert "learning rate" in window.banner.text()


def test_close_while_training_stops_the_worker(window, qtbot):
    window.actions_["play"].trigger()
    wait_epochs(qtbot, window, 1)
    assert QThreadPool.globalInstance().activeThreadCount() == 1
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 1.0
    assert not window.controller.running
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    assert not window.isVisible()


SHORTCUTS = {"play": "Space", "step": "Right", "reset": "Ctrl+R", "open": "Ctrl+O", "save": "Ctrl+S",
             "quit": "Ctrl+Q", "fullscreen": "F11", "zoom_in": "Ctrl+=", "zoom_out": "Ctrl+-"}


def test_keyboard_shortcuts(window, qtbot):
    for key, sequence in SHORTCUTS.items():
        assert QKeySequence(sequence) in window.actions_[key].shortcuts(), key
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.zoom == pytest.approx(1.25)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.zoom == pytest.approx(1.0)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.controller.snapshot.step == 2
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.snapshot.step == 0
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def background_pixel(window) -> QColor:
    return window.canvas.grab().toImage().pixelColor(4, 4)


def test_dark_theme_toggle_changes_the_canvas_background(window):
    assert background_pixel(window) == QColor(THEMES["light"].background)
    window.actions_["dark"].trigger()
    assert window.actions_["dark"].isChecked()
    assert background_pixel(window) == QColor(THEMES["dark"].background) == QColor(0x1e, 0x1f, 0x22)
    window.actions_["dark"].trigger()
    assert background_pixel(window) == QColor(255, 255, 255)


# ----------------------------------------------------------------------------- settings


def test_settings_persist_across_windows(make_window, settings_path):
    first = make_window()
    choose(first.controls.dataset, "xor")
    choose(first.controls.learning_rate, 0.03)
    choose(first.controls.granularity, "phase")
    first.actions_["dark"].trigger()
    first.close()
    assert settings_path.exists()

    second = make_window()
    assert second.controller.problem.dataset == "xor" and second.controls.dataset.currentData() == "xor"
    assert second.controller.trainer.config.learning_rate == 0.03
    assert second.controller.granularity == "phase" and second.controls.granularity.currentData() == "phase"
    assert second.actions_["dark"].isChecked()
    assert second.canvas.theme == THEMES["dark"]
    assert background_pixel(second) == QColor(THEMES["dark"].background)


def test_corrupt_settings_start_with_defaults(make_window, settings_path, caplog, dialogs):
    settings_path.write_text("[General]\ntheme=purple\nproblem={not json\ngranularity=minute\n"
                             "animation_ms=fast\npresentation=maybe\ngeometry=garbage\n")
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert window.controller.problem == Problem()
    assert window.canvas.theme == THEMES["light"] and not window.actions_["dark"].isChecked()
    assert not window.actions_["presentation"].isChecked()
    assert window.controller.granularity == "batch" and window.controls.speed.value() == 900
    dropped = {r.getMessage().split()[2] for r in caplog.records if r.getMessage().startswith("settings: dropped")}
    assert {"theme", "problem", "granularity", "animation_ms", "presentation", "geometry"} <= dropped
    assert dialogs == []


@pytest.mark.parametrize("stored", [
    {"dataset": "no such data"}, {"hidden": [0]}, {"train": {"learning_rate": -1}},
    {"features": 5}, {"train": "fast"}, {"samples": "many"},
], ids=["dataset", "hidden", "rate", "features", "train", "samples"])
def test_a_stored_problem_that_does_not_build_is_dropped(make_window, caplog, stored):
    s = Settings()
    s.set("problem", stored)
    s.sync()
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert window.controller.problem == Problem()
    assert any("dropped the stored problem" in r.getMessage() for r in caplog.records)


# ----------------------------------------------------------------------------- model files


def test_open_a_model_file(window, tmp_path, monkeypatch, dialogs):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(GOOD_MODEL))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.actions_["open"].trigger()
    c = window.controller
    assert "tiny.json" in window.windowTitle()
    assert c.network.layers == (2, 3, 1) == window.canvas.layers
    assert c.network.activation_names == ("tanh", "sigmoid")
    np.testing.assert_array_equal(c.network.weights[0], GOOD_MODEL["weights"][0])
    np.testing.assert_array_equal(c.network.biases[1], GOOD_MODEL["biases"][1])
    np.testing.assert_array_equal(window.canvas.weights[1], GOOD_MODEL["weights"][1])
    assert c.problem.hidden == (3,) and c.model_path == str(path)
    assert Settings().get("last_folder") == str(tmp_path)
    assert dialogs == []
    window.controller.step()  # it trains
    assert c.snapshot.step == 1


@pytest.mark.parametrize("content", [
    "{not json",
    json.dumps({**GOOD_MODEL, "format": "other"}),
    json.dumps(model_dict([[[1.0, 2.0, 3.0]]], [[0.0]], layers=(3, 1), activations=("sigmoid",))),  # 3 inputs
    json.dumps(model_dict([[[1.0, 2.0]], [[1.0]], [[1.0]]], [[0.0], [0.0], [0.0]], layers=(2, 1, 1, 1),
                          activations=("tanh", "relu", "sigmoid"))),  # mixed hidden activations
], ids=["json", "format", "inputs", "mixed"])
def test_a_broken_model_file_warns_once_and_changes_nothing(window, tmp_path, dialogs, content):
    c = window.controller
    c.step()
    params, layers, title = c.network.params.copy(), c.network.layers, window.windowTitle()
    path = tmp_path / "broken.json"
    path.write_text(content)
    assert window.files.open_model(str(path)) is False
    assert len(dialogs) == 1
    assert c.network.layers == layers == window.canvas.layers
    np.testing.assert_array_equal(c.network.params, params)
    assert window.windowTitle() == title and c.snapshot.step == 1


def test_save_a_model_file(make_window, tmp_path, monkeypatch, dialogs):
    window = make_window()
    window.controller.change_hidden((3,))
    for _ in range(3):
        window.controller.step()
    path = tmp_path / "saved.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.actions_["save"].trigger()
    assert path.exists() and dialogs == []
    assert "saved.json" in window.windowTitle()
    loaded = load_model(path)
    assert isinstance(loaded, Network) and loaded.layers == (2, 3, 1)
    np.testing.assert_array_equal(loaded.params, window.controller.network.params)

    other = make_window(model_path=str(path))  # and it opens again
    assert other.controller.network.layers == (2, 3, 1)
    np.testing.assert_array_equal(other.controller.network.params, loaded.params)
    assert "saved.json" in other.windowTitle()


def test_the_status_line_follows_play_at_the_plots_pace_and_shows_the_paused_step(window, qtbot, monkeypatch):
    import nnviz.ui.main_window as module

    monkeypatch.setattr(module, "PLOT_INTERVAL", 3600.0)  # while playing, only the first frame updates the plots
    c = window.controller
    shown = window.frames_painted
    c.play()
    qtbot.waitUntil(lambda: window.frames_painted >= shown + 3, timeout=10_000)
    first = int(window.controls.status.text().split("step ")[1].split("<")[0])
    assert c.snapshot.step > first  # frames went on; the line waits for the next plot frame
    c.pause()
    assert f"step {c.snapshot.step}" in window.controls.status.text()  # paused: the step trained last
