"""The app as `nnviz lesson NAME` and `python -m nnviz` start it: run_app in a fresh
process (offscreen), its event loop replaced by a look at the window."""

from __future__ import annotations

import os
import subprocess
import sys

LOOK = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from nnviz.ui.main_window import MainWindow\n"
    "def look():\n"
    "    app = QApplication.instance()\n"
    "    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))\n"
    "    lesson = window.lessons.lesson\n"
    "    print(app.arguments()[0], lesson.id if lesson else None, window.lesson_panel.isVisible())\n"
    "    for w in app.topLevelWidgets():\n"
    "        w.close()\n"
    "    return 0\n"
    "QApplication.exec = staticmethod(look)\n"
)


def run(code: str, tmp_path) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, "-c", LOOK + code], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_nnviz_lesson_opens_the_window_in_that_lesson(tmp_path):
    out = run("from nnviz.cli import main\nsys.exit(main(['lesson', 'perceptron']))\n", tmp_path)
    assert out == ["nnviz", "perceptron", "True"]


def test_the_window_class_is_nnviz_whatever_started_it(tmp_path):
    """`python -m nnviz` has argv[0] = .../__main__.py; Qt names the X11 WM_CLASS after argv[0]."""
    out = run("sys.argv = ['/x/nnviz/__main__.py']\nfrom nnviz.ui.app import run_app\nsys.exit(run_app())\n",
              tmp_path)
    assert out == ["nnviz", "None", "False"]
