"""Tests for nnviz.engine.csv_data and load_csv_dataset."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.csv_data import classify_labels, read_csv_table
from nnviz.engine.datasets import load_csv_dataset, read_csv
from nnviz.engine.errors import NnvizError


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path, loader=read_csv) -> str:
    with pytest.raises(NnvizError) as info:
        loader(path)
    message = str(info.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------- happy paths

def test_read_without_header(tmp_path):
    path = write(tmp_path, "95,4,1\n100,5,1\n95,2,0\n")
    x, y = read_csv(path)
    assert x.tolist() == [[95, 4], [100, 5], [95, 2]] and y.tolist() == [1, 1, 0]
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert read_csv_table(path).header is None


def test_read_with_header_comments_and_blank_lines(tmp_path):
    text = "# the lecture table\n\nIQ, hours, passed\n95, 4, 1\n\n  # more\n100,5,1\r\n95,2,0"
    path = write(tmp_path, text)
    table = read_csv_table(path)
    assert table.header == ("IQ", "hours", "passed")
    assert table.x.tolist() == [[95, 4], [100, 5], [95, 2]] and table.y.tolist() == [1, 1, 0]


def test_read_accepts_path_as_str_and_bom(tmp_path):
    path = write(tmp_path, "\ufeffa,b\n1.5,-2e-3\n", encoding="utf-8")
    x, y = read_csv(str(path))
    assert x.tolist() == [[1.5]] and y.tolist() == [-0.002]
    assert read_csv_table(path).header == ("a", "b")


def test_semicolon_with_decimal_comma(tmp_path):
    x, y = read_csv(write(tmp_path, "a;b;c\n1,5;2;0\n3;4,25;1\n"))
    assert x.tolist() == [[1.5, 2.0], [3.0, 4.25]] and y.tolist() == [0, 1]


def test_tab_separated(tmp_path):
    x, y = read_csv(write(tmp_path, "1\t2\t3\n4\t5\t6\n"))
    assert x.tolist() == [[1, 2], [4, 5]] and y.tolist() == [3, 6]


def test_quoted_header(tmp_path):
    table = read_csv_table(write(tmp_path, '"x, first","y"\n1,2\n'))
    assert table.header == ("x, first", "y")


def test_load_dataset_with_header(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "IQ,hours,passed\n95,4,1\n100,5,1\n95,2,0\n"))
    assert ds.name == "data.csv"
    assert ds.task == "binary" and ds.num_classes == 2
    assert ds.feature_names == ("IQ", "hours")
    assert ds.x_train.tolist() == [[95, 4], [100, 5], [95, 2]]  # file order kept
    assert ds.y_train.tolist() == [1, 1, 0]
    assert ds.x_test.shape == (0, 2) and ds.raw_train.tolist() == ds.x_train.tolist()
    assert not ds.x_train.flags.writeable


def test_load_dataset_without_header_names(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "1,2,3,0\n4,5,6,1\n"))
    assert ds.feature_names == ("x1", "x2", "x3")
    assert ds.raw_train.shape == (2, 3)


def test_blank_header_name_gets_default(tmp_path):
    ds = load_csv_dataset(write(tmp_path, ",b,label\n1,2,0\n"))
    assert ds.feature_names == ("x1", "b")


def test_label_mapping_one_two(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "a,b,c\n0,0,1\n1,1,2\n2,2,1\n"))
    assert ds.task == "binary" and ds.num_classes == 2
    assert ds.y_train.tolist() == [0, 1, 0] and ds.class_labels == (1.0, 2.0)


def test_label_mapping_multiclass(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "0,0,9\n1,1,3\n2,2,5\n3,3,3\n"))
    assert ds.task == "multiclass" and ds.num_classes == 3
    assert ds.y_train.tolist() == [2, 0, 1, 0] and ds.class_labels == (3.0, 5.0, 9.0)
    assert ds.targets("train", 3).tolist()[0] == [0, 0, 1]


def test_label_minus_one_plus_one(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "0,0,-1\n1,1,1\n"))
    assert ds.task == "binary" and ds.y_train.tolist() == [0, 1]


def test_multiclass_zero_based(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "0,0,0\n1,1,1\n2,2,2\n"))
    assert ds.task == "multiclass" and ds.y_train.tolist() == [0, 1, 2]


def test_regression_detection(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "0,0,0.5\n1,1,1.5\n2,2,2\n"))
    assert ds.task == "regression" and ds.num_classes == 0
    assert ds.y_train.tolist() == [0.5, 1.5, 2.0]


def test_many_integer_labels_are_regression():
    info = classify_labels(np.arange(21.0))
    assert info.task == "regression" and info.y.tolist() == list(range(21))
    assert classify_labels(np.arange(20.0)).task == "multiclass"


def test_all_zero_labels_binary():
    info = classify_labels(np.zeros(4))
    assert info.task == "binary" and info.num_classes == 2 and info.y.tolist() == [0] * 4


def test_csv_split_and_seed(tmp_path):
    rows = "".join(f"{i},{-i},{i % 2}\n" for i in range(20))
    path = write(tmp_path, rows)
    a = load_csv_dataset(path, test_fraction=0.25, seed=3)
    b = load_csv_dataset(path, test_fraction=0.25, seed=3)
    c = load_csv_dataset(path, test_fraction=0.25, seed=4)
    assert a.n_train == 15 and a.n_test == 5
    assert a.x_test.tobytes() == b.x_test.tobytes()
    assert not np.array_equal(a.x_test, c.x_test)
    everything = sorted(np.concatenate([a.x_train[:, 0], a.x_test[:, 0]]).tolist())
    assert everything == list(range(20))


def test_csv_split_leaves_a_training_row(tmp_path):
    path = write(tmp_path, "1,2,0\n")
    with pytest.raises(NnvizError, match="no training rows"):
        load_csv_dataset(path, test_fraction=0.9)
    with pytest.raises(NnvizError, match="test fraction"):
        load_csv_dataset(path, test_fraction=0.95)


def test_csv_derived_features_and_standardize(tmp_path):
    path = write(tmp_path, "a,b,y\n2,3,0\n-1,1,1\n4,0,1\n")
    ds = load_csv_dataset(path, features=("x1", "x1*x2"))
    assert ds.feature_names == ("x1", "x1·x2")
    assert ds.x_train.tolist() == [[2, 6], [-1, -1], [4, 0]]
    assert ds.raw_names == ("a", "b")
    st = load_csv_dataset(path, features=("x1", "x1*x2"), standardize=True)
    assert np.allclose(st.x_train.mean(axis=0), 0) and np.allclose(st.x_train.std(axis=0), 1)
    assert st.transform(st.raw_train).tobytes() == st.x_train.tobytes()


def test_csv_standardize_constant_column(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "5,1,0\n5,2,1\n5,3,0\n"), standardize=True)
    assert ds.x_train[:, 0].tolist() == [0, 0, 0]
    assert np.allclose(ds.x_train[:, 1].std(), 1.0)


def test_csv_standardize_not_2d(tmp_path):
    ds = load_csv_dataset(write(tmp_path, "1,2,3,0\n4,5,7,1\n"), standardize=True)
    assert ds.raw_train.tolist() == [[1, 2, 3], [4, 5, 7]]  # raw stays unstandardized
    assert ds.x_train.tolist() == [[-1, -1, -1], [1, 1, 1]]
    assert ds.transform(ds.raw_train).tobytes() == ds.x_train.tobytes()


def test_csv_features_need_two_columns(tmp_path):
    path = write(tmp_path, "1,2,3,0\n4,5,6,1\n")
    with pytest.raises(NnvizError, match="data.csv: derived features need exactly 2 input "
                                         "columns, the file has 3"):
        load_csv_dataset(path, features=("x1", "x2"))


# --------------------------------------------------------------------------- error paths

def test_missing_file(tmp_path):
    assert error_of(tmp_path / "data.csv") == "data.csv: no such file"
    assert error_of(tmp_path / "data.csv", load_csv_dataset) == "data.csv: no such file"


def test_folder_instead_of_file(tmp_path):
    (tmp_path / "d.csv").mkdir()
    assert error_of(tmp_path / "d.csv") == "d.csv: is a folder, not a file"


def test_not_utf8(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00a,b\n")
    assert error_of(path) == "data.csv: not a UTF-8 text file"


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n\n   \n"])
def test_empty_file(tmp_path, text):
    assert error_of(write(tmp_path, text)) == "data.csv: the file is empty (no data rows)"


def test_only_header(tmp_path):
    message = error_of(write(tmp_path, "# c\nIQ,hours,passed\n\n"))
    assert message == "data.csv: the file has only a header row, no data rows"


@pytest.mark.parametrize("text", ["1\n2\n3\n", "label\n1\n"])
def test_single_column(tmp_path, text):
    message = error_of(write(tmp_path, text))
    assert message == "data.csv: needs at least 2 columns (inputs, then the label), found 1"


def test_bad_cell_with_header(tmp_path):
    text = "IQ,hours,passed\n95,4,1\n# comment\n\n100,5,1\n95,2,0\n90,abc,1\n"
    message = error_of(write(tmp_path, text))
    assert message == "data.csv: row 7, column 2 (\"hours\"): 'abc' is not a number"


def test_bad_cell_without_header(tmp_path):
    message = error_of(write(tmp_path, "1,2,3\n4,5,x\n"))
    assert message == "data.csv: row 2, column 3: 'x' is not a number"


def test_bad_cell_in_label_column_named(tmp_path):
    message = error_of(write(tmp_path, "a,b,passed\n1,2,yes\n"), load_csv_dataset)
    assert message == "data.csv: row 2, column 3 (\"passed\"): 'yes' is not a number"


def test_non_numeric_first_row_is_a_header(tmp_path):
    # a non-numeric first row is read as a header
    table = read_csv_table(write(tmp_path, "1,oops,0\n1,2,1\n"))
    assert table.header == ("1", "oops", "0") and table.x.tolist() == [[1, 2]]


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_non_finite_cells(tmp_path, cell):
    message = error_of(write(tmp_path, f"a,b,c\n1,{cell},0\n"))
    assert message == f"data.csv: row 2, column 2 (\"b\"): '{cell}' is not a finite number"


def test_non_finite_first_row_without_header(tmp_path):
    message = error_of(write(tmp_path, "nan,1,0\n"))
    assert message == "data.csv: row 1, column 1: 'nan' is not a finite number"


def test_empty_cell(tmp_path):
    message = error_of(write(tmp_path, "a,b,c\n1,2,0\n3,,1\n"))
    assert message == "data.csv: row 3, column 2 (\"b\"): empty cell"


def test_trailing_comma_is_an_extra_empty_cell(tmp_path):
    message = error_of(write(tmp_path, "1,2,0,\n3,4,1,\n"))
    assert message == "data.csv: row 1, column 4: empty cell"


def test_long_cell_is_shortened(tmp_path):
    message = error_of(write(tmp_path, "1,2,0\n1," + "z" * 100 + ",0\n"))
    assert message == "data.csv: row 2, column 2: '" + "z" * 27 + "...' is not a number"


def test_ragged_row_too_short(tmp_path):
    message = error_of(write(tmp_path, "a,b,c\n1,2,0\n\n3,4\n"))
    assert message == "data.csv: row 4 has 2 columns, expected 3 like the header"


def test_ragged_row_too_long_without_header(tmp_path):
    message = error_of(write(tmp_path, "# c\n1,2,0\n3,4,1,7\n"))
    assert message == "data.csv: row 3 has 4 columns, expected 3 like row 2"


def test_inconsistent_delimiter_is_ragged(tmp_path):
    message = error_of(write(tmp_path, "1;2;0\n3,4,1\n"))
    assert message == "data.csv: row 2 has 1 column, expected 3 like row 1"


def test_error_names_file_not_full_path(tmp_path):
    sub = tmp_path / "deep"
    sub.mkdir()
    message = error_of(write(sub, "1,2,0\n1,q,0\n", name="my data.csv"))
    assert message.startswith("my data.csv: row 2, column 2")
