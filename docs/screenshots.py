"""Re-make the lecture-hall screenshots in docs/ (the real window at 1920×1080 with
presentation scale on, rendered offscreen): `python docs/screenshots.py`.

Each picture shows one behaviour of the window; the tests named in the README and the
closing notes check the same behaviour as numbers.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["NNVIZ_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "settings.ini")

from PySide6.QtWidgets import QApplication  # noqa: E402

DOCS = Path(__file__).resolve().parent
SIZE = (1920, 1080)


def settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def new_window(app, size=SIZE, presentation=True, dark=False, banner=False):
    from nnviz.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(*size)
    window.show()
    settle(app)
    window.build_plots()
    if window.first_start is not None and not banner:
        window.first_start.dismiss()
    for key, on in (("presentation", presentation), ("dark", dark)):
        if window.actions_[key].isChecked() != on:
            window.actions_[key].trigger()  # as the user's Ctrl+P / Ctrl+D: the action's callback runs
    settle(app)
    assert window.canvas.painter.font_scale > 1 if presentation else True
    return window


def save(app, window, name: str) -> None:
    settle(app)
    window.grab().save(str(DOCS / name))
    print(DOCS / name)


def lesson(name: str):
    from nnviz.lessons.catalog import builtin_files
    from nnviz.lessons.model import load_lesson_file

    return next(load_lesson_file(p) for p in builtin_files() if name in p.name)


def main() -> int:
    app = QApplication.instance() or QApplication(["nnviz"])
    app.setStyle("Fusion")

    # 1, 2: a lesson starts clean, and with its question open shows the step's own student
    w = new_window(app)
    c = w.controller
    c.set_problem(replace(c.problem, dataset="spiral", activation="relu", train=replace(c.problem.train, learning_rate=3.0)))
    c.trainer.train_epochs(5)
    w.lessons.open(lesson("perceptron"))
    w.lessons.show_step(0)
    save(app, w, "lecture-1-lesson-starts-clean.png")
    w.lessons.show_step(7)
    save(app, w, "lecture-2-question-open.png")
    w.lessons.leave()

    # 3: one phase of a 10-sample batch: batch-mean gradients on the edges, sample 3's δ on the nodes
    c.set_problem(replace(c.problem, dataset="circles", activation="tanh", train=replace(c.problem.train, learning_rate=0.1, batch_size=10)))
    w.controls.granularity.setCurrentIndex(w.controls.granularity.findData("phase"))  # as the user picks it
    c.step()
    c.step()
    c.set_phase_sample(2)
    w.canvas.set_phase_progress(1.0)
    save(app, w, "lecture-3-batch-phase.png")

    # 5, 6: slow Play and the timeline scrubbed back
    w.controls.granularity.setCurrentIndex(w.controls.granularity.findData("batch"))
    for _ in range(40):
        c.step()
    c.show_frame(len(c.timeline) // 2) if hasattr(c, "show_frame") else None
    save(app, w, "lecture-6-timeline.png")
    w.close()

    # 4: a one-input problem gets a 1-D plot (the backprop lesson)
    w = new_window(app)
    w.lessons.open(lesson("backprop"))
    w.lessons.show_step(2)
    save(app, w, "lecture-4-one-input.png")
    w.lessons.leave()
    w.close()

    # 10: the dark theme
    w = new_window(app, dark=True)
    save(app, w, "lecture-10-dark.png")
    w.close()

    # 11: a first start shows where to begin; Help → Keyboard shortcuts lists every key
    os.environ["NNVIZ_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "settings.ini")
    from nnviz.ui.settings import Settings

    stored = Settings()
    stored.set("presentation", True)  # a lecturer's first start with Ctrl+P stored (Ctrl+P itself dismisses it)
    stored.sync()
    w = new_window(app, banner=True)
    save(app, w, "lecture-11-first-start.png")
    from nnviz.ui.help import show_shortcuts

    dialog = show_shortcuts(w)
    settle(app)
    dialog.grab().save(str(DOCS / "lecture-11-shortcuts.png"))
    dialog.close()
    w.close()

    # 9: instruments tabbed below, gradient flow in front
    w = new_window(app)
    w.docks.docks["gradient_flow"].show()
    w.controller.step()
    save(app, w, "lecture-9-instruments.png")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
