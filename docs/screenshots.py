"""Re-make the lecture-hall screenshots in docs/ (the real window at 1920×1080 with
presentation scale on, rendered offscreen): `python docs/screenshots.py`; only the
handwritten-digit ones (docs/digits-*.png, docs/lesson-reading-digits.png):
`python docs/screenshots.py digits`.

Each picture shows one behaviour of the window; the tests named in the README and the
closing notes check the same behaviour as numbers.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fresh_settings() -> None:
    """The next window starts with no stored settings (no docks, size or problem from an earlier shot)."""
    os.environ["NNVIZ_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "settings.ini")


fresh_settings()

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

DOCS = Path(__file__).resolve().parent
SIZE = (1920, 1080)
SMALL = (1280, 720)  # the lecture hall's projector


def settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # a removed widget goes, as the event loop would do


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


def lecture_shots(app) -> None:
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
    fresh_settings()
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


# ---- handwritten digits ------------------------------------------------------------------

def arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float, points: int = 16) -> list:
    """Points along an ellipse's arc, angles in degrees clockwise from 3 o'clock (y grows downwards)."""
    t = np.radians(np.linspace(start, stop, points))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t), strict=True))


# a "3" written with the mouse in one stroke, in drawing-pad pixels (the pad is 512 × 512):
# the upper bowl to the middle cusp, then the larger lower bowl
DRAWN_THREE = arc(250, 165, 105, 85, 205, 475) + arc(250, 345, 120, 95, 245, 500)


def train_digits(app, window, epochs: int = 20) -> None:
    """64-32-10 relu/softmax with cross-entropy, batch 32, η = 0.1, trained epoch by epoch
    with Step ("Step does: one epoch"), as a user would (the loss plot gets every epoch)."""
    c = window.controller
    c.set_problem(replace(c.problem, dataset="digits", hidden=(32,), activation="relu", output_activation="softmax",
                          loss="ce", train=replace(c.problem.train, learning_rate=0.1, batch_size=32)))
    window.controls.granularity.setCurrentIndex(window.controls.granularity.findData("epoch"))
    for _ in range(epochs):
        c.step()
    settle(app)


def read_but_unsure(network, dataset, digit: int = 3) -> int:
    """The first test image of ``digit`` the network reads right at 60–90 %: more than one bar shows."""
    p = network.predict(dataset.x_test)
    labels = dataset.y_test.ravel().astype(int)
    fits = (labels == digit) & (p.argmax(axis=1) == digit) & (p.max(axis=1) > 0.6) & (p.max(axis=1) < 0.9)
    return int(np.flatnonzero(fits)[0])


def wait(app, seconds: float) -> None:
    """Let Qt's timers run (the drawing pad sends its input at most every 33 ms)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        settle(app, 1)
        time.sleep(0.01)


def digit_panel_shot(app, window, view: str, name: str, size=(640, 560)) -> None:
    """The digit panel alone, larger than the window's plot column gives it, at the window's
    font (presentation scale) and theme, showing the window's network on the window's data."""
    from nnviz.draw.plots.digit_panel import DigitPanel

    c = window.controller
    panel = DigitPanel(window.theme)
    panel.setFont(window.font())
    panel.set_dataset(c.dataset)
    panel.set_network(c.network)
    panel.set_view(view)
    panel.resize(*size)
    panel.show()
    save(app, panel, name)
    panel.close()


def digit_shots(app) -> None:
    # the window on the 8×8 digits: input as the traced image, weights as node images, bars 0–9
    fresh_settings()
    w = new_window(app, size=SMALL)
    c = w.controller
    train_digits(app, w)
    w.trace_chosen_image(read_but_unsure(c.network, c.dataset))  # a test image, traced as a gallery click does
    w.canvas.set_phase_progress(1.0)
    save(app, w, "digits-window.png")

    # the confusion matrix and the mistakes gallery, read large
    digit_panel_shot(app, w, "confusion", "digits-confusion.png")
    digit_panel_shot(app, w, "mistakes", "digits-mistakes.png")

    # the drawing pad (Ctrl+7): a drawn 3, its 8×8 input, the bars, and its forward pass on the canvas
    w.resize(*SIZE)
    w.docks.show_panel("drawing_pad")
    settle(app)
    w.docks.panels["drawing_pad"].pad.stroke(DRAWN_THREE)
    wait(app, 0.2)
    w.canvas.set_phase_progress(1.0)
    save(app, w, "digits-drawing-pad.png")
    w.close()

    # the lesson "Reading digits", step 6 answered: one test image traced to its softmax probabilities
    fresh_settings()
    w = new_window(app, size=SMALL)
    w.lessons.open(lesson("reading-digits"))
    w.lessons.show_step(5)
    w.lesson_panel.reveal()  # as "Show the answer": the bars the question hid
    settle(app)
    w.canvas.set_phase_progress(1.0)  # the forward pass drawn to the end
    save(app, w, "lesson-reading-digits.png")
    w.lessons.leave()
    w.close()


def main(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(["nnviz"])
    app.setStyle("Fusion")
    if argv[1:] != ["digits"]:
        lecture_shots(app)
    digit_shots(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
