"""The digit panel's views paint through one base, ``digit_drawing.PaintedWidget``: its
paintEvent hands an active QPainter to ``paint_content`` and ends it, an exception there is
logged (its traceback names the view's paint_content) and never reaches Qt, and the
minimum size is MIN_LINES lines of the widget's font, so it grows with the presentation
scale."""

from __future__ import annotations

import logging

import pytest


from PySide6.QtGui import QFontMetricsF, QPainter  # noqa: E402

from nnviz.draw.plots.confusion_view import ConfusionView  # noqa: E402
from nnviz.draw.plots.digit_drawing import PaintedWidget  # noqa: E402
from nnviz.draw.plots.mistake_gallery import MistakeGallery  # noqa: E402
from nnviz.draw.plots.segmented_switch import SegmentedSwitch  # noqa: E402
from nnviz.draw.plots.weight_grid import WeightGrid  # noqa: E402


class Probe(PaintedWidget):
    MIN_LINES = (5, 3)

    def __init__(self, fail: bool):
        super().__init__()
        self.fail, self.seen = fail, []

    def paint_content(self, p: QPainter) -> None:
        self.seen.append(p)
        assert p.isActive()
        if self.fail:
            raise RuntimeError("broken view")


@pytest.mark.parametrize("fail", [False, True])
def test_the_painter_is_handed_over_and_always_ended(qtbot, caplog, fail):
    w = Probe(fail)
    qtbot.addWidget(w)
    w.resize(80, 60)
    with caplog.at_level(logging.ERROR):
        w.grab()  # paints the widget: an escaping exception would end the process
    assert len(w.seen) == 1 and not w.seen[0].isActive()
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    if fail:
        assert len(logged) == 1 and "could not be painted" in logged[0].getMessage()
        assert "in paint_content" in caplog.text and "broken view" in caplog.text
    else:
        assert logged == []


def test_the_minimum_size_is_counted_in_lines_of_the_widgets_font(qtbot):
    w = Probe(False)
    qtbot.addWidget(w)
    line = QFontMetricsF(w.font()).height()
    assert (w.minimumSizeHint().width(), w.minimumSizeHint().height()) == (int(5 * line), int(3 * line))
    font = w.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)  # the presentation scale
    w.setFont(font)
    big = QFontMetricsF(w.font()).height()
    assert big > line and w.minimumSizeHint().height() == int(3 * big)


def test_the_digit_panels_views_paint_through_it(qtbot):
    source = lambda part: (None, "no image data")  # noqa: E731 - what a view says with nothing to show
    views = [WeightGrid(), ConfusionView(source), MistakeGallery(source), SegmentedSwitch([("a", ("A",), "")])]
    for v in views:
        qtbot.addWidget(v)
        assert isinstance(v, PaintedWidget) and "paintEvent" not in type(v).__dict__
        v.resize(300, 200)
        assert not v.grab().isNull()
    sizes = {type(v).__name__: v.MIN_LINES for v in views}
    assert sizes == {"WeightGrid": (8, 8), "ConfusionView": (12, 11.5), "MistakeGallery": (12, 8),
                     "SegmentedSwitch": None}
