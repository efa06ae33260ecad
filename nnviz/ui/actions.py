"""Actions are data: one registry of (key, text, shortcut, icon, tip, checkable);
menus and the toolbar are lists of keys (after pymmcore-gui's action registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


@dataclass(frozen=True)
class ActionInfo:
    key: str
    text: str
    shortcut: str | QKeySequence.StandardKey | tuple | None = None  # a tuple: several keys
    icon: str | None = None  # a QStyle.StandardPixmap name
    tip: str = ""
    checkable: bool = False


ACTIONS = (
    ActionInfo("open", "&Open model…", QKeySequence.StandardKey.Open, "SP_DialogOpenButton", "Open a model file (.json)"),
    ActionInfo("save", "&Save model…", QKeySequence.StandardKey.Save, "SP_DialogSaveButton", "Save the network as a model file"),
    ActionInfo("open_session", "Open &session…", "Ctrl+Shift+O", None, "Continue a saved session (.nnviz)"),
    ActionInfo("save_session", "Save s&ession…", "Ctrl+Shift+S", None, "Save everything to continue later (.nnviz)"),
    ActionInfo("import_csv", "&Import data…", "Ctrl+I", None, "Train on a CSV file (numeric columns, label last)"),
    ActionInfo("export", "&Export…", "Ctrl+E", None, "Export the animation as MP4, GIF, PNG frames or a picture"),
    ActionInfo("quit", "&Quit", "Ctrl+Q", None, "Quit nnviz"),  # StandardKey.Quit is empty on Windows
    ActionInfo("play", "&Play", "Space", "SP_MediaPlay", "Train continuously / pause"),
    ActionInfo("step", "S&tep", "Right", "SP_MediaSeekForward",
               "One step of the chosen granularity (on a recorded frame: the next frame)"),
    ActionInfo("step_back", "Step &back", "Left", "SP_MediaSeekBackward", "Back one recorded frame of the timeline"),
    ActionInfo("undo", "&Undo", "Ctrl+Z", None, "Undo a weight edit, reset or layer change"),
    ActionInfo("redo", "&Redo", "Ctrl+Shift+Z", None, "Redo what was undone"),
    ActionInfo("reset", "&Reset", "Ctrl+R", "SP_BrowserReload", "New weights from the seed; clears the curves"),
    ActionInfo("add_layer", "Add hidden layer", "Ctrl+Shift+=", None, "Add a hidden layer"),
    ActionInfo("remove_layer", "Remove hidden layer", "Ctrl+Shift+-", None, "Remove the last hidden layer"),
    ActionInfo("zoom_in", "Zoom &in", "Ctrl+=", "SP_ArrowUp", "Zoom into the network"),
    ActionInfo("zoom_out", "Zoom &out", "Ctrl+-", "SP_ArrowDown", "Zoom out of the network"),
    ActionInfo("reset_view", "&Fit network", "Ctrl+0", None, "Fit the whole network in view"),
    ActionInfo("all_edges", "Show &all edges", "A", None, "Draw every edge, not only the strongest", True),
    ActionInfo("log_scale", "&Log-scale loss", "L", None, "Logarithmic loss axis", True),
    ActionInfo("dark", "&Dark theme", "Ctrl+D", None, "Switch between light and dark", True),
    ActionInfo("presentation", "&Presentation scale", "Ctrl+P", None, "Large fonts and thick lines for projectors", True),
    ActionInfo("fullscreen", "F&ull screen", "F11", None, "Full screen", True),
    ActionInfo("guide", "&Guide", "F1", None, "What each part of the window is and where to begin"),
    ActionInfo("shortcuts", "&Keyboard shortcuts", "Ctrl+/", None, "Every keyboard shortcut of the window"),
    ActionInfo("about", "&About nnviz", None, None, "About nnviz"),
    ActionInfo("open_lesson", "Open lesson &file…", "Ctrl+L", None, "Open a lesson file (.toml)"),
    ActionInfo("lesson_next", "&Next step", ("Right", "PgDown", "Space"), None, "Next lesson step"),
    ActionInfo("lesson_prev", "&Previous step", ("Left", "PgUp"), None, "Previous lesson step"),
    ActionInfo("lesson_first", "&First step", "Home", None, "First lesson step"),
    ActionInfo("lesson_last", "&Last step", "End", None, "Last lesson step"),
    ActionInfo("blank", "&Blank the screen", "B", None, "Blank the screen (B again to show it)", True),
    ActionInfo("leave_lesson", "Leave the lesson", "Ctrl+W", None, "Back to free exploration"),
)
#: Keys that drive a lesson; enabled only in lesson mode (they share keys with play/step).
LESSON_KEYS = ("lesson_next", "lesson_prev", "lesson_first", "lesson_last", "blank", "leave_lesson")
FREE_KEYS = ("play", "step", "step_back", "undo", "redo")

MENUS = {
    "&File": ["open", "save", None, "open_session", "save_session", None, "import_csv", "export", None, "quit"],
    "&Edit": ["undo", "redo"],
    "&Run": ["play", "step", "step_back", "reset", None, "add_layer", "remove_layer"],
    "&View": ["zoom_in", "zoom_out", "reset_view", "all_edges", None, "log_scale", None, "dark",
              "presentation", "fullscreen"],
    "&Lessons": ["open_lesson", None, "lesson_next", "lesson_prev", "lesson_first", "lesson_last", None,
                 "blank", "leave_lesson"],
    "&Help": ["guide", "shortcuts", None, "about"],
}
TOOLBAR = ["open", "save", None, "play", "step", "reset", None, "zoom_in", "zoom_out"]


def key_sequences(info: ActionInfo) -> list[QKeySequence]:
    """The key sequences of ``info``'s shortcut (none, one, or several for a tuple)."""
    if info.shortcut is None:
        return []
    keys = info.shortcut if isinstance(info.shortcut, tuple) else (info.shortcut,)
    return [QKeySequence(k) for k in keys]


def build_actions(parent: QWidget, callbacks: dict[str, Callable]) -> dict[str, QAction]:
    """One QAction per ActionInfo, triggered → callbacks[key] (checkable: callbacks[key](checked))."""
    actions = {}
    style = parent.style()
    for info in ACTIONS:
        action = QAction(info.text, parent)
        action.setObjectName(f"action_{info.key}")
        action.setShortcuts(key_sequences(info))
        if info.icon:
            action.setIcon(style.standardIcon(getattr(QStyle.StandardPixmap, info.icon)))
        action.setToolTip(info.tip)
        action.setStatusTip(info.tip)
        action.setCheckable(info.checkable)
        callback = callbacks[info.key]
        if info.checkable:
            action.toggled.connect(callback)
        else:
            action.triggered.connect(lambda _=False, cb=callback: cb())
        parent.addAction(action)  # shortcuts work even when menus are hidden (full screen)
        actions[info.key] = action
    return actions


def set_play_icon(action: QAction, playing: bool, parent: QWidget) -> None:
    name = "SP_MediaPause" if playing else "SP_MediaPlay"
    action.setIcon(parent.style().standardIcon(getattr(QStyle.StandardPixmap, name)))
    action.setText("&Pause" if playing else "&Play")


__all__ = ["ACTIONS", "FREE_KEYS", "LESSON_KEYS", "MENUS", "TOOLBAR", "ActionInfo", "build_actions", "key_sequences",
           "set_play_icon"]
