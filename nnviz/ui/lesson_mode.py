"""Lesson mode in the window: the lesson panel on the left, the views showing each step.

What a step shows comes from app.lesson_view (the same description the exporter draws);
this module only switches the window into and out of lesson mode, keeps the progress,
frames the panel a step points at and blanks the screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMenu

from nnviz.app.lesson_view import lesson_view
from nnviz.lessons.catalog import builtin_files
from nnviz.lessons.model import Lesson, LessonError, load_lesson_file
from nnviz.lessons.player import LessonPlayer

log = logging.getLogger(__name__)
FOCUS_STYLE = "#panel_{name} {{ border: 3px solid #d81b60; border-radius: 4px; }}"


class LessonMode:
    """Drives ``window``'s lesson panel, views and lesson keys; ``lesson`` is None outside a lesson."""

    def __init__(self, window):
        self.window = window
        self.lesson: Lesson | None = None
        self.player: LessonPlayer | None = None
        self._listed = False
        panel = window.lesson_panel
        panel.stepRequested.connect(self.show_step)
        panel.revealed.connect(self.show_state)
        panel.leaveRequested.connect(self.leave)

    @property
    def active(self) -> bool:
        return self.lesson is not None

    def add_builtin_lessons(self, menu: QMenu) -> None:
        """The built-in lessons as menu entries (read when the menu first opens)."""
        if self._listed:
            return
        self._listed = True
        menu.addSeparator()
        for path in builtin_files():
            try:
                lesson = load_lesson_file(path)
            except LessonError as exc:  # a broken built-in lesson must not stop the app
                log.warning("%s", exc)
                continue
            action = menu.addAction(lesson.title)
            action.setObjectName(f"lesson_{lesson.id}")
            action.triggered.connect(lambda _=False, p=path: self.open_file(str(p)))

    def open_dialog(self) -> None:
        w = self.window
        path, _ = QFileDialog.getOpenFileName(w, "Open lesson", w.settings.get("last_folder"),
                                              "nnviz lesson (*.toml);;All files (*)")
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        try:
            lesson = load_lesson_file(path)
        except LessonError as exc:
            self.window.show_error(str(exc))
            return False
        opened = self.open(lesson)
        if opened:
            self.window.files.remember(path)  # the user's own lesson files (built-in ones are skipped)
        return opened

    def open(self, lesson: Lesson) -> bool:
        """Enter lesson mode at the step where this lesson was left (its numbers checked first)."""
        w = self.window
        player = LessonPlayer(lesson)
        try:
            problems = player.check()
        except LessonError as exc:
            problems = [str(exc)]
        if problems:
            w.show_error("This lesson teaches a number the engine does not produce, so it was not opened:\n\n"
                         + problems[0])
            return False
        w.controller.pause()
        w.docks.drive_canvas(False)  # the lesson owns the canvas now
        self.lesson, self.player = lesson, player
        w.set_lesson_layout(True)
        start = int(w.settings.get("lesson_progress").get(lesson.id, 0))
        w.lesson_panel.set_lesson(lesson, min(max(start, 0), len(lesson.steps) - 1))
        self.show_state()
        w.setWindowTitle(f"nnviz — {lesson.title}")
        w.canvas.setFocus()
        return True

    def show_step(self, index: int) -> None:
        w = self.window
        self.set_blank(False)
        w.lesson_panel.show_step(index)
        progress = dict(w.settings.get("lesson_progress"))
        progress[self.lesson.id] = index
        w.settings.set("lesson_progress", progress)
        self.show_state()

    def show_state(self) -> None:
        """The views show the current step's state, or the one before while its question is open."""
        w = self.window
        view = lesson_view(self.player, w.lesson_panel.index, w.lesson_panel.answered)
        if w.views.show_lesson_state(view) and view.shape is not None:
            w.fill_activation_layers(view.shape.activation_names)
        self.focus_panel(view.panel)

    def focus_panel(self, panel: str | None) -> None:
        """Frame the panel a step asks for, so the class looks there."""
        w = self.window
        widgets = {"network": w.canvas, "activation": w.activation_plot, "loss": w.loss_plot,
                   "boundary": w.boundary_plot}
        for name, widget in widgets.items():
            if widget is not None:
                widget.setStyleSheet("")
                widget.setProperty("focused", name == panel)
        target = widgets.get(panel)
        if target is not None and target is not w.canvas:
            # an id selector: the frame goes round the panel, not round every child inside it
            target.setObjectName(f"panel_{panel}")
            target.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            target.setStyleSheet(FOCUS_STYLE.format(name=panel))

    def set_blank(self, on: bool) -> None:
        """B blanks the screen (for the lecturer to talk); B or any step key shows it again."""
        w = self.window
        w.blank_overlay.setGeometry(w.rect())
        w.blank_overlay.setVisible(bool(on))
        if on:
            w.blank_overlay.raise_()
        action = w.actions_["blank"]
        if action.isChecked() != bool(on):
            action.blockSignals(True)
            action.setChecked(bool(on))
            action.blockSignals(False)

    def leave(self) -> None:
        if self.lesson is None:
            return
        w = self.window
        self.lesson = self.player = None
        self.set_blank(False)
        self.focus_panel(None)
        w.set_lesson_layout(False)
        w.docks.drive_canvas(True)
        if w.plots_ready:
            w.loss_plot.show()
        w.show_session()
