"""The lesson panel: the step's text, a step counter, the outline, and questions.

It knows nothing of the network: it shows a Lesson's steps and emits ``stepRequested``;
the main window turns the player's LessonState into pictures. A step with a question
is shown in two stages: first the question (the views show the step without what it
asks), then, once answered or revealed, the step's result and its ``reveal`` text
(``revealed``).

Text sizes follow ``set_text_scale`` (presentation scale): the step's text at TEXT_POINTS ×
scale, the lesson's title TITLE_FACTOR larger, the step title as large, both bold. The
text is never wider than the panel: the panel is at least as wide as the longest line
that cannot wrap (a table, a formula without spaces) of any of the lesson's steps.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QFont, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QRadioButton,
    QSplitter, QTextBrowser, QVBoxLayout, QWidget,
)

from nnviz.lessons.answers import PLACEHOLDER
from nnviz.lessons.player import answer_is_right

TEXT_POINTS = 11.5  # the step's text at scale 1 (never below MIN_POINTS)
MIN_POINTS = 9.0
TITLE_FACTOR = 1.15  # the lesson's title, relative to the text
WRAP = QTextOption.WrapMode.WordWrap  # a formula breaks at its spaces, never inside a number


def unwrappable_width(markdown: str, font: QFont) -> float:
    """The width (px) of the widest part of ``markdown`` that cannot wrap, in ``font``: a
    document laid out as narrow as it goes is exactly that wide."""
    doc = QTextDocument()
    option = doc.defaultTextOption()
    option.setWrapMode(WRAP)
    doc.setDefaultTextOption(option)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setMarkdown(markdown)
    doc.setTextWidth(1)  # wrap everywhere it can
    return doc.idealWidth()


class LessonPanel(QWidget):
    stepRequested = Signal(int)
    revealed = Signal()  # the question of the current step was answered or skipped
    leaveRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lesson = None
        self.index = 0
        self.answered = True
        self.last_answer_right: bool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)

        self.lesson_title = QLabel()
        self.lesson_title.setObjectName("lesson_title")
        self.lesson_title.setWordWrap(True)
        layout.addWidget(self.lesson_title)

        nav = QHBoxLayout()
        self.prev_button = QPushButton("◀ Back")
        self.prev_button.setObjectName("lesson_prev")
        self.prev_button.setToolTip("Previous step (←, PageUp)")
        self.counter = QLabel()
        self.counter.setObjectName("lesson_counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setObjectName("lesson_next")
        self.next_button.setToolTip("Next step (→, PageDown, Space)")
        self.prev_button.clicked.connect(self.go_previous)
        self.next_button.clicked.connect(self.go_next)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.counter, 1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)

        split = QSplitter(Qt.Orientation.Vertical)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.step_title = QLabel()
        self.step_title.setObjectName("lesson_step_title")
        self.step_title.setWordWrap(True)
        body_layout.addWidget(self.step_title)
        self.text = QTextBrowser()
        self.text.setObjectName("lesson_text")
        self.text.setOpenExternalLinks(False)
        self.text.setWordWrapMode(WRAP)
        # the box is as wide as the widest unwrappable line (_fit_text_width); a table's border
        # may still round one pixel over, which must not bring up a bar
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body_layout.addWidget(self.text, 1)
        body_layout.addWidget(self._build_question())
        split.addWidget(body)
        self.outline = QListWidget()
        self.outline.setObjectName("lesson_outline")
        self.outline.currentRowChanged.connect(self._outline_clicked)
        split.addWidget(self.outline)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

        leave = QPushButton("Leave lesson")
        leave.setObjectName("lesson_leave")
        leave.clicked.connect(self.leaveRequested.emit)
        layout.addWidget(leave)
        self.scale = 1.0
        self.set_text_scale(1.0)

    def _build_question(self) -> QWidget:
        box = QWidget()
        box.setObjectName("lesson_question")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        self.question_label = QLabel()
        self.question_label.setWordWrap(True)
        self.question_label.setObjectName("question_prompt")
        layout.addWidget(self.question_label)
        self.choices_box = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_box)
        self.choices_layout.setContentsMargins(12, 0, 0, 0)
        self.choice_group = QButtonGroup(self)
        layout.addWidget(self.choices_box)
        self.number = QLineEdit()  # starts empty: an answer of 0 must be typed, not given away
        self.number.setObjectName("question_number")
        self.number.setPlaceholderText(PLACEHOLDER)  # never a number: it could be the answer
        self.number.setValidator(QDoubleValidator())
        self.number.returnPressed.connect(self.submit_answer)
        layout.addWidget(self.number)
        row = QHBoxLayout()
        self.answer_button = QPushButton("Check my answer")
        self.answer_button.setObjectName("question_answer")
        self.answer_button.clicked.connect(self.submit_answer)
        self.reveal_button = QPushButton("Show the answer")
        self.reveal_button.setObjectName("question_reveal")
        self.reveal_button.clicked.connect(self.reveal)
        row.addWidget(self.answer_button)
        row.addWidget(self.reveal_button)
        layout.addLayout(row)
        self.feedback = QLabel()
        self.feedback.setObjectName("question_feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.feedback)
        self.question_box = box
        return box

    # ---- showing ---------------------------------------------------------------------------

    def set_lesson(self, lesson, index: int = 0) -> None:
        self.lesson = lesson
        self.lesson_title.setText(lesson.title)
        self.outline.blockSignals(True)
        self.outline.clear()
        for i, step in enumerate(lesson.steps, start=1):
            self.outline.addItem(f"{i}. {step.title}")
        self.outline.blockSignals(False)
        self._fit_text_width()
        self.show_step(index)

    def set_text_scale(self, scale: float) -> None:
        """The step's text at TEXT_POINTS × ``scale``; the titles, bold, as large or larger."""
        self.scale = float(scale)
        font = QFont(self.font())
        font.setPointSizeF(max(MIN_POINTS, TEXT_POINTS * scale))
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        self.question_label.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        self.step_title.setFont(bold)
        title = QFont(bold)
        title.setPointSizeF(font.pointSizeF() * TITLE_FACTOR)
        self.lesson_title.setFont(title)
        self._fit_text_width()

    def _fit_text_width(self) -> None:
        """The text browser is at least as wide as the widest unwrappable line of any step
        (with its reveal), plus its margins and a vertical scroll bar: it never scrolls sideways."""
        if self.lesson is None:
            self.text.setMinimumWidth(0)
            return
        font = self.text.document().defaultFont()
        widest = max(unwrappable_width(step.text + "\n\n" + (step.reveal or ""), font) for step in self.lesson.steps)
        chrome = (2 * self.text.document().documentMargin() + 2 * self.text.frameWidth()
                  + self.text.verticalScrollBar().sizeHint().width())
        self.text.setMinimumWidth(math.ceil(widest + chrome) + 2)  # + 2: the table borders round up

    @property
    def step(self):
        return self.lesson.steps[self.index]

    def show_step(self, index: int) -> None:
        """Show step ``index``; a question starts unanswered (the views wait for ``revealed``)."""
        self.index = index
        step = self.step
        n = len(self.lesson.steps)
        self.counter.setText(f"Step {index + 1} of {n}")
        self.step_title.setText(step.title)
        self.text.setMarkdown(step.text)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < n - 1 or step.ask is not None)
        self.outline.blockSignals(True)
        self.outline.setCurrentRow(index)
        self.outline.blockSignals(False)
        self._show_question(step.ask)

    def _show_question(self, question) -> None:
        self.question_box.setVisible(question is not None)
        self.answered = question is None
        self.last_answer_right = None
        self.feedback.clear()
        for button in self.choice_group.buttons():
            self.choice_group.removeButton(button)
            button.hide()  # at once: deleteLater waits for the event loop
            button.deleteLater()
        if question is None:
            return
        self.question_label.setText(f"<b>Your turn:</b> {question.prompt}")
        self.choices_box.setVisible(question.choices is not None)
        self.number.setVisible(question.choices is None)
        self.number.clear()
        for i, choice in enumerate(question.choices or ()):
            button = QRadioButton(choice)
            button.setObjectName(f"choice_{i}")
            self.choice_group.addButton(button, i)
            self.choices_layout.addWidget(button)
        self.answer_button.setEnabled(True)
        self.reveal_button.setEnabled(True)

    # ---- answering -------------------------------------------------------------------------

    def given_answer(self) -> float | None:
        question = self.step.ask
        if question.choices is not None:
            i = self.choice_group.checkedId()
            return None if i < 0 else float(i)
        try:
            return float(self.number.text().replace(",", "."))
        except ValueError:
            return None

    def submit_answer(self) -> None:
        question = self.step.ask
        given = self.given_answer()
        if question is None or given is None:
            self.feedback.setText("Choose an answer first.")
            return
        self.last_answer_right = answer_is_right(question, given)
        verdict = "<b style='color:#2e7d32'>Right!</b>" if self.last_answer_right else "<b style='color:#c62828'>Not quite.</b>"
        self._finish(verdict)

    def reveal(self) -> None:
        self._finish("")

    def _finish(self, verdict: str) -> None:
        question = self.step.ask
        right = question.choices[int(question.answer)] if question.choices else f"{question.answer:g}"
        parts = [p for p in (verdict, f"The answer: <b>{right}</b>.", question.explanation) if p]
        self.feedback.setText(" ".join(parts))
        if self.step.reveal:
            self.text.setMarkdown(self.step.text + "\n\n" + self.step.reveal)
        self.answer_button.setEnabled(False)
        self.reveal_button.setEnabled(False)
        leave_field = self.number.hasFocus()  # answered: → must go on again (the field would keep it)
        if not self.answered:
            self.answered = True
            self.next_button.setEnabled(self.index < len(self.lesson.steps) - 1)
            self.revealed.emit()
        if leave_field:
            (self.next_button if self.next_button.isEnabled() else self).setFocus()

    # ---- navigation ------------------------------------------------------------------------

    def go_next(self) -> None:
        """Next: an unanswered question is revealed first (a second press moves on)."""
        if not self.answered:
            self.reveal()
        elif self.index < len(self.lesson.steps) - 1:
            self.stepRequested.emit(self.index + 1)

    def go_previous(self) -> None:
        if self.index > 0:
            self.stepRequested.emit(self.index - 1)

    def go_first(self) -> None:
        self.stepRequested.emit(0)

    def go_last(self) -> None:
        self.stepRequested.emit(len(self.lesson.steps) - 1)

    def _outline_clicked(self, row: int) -> None:
        if row >= 0 and row != self.index:
            self.stepRequested.emit(row)
