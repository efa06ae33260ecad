"""Paint a window now, then call back: how the worker waits for a frame to be *shown*.

After a snapshot the views only mark themselves dirty; Qt paints them at the window's next
UpdateRequest, which comes a few ms later (the platform's update timer). A callback posted
with ``QTimer.singleShot(0, …)`` ran before that paint, so the worker went on training while
the canvas painted: both threads then took turns at the GIL in small steps, and the canvas
of 784-128-64-10 took ~20 ms instead of ~10; waiting for the platform's UpdateRequest
instead left the ~5 ms before it idle.

``AfterPaint(window).call(fn)`` posts one call that runs after the events already posted
(pyqtgraph's scenes process their changes in posted calls), paints what is dirty at once
(an UpdateRequest sent to the window: Qt's own sync of its backing store; the platform's
later one then finds nothing to do), and then runs ``fn`` on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


class AfterPaint(QObject):
    """``call(fn)``: paint ``window``'s dirty regions now, then run ``fn``."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self._waiting: list[Callable[[], None]] = []

    def call(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the window has painted what is dirty now."""
        if not self._waiting:
            QTimer.singleShot(0, self, self._paint_then_run)
        self._waiting.append(fn)

    def _paint_then_run(self) -> None:
        waiting, self._waiting = self._waiting, []  # first: a failing paint must not keep them waiting
        window = self._window
        try:
            if window.isVisible() and not window.isMinimized():
                QCoreApplication.sendEvent(window, QEvent(QEvent.Type.UpdateRequest))
        except Exception:  # noqa: BLE001 - an unguarded paint override raised: the frame is lost, training is not
            log.exception("the window could not be painted")
        finally:
            for fn in waiting:
                fn()
