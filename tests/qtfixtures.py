"""Fixtures every Qt test folder uses (tests/ui, tests/draw): imported by their conftest files.

* every test gets its own settings file (NNVIZ_SETTINGS → tmp_path/settings.ini), so the
  real user settings are never read or written;
* every test fails if a training worker is still running afterwards or if it left a
  top-level window visible.
"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QToolTip


@pytest.fixture(autouse=True)
def settings_path(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("NNVIZ_SETTINGS", str(path))
    return path


@pytest.fixture(autouse=True)
def no_leaks(qapp):
    """Fail the test if a worker thread or a visible top-level window outlives it."""
    yield
    # Free what the test dropped now, at a quiet moment: Qt objects collected later, in the
    # middle of another test's painting, are what a PySide6 crash needs.
    QApplication.processEvents()
    gc.collect()
    pool = QThreadPool.globalInstance()
    pool.waitForDone(2000)
    active = pool.activeThreadCount()
    QToolTip.hideText()  # a hover tooltip is not a window the test opened
    QApplication.processEvents()
    visible = [w for w in QApplication.topLevelWidgets()
               if w.isVisible() and type(w).__name__ != "QTipLabel"]
    names = [f"{type(w).__name__}({w.windowTitle()!r})" for w in visible]
    for w in visible:  # do not let one test's leak fail the next ones too
        w.close()
    assert active == 0, f"{active} training worker thread(s) still running after the test"
    assert not visible, f"top-level windows left visible: {names}"
