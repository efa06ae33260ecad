"""Nothing raised while Qt paints or lays out escapes into Qt: nnviz's own virtuals and the
pyqtgraph ones it relies on log the error and finish. The pyqtgraph guards each have a test
that fails once pyqtgraph no longer needs them."""

from __future__ import annotations

import inspect
import logging
import warnings

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSize, QSizeF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QWidget

from nnviz.draw.plots import library_guards
from nnviz.draw.plots.toolkit import new_plot_widget
from nnviz.draw.virtuals import qt_virtual


def test_a_label_torn_down_by_the_garbage_collector_has_an_empty_size_hint(qapp):
    """pyqtgraph's LabelItem.sizeHint reads attributes that the cycle collector clears
    before Qt asks a dying label for its size; the guard answers an empty size instead of
    raising inside a Qt virtual. The second half fails once pyqtgraph no longer needs it."""
    label = pg.LabelItem("loss")
    assert label.sizeHint(Qt.SizeHint.PreferredSize, QSizeF()).width() > 0
    vars(label).clear()  # what the cycle collector leaves of a label in a reference cycle
    assert label.sizeHint(Qt.SizeHint.PreferredSize, QSizeF()) == QSizeF()
    with pytest.raises(AttributeError, match="_sizeHint"):
        pg.LabelItem.sizeHint.original(label, Qt.SizeHint.PreferredSize, QSizeF())


def test_pyqtgraph_still_sets_an_array_shape_in_its_pseudo_inverse():
    """The NumPy 2.5 warning filter is needed while pyqtgraph's _pinv_fallback assigns
    ``arr.shape``; when this fails, pyqtgraph fixed it: drop ignore_pinv_shape_warning and
    its line in pyproject.toml's filterwarnings."""
    assert "arr.shape =" in inspect.getsource(pg.functions._pinv_fallback)


def test_a_singular_view_transform_inverts_with_warnings_as_errors():
    """What a plot laid out at zero size does while it paints; with NumPy ≥ 2.5 and without
    the filter this raises DeprecationWarning inside GraphicsView.paintEvent."""
    singular = QTransform(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        library_guards.ignore_pinv_shape_warning()
        inverse = pg.functions.invertQTransform(singular)
    assert inverse.m11() == pytest.approx(1.0) and inverse.m22() == 0.0


def test_the_filter_ignores_the_warning_only_from_pyqtgraph():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        library_guards.ignore_pinv_shape_warning()
        warnings.warn_explicit("Setting the shape on a NumPy array has been deprecated", DeprecationWarning,
                               "functions.py", 1, module="pyqtgraph.functions")
        warnings.warn_explicit("Setting the shape on a NumPy array has been deprecated", DeprecationWarning,
                               "model.py", 1, module="nnviz.engine.network")
    assert [str(w.message) for w in caught] == ["Setting the shape on a NumPy array has been deprecated"]
    assert caught[0].filename == "model.py"


def test_an_exception_while_a_plot_paints_is_logged_and_the_frame_completes(qtbot, monkeypatch, caplog):
    plot = new_plot_widget()
    plot.plot([0.0, 1.0, 2.0], [1.0, 0.5, 0.2])
    qtbot.addWidget(plot)
    plot.resize(300, 200)

    def broken():
        raise ValueError("broken view range")

    monkeypatch.setattr(plot.scene(), "prepareForPaint", broken)
    with caplog.at_level(logging.ERROR):
        image = plot.grab().toImage()
    assert (image.width(), image.height()) == (300, 200)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert ["a plot could not be painted" in r.getMessage() for r in errors] == [True]
    assert "broken view range" in str(errors[0].exc_info[1])


class Broken(QWidget):
    @qt_virtual("the test view could not be painted")
    def paintEvent(self, event) -> None:
        raise ValueError("no paint")

    @qt_virtual("size hint", fallback=lambda: QSize(7, 9))
    def sizeHint(self) -> QSize:
        raise ValueError("no size")


def test_an_exception_inside_an_own_virtual_is_logged_and_answered(qtbot, caplog):
    view = Broken()
    qtbot.addWidget(view)
    view.resize(40, 30)
    with caplog.at_level(logging.ERROR):
        image = view.grab().toImage()
        hint = view.sizeHint()
    assert (image.width(), image.height()) == (40, 30)
    assert hint == QSize(7, 9)
    messages = [r.getMessage() for r in caplog.records if r.name == __name__]
    assert messages == ["the test view could not be painted (Broken.paintEvent raised)",
                        "size hint (Broken.sizeHint raised)"]
