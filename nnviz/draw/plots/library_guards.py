"""Where pyqtgraph (0.13–0.14) can raise inside a Qt virtual, a narrow guard; each names the
library fault, and tests/draw/test_library_guards.py fails once pyqtgraph no longer has it,
so the guard can go.

- ``LabelItem.sizeHint`` while the cycle collector tears a label down: an empty size.
- ``functions._pinv_fallback`` sets ``arr.shape``, deprecated in NumPy 2.5 (numpy PR
  #29536): the DeprecationWarning is ignored for that module only; with warnings as
  errors (``PYTHONWARNINGS=error``, the test suite) it would otherwise be raised while a
  plot with a singular view transform (one laid out at zero width or height) paints.
- ``GraphicsView.paintEvent``: anything else raised while a plot prepares its paint is
  logged, and the frame completes (``nnviz.draw.virtuals``).

Importing this module installs all three (idempotent); ``nnviz.draw.plots.toolkit`` does.
"""

from __future__ import annotations

import warnings

import pyqtgraph as pg
from PySide6 import QtCore

from nnviz.draw.virtuals import guard_library_virtual

__all__ = ["PINV_SHAPE_WARNING", "install"]

# the message NumPy ≥ 2.5 gives for ``arr.shape = ...``; a regex for warnings.filterwarnings
PINV_SHAPE_WARNING = r"Setting the shape on a NumPy array"


def guard_label_size_hint() -> None:
    """Make pyqtgraph's LabelItem.sizeHint safe while the garbage collector tears one down.

    Python's cycle collector clears a LabelItem's attributes (``_sizeHint``) before Qt,
    deleting the item's C++ parent, asks the dying label for its size hint; the
    AttributeError would then escape a Qt virtual. A label in that state has nothing left
    to lay out: it gets an empty size.
    """
    original = pg.LabelItem.sizeHint
    if getattr(original, "nnviz_guard", False):
        return

    def size_hint(self, *args):
        if "_sizeHint" not in vars(self):  # torn down by the garbage collector
            return QtCore.QSizeF()
        return original(self, *args)

    size_hint.nnviz_guard = True
    size_hint.original = original
    pg.LabelItem.sizeHint = size_hint


def ignore_pinv_shape_warning() -> None:
    """Ignore NumPy 2.5's shape-setting DeprecationWarning raised from pyqtgraph.functions
    (only there: the same warning from nnviz's own code still shows)."""
    warnings.filterwarnings("ignore", message=PINV_SHAPE_WARNING, category=DeprecationWarning,
                            module=r"pyqtgraph\.functions")


def install() -> None:
    guard_label_size_hint()
    ignore_pinv_shape_warning()
    guard_library_virtual(pg.GraphicsView, "paintEvent", "a plot could not be painted")


install()
