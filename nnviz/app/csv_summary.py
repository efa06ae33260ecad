"""What the CSV import dialog says about a parsed file, as text: the task, how labels map
to classes, rows per class, how unequal the input scales are and how the rows split."""

from __future__ import annotations

import numpy as np

from nnviz.engine.csv_data import LabelInfo

__all__ = [
    "DEFAULT_TEST_FRACTION", "SCALE_RATIO_THRESHOLD", "class_counts_text", "count_text", "feature_scale_ratio",
    "label_mapping_text", "split_counts", "task_text",
]

DEFAULT_TEST_FRACTION = 0.2
SCALE_RATIO_THRESHOLD = 10.0
"""Standardize is on by default when the inputs' standard deviations differ by more than this."""

TASK_TEXT = {"binary": "binary classification", "regression": "regression"}


def task_text(info: LabelInfo) -> str:
    """``binary classification``, ``3 classes`` or ``regression``."""
    if info.task == "multiclass":
        return f"{info.num_classes} classes"
    return TASK_TEXT[info.task]


def label_mapping_text(info: LabelInfo, labels: np.ndarray) -> str:
    """How the label column becomes targets, e.g. ``labels 1, 2 → classes 0, 1``.

    labels: the label column as read. Regression: the range of the values.
    """
    if info.task == "regression":
        return f"label values from {labels.min():g} to {labels.max():g}, learned as they are"
    shown = ", ".join(f"{value:g}" for value in info.class_labels)
    classes = ", ".join(str(k) for k in range(len(info.class_labels)))
    return f"labels {shown} → classes {classes}"


def class_counts_text(info: LabelInfo) -> str:
    """Rows per class, e.g. ``class 0: 40 rows · class 1: 60 rows`` ('' for regression)."""
    if info.task == "regression":
        return ""
    counts = np.bincount(info.y.astype(np.int64), minlength=info.num_classes)
    return " · ".join(f"class {k}: {count_text(int(c), 'row')}" for k, c in enumerate(counts))


def feature_scale_ratio(x: np.ndarray) -> float:
    """Largest / smallest standard deviation of the input columns (constant columns ignored);
    1.0 with fewer than two varying columns."""
    std = np.std(x, axis=0) if x.size else np.zeros(0)
    std = std[std > 0]
    if std.size < 2:
        return 1.0
    return float(std.max() / std.min())


def split_counts(n: int, test_fraction: float) -> tuple[int, int]:
    """(training rows, test rows) as load_csv_dataset splits n rows."""
    n_test = round(n * test_fraction)
    return n - n_test, n_test


def count_text(n: int, unit: str) -> str:
    """``1 row``, ``1,200 rows``."""
    return f"{n:,} {unit}" if n == 1 else f"{n:,} {unit}s"
