"""Shared fixtures of the UI tests.

* every test gets its own settings file (NNVIZ_SETTINGS → tmp_path/settings.ini), so the
  real user settings are never read or written;
* ``window``: a shown MainWindow (1280×720), shut down and closed afterwards;
* every test fails if a training worker is still running afterwards or if it left a
  top-level window visible.
"""

from __future__ import annotations

import gc

import pytest

from PySide6.QtCore import QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

WINDOW_SIZE = (1280, 720)


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


def show_window(qtbot, window):
    qtbot.addWidget(window)
    window.resize(*WINDOW_SIZE)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.plots_ready, timeout=10000)  # built right after the first paint
    return window


@pytest.fixture
def make_window(qtbot):
    """Build (and afterwards shut down and close) as many MainWindows as a test needs."""
    from nnviz.ui.main_window import MainWindow

    made = []

    def make(**kwargs):
        window = show_window(qtbot, MainWindow(**kwargs))
        made.append(window)
        return window

    yield make
    for window in made:
        try:
            window.controller.shutdown()
            window.close()
        except RuntimeError:  # already deleted (closed and destroyed by the test)
            pass


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def make_controller(qtbot, request):
    """Build SessionControllers (the test module's SMALL problem by default); all shut down after."""
    from nnviz.ui.controller import SessionController
    from nnviz.ui.problem import Problem

    default = getattr(request.module, "SMALL", Problem(samples=100))
    made = []

    def make(problem=None):
        c = SessionController(problem or default)
        made.append(c)
        return c

    yield make
    for c in made:
        c.shutdown()
