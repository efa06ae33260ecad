"""Sessions in the app: save/open continues bit for bit, bad files change nothing,
autosave and crash recovery, recent files, imported CSV data."""

import gzip
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnviz.ui.main_window import MainWindow
from nnviz.ui.settings import Settings


@pytest.fixture
def settings_path(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("NNVIZ_SETTINGS", str(path))
    return path


@pytest.fixture
def new_window(qtbot, settings_path):
    made = []

    def make():
        window = MainWindow()
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.controller.shutdown()
        window.close()


def train(window, epochs=3, batches=4):
    c = window.controller
    c.trainer.train_epochs(epochs)
    for _ in range(batches):  # stop mid-epoch
        c.trainer.step_batch()
    c._publish(c.trainer.snapshot())


def test_save_then_open_continues_bit_for_bit(new_window, tmp_path):
    a = new_window()
    a.controller.set_problem(replace(a.controller.problem, samples=120, hidden=(5, 3)))
    train(a)
    path = tmp_path / "lesson.nnviz"
    assert a.files.save_session(str(path))
    b = new_window()
    assert b.files.open_session(str(path))
    assert b.controller.problem == a.controller.problem
    assert np.array_equal(b.controller.network.params, a.controller.network.params)
    assert len(b.controller.history().epoch) == len(a.controller.history().epoch)
    for window in (a, b):
        for _ in range(30):
            window.controller.trainer.step_batch()
    assert np.array_equal(b.controller.network.params, a.controller.network.params)
    assert "lesson.nnviz" in b.windowTitle()


def test_corrupt_or_newer_session_changes_nothing(new_window, tmp_path, monkeypatch):
    w = new_window()
    shown = []
    monkeypatch.setattr(w, "show_error", shown.append)
    before = w.controller.network.params.copy()
    broken = tmp_path / "broken.nnviz"
    broken.write_bytes(b"\x1f\x8b\x08 not really gzip")
    assert not w.files.open_session(str(broken))
    path = tmp_path / "good.nnviz"
    w.files.save_session(str(path))
    text = gzip.decompress(path.read_bytes()).decode().replace('"version":1', '"version":7', 1)
    newer = tmp_path / "newer.nnviz"
    newer.write_text(text, encoding="utf-8")
    assert not w.files.open_session(str(newer))
    assert len(shown) == 2 and "newer" in shown[1]
    assert np.array_equal(w.controller.network.params, before)


def test_close_autosaves_and_the_next_start_continues(new_window):
    a = new_window()
    a.controller.set_problem(replace(a.controller.problem, samples=100, dataset="xor"))
    train(a, epochs=2, batches=3)
    params = a.controller.network.params.copy()
    a.close()
    b = new_window()
    assert b.controller.problem.dataset == "xor"
    assert np.array_equal(b.controller.network.params, params)


def test_after_a_crash_the_start_asks_before_restoring(new_window, monkeypatch):
    a = new_window()
    train(a, epochs=1, batches=1)
    a.autosave()  # the periodic autosave ran, then the process died without closing
    a.controller.shutdown()
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    b = new_window()  # clean_exit is still False: a crash
    assert asked and "did not close normally" in asked[0]
    assert b.controller.trainer.step == 0  # declined: a fresh start


def test_recent_files_menu_lists_opened_files(new_window, tmp_path):
    w = new_window()
    path = tmp_path / "s.nnviz"
    w.files.save_session(str(path))
    names = [a.text() for a in w.recent_menu.actions()]
    assert names == ["s.nnviz"]
    assert Settings().get("recent_files")["files"][0] == str(path.resolve())


def test_imported_csv_trains_and_survives_a_session(new_window, tmp_path):
    w = new_window()
    rows = "\n".join(f"{x:.2f},{y:.2f},{int(x * y > 0)}" for x, y in np.random.default_rng(0).uniform(-3, 3, (60, 2)))
    assert w.files.import_csv("quadrants.csv", "x,y,label\n" + rows + "\n", 0.25, False)
    c = w.controller
    assert c.problem.dataset == "csv" and c.dataset.x_train.shape == (45, 2)
    assert w.controls.dataset.currentText() == "CSV: quadrants.csv"
    path = tmp_path / "csv.nnviz"
    w.files.save_session(str(path))
    other = new_window()
    assert other.files.open_session(str(path))
    assert np.array_equal(other.controller.dataset.x_train, c.dataset.x_train)
