"""The window's files: models, sessions, CSV and MNIST-format data, recent files and the autosave.

Every reader validates a whole file before anything changes, so a bad file is one
dialog and the session the user had is kept; writes are atomic (engine.files).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget

from nnviz.app.opening import open_kind
from nnviz.engine.errors import NnvizError
from nnviz.engine.idx import is_idx_name
from nnviz.engine.model_io import load_model, save_model
from nnviz.paths import resource_dir
from nnviz.ui.controller import SessionController
from nnviz.ui.settings import Settings

log = logging.getLogger(__name__)
RECENT_FILES = 8
OPEN_MODEL_FILTERS = "Models (*.json *.onnx);;nnviz model (*.json);;ONNX model (*.onnx);;All files (*)"
#: Save model as…: filter → the suffix a name without one gets (engine.model_io writes by suffix)
SAVE_MODEL_FILTERS = {"nnviz model (*.json)": ".json", "ONNX model (*.onnx)": ".onnx"}
IMPORT_FILTERS = ("Data (*.csv *.txt *-ubyte *-ubyte.gz *.idx3-ubyte *.idx1-ubyte);;CSV (*.csv *.txt);;"
                  "MNIST-format images and labels (*-ubyte *-ubyte.gz *.idx3-ubyte *.idx1-ubyte);;All files (*)")


class FileActions:
    """Open and save for ``window`` (its title, status bar and ``show_error`` dialog) and
    ``controller``; a lesson file goes to ``window.lessons``."""

    def __init__(self, window: QWidget, controller: SessionController, settings: Settings, recent_menu: QMenu):
        self.window = window
        self.controller = controller
        self.settings = settings
        self.recent_menu = recent_menu
        self.fill_recent_menu()

    def show_error(self, message: str) -> None:
        self.window.show_error(message)

    def _ask_open(self, title: str, filters: str) -> str:
        return QFileDialog.getOpenFileName(self.window, title, self.settings.get("last_folder"), filters)[0]

    def _opened(self, path: str) -> None:
        self.remember(path)
        self.window.setWindowTitle(f"nnviz — {Path(path).name}")

    # ---- models ----------------------------------------------------------------------------------

    def open_model_dialog(self) -> None:
        path = self._ask_open("Open model", OPEN_MODEL_FILTERS)
        if path:
            self.open_model(path)

    def open_model(self, path: str) -> bool:
        try:
            self.controller.load_network(load_model(path), path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        self._opened(path)
        return True

    def save_model_dialog(self) -> None:
        start = self.controller.model_path or str(Path(self.settings.get("last_folder") or ".") / "model.json")
        filters = list(SAVE_MODEL_FILTERS)
        chosen = next((f for f in filters if start.lower().endswith(SAVE_MODEL_FILTERS[f])), filters[0])
        path, chosen = QFileDialog.getSaveFileName(self.window, "Save model", start, ";;".join(filters), chosen)
        if not path:
            return
        if Path(path).suffix.lower() not in SAVE_MODEL_FILTERS.values():
            path += SAVE_MODEL_FILTERS.get(chosen, ".json")  # the dialog asked about the name without it
            if Path(path).exists() and not self._may_replace(path):
                return
        self.save_model(path)

    def _may_replace(self, path: str) -> bool:
        answer = QMessageBox.question(self.window, "Save model", f"{Path(path).name} exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    def save_model(self, path: str) -> bool:
        c = self.controller
        was_running = c.running
        c.pause()
        try:
            save_model(c.network, path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        finally:
            if was_running:
                c.play()
        c.model_path = path
        self.window.setWindowTitle(f"nnviz — {Path(path).name}")
        self.window.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    # ---- sessions and data ----------------------------------------------------------------------

    def open_session_dialog(self) -> None:
        path = self._ask_open("Open session", "nnviz session (*.nnviz);;All files (*)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        try:
            self.controller.open_session(path)
        except NnvizError as exc:
            self.show_error(str(exc))  # nothing was changed
            return False
        self._opened(path)
        return True

    def save_session_dialog(self) -> None:
        start = str(Path(self.settings.get("last_folder") or ".") / "session.nnviz")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", start, "nnviz session (*.nnviz)")
        if path:
            self.save_session(path if path.endswith(".nnviz") else path + ".nnviz")

    def save_session(self, path: str) -> bool:
        try:
            self.controller.save_session(path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        self.remember(path)
        self.window.statusBar().showMessage(f"Saved session {path}", 4000)
        return True

    def import_csv_dialog(self) -> None:
        from nnviz.ui.csv_dialog import open_csv_dialog

        path = self._ask_open("Import data", IMPORT_FILTERS)
        if not path:
            return
        if is_idx_name(path):  # MNIST-format images or labels: the other file is found beside it
            self.import_idx(path)
            return
        dialog = open_csv_dialog(self.window, path)  # a bad file is reported there, naming row and column
        if dialog is not None and dialog.exec():
            self.import_csv(dialog.name, dialog.text, dialog.test_fraction, dialog.standardize)

    def import_csv(self, name: str, text: str, test_fraction: float, standardize: bool) -> bool:
        try:
            self.controller.import_csv(name, text, test_fraction, standardize)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        return True

    def import_idx(self, path: str) -> bool:
        """Train on MNIST-format files (a bad or mismatched pair: one dialog, nothing changed)."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # 60,000 images take a moment to read
        try:
            self.controller.import_idx(path)
        except NnvizError as exc:
            QApplication.restoreOverrideCursor()
            self.show_error(str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.remember(path)
        return True

    def open_file(self, path: str) -> bool:
        """Open any nnviz file by its kind: model (.json, .onnx), session (.nnviz), lesson (.toml),
        MNIST-format data (…-ubyte[.gz])."""
        kind = open_kind(path)
        if kind == "data":
            return self.import_idx(path)
        if kind == "session":
            return self.open_session(path)
        if kind == "lesson":
            return self.window.lessons.open_file(path)
        return self.open_model(path)

    # ---- recent files and the autosave ---------------------------------------------------------

    def remember(self, path: str) -> None:
        """Put ``path`` first in the recent files (not the built-in lessons) and its folder as the last one."""
        resolved = str(Path(path).resolve())
        if resolved.startswith(str(resource_dir())):
            return
        files = [p for p in self.settings.get("recent_files").get("files", []) if p != resolved]
        self.settings.set("recent_files", {"files": [resolved, *files][:RECENT_FILES]})
        self.settings.set("last_folder", str(Path(resolved).parent))
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = [p for p in self.settings.get("recent_files").get("files", []) if isinstance(p, str)]
        for path in files:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        menu.setEnabled(bool(files))

    def autosave(self) -> None:
        """Save the session beside the settings (periodically and on close)."""
        try:
            self.controller.save_session(self.settings.autosave_path)
        except (NnvizError, OSError) as exc:  # e.g. diverged weights: keep the last good autosave
            log.warning("autosave skipped: %s", exc)

    def restore_autosave(self) -> None:
        """After a normal close, continue where it stopped; after a crash, ask first."""
        path = self.settings.autosave_path
        clean = self.settings.get("clean_exit")
        self.settings.set("clean_exit", False)
        self.settings.sync()
        if not path.is_file():
            return
        if not clean:
            answer = QMessageBox.question(
                self.window, "nnviz", "nnviz did not close normally last time. Restore the session it was working on?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.controller.open_session(path)
        except Exception as exc:  # a bad autosave must never block the start
            log.warning("the autosaved session could not be restored: %s", exc,
                        exc_info=not isinstance(exc, NnvizError))
            self._set_aside_autosave(path, exc)

    def _set_aside_autosave(self, path: Path, why: Exception) -> None:
        """Rename a bad autosave to autosave.nnviz.bad-<time> (kept, never offered again) and say so."""
        aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.replace(aside)
        except OSError as exc:
            log.warning("could not set the bad autosave aside: %s", exc)
            aside = path
        self.show_error(f"The session autosaved last time could not be restored, so nnviz started afresh; "
                        f"the file is kept as {aside}.\n\n{why}")
