"""File → Import CSV…: the preview dialog, task detection, settings, and files it refuses."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from nnviz.engine.csv_data import read_csv_text
from nnviz.app.csv_summary import feature_scale_ratio, split_counts
from nnviz.ui.csv_dialog import PREVIEW_ROWS, CsvImportDialog, open_csv_dialog


def exam_csv(n: int = 120, labels=(1, 2)) -> str:
    """IQ (spread ~15) and study hours (spread ~3) -> passed, labels[0] or labels[1]."""
    rng = np.random.default_rng(3)
    lines = ["IQ,study hours,passed"]
    for i in range(n):
        iq, hours = rng.normal(100, 15), rng.uniform(0, 10)
        lines.append(f"{iq:.0f},{hours:.1f},{labels[i % 2]}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "data.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path
    return write


@pytest.fixture
def make(qtbot):
    def make(*args, **kwargs) -> CsvImportDialog:
        dialog = CsvImportDialog(*args, **kwargs)
        qtbot.addWidget(dialog)
        return dialog
    return make


@pytest.fixture
def warnings(monkeypatch):
    """Record QMessageBox.warning calls instead of opening a box."""
    calls = []

    def warning(parent, title, text, *args, **kwargs):
        calls.append((parent, title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return calls


def header_texts(dialog):
    table = dialog.preview
    return [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]


# ---- a good file with a header -------------------------------------------------------------


def test_a_file_with_a_header_is_described_and_previewed(make, write):
    path = write(exam_csv(120), "exam.csv")
    dialog = make(path)
    assert dialog.name == "exam.csv" and dialog.path == path
    assert dialog.file_label.text() == "exam.csv"
    assert "120 rows" in dialog.size_label.text() and "3 columns" in dialog.size_label.text()
    assert "2 inputs" in dialog.size_label.text()
    assert dialog.has_header and "header row found" in dialog.header_label.text()
    table = dialog.preview
    assert (table.rowCount(), table.columnCount()) == (PREVIEW_ROWS, 3)
    assert header_texts(dialog) == ["IQ", "study hours", "label: passed"]
    assert "first 50 of 120 rows" in table.parentWidget().title()
    first = exam_csv(120).splitlines()[1].split(",")
    assert [float(table.item(0, j).text()) for j in range(3)] == [float(c) for c in first]
    assert dialog.label_view is None  # three columns fit: no separate label column


def test_the_label_column_is_marked(make, write):
    dialog = make(write(exam_csv(), "exam.csv"))
    table = dialog.preview
    label_header, input_header = table.horizontalHeaderItem(2), table.horizontalHeaderItem(0)
    assert label_header.font().bold() and not input_header.font().bold()
    assert "label" in label_header.toolTip()
    tint = dialog.label_tint()
    for row in (0, 7, table.rowCount() - 1):
        assert table.item(row, 2).background().color() == tint
        assert table.item(row, 2).font().bold()
        assert table.item(row, 0).background().style() == Qt.BrushStyle.NoBrush
    assert tint != dialog.palette().color(dialog.palette().ColorRole.Base)


@pytest.mark.parametrize(
    ("labels", "task", "task_text", "mapping"),
    [
        ((1, 2), "binary", "binary classification", "labels 1, 2 → classes 0, 1"),
        ((0, 1), "binary", "binary classification", "labels 0, 1 → classes 0, 1"),
        ((-1, 1), "binary", "binary classification", "labels -1, 1 → classes 0, 1"),
    ],
)
def test_binary_labels(make, write, labels, task, task_text, mapping):
    dialog = make(write(exam_csv(40, labels)))
    assert (dialog.task, dialog.num_classes) == (task, 2)
    assert dialog.task_label.text() == task_text
    assert dialog.mapping_label.text() == mapping
    assert dialog.counts_label.text() == "class 0: 20 rows · class 1: 20 rows"


def test_three_classes(make, write):
    text = "a,b,kind\n" + "".join(f"{i},{i % 4},{(3, 5, 9)[i % 3]}\n" for i in range(30))
    dialog = make(write(text))
    assert (dialog.task, dialog.num_classes) == ("multiclass", 3)
    assert dialog.task_label.text() == "3 classes"
    assert dialog.mapping_label.text() == "labels 3, 5, 9 → classes 0, 1, 2"
    assert dialog.counts_label.text() == "class 0: 10 rows · class 1: 10 rows · class 2: 10 rows"


def test_regression(make, write):
    text = "x,y,price\n" + "".join(f"{i},{i * 2},{i * 0.5 + 0.25}\n" for i in range(10))
    dialog = make(write(text))
    assert (dialog.task, dialog.num_classes) == ("regression", 0)
    assert dialog.task_label.text() == "regression"
    assert dialog.mapping_label.text() == "label values from 0.25 to 4.75, learned as they are"
    assert dialog.counts_label.text() == ""


# ---- a file without a header -----------------------------------------------------------------


def test_a_file_without_a_header(make, write):
    text = "# measured 2024\n1.5,2,0\n\n3,4.25,1\n5,6,1\n"
    dialog = make(write(text, "plain.csv"))
    assert not dialog.has_header
    assert "no header row" in dialog.header_label.text()
    assert "x1, x2" in dialog.header_label.text()
    assert "3 rows" in dialog.size_label.text()
    assert header_texts(dialog) == ["x1", "x2", "label: y"]
    table = dialog.preview
    assert table.rowCount() == 3 and table.parentWidget().title() == "Preview"
    assert [table.item(1, j).text() for j in range(3)] == ["3", "4.25", "1"]
    assert dialog.n_inputs == 2 and dialog.task == "binary"


def test_semicolons_and_decimal_commas_are_read_like_the_importer(make, write):
    text = "\ufeffh;w;class\r\n1,5;2;0\r\n2,5;3;1\r\n"
    path = write(text, "euro.csv")
    dialog = make(path)
    assert dialog.text == read_csv_text(path) == "h;w;class\n1,5;2;0\n2,5;3;1\n"
    assert dialog.preview.item(0, 0).text() == "1.5"


def test_text_and_name_instead_of_a_path(make):
    dialog = make(text=exam_csv(10), name="session.csv")
    assert dialog.name == "session.csv" and dialog.path is None
    assert dialog.text == exam_csv(10) and dialog.preview.rowCount() == 10
    with pytest.raises(TypeError):
        CsvImportDialog()


def test_a_wide_file_keeps_the_label_column_in_view(make, write, qtbot):
    rng = np.random.default_rng(0)
    rows = [",".join(f"{v:.3f}" for v in rng.normal(size=12)) + f",{i % 2}" for i in range(80)]
    dialog = make(write("\n".join(rows)))
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.label_view
    assert view is not None and view.model() is dialog.preview.model()
    assert dialog.preview.isColumnHidden(12) and not view.isColumnHidden(12)
    assert [view.isColumnHidden(j) for j in range(12)] == [True] * 12
    assert view.model().headerData(12, Qt.Orientation.Horizontal) == "label: y"
    bar = dialog.preview.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert view.verticalScrollBar().value() == bar.maximum()
    view.verticalScrollBar().setValue(3)
    assert bar.value() == 3
    assert view.rowViewportPosition(20) == dialog.preview.rowViewportPosition(20)
    dialog.close()


# ---- settings and accepting ------------------------------------------------------------------


def test_defaults_and_the_split_text(make, write):
    dialog = make(write(exam_csv(120)))
    assert dialog.test_fraction == pytest.approx(0.2)
    assert dialog.split_label.text() == "96 training rows, 24 test rows (shuffled)"
    dialog.fraction_box.setValue(0.0)
    assert dialog.split_label.text() == "all 120 rows train, in file order"
    assert dialog.fraction_box.maximum() == pytest.approx(0.9)
    assert split_counts(120, 0.25) == (90, 30)


def test_a_fraction_that_leaves_no_training_rows_disables_import(make):
    dialog = make(text="1,0\n2,1\n", name="tiny.csv")
    assert dialog.ok_button.isEnabled()  # round(2 · 0.2) = 0 test rows
    dialog.fraction_box.setValue(0.9)
    assert not dialog.ok_button.isEnabled()
    assert "no training rows" in dialog.split_label.text()
    dialog.fraction_box.setValue(0.2)
    assert dialog.ok_button.isEnabled()


def test_standardize_is_on_when_the_scales_differ_by_more_than_ten_times(make):
    similar = make(text=exam_csv(60), name="exam.csv")  # spreads ~15 and ~3
    assert not similar.standardize and "similar" in similar.scale_label.text()
    text = "".join(f"{i * 1000},{i % 7},{i % 2}\n" for i in range(50))
    different = make(text=text, name="income.csv")
    assert different.standardize and "differ by" in different.scale_label.text()
    one = make(text="1,0\n5,1\n9,1\n", name="one.csv")
    assert not one.standardize and one.scale_label.text() == "one input column"
    assert feature_scale_ratio(np.array([[1.0, 5.0, 0.0], [3.0, 25.0, 0.0]])) == pytest.approx(10.0)


def test_accept_gives_the_chosen_settings(make, write, qtbot):
    path = write(exam_csv(100), "exam.csv")
    dialog = make(path)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.ok_button and dialog.ok_button.isDefault()
    dialog.fraction_box.setValue(0.3)
    dialog.standardize_box.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert (dialog.name, dialog.text) == ("exam.csv", read_csv_text(path))
    assert dialog.test_fraction == pytest.approx(0.3) and dialog.standardize
    assert (dialog.n_inputs, dialog.task) == (2, "binary")
    data = dialog.dataset(seed=1)
    assert (data.n_train, data.n_test, data.task) == (70, 30, "binary")
    assert data.source["text"] == dialog.text and data.source["standardize"] is True
    assert data.feature_names == ("IQ", "study hours")


def test_cancel_rejects(make, qtbot):
    dialog = make(text=exam_csv(10), name="exam.csv")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.buttons.rejected.emit()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_the_dialog_renders(make, qtbot):
    dialog = make(text=exam_csv(120), name="exam.csv")
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.grab().toImage()
    assert not image.isNull() and image.width() >= 600
    dialog.close()


# ---- files that cannot be used -----------------------------------------------------------------


def test_open_csv_dialog_returns_the_dialog_for_a_good_file(qtbot, write, warnings):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_csv_dialog(parent, write(exam_csv(20), "exam.csv"))
    assert isinstance(dialog, CsvImportDialog) and dialog.parent() is parent
    assert not dialog.isVisible() and warnings == []


def test_a_bad_cell_is_named_by_row_and_column(qtbot, write, warnings):
    text = "IQ,hours,passed\n110,4,1\n95,7,0\n120,abc,1\n100,5,0\n"
    parent = QWidget()
    qtbot.addWidget(parent)
    before = set(QApplication.topLevelWidgets())
    assert open_csv_dialog(parent, write(text, "broken.csv")) is None
    assert len(warnings) == 1
    box_parent, title, message = warnings[0]
    assert box_parent is parent and title == "Import CSV"
    assert "broken.csv: row 4, column 2 (\"hours\"): 'abc' is not a number" in message
    assert parent.findChildren(CsvImportDialog) == []  # nothing was built
    assert set(QApplication.topLevelWidgets()) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,2,0\n3,4,1\n5,6\n", "row 3 has 2 columns, expected 3"),
        ("1,2,0\n3,,1\n", "row 2, column 2: empty cell"),
        ("a,b,c\n", "only a header row"),
        ("", "the file is empty"),
        ("1\n2\n", "needs at least 2 columns"),
    ],
)
def test_other_broken_files_are_refused(write, warnings, text, expected):
    assert open_csv_dialog(None, write(text, "bad.csv")) is None
    assert len(warnings) == 1 and expected in warnings[0][2]


def test_a_missing_file_is_refused(tmp_path, warnings):
    assert open_csv_dialog(None, tmp_path / "gone.csv") is None
    assert len(warnings) == 1 and "gone.csv: no such file" in warnings[0][2]


def test_a_binary_file_is_refused(write, warnings):
    assert open_csv_dialog(None, write("1,2,0\n\xff\xfe", "latin.csv", "latin-1")) is None
    assert "not a UTF-8 text file" in warnings[0][2]
