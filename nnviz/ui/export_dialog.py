"""File → Export…: choose what and how to export, preview the first frame, run with a
progress dialog that can cancel. The export runs one frame per timer tick on the GUI
thread (the widgets it renders live there), so the window stays responsive.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QMessageBox, QProgressDialog, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.errors import NnvizError
from nnviz.export.exporter import SIZE_PRESETS, ExportCancelled, iter_export, preview, validate
from nnviz.export.sources import ExportSpec

FORMAT_NAMES = {"mp4": "MP4 video (H.264)", "gif": "Animated GIF", "png": "PNG frames (a folder)",
           "png-still": "PNG picture (final state)", "svg": "SVG picture (final state)"}
SUFFIX = {"mp4": ".mp4", "gif": ".gif", "png": "", "png-still": ".png", "svg": ".svg"}


class ExportDialog(QDialog):
    def __init__(self, problem, lesson=None, theme: str = "light", folder: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.problem, self.lesson, self.theme = problem, lesson, theme
        self.written: Path | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.source = QComboBox()
        self.source.addItem("Training run of the current problem", "run")
        self.source.addItem("Forward, backward and update of one step", "phases")
        if lesson is not None:
            self.source.addItem(f"The lesson “{lesson.title}”", "lesson")
            self.source.setCurrentIndex(2)
        form.addRow("Export", self.source)
        self.layout_box = QComboBox()
        self.layout_box.addItem("Network and plots", "full")
        self.layout_box.addItem("Network only", "canvas")
        form.addRow("Views", self.layout_box)
        self.format = QComboBox()
        for key, text in FORMAT_NAMES.items():
            self.format.addItem(text, key)
        form.addRow("Format", self.format)
        self.size = QComboBox()
        for name, (w, h, fps) in SIZE_PRESETS.items():
            self.size.addItem(f"{w}×{h} at {fps} fps", name)
        self.size.addItem("Custom", "custom")
        self.size.setCurrentIndex(1)
        form.addRow("Size", self.size)
        custom = QWidget()
        row = QHBoxLayout(custom)
        row.setContentsMargins(0, 0, 0, 0)
        self.width_box = QSpinBox(minimum=64, maximum=4096, value=1280)
        self.height_box = QSpinBox(minimum=64, maximum=4096, value=720)
        self.fps = QDoubleSpinBox(minimum=1, maximum=120, value=30, decimals=0)
        for label, w in (("width", self.width_box), ("height", self.height_box), ("fps", self.fps)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        form.addRow("", custom)
        self.epochs = QSpinBox(minimum=1, maximum=100000, value=20)
        form.addRow("Epochs", self.epochs)
        self.every = QSpinBox(minimum=1, maximum=100000, value=10)
        form.addRow("Steps per frame", self.every)
        self.hold = QDoubleSpinBox(minimum=0.2, maximum=60, value=3.0, singleStep=0.5)
        form.addRow("Seconds per lesson step", self.hold)
        out_row = QWidget()
        out_layout = QHBoxLayout(out_row)
        out_layout.setContentsMargins(0, 0, 0, 0)
        self.out = QLineEdit(str(Path(folder or Path.home()) / "nnviz-export.mp4"))
        self.out.setObjectName("export_out")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_layout.addWidget(self.out, 1)
        out_layout.addWidget(browse)
        form.addRow("Save to", out_row)
        layout.addLayout(form)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("export_preview")
        self.preview_label.setMinimumSize(400, 225)
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setStyleSheet("QLabel { border: 1px solid #c4c7cc; }")
        layout.addWidget(self.preview_label)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_start")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._preview_timer = QTimer(self, singleShot=True, interval=250)
        self._preview_timer.timeout.connect(self.update_preview)
        for box in (self.source, self.layout_box, self.format, self.size):
            box.currentIndexChanged.connect(self._changed)
        for spin in (self.width_box, self.height_box, self.fps, self.epochs, self.every, self.hold):
            spin.valueChanged.connect(self._changed)
        self._changed()

    # ---- the spec ------------------------------------------------------------------------------

    def spec(self, force: bool = False) -> ExportSpec:
        preset = self.size.currentData()
        if preset == "custom":
            w, h, fps = self.width_box.value(), self.height_box.value(), self.fps.value()
        else:
            w, h, fps = SIZE_PRESETS[preset]
        fmt = self.format.currentData()
        source = self.source.currentData()
        return ExportSpec(
            out=Path(self.out.text()), fmt="png" if fmt == "png-still" else fmt, still=fmt in ("png-still", "svg"),
            source="lesson" if source == "lesson" else "problem", problem=self.problem, lesson=self.lesson,
            phases=source == "phases", epochs=self.epochs.value(), every=self.every.value(), hold=self.hold.value(),
            size=(w, h), fps=float(fps), layout=self.layout_box.currentData(),
            view="full" if self.layout_box.currentData() == "full" else "canvas", theme=self.theme, force=force)

    def _changed(self, *_) -> None:
        custom = self.size.currentData() == "custom"
        for w in (self.width_box, self.height_box, self.fps):
            w.setEnabled(custom)
        source = self.source.currentData()
        self.epochs.setEnabled(source == "run")
        self.every.setEnabled(source == "run")
        self.hold.setEnabled(source == "lesson")
        suffix = SUFFIX[self.format.currentData()]
        path = Path(self.out.text())
        stem = path.with_suffix("") if path.suffix.lower() in (".mp4", ".gif", ".png", ".svg") else path
        self.out.setText(str(stem) + suffix)
        self._preview_timer.start()

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt == "png":
            path = QFileDialog.getSaveFileName(self, "Folder for the frames", self.out.text())[0]
        else:
            path = QFileDialog.getSaveFileName(self, "Export to", self.out.text(), f"{FORMAT_NAMES[fmt]} (*{SUFFIX[fmt]})")[0]
        if path:
            self.out.setText(path)
            self._changed()

    def update_preview(self) -> None:
        try:
            image = preview(replace(self.spec(), still=False))
        except NnvizError as exc:
            self.preview_label.setText(str(exc))
            return
        pixmap = QPixmap.fromImage(image).scaled(self.preview_label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation)
        self.preview_label.setPixmap(pixmap)

    def done(self, result: int) -> None:
        """Closing stops the pending preview (it would build a scene for a closed dialog)."""
        self._preview_timer.stop()
        super().done(result)

    @qt_virtual("ExportDialog: hiding failed")
    def hideEvent(self, event) -> None:
        self._preview_timer.stop()
        super().hideEvent(event)

    # ---- running -------------------------------------------------------------------------------

    def start(self) -> None:
        spec = self.spec()
        if spec.out.exists():
            answer = QMessageBox.question(self, "Export", f"{spec.out} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            spec = replace(spec, force=True)
        try:
            validate(spec)
        except NnvizError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return
        self.run(spec)

    def run(self, spec: ExportSpec) -> None:
        """Export with a progress dialog; one frame per event-loop turn, cancel any time."""
        self._steps = iter_export(spec)
        self.progress = QProgressDialog("Exporting…", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Export")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel)
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        if self.progress.wasCanceled():
            self._cancel()
            return
        try:
            done, total = next(self._steps)
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.setLabelText(f"Frame {done} of {total}")
        except StopIteration as finished:
            self._timer.stop()
            self.progress.reset()
            self.written = finished.value
            self.accept()
        except (NnvizError, OSError) as exc:
            self._timer.stop()
            self.progress.reset()
            QMessageBox.warning(self, "Export", f"The export failed and nothing was written: {exc}")

    def _cancel(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._steps.close()  # removes the partial output
            self.written = None
        self.progress.close()


__all__ = ["ExportCancelled", "ExportDialog"]
