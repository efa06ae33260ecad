"""Corrupt settings and autosaves never block the start (issue 15): a stored value out of
its range is dropped with a warning; an autosave whose problem is malformed is set aside
(renamed, kept) with a message and not offered again; a session with a bad problem is one
dialog naming the file; ``nnviz open s.nnviz`` opens the session."""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnviz.lessons.catalog import find_lesson
from nnviz.ui.main_window import MainWindow
from nnviz.ui.settings import Settings


@pytest.fixture
def new_window(qtbot, monkeypatch):
    """MainWindows (not shown); every dialog they would open is recorded in ``new_window.shown``."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    made = []

    def make(**kwargs):
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        made.append(window)
        return window

    make.shown = shown
    yield make
    for window in made:
        window.controller.shutdown()
        window.close()


@pytest.mark.parametrize("stored", ["99999999999999999999", "-2147483649", "3001", "-1"])
def test_an_animation_time_out_of_range_is_dropped_and_the_window_starts(new_window, settings_path, caplog,
                                                                         stored):
    settings_path.write_text(f"[General]\nanimation_ms={stored}\n")
    with caplog.at_level(logging.WARNING, logger="nnviz.ui.settings"):
        w = new_window()
    assert w.controls.speed.value() == 900 and w.canvas.animation_ms == 900
    assert any(f"dropped animation_ms ({stored} is not from 0 to 3000)" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("progress", ['{\\"perceptron\\": \\"abc\\"}', '{\\"perceptron\\": 2.5}',
                                      '{\\"perceptron\\": -3}', '{\\"perceptron\\": true}'])
def test_a_lesson_step_that_is_not_a_whole_number_is_dropped(new_window, settings_path, caplog, progress):
    settings_path.write_text(f'[General]\nlesson_progress="{progress}"\n')
    with caplog.at_level(logging.WARNING, logger="nnviz.ui.settings"):
        assert Settings().get("lesson_progress") == {}
    assert "dropped lesson_progress" in caplog.records[0].getMessage()
    settings_path.write_text(f'[General]\nlesson_progress="{progress}"\n')
    w = new_window()
    assert w.lessons.open(find_lesson("perceptron"))
    assert w.lesson_panel.index == 0


def test_recent_files_that_are_not_paths_are_dropped(settings_path):
    settings_path.write_text('[General]\nrecent_files="{\\"files\\": [1, 2]}"\n')
    assert Settings().get("recent_files") == {}


def test_a_settings_value_nested_deeply_is_dropped(settings_path):
    settings_path.write_text('[General]\nproblem="' + "[" * 50_000 + "]" * 50_000 + '"\n')
    assert Settings().get("problem") == {}


def autosave_with_problem(new_window, **changes):
    """Close a window (it autosaves), then damage the autosave's problem with ``changes``."""
    a = new_window()
    a.controller.set_problem(replace(a.controller.problem, samples=100, dataset="xor"))
    a.controller.trainer.train_epochs(1)
    a.close()
    path = Settings().autosave_path
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["problem"].update(changes)
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    return path


@pytest.mark.parametrize("changes", [{"hidden": 5}, {"train": "fast"}, {"activation": "bogus"},
                                     {"samples": -4}])
@pytest.mark.parametrize("crashed", [False, True])
def test_a_malformed_autosave_is_set_aside_with_a_message(new_window, changes, crashed):
    path = autosave_with_problem(new_window, **changes)
    saved = path.read_bytes()
    if crashed:  # the start then asks "Restore?"; the default answer is Yes
        Settings().set("clean_exit", False)
    b = new_window()
    assert b.controller.trainer.step == 0  # a fresh start (with the problem the settings keep)
    aside = list(path.parent.glob("autosave.nnviz.bad-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == saved  # kept, byte for byte
    assert len(new_window.shown) == 1 and str(aside[0]) in new_window.shown[0]
    assert "the problem" in new_window.shown[0]
    b.close()
    new_window.shown.clear()
    c = new_window()  # the set-aside file is not offered again
    assert not new_window.shown and c.controller.trainer.step == 0


@pytest.mark.parametrize("changes, message", [
    ({"hidden": 5}, '"hidden" must be a list'),
    ({"hidden": [4096] * 60}, "hidden layers need 1 to 128 neurons"),
    ({"activation": "bogus"}, "hidden activation 'bogus' is unknown"),
    ({"dataset": "nope"}, "dataset 'nope' is unknown"),
    ({"samples": -5}, '"samples" must be from 2 to 100000'),
])
def test_open_session_with_a_bad_problem_is_one_dialog_naming_the_file(new_window, tmp_path, changes, message):
    w = new_window()
    path = tmp_path / "run.nnviz"
    assert w.files.save_session(str(path))
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["problem"].update(changes)
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    before = w.controller.network.params.copy()
    assert not w.files.open_session(str(path))
    assert new_window.shown == [new_window.shown[0]] and new_window.shown[0].startswith(f"{path}: the problem")
    assert message in new_window.shown[0]
    assert np.array_equal(w.controller.network.params, before)


def test_a_session_given_on_the_command_line_is_opened(new_window, tmp_path):
    a = new_window()
    a.controller.set_problem(replace(a.controller.problem, samples=100, dataset="xor", hidden=(3,)))
    a.controller.trainer.train_epochs(2)
    path = tmp_path / "s.nnviz"
    assert a.files.save_session(str(path))
    b = new_window(model_path=str(path))
    assert not new_window.shown
    assert b.controller.problem == a.controller.problem
    assert np.array_equal(b.controller.network.params, a.controller.network.params)
    assert "s.nnviz" in b.windowTitle()
