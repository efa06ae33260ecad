"""Export tests build Qt scenes: free them right after each test, at a quiet moment,
rather than whenever the garbage collector happens to run during a later test."""

import gc

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def collect_qt_garbage():
    yield
    if QApplication.instance() is not None:
        QApplication.processEvents()
    gc.collect()
