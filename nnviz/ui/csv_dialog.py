"""File → Import CSV…: check a CSV file before it becomes the data set.

``open_csv_dialog(parent, path)`` reads and parses the file with the engine's importer
(``nnviz.engine.csv_data``). If the file cannot be used it shows the importer's one-line
message (it names the row and the column) in a warning box and returns None; otherwise it
returns a ``CsvImportDialog`` (not yet shown) for the caller to ``exec()``::

    dialog = open_csv_dialog(self, path)
    if dialog is not None and dialog.exec():
        controller.import_csv(dialog.name, dialog.text, dialog.test_fraction, dialog.standardize)

The dialog shows the file's size, whether it has a header row, a preview of the first
rows with the label column (always the last one) marked, the task the labels mean and how
they map to classes, and asks for the test fraction and whether to z-score the inputs.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QStyle, QTableView, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from nnviz.app.csv_summary import (
    DEFAULT_TEST_FRACTION, SCALE_RATIO_THRESHOLD, class_counts_text, count_text, feature_scale_ratio,
    label_mapping_text, split_counts, task_text,
)
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.csv_data import classify_labels, parse_csv_text, read_csv_text
from nnviz.engine.datasets import MAX_TEST_FRACTION, Dataset, load_csv_dataset
from nnviz.engine.errors import NnvizError

PREVIEW_ROWS = 50
"""The preview table shows at most this many data rows."""

STRETCH_COLUMNS = 8
"""With at most this many columns the preview's columns share its width."""

