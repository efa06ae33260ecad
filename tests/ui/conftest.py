"""Shared fixtures of the UI tests.

* the per-test settings file and the leak checks (tests/qtfixtures.py);
* ``window``: a shown MainWindow (1280×720), shut down and closed afterwards;
* ``make_controller``: SessionControllers, shut down afterwards.
"""

from __future__ import annotations

import pytest
from qtfixtures import no_leaks, settings_path  # noqa: F401 - autouse fixtures for this folder

WINDOW_SIZE = (1280, 720)


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
    from nnviz.app.problem import Problem

    default = getattr(request.module, "SMALL", Problem(samples=100))
    made = []

    def make(problem=None):
        c = SessionController(problem or default)
        made.append(c)
        return c

    yield make
    for c in made:
        c.shutdown()


@pytest.fixture
def dialogs(monkeypatch):
    """Record warning boxes' texts instead of showing them (a modal dialog would block the test)."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def warning(parent, title, text, *args, **kwargs):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return shown
