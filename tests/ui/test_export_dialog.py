"""File → Export… in the window: preview, a real export, cancel leaves nothing."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from nnviz.ui.export_dialog import ExportDialog
from nnviz.app.problem import Problem


@pytest.fixture
def dialog(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_SETTINGS", str(tmp_path / "settings.ini"))
    d = ExportDialog(Problem(samples=60), None, "light", str(tmp_path))
    qtbot.addWidget(d)
    d.size.setCurrentIndex(d.size.findData("custom"))
    d.width_box.setValue(200)
    d.height_box.setValue(120)
    d.fps.setValue(10)
    d.epochs.setValue(2)
    d.every.setValue(4)
    return d


def wait_done(qtbot, d):
    qtbot.waitUntil(lambda: not d._timer.isActive(), timeout=30000)


def test_preview_shows_the_first_frame(qtbot, dialog):
    dialog.update_preview()
    pixmap = dialog.preview_label.pixmap()
    assert pixmap is not None and not pixmap.isNull()
    assert abs(pixmap.width() / pixmap.height() - 200 / 120) < 0.05  # the export's shape, scaled


def test_export_writes_a_gif_and_reports_it(qtbot, dialog, tmp_path):
    dialog.format.setCurrentIndex(dialog.format.findData("gif"))
    dialog.out.setText(str(tmp_path / "run.gif"))
    dialog.start()
    wait_done(qtbot, dialog)
    assert dialog.written == tmp_path / "run.gif"
    assert (tmp_path / "run.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")


def test_cancel_leaves_nothing(qtbot, dialog, tmp_path):
    dialog.format.setCurrentIndex(dialog.format.findData("mp4"))
    dialog.epochs.setValue(30)
    target = tmp_path / "run.mp4"
    dialog.out.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 2, timeout=20000)
    dialog.progress.cancel()  # as the Cancel button does
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=5000)
    assert dialog.written is None and not dialog.progress.isVisible()
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".run.mp4")] == []


def test_an_existing_file_is_replaced_only_after_asking(qtbot, dialog, tmp_path, monkeypatch):
    target = tmp_path / "run.gif"
    target.write_bytes(b"keep me")
    dialog.format.setCurrentIndex(dialog.format.findData("gif"))
    dialog.out.setText(str(target))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.start()
    assert target.read_bytes() == b"keep me" and not hasattr(dialog, "_timer")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.start()
    wait_done(qtbot, dialog)
    assert Path(dialog.written) == target and target.read_bytes()[:3] == b"GIF"