def _quiet_table(view: QTableView) -> None:
    """A read-only table without selection or focus, rows as tall as the text needs."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)


class CsvImportDialog(QDialog):
    """Preview and settings of a CSV file to import; raises NnvizError if it cannot be read.

    Give ``path`` (the file is read), or ``text`` with ``name`` (or ``path`` only naming it).
    After ``exec()`` read ``name``, ``text``, ``test_fraction``, ``standardize``,
    ``n_inputs`` and ``task``; ``dataset(seed)`` builds the Dataset with these settings.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, parent: QWidget | None = None,
                 *, text: str | None = None, name: str | None = None):
        if path is None and text is None:
            raise TypeError("CsvImportDialog needs a path or a text")
        label = name or (Path(path).name if path is not None else "data.csv")
        if text is None:
            text = read_csv_text(path)
        table = parse_csv_text(text, label)  # before the widget exists: errors leave nothing
        info = classify_labels(table.y)
        super().__init__(parent)
        self._path = None if path is None else Path(path)
        self._name, self._text, self.table, self.label_info = label, text, table, info
        self.scale_ratio = feature_scale_ratio(table.x)
        self.setWindowTitle(f"Import CSV – {label}")
        self.setObjectName("csv_import_dialog")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(self._build_title())
        layout.addWidget(self._build_preview(), 1)
        layout.addWidget(self._build_labels())
        layout.addWidget(self._build_settings())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.ok_button.setObjectName("csv_import_ok")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_split()
        self.resize(720, 640)

    # ---- building ------------------------------------------------------------------------------

    def _build_title(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(32, 32))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(icon)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.file_label = QLabel(self._name)
        self.file_label.setObjectName("csv_file_name")
        font = self.file_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.file_label.setFont(font)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if self._path is not None:
            self.file_label.setToolTip(str(self._path))
        column.addWidget(self.file_label)
        n, d = self.table.x.shape
        self.size_label = QLabel(
            f"{count_text(n, 'row')} · {count_text(d + 1, 'column')} "
            f"({count_text(d, 'input')} and the label)")
        self.size_label.setObjectName("csv_size")
        column.addWidget(self.size_label)
        if self.has_header:
            header = "header row found: the columns are named by it"
        else:
            names = ", ".join(self.table.input_names[:3]) + (", …" if d > 3 else "")
            header = f"no header row: the inputs are named {names}"
        self.header_label = QLabel(header)
        self.header_label.setObjectName("csv_header")
        column.addWidget(self.header_label)
        for label in (self.size_label, self.header_label):
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        row.addLayout(column, 1)
        return row

    def _build_preview(self) -> QGroupBox:
        n, d = self.table.x.shape
        shown = min(n, PREVIEW_ROWS)
        title = "Preview" if shown == n else f"Preview (first {shown} of {n:,} rows)"
        box = QGroupBox(title)
        box.setObjectName("csv_preview_box")
        self.preview = QTableWidget(shown, d + 1)
        self.preview.setObjectName("csv_preview")
        _quiet_table(self.preview)
        names = [*self.table.input_names, f"label: {self.label_name}"]
        for j, text in enumerate(names):
            item = QTableWidgetItem(text)
            if j == d:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("The last column is the label: what the network learns to predict.")
                item.setBackground(self.label_tint(header=True))
            self.preview.setHorizontalHeaderItem(j, item)
        tint = self.label_tint()
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        values = np.column_stack([self.table.x[:shown], self.table.y[:shown]])
        for i in range(shown):
            for j in range(d + 1):
                item = QTableWidgetItem(f"{values[i, j]:.6g}")
                item.setTextAlignment(align)
                if j == d:
                    item.setBackground(tint)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.preview.setItem(i, j, item)
        header = self.preview.horizontalHeader()
        header.setMinimumSectionSize(64)
        self.preview.resizeColumnsToContents()
        for j in range(d + 1):
            self.preview.setColumnWidth(j, self.preview.columnWidth(j) + 16)
        header.setFixedHeight(header.sizeHint().height())
        grid = QHBoxLayout(box)
        grid.setSpacing(0)
        grid.addWidget(self.preview, 1)
        self.label_view: QTableView | None = None
        if d + 1 <= STRETCH_COLUMNS:  # few columns share the width
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        else:  # the inputs scroll sideways, the label column stays in view on the right
            grid.addLayout(self._build_label_view(d), 0)
        return box

    def _build_label_view(self, d: int) -> QVBoxLayout:
        """A one-column view of the preview's label column, kept beside the scrolling inputs."""
        view = self.label_view = QTableView()
        view.setObjectName("csv_label_view")
        view.setModel(self.preview.model())
        _quiet_table(view)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(self.preview.verticalHeader().defaultSectionSize())
        view.horizontalHeader().setFixedHeight(self.preview.horizontalHeader().height())
        for j in range(d):
            view.setColumnHidden(j, True)
        width = self.preview.columnWidth(d)
        view.setColumnWidth(d, width)
        view.horizontalHeader().setStretchLastSection(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        view.setFixedWidth(width + extent + 2 * view.frameWidth())
        self.preview.setColumnHidden(d, True)
        self.preview.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        ours, theirs = view.verticalScrollBar(), self.preview.verticalScrollBar()
        ours.valueChanged.connect(theirs.setValue)
        theirs.valueChanged.connect(ours.setValue)
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(view, 1)
        column.addSpacing(self.preview.horizontalScrollBar().sizeHint().height())
        return column

    def _build_labels(self) -> QGroupBox:
        info = self.label_info
        box = QGroupBox("Label (last column)")
        form = QFormLayout(box)
        self.task_label = QLabel(task_text(info))
        self.task_label.setObjectName("csv_task")
        font = self.task_label.font()
        font.setBold(True)
        self.task_label.setFont(font)
        form.addRow("Task:", self.task_label)
        self.mapping_label = QLabel(label_mapping_text(info, self.table.y))
        self.mapping_label.setObjectName("csv_mapping")
        self.mapping_label.setWordWrap(True)
        form.addRow("Values:", self.mapping_label)
        self.counts_label = QLabel(class_counts_text(info))
        self.counts_label.setObjectName("csv_counts")
        self.counts_label.setWordWrap(True)
        if info.task != "regression":
            form.addRow("Sizes:", self.counts_label)
        return box

    def _build_settings(self) -> QGroupBox:
        box = QGroupBox("Settings")
        form = QFormLayout(box)
        split = QWidget()
        row = QHBoxLayout(split)
        row.setContentsMargins(0, 0, 0, 0)
        self.fraction_box = QDoubleSpinBox(minimum=0.0, maximum=MAX_TEST_FRACTION, singleStep=0.05,
                                           decimals=2, value=DEFAULT_TEST_FRACTION)
        self.fraction_box.setObjectName("csv_test_fraction")
        self.fraction_box.setToolTip("The share of rows kept aside to test the trained network")
        self.fraction_box.valueChanged.connect(self._update_split)
        row.addWidget(self.fraction_box)
        self.split_label = QLabel()
        self.split_label.setObjectName("csv_split")
        row.addWidget(self.split_label, 1)
        form.addRow("Test fraction:", split)
        self.standardize_box = QCheckBox("standardize features (z-score)")
        self.standardize_box.setObjectName("csv_standardize")
        self.standardize_box.setToolTip(
            "Shift and scale every input column to mean 0 and standard deviation 1 "
            "(using the training rows)")
        self.standardize_box.setChecked(self.scale_ratio > SCALE_RATIO_THRESHOLD)
        self.scale_label = QLabel(self._scale_text())
        self.scale_label.setObjectName("csv_scale")
        self.scale_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        inputs = QWidget()
        column = QVBoxLayout(inputs)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.standardize_box)
        column.addWidget(self.scale_label)
        form.addRow("Inputs:", inputs)
        return box

    def _scale_text(self) -> str:
        d = self.table.x.shape[1]
        if d == 1:
            return "one input column"
        ratio = self.scale_ratio
        if ratio > SCALE_RATIO_THRESHOLD:
            return f"the input columns' spreads differ by {ratio:.0f}× – standardizing is advised"
        return f"the input columns' spreads are similar (within {ratio:.1f}×)"

    def _update_split(self, *_) -> None:
        n = self.n_rows
        train, test = split_counts(n, self.test_fraction)
        ok = train >= 1
        if not ok:
            text = "no training rows left – choose a smaller fraction"
        elif test == 0:
            text = f"all {count_text(n, 'row')} train, in file order"
        else:
            text = f"{count_text(train, 'training row')}, {count_text(test, 'test row')} (shuffled)"
        self.split_label.setText(text)
        self.split_label.setStyleSheet("" if ok else "QLabel { color: #c0392b; }")
        self.ok_button.setEnabled(ok)

    def label_tint(self, header: bool = False) -> QColor:
        """The label column's background: the palette's highlight, faint (the header a bit
        stronger), blended into the base colour so it suits light and dark palettes."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Button if header else QPalette.ColorRole.Base)
        tint = palette.color(QPalette.ColorRole.Highlight)
        share = 0.28 if header else 0.16
        return QColor(*(round(a + (b - a) * share) for a, b in (
            (base.red(), tint.red()), (base.green(), tint.green()), (base.blue(), tint.blue()))))

    @qt_virtual("CsvImportDialog: showing failed")
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.ok_button.setFocus()  # not the spin box: Enter imports, typing edits nothing

    # ---- results -------------------------------------------------------------------------------

    @property
    def has_header(self) -> bool:
        return self.table.header is not None

    @property
    def label_name(self) -> str:
        """The label column's header name, else ``y``."""
        header = self.table.header
        return (header[-1] if header else "") or "y"

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def name(self) -> str:
        """The file's name (it starts the importer's messages and names the data set)."""
        return self._name

    @property
    def text(self) -> str:
        """The CSV text as the importer read it (BOM dropped, newlines as "\\n")."""
        return self._text

    @property
    def n_rows(self) -> int:
        return int(self.table.x.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.table.x.shape[1])

    @property
    def task(self) -> str:
        """"binary", "multiclass" or "regression" (as Dataset.task)."""
        return self.label_info.task

    @property
    def num_classes(self) -> int:
        return self.label_info.num_classes

    @property
    def test_fraction(self) -> float:
        return float(self.fraction_box.value())

    @property
    def standardize(self) -> bool:
        return self.standardize_box.isChecked()

    def dataset(self, seed: int = 0) -> Dataset:
        """The Dataset with the chosen settings (the text is not read again from disk)."""
        return load_csv_dataset(self._name, test_fraction=self.test_fraction, seed=seed,
                                standardize=self.standardize, text=self._text)


def open_csv_dialog(parent: QWidget | None, path: str | os.PathLike[str]) -> CsvImportDialog | None:
    """A CsvImportDialog for ``path`` (not shown yet), or None after a warning box that gives
    the importer's one-line message (file, row and column) if the file cannot be used."""
    try:
        return CsvImportDialog(path, parent)
    except NnvizError as exc:
        QMessageBox.warning(parent, "Import CSV", f"This file cannot be imported.\n\n{exc}")
        return None
