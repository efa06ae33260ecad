"""The first start: a banner over the network that shows where to begin (Play, Step, Lessons).

Shown on a start whose settings have no "first_start_seen" (a fresh home folder) and
remembered at once, so it shows once. It is not modal: the window works around it, and it
goes away on the first action (any registered action: a key, a menu, a button), on opening
a lesson, or on a click on it.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from nnviz.draw.theme import POSITIVE_COLOR
from nnviz.ui.help import keys_of

log = logging.getLogger(__name__)

__all__ = ["FirstStartBanner"]

MARGIN = 16  # px between the banner and the canvas's edges
MAX_WIDTH = 640  # px: a short line is read at a glance


def _text() -> str:
    def k(key: str) -> str:
        keys = keys_of(key)
        return f" ({escape(keys)})" if keys else ""

    return (f"<b>Where to begin</b><br>"
            f"• <b>Play</b>{k('play')} trains the network and shows it learning; press it again to pause.<br>"
            f"• <b>Step</b>{k('step')} goes one step at a time; set “Step does” to <i>one phase</i> to watch "
            "the forward pass, backpropagation and the update.<br>"
            "• The <b>Lessons</b> menu walks through the lecture, from the perceptron on.<br>"
            f"Help → Guide{k('guide')} explains every part of the window.")


class FirstStartBanner(QFrame):
    """Where to begin, over the bottom of the network canvas (a child of the window, not of
    the canvas: the canvas's own pictures stay the network's)."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("first_start_banner")
        self.setStyleSheet(f"QFrame#first_start_banner {{ background: {POSITIVE_COLOR}; border-radius: 6px; }}")
        self.anchor = window.canvas
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        self.label = QLabel(_text())
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        # white on this blue (4.9 : 1); the font is handed on by hand (changeEvent): Qt does not
        # pass a font change on through a frame with a style sheet
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
        self.label.setPalette(palette)
        layout.addWidget(self.label, 1)
        self.close_button = QPushButton("Got it")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        for part in (self.label, self.close_button):
            part.setFont(self.font())
        for action in window.actions_.values():
            action.triggered.connect(self.dismiss)
        window.left.currentChanged.connect(self.dismiss)  # the lesson panel took the controls' place
        self.anchor.installEventFilter(self)  # follow the canvas as the window is laid out

    @classmethod
    def show_if_first(cls, window) -> FirstStartBanner | None:
        """The banner, shown, on the first start; None (nothing shown) on any later one."""
        settings = window.settings
        if settings.get("first_start_seen"):
            return None
        settings.set("first_start_seen", True)
        settings.sync()
        banner = cls(window)
        banner.place()
        banner.show()
        banner.raise_()
        return banner

    def place(self) -> None:
        """At the bottom centre of the canvas, at most MAX_WIDTH wide."""
        canvas = self.anchor
        width = max(min(canvas.width() - 2 * MARGIN, MAX_WIDTH), 1)
        height = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        top_left = canvas.mapTo(self.parentWidget(), QPoint(0, 0))
        x = top_left.x() + (canvas.width() - width) // 2
        y = top_left.y() + max(canvas.height() - height - MARGIN, 0)
        self.setGeometry(x, y, width, height)

    def dismiss(self, *_) -> None:
        """Gone for good (hidden; the settings already remember it was shown)."""
        if self.anchor is None:
            return  # dismissed already
        self.hide()
        self.anchor.removeEventFilter(self)
        self.anchor = None

    # ---- Qt virtuals: an exception must not escape them -------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        try:
            if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show) and self.anchor is not None:
                self.place()
        except Exception:  # noqa: BLE001 - a Qt virtual
            log.exception("first-start banner: placing it failed")
        return False

    def mousePressEvent(self, event) -> None:
        try:
            self.dismiss()
            event.accept()
        except Exception:  # noqa: BLE001 - a Qt virtual
            log.exception("first-start banner: dismissing it failed")

    def changeEvent(self, event) -> None:
        try:
            super().changeEvent(event)
            if event.type() == QEvent.Type.FontChange and hasattr(self, "close_button"):  # built
                self.label.setFont(self.font())
                self.close_button.setFont(self.font())
                if self.anchor is not None:
                    self.place()  # presentation scale: the text grows, so does the banner
        except Exception:  # noqa: BLE001 - a Qt virtual
            log.exception("first-start banner: resizing it failed")
