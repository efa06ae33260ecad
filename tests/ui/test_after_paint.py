"""The worker trains on only once the window has painted the snapshot it was handed
(ui.after_paint): painting and training never share the GIL, and nothing waits idle for
the platform's update timer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnviz.ui.after_paint import AfterPaint


class Recorder(QWidget):
    def __init__(self, log):
        super().__init__()
        self.log = log
        self.setMinimumSize(120, 80)

    def paintEvent(self, event):  # noqa: N802 (Qt's name)
        self.log.append("paint")


def test_the_callback_runs_just_after_the_dirty_widget_has_painted(qtbot):
    log = []
    top = QWidget()
    qtbot.addWidget(top)
    child = Recorder(log)
    QVBoxLayout(top).addWidget(child)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(20)
    log.clear()
    after = AfterPaint(top)
    child.update()
    after.call(lambda: log.append("first"))
    after.call(lambda: log.append("second"))  # both wait for the same paint
    assert log == []  # nothing runs inside call()
    qtbot.waitUntil(lambda: "second" in log, timeout=1000)
    assert log == ["paint", "first", "second"]
    qtbot.wait(30)  # the platform's own update request later finds nothing left to paint
    assert log == ["paint", "first", "second"]


def test_a_hidden_window_does_not_hold_the_callback(qtbot):
    log = []
    top = QWidget()
    qtbot.addWidget(top)
    after = AfterPaint(top)
    after.call(lambda: log.append("ran"))
    qtbot.waitUntil(lambda: log == ["ran"], timeout=1000)


def test_the_window_resumes_training_after_its_paint(window, qtbot, monkeypatch):
    """While playing, every frame_shown() of the run comes after a paint of the canvas."""
    events = []

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    watch = PaintWatch()
    window.canvas.installEventFilter(watch)
    window.controller.play()
    run = window.controller.run
    shown = run.frame_shown
    monkeypatch.setattr(run, "frame_shown", lambda: (events.append("shown"), shown()))
    qtbot.waitUntil(lambda: events.count("shown") >= 5, timeout=10_000)
    window.controller.pause()
    shown_at = [i for i, e in enumerate(events) if e == "shown"]
    assert all("paint" in events[a + 1:b] for a, b in zip(shown_at, shown_at[1:])), events


def test_a_paint_that_raises_does_not_keep_training_waiting(qtbot, caplog, monkeypatch):
    """PySide hands a paint override's exception back out of sendEvent (when no excepthook
    takes it): the callbacks still run, then and later."""
    import nnviz.ui.after_paint as module

    class FailingPaint:
        @staticmethod
        def sendEvent(receiver, event):  # noqa: N802 (Qt's name)
            raise RuntimeError("Error calling Python override of QWidget::paintEvent()")

    log = []
    top = QWidget()
    qtbot.addWidget(top)
    top.show()
    qtbot.waitExposed(top)
    after = AfterPaint(top)
    monkeypatch.setattr(module, "QCoreApplication", FailingPaint)
    with caplog.at_level("ERROR"):
        after.call(lambda: log.append("first"))
        qtbot.waitUntil(lambda: log == ["first"], timeout=1000)
    assert "the window could not be painted" in caplog.text
    monkeypatch.undo()
    after.call(lambda: log.append("second"))
    qtbot.waitUntil(lambda: log == ["first", "second"], timeout=1000)
