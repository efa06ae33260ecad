"""Lesson mode in the window: the lesson panel on the left, the views showing each step.

What a step shows comes from app.lesson_view (the same description the exporter draws);
this module only switches the window into and out of lesson mode, keeps the progress,
frames the panel a step points at, captions a step that has no network yet and blanks
the screen. While a lesson is open the window shows nothing of the free session: the
instrument docks are put away (docks.set_lesson_mode) and the views show only the
lesson's own state; leaving restores the session, its docks and its marks as they were.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu

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
        self._banner_shown = False
        self.no_network = QLabel()  # in the canvas's place while a step has no network yet
        self.no_network.setObjectName("lesson_no_network")
        self.no_network.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_network.setWordWrap(True)
        self.no_network.hide()
        centre = window.canvas.parentWidget().layout()
        centre.insertWidget(centre.indexOf(window.canvas) + 1, self.no_network, 1)
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
        if self.lesson is None:  # from the free session: put away what belongs to it
            self._banner_shown = not w.banner.isHidden()  # a divergence warning is the session's
            w.banner.hide()
        w.docks.set_lesson_mode(True)  # the lesson owns the canvas and the screen now
        self.lesson, self.player = lesson, player
        w.set_lesson_layout(True)
        start = int(w.settings.get("lesson_progress").get(lesson.id, 0))
        w.lesson_panel.set_lesson(lesson, min(max(start, 0), len(lesson.steps) - 1))
        self.show_state()
        w.setWindowTitle(f"nnviz — {lesson.title}")
        (w.canvas if w.canvas.isVisible() else w.lesson_panel).setFocus()  # the step keys work from either
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
        """The views show the current step's own state; while its question is open, without
        what the question asks (app.lesson_view). A step with no network yet: a caption."""
        w = self.window
        view = lesson_view(self.player, w.lesson_panel.index, w.lesson_panel.answered)
        # first: choosing the layer redraws the histogram (and no layer is listed without a network)
        w.fill_activation_layers(view.shape.activation_names if view.shape is not None else ())
        shown = w.views.show_lesson_state(view)
        theme, points = w.theme, 1.3 * w.font().pointSizeF()  # the window's font grows with presentation mode
        self.no_network.setStyleSheet(f"QLabel {{ background: {theme.background}; color: {theme.muted}; "
                                      f"font-size: {points:.1f}pt; }}")
        self.no_network.setText(view.caption)
        self.no_network.setVisible(not shown)
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
        """Back to the free session, exactly as it was: its network, plots, phase, docks and marks."""
        if self.lesson is None:
            return
        w = self.window
        self.lesson = self.player = None
        self.set_blank(False)
        self.focus_panel(None)
        self.no_network.hide()
        w.canvas.show()
        w.set_lesson_layout(False)
        if w.plots_ready:
            w.loss_plot.show()
            w.activation_plot.show()
        w.show_session()
        w.views.show_phase(w.controller.phase, animate=False)  # a phase stepped to before the lesson
        w.banner.setVisible(self._banner_shown)
        w.docks.set_lesson_mode(False)  # after show_session: its new architecture clears the marks
