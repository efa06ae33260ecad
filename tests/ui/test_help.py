"""Help: the keyboard-shortcut list matches every shortcut the window has, the guide names
the parts of the window, and a first start shows where to begin, once."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog

from nnviz.lessons.catalog import find_lesson
from nnviz.ui.help import plain, shortcut_rows
from nnviz.ui.settings import Settings


def native(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def help_window(window, name: str) -> QDialog:
    dialog = window.findChild(QDialog, name)
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return dialog


def test_the_shortcut_list_is_every_shortcut_of_the_window(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)  # Help → Keyboard shortcuts
    dialog = help_window(window, "shortcuts_dialog")
    try:
        text = dialog.browser.toPlainText()
        rows = {(name, keys) for _, name, keys in shortcut_rows()}
        in_window = {(plain(a.text()), native(a)) for a in window.findChildren(QAction) if a.shortcuts()}
        assert len(in_window) >= 30
        assert in_window == rows  # nothing missing, nothing stale
        for name, keys in rows:
            assert name in text and keys in text, name
        for title in ("File", "Run", "View", "Lessons", "Instruments", "Help"):
            assert title in text
        assert ("Chain rule", "Ctrl+1") in rows and ("Play", "Space") in rows
        window.actions_["shortcuts"].trigger()  # again: the same window comes forward
        assert len(window.findChildren(QDialog, "shortcuts_dialog")) == 1
    finally:
        dialog.close()


def test_the_guide_explains_the_window_with_its_keys(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = help_window(window, "guide_dialog")
    try:
        text = dialog.browser.toPlainText()
        for heading in ("Where to begin", "Left: the controls", "Centre: the network", "Right: the plots",
                        "Below: the instruments", "Slow down and look back", "In the lecture hall"):
            assert heading in text
        for phrase in ("Play (Space)", "Step (Right)", "Lessons", "Presentation scale (Ctrl+P)", "Ctrl+1 … Ctrl+7",
                       "one phase", "Speed", "Timeline"):
            assert phrase in text, phrase
    finally:
        dialog.close()


def banner_over_canvas(window) -> bool:
    banner = window.first_start
    canvas = QRect(window.canvas.mapTo(window, QPoint(0, 0)), window.canvas.size())
    return banner.isVisible() and canvas.contains(banner.geometry())


def test_a_first_start_shows_where_to_begin_once(make_window, qtbot, settings_path):
    assert not settings_path.exists()  # no settings yet: a first start
    window = make_window()
    banner = window.first_start
    assert banner_over_canvas(window)
    text = banner.label.text()
    for what in ("Play", "(Space)", "Step", "(Right)", "Lessons", "Guide"):
        assert what in text
    assert Settings().get("first_start_seen")  # remembered at once
    window.resize(1440, 880)
    qtbot.waitUntil(lambda: banner_over_canvas(window))  # it follows the canvas
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Right)  # the first action: one step
    assert window.controller.snapshot.step == 1
    assert not banner.isVisible()
    window.close()
    again = make_window()  # the same settings file: not a first start
    assert again.first_start is None


def test_a_click_on_the_banner_puts_it_away(window, qtbot):
    banner = window.first_start
    assert banner.isVisible()
    qtbot.mouseClick(banner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not banner.isVisible()
    assert window.controller.snapshot.step == 0  # the click did nothing else


def test_the_got_it_button_and_a_lesson_put_it_away(make_window, qtbot, settings_path):
    window = make_window()
    qtbot.mouseClick(window.first_start.close_button, Qt.MouseButton.LeftButton)
    assert not window.first_start.isVisible()
    window.close()
    settings_path.unlink()  # a fresh start again
    window = make_window()
    assert window.first_start.isVisible()
    assert window.lessons.open(find_lesson("perceptron"))
    QApplication.processEvents()
    assert not window.first_start.isVisible()


def test_the_banner_text_grows_with_presentation_scale(make_window, qtbot):
    """A lecturer's first start with Ctrl+P already on: the banner reads as large as the rest."""
    stored = Settings()
    stored.set("presentation", True)
    stored.sync()
    window = make_window()
    banner = window.first_start
    assert banner.isVisible()
    assert banner.label.font().pointSizeF() == window.font().pointSizeF() > QApplication.font().pointSizeF()
    assert banner.label.palette().color(banner.label.foregroundRole()).name() == "#ffffff"
