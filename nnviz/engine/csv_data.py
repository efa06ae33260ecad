"""Read a numeric CSV file: input columns, then the label in the last column.

Format:

* one row per sample, numeric cells; the LAST column is the label (target);
* an optional header row: if the first row has a non-empty cell that is not a
  number, it is a header and gives the column names;
* blank lines and lines starting with ``#`` are ignored;
* cells are separated by commas; a file whose first row contains a tab (or else
  a semicolon) is read as tab- (or semicolon-) separated instead, and then a
  decimal comma is accepted too (``1,5`` = 1.5).

Every problem raises NnvizError with a one-line message naming the file, the
row (1-based line number in the file) and the column (1-based, plus its header
name if any), e.g. ``data.csv: row 7, column 2 ("hours"): 'abc' is not a number``.

``classify_labels`` decides what task a label column is (see its docstring).
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_text

MAX_CLASSES = 20
"""Integer labels with at most this many distinct values are class labels."""

_Row = tuple[int, list[str]]  # (1-based line number, stripped cells)


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV file.

    x: (n, d) float64 input columns; y: (n,) float64 last column;
    header: the d + 1 column names if the file has a header row, else None.
    """

    x: np.ndarray
    y: np.ndarray
    header: tuple[str, ...] | None

    @property
    def input_names(self) -> tuple[str, ...]:
        """Names of the d input columns: header names, else x1, x2, ... (also for blank names)."""
        d = self.x.shape[1]
        names = self.header[:d] if self.header else ("",) * d
        return tuple(name or f"x{j + 1}" for j, name in enumerate(names))


def read_csv(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a CSV file: X (n, d) float64 inputs, y (n,) float64 labels (last column)."""
    table = read_csv_table(path)
    return table.x, table.y


def read_csv_table(path: str | os.PathLike[str]) -> CsvTable:
    """Parse a CSV file into a CsvTable (see the module docstring for the format)."""
    return parse_csv_text(read_csv_text(path), Path(path).name)


def read_csv_text(path: str | os.PathLike[str]) -> str:
    """The text of a CSV file as the parser sees it (BOM dropped, newlines as "\\n")."""
    return _read_text(path, Path(path).name)


def parse_csv_text(text: str, label: str) -> CsvTable:
    """Parse the text of a CSV file; ``label`` (the file's name) starts every error message."""
    rows, delimiter = _split_rows(text, label)
    if not rows:
        raise NnvizError(f"{label}: the file is empty (no data rows)")
    header = None
    if any(cell and not _is_number(cell, delimiter) for cell in rows[0][1]):
        header = tuple(rows[0][1])
        rows = rows[1:]
        if not rows:
            raise NnvizError(f"{label}: the file has only a header row, no data rows")
    width = len(header) if header is not None else len(rows[0][1])
    if width < 2:
        raise NnvizError(
            f"{label}: needs at least 2 columns (inputs, then the label), found {width}"
        )
    values = _parse_values(rows, width, header, delimiter, label)
    return CsvTable(x=values[:, :-1].copy(), y=values[:, -1].copy(), header=header)


def _read_text(path: str | os.PathLike[str], label: str) -> str:
    """The file's text (UTF-8, optional BOM, universal newlines)."""
    return read_text(path, "file", label)


def _split_rows(text: str, label: str) -> tuple[list[_Row], str]:
    """Content rows as (line number, cells), skipping blank and ``#`` lines; and the delimiter."""
    lines = [
        (number, line)
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]
    delimiter = _detect_delimiter(lines[0][1]) if lines else ","
    rows = []
    for number, line in lines:
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error as exc:
            raise NnvizError(f"{label}: row {number}: {exc}") from None
        rows.append((number, [cell.strip() for cell in cells]))
    return rows, delimiter


def _detect_delimiter(first_line: str) -> str:
    """Tab if the first row has one, else semicolon if it has one, else comma."""
    if "\t" in first_line.strip():
        return "\t"
    if ";" in first_line:
        return ";"
    return ","


def _to_float(cell: str, delimiter: str) -> float:
    """float(cell), accepting a decimal comma when the delimiter is not a comma."""
    if delimiter != ",":
        cell = cell.replace(",", ".")
    return float(cell)


def _is_number(cell: str, delimiter: str) -> bool:
    try:
        _to_float(cell, delimiter)
    except ValueError:
        return False
    return True


def _parse_values(
    rows: list[_Row], width: int, header: tuple[str, ...] | None, delimiter: str, label: str
) -> np.ndarray:
    """(n, width) float64 array of the data rows; NnvizError on a ragged row or bad cell."""
    values = np.empty((len(rows), width), dtype=np.float64)
    first = "the header" if header is not None else f"row {rows[0][0]}"
    for i, (number, cells) in enumerate(rows):
        if len(cells) != width:
            raise NnvizError(
                f"{label}: row {number} has {_columns(len(cells))}, expected {width} like {first}"
            )
        for j, cell in enumerate(cells):
            values[i, j] = _parse_cell(cell, delimiter, lambda: _where(label, number, j, header))
    return values


def _columns(count: int) -> str:
    return f"{count} column" if count == 1 else f"{count} columns"


def _parse_cell(cell: str, delimiter: str, where) -> float:
    """One finite number; ``where()`` gives the message prefix for errors."""
    if not cell:
        raise NnvizError(f"{where()}: empty cell")
    shown = cell if len(cell) <= 30 else cell[:27] + "..."
    try:
        value = _to_float(cell, delimiter)
    except ValueError:
        raise NnvizError(f"{where()}: {shown!r} is not a number") from None
    if not math.isfinite(value):
        raise NnvizError(f"{where()}: {shown!r} is not a finite number")
    return value


def _where(label: str, number: int, column: int, header: tuple[str, ...] | None) -> str:
    """``data.csv: row 7, column 2 ("hours")`` (column 0-based in, 1-based out)."""
    name = header[column] if header is not None else ""
    named = f' ("{name}")' if name else ""
    return f"{label}: row {number}, column {column + 1}{named}"


class LabelInfo(NamedTuple):
    """What a label column means.

    task: "binary" | "multiclass" | "regression"; num_classes: 2, C or 0;
    y: (n,) float64 labels, class indices 0..C-1 for classification;
    class_labels: the original label value of each class index (empty for regression).
    """

    task: str
    num_classes: int
    y: np.ndarray
    class_labels: tuple[float, ...]


def classify_labels(labels: np.ndarray) -> LabelInfo:
    """Detect the task of a label column.

    * All labels integers with at most MAX_CLASSES (20) distinct values -> classification:
      - distinct labels a subset of {0, 1} -> binary, labels kept as they are;
      - otherwise the sorted distinct values are mapped to 0..C-1 (e.g. {1, 2} -> {0, 1},
        {-1, 1} -> {0, 1}, {3, 5, 9} -> {0, 1, 2}); C <= 2 -> binary, C > 2 -> multiclass.
    * Anything else -> regression, labels kept as they are.
    """
    y = np.asarray(labels, dtype=np.float64)
    distinct = np.unique(y)
    is_classes = distinct.size <= MAX_CLASSES and bool(np.all(distinct == np.round(distinct)))
    if not is_classes:
        return LabelInfo("regression", 0, y.copy(), ())
    if set(distinct.tolist()) <= {0.0, 1.0}:
        return LabelInfo("binary", 2, y.copy(), (0.0, 1.0))
    mapped = np.searchsorted(distinct, y).astype(np.float64)
    task = "binary" if distinct.size <= 2 else "multiclass"
    num_classes = max(2, int(distinct.size))
    return LabelInfo(task, num_classes, mapped, tuple(distinct.tolist()))
