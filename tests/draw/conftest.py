"""The drawing tests share the UI tests' per-test settings file and leak checks, and a
shown NetworkCanvas of SIZE."""

import pytest
from qtfixtures import no_leaks, settings_path  # noqa: F401 - autouse fixtures for this folder

from nnviz.draw.canvas import NetworkCanvas

SIZE = (800, 500)


@pytest.fixture
def canvas(qtbot):
    c = NetworkCanvas()
    qtbot.addWidget(c)
    c.resize(*SIZE)
    c.show()
    qtbot.waitExposed(c)
    return c
