"""Lesson mode in the window: the lesson panel on the left, the views showing each step.

What a step shows comes from app.lesson_view (the same description the exporter draws);
this module only switches the window into and out of lesson mode, keeps the progress,
frames the panel a step points at, captions a step that has no network yet and blanks
the screen. While a lesson is open the window shows nothing of the free session: the
instrument docks are put away (docks.set_lesson_mode) and the views show only the
lesson's own state; leaving restores the session, its docks and its marks as they were.

For image data the digit panel stands where the boundary plot stands: a step's "weights",
"confusion" or "mistakes" panel is that panel switched to that view (and a "boundary" step
frames it too); the view the user had chosen comes back when the lesson is left.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu

from nnviz.app.lesson_view import lesson_view
from nnviz.app.stepping import PhaseView
from nnviz.lessons.catalog import builtin_files
from nnviz.lessons.model import DIGIT_PANELS, Lesson, LessonError, load_lesson_file
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
        self._session_digit_view: str | None = None  # the user's choice, put back on leaving
        self._clicks_connected = False
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
        self.show_digit_view(view.digit_view)
        self.focus_panel(view.panel)

    def show_digit_view(self, name: str) -> None:
        """The digit panel shows the step's view (the session's choice is kept for leaving)."""
        digits = self.window.digit_panel
        if digits is None:  # the plots are built later; build_plots shows the step again
            return
        if not self._clicks_connected:  # a gallery image clicked in a lesson is traced by the lesson's network
            digits.sampleChosen.connect(self.trace_image)
            self._clicks_connected = True
        if self._session_digit_view is None:
            self._session_digit_view = digits.view
        digits.set_view(name)

    def trace_image(self, index: int) -> None:
        """A mistakes-gallery image clicked in the lesson (``index`` into the digit panel's
        mistake_part): its forward pass through the network the step shows, drawn like a
        step's phase (the next step shows its own again). Outside a lesson: nothing."""
        views = self.window.views
        if self.lesson is None or views.image_shape is None:
            return
        x = views.dataset.inputs(self.window.digit_panel.mistake_part)
        if not 0 <= index < len(x):
            return
        params = views.network.params.copy()
        views.show_phase(PhaseView("forward", views.network.trace(x[index:index + 1]), 0, params, params.copy()))

    def focus_panel(self, panel: str | None) -> None:
        """Frame the panel a step asks for, so the class looks there: for image data the
        digit panel, in the boundary plot's place, stands for "boundary" and its own views."""
        w = self.window
        digits = w.digit_panel
        images = digits is not None and not digits.isHidden()
        widgets = {"network": w.canvas, "activation": w.activation_plot, "loss": w.loss_plot,
                   "boundary": digits if images else w.boundary_plot, **dict.fromkeys(DIGIT_PANELS, digits)}
        target = widgets.get(panel)
        for widget in dict.fromkeys((*widgets.values(), w.boundary_plot)):  # each widget once
            if widget is not None:
                _unframe(widget)
                widget.setProperty("focused", widget is target)
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
        if self._session_digit_view is not None:
            self.window.digit_panel.set_view(self._session_digit_view)
            self._session_digit_view = None
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


def _unframe(widget) -> None:
    """Take a focus frame's style sheet off ``widget``. Clearing a style sheet leaves the
    application's font set on the widget: one that inherited the window's font (presentation
    scale) inherits it again."""
    if not widget.styleSheet():
        return
    inherited = not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont)
    widget.setStyleSheet("")
    if inherited:
        widget.setFont(QFont())  # an empty font: every attribute from the parent again
