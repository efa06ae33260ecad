"""Image data in the real window: the digit panel in the data plot's place, a clicked
mistake traced through the network, the drawing pad feeding the canvas."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from idx_files import write_pair
from PySide6.QtCore import QPointF, Qt

from nnviz.app.image_views import raw_pixels
from nnviz.engine.trainer import TrainConfig


def use_digits(window, hidden=(16,)):
    c = window.controller
    c.set_problem(replace(c.problem, dataset="digits", hidden=hidden, activation="relu",
                          train=TrainConfig(learning_rate=0.1, batch_size=32)))
    return c


def test_digits_swap_the_boundary_plot_for_the_digit_panel_and_back(window, qtbot):
    c = use_digits(window)
    assert c.network.layers == (64, 16, 10) and c.network.activation_names[-1] == "softmax"
    controls = window.controls  # they show the head the network uses, not the sigmoid/bce asked before
    assert (controls.output_activation.currentData(), controls.loss.currentData()) == ("softmax", "ce")
    qtbot.waitUntil(lambda: window.digit_panel.isVisible())
    assert not window.boundary_plot.isVisible()
    assert window.canvas.painter.image.shape == (8, 8) and window.canvas.painter.image.pixels is None
    assert window.canvas.class_names == tuple(str(k) for k in range(10))
    c.set_problem(replace(c.problem, dataset="circles", hidden=(4,)))
    qtbot.waitUntil(lambda: window.boundary_plot.isVisible())
    assert not window.digit_panel.isVisible() and window.canvas.class_names is None
    assert window.canvas.painter.image is None


def test_a_clicked_mistake_is_traced_with_its_target(window, qtbot):
    c = use_digits(window)
    c.trainer.train_epochs(1)
    c.set_granularity("batch")
    window.digit_panel.set_view("mistakes")
    gallery = window.digit_panel.mistake_gallery
    qtbot.waitUntil(lambda: bool(gallery.image_rects()))
    index, rect = next(iter(gallery.image_rects().items()))
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    view = c.phase
    assert view is not None and view.phase == "backward" and view.batch == 1
    assert np.array_equal(view.trace.x[0], c.dataset.x_test[index])
    assert view.sample_target == int(c.dataset.y_test[index])
    shown = window.canvas.painter.image.pixels
    assert np.array_equal(shown, raw_pixels(c.dataset, c.dataset.x_test[index]))
    step = c.trainer.step
    c.step()  # the run's own next step: the next mini-batch trained, not the inspected image
    assert c.trainer.step == step + 1 and c.phase.batch == 32


def test_the_drawing_pad_traces_what_is_drawn(window, qtbot):
    c = use_digits(window)
    window.docks.show_panel("drawing_pad")
    panel = window.docks.panels["drawing_pad"]
    side = panel.pad.pad_rect()
    points = [panel.pad.to_pad(QPointF(side.center().x(), side.top() + side.height() * t))
              for t in np.linspace(0.2, 0.8, 12)]
    with qtbot.waitSignal(panel.drawn, timeout=5000):
        panel.pad.stroke([(p.x(), p.y()) for p in points])
    qtbot.waitUntil(lambda: c.phase is not None)
    view = c.phase
    assert view.phase == "forward" and view.trace.y is None
    assert np.allclose(view.trace.x[0], panel.input_x)
    assert np.allclose(view.trace.layers[-1].a[0], c.network.predict(panel.input_x[None, :])[0])
    assert window.canvas.painter.image.pixels is not None and window.canvas.painter.image.pixels.max() > 0


def write_idx_pair(folder, n=40, side=6, labels_n=None):
    """n random side×side images and labels 0..9 as an MNIST-format pair; the images file."""
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
    labels = rng.integers(0, 10, labels_n or n, dtype=np.uint8)
    return write_pair(folder, images, labels, prefix="toy"), images


def test_file_import_reads_mnist_format_files(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    path, images = write_idx_pair(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.files.import_csv_dialog()  # File → Import data…
    c = window.controller
    assert c.problem.dataset == "idx" and c.problem.data_path == str(path)
    assert c.network.layers[0] == 36 and c.dataset.image_shape == (6, 6) and c.dataset.n_train == 20
    qtbot.waitUntil(lambda: window.digit_panel.isVisible())
    assert window.controls.dataset.currentText() == "MNIST: toy-images-idx3-ubyte"
    raw = np.sort(np.concatenate([c.dataset.raw_train, c.dataset.raw_test]), axis=0)
    assert np.array_equal(raw, np.sort(images.reshape(40, 36) / 255.0, axis=0))


def test_a_mismatched_pair_is_one_dialog_and_the_session_stays(window, tmp_path, dialogs):
    path, _ = write_idx_pair(tmp_path, labels_n=39)
    c = window.controller
    c.trainer.train_epochs(3)  # trained weights must survive a bad import
    before = (c.problem, c.network.params.copy())
    assert not window.files.import_idx(str(path))
    assert len(dialogs) == 1 and "40" in dialogs[0] and "39" in dialogs[0]
    assert c.problem == before[0] and np.array_equal(c.network.params, before[1])


def test_a_digits_model_opens_on_the_digits(window, tmp_path, dialogs):
    from nnviz.engine.model_io import save_model
    from nnviz.engine.network import Network

    network = Network([64, 12, 10], ["relu", "softmax"], "ce")
    network.initialize("he", np.random.default_rng(3))
    save_model(network, tmp_path / "digits.json")
    assert window.controller.problem.dataset == "circles"
    assert window.files.open_model(str(tmp_path / "digits.json"))
    c = window.controller
    assert dialogs == [] and c.problem.dataset == "digits" and np.array_equal(c.network.params, network.params)
    assert c.dataset.image_shape == (8, 8) and window.canvas.class_names == tuple("0123456789")
    other = Network([3, 4, 1], ["tanh", "sigmoid"], "bce")  # fits neither the digits nor the circles
    other.initialize("xavier", np.random.default_rng(0))
    save_model(other, tmp_path / "other.json")
    assert not window.files.open_model(str(tmp_path / "other.json"))
    assert len(dialogs) == 1 and "takes 3 inputs" in dialogs[0] and c.problem.dataset == "digits"


def test_drawing_while_training_plays_keeps_it_playing(window, qtbot):
    c = use_digits(window)
    window.docks.show_panel("drawing_pad")
    panel = window.docks.panels["drawing_pad"]
    c.play()
    with qtbot.waitSignal(panel.drawn, timeout=5000):
        panel.pad.stroke([(40.0, 40.0), (60.0, 200.0)])
    assert c.running and c.phase is None  # the pad's own bars follow the drawing meanwhile
    c.pause()


def test_save_as_with_a_suffix_added_asks_before_replacing(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    existing = tmp_path / "model.onnx"
    existing.write_bytes(b"the user's own file")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "model"), "ONNX model (*.onnx)")))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda parent, title, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.No))
    window.files.save_model_dialog()
    assert asked == ["model.onnx exists. Replace it?"] and existing.read_bytes() == b"the user's own file"
