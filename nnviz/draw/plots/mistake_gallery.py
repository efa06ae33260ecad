"""The gallery of misclassified images: what the network gets wrong, page by page.

Each image is drawn from its raw intensities (``Dataset.raw_test`` rows, in [0, 1]) in the
theme's ink (digit_drawing.grey_rgba: dark on light, light on dark), scaled by a whole
number so its pixels stay square (smaller when the widget is short: one row and its captions
always fit), captioned "true 3 → 8" (or "3 → 8" when narrow; images then stand further apart
if a caption is wider than its image, so captions never run into each other). The
mistakes of the test part are shown, those of the training part when there is no test
data. Pages turn with the ‹ › arrows, the mouse wheel or PageUp/PageDown; clicking an image
emits ``sampleChosen(index)``, its index into that part (``part``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from nnviz.app.numbers import number
from nnviz.draw.plots.digit_drawing import (
    CellGrid,
    PaintedWidget,
    grey_rgba,
    longest_fitting,
    message,
    rgba_to_qimage,
    scaled_font,
)
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["MistakeGallery"]

PAD, GAP = 6.0, 6.0
THUMB_LINES = 3.2  # an image is about this many text lines high (then snapped to whole pixels)


class MistakeGallery(PaintedWidget):
    """``source(part)`` → (SetResults or None, why not) is asked at paint time."""

    MIN_LINES = (12, 8)  # text lines wide, high

    sampleChosen = Signal(int)

    def __init__(self, source: Callable[[str], tuple], parent: QWidget | None = None):
        super().__init__(parent)
        self.source = source
        self.theme = LIGHT
        self.dataset = None
        self.part = "test"
        self.page = 0
        self.mistakes = None  # (k,) indices last shown
        self._results = None
        self._images: dict[int, object] = {}  # index → QImage; raw pixels do not change while training
        self._hover: int | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._images.clear()
        self.update()

    def set_dataset(self, dataset, part: str) -> None:
        """The images and the part ("test", or "train" without test data) whose mistakes are shown."""
        self.dataset, self.part, self.page = dataset, part, 0
        self.mistakes = self._results = self._hover = None  # the old data's: laid out again at the next paint
        self._images.clear()
        self.update()

    # ---- layout --------------------------------------------------------------------------

    def _line(self) -> float:
        return QFontMetricsF(self.font()).height()

    def caption_font(self) -> QFont:
        """The captions' font: the widget's × 0.85."""
        return scaled_font(self.font(), 0.85)

    def _side(self) -> float:
        """An image's side: about THUMB_LINES text lines, a whole multiple of its pixels (1× at
        least), and no more than the width, and the height below the header less a caption, hold."""
        cols_px = self.dataset.image_shape[1]
        side = max(1, round(THUMB_LINES * self._line() / cols_px)) * cols_px
        caption = QFontMetricsF(self.caption_font()).height()
        below = self.height() - self._header_height(legend=True) - PAD - (caption + 2)  # the taller header: no loop
        room = min(self.width() - 2 * PAD, below)
        return float(min(side, max(cols_px, room // cols_px * cols_px)))  # a small widget: less

    def _gap(self) -> float:
        """Between images: GAP, or more when a caption is wider than its image (captions never touch)."""
        widest = "true 8 → 8" if self._long_captions() else "8 → 8"
        width = QFontMetricsF(self.caption_font()).horizontalAdvance(widest)
        return max(GAP, width + 0.5 * self._line() - self._side())

    def _long_captions(self) -> bool:
        """'true 3 → 8' under each image, or '3 → 8' when that would touch its neighbour's."""
        width = QFontMetricsF(self.caption_font()).horizontalAdvance("true 8 → 8")
        return width <= self._side() + GAP - 0.5 * self._line()

    def _title(self) -> str:
        """The header's count, the longest form that fits beside the pager."""
        results = self._results
        k = len(self.mistakes)
        s = "s" * (k != 1)
        forms = ((f"{k} test mistake{s} of {results.n} (true → predicted)", f"{k} mistake{s} (true → predicted)")
                 if self.part == "test" else
                 (f"{k} training mistake{s} (no test data; true → predicted)",
                  f"{k} training mistake{s} (no test data)"))
        forms += (f"{k} mistake{s}",)
        bold = QFontMetricsF(scaled_font(self.font(), 1.0, bold=True))
        return longest_fitting(bold, forms, self.pager_rects()[0].left() - 2 * PAD)

    def _legend_needed(self) -> bool:
        """A second header line 'true → predicted' when neither the title nor the captions say it."""
        return not self._long_captions() and "true → predicted" not in self._title()

    def _header_height(self, legend: bool | None = None) -> float:
        """The title line, and the legend line below it when it is needed (or ``legend`` says so)."""
        legend = self._legend_needed() if legend is None else legend
        return 1.5 * PAD + self._line() + (QFontMetricsF(self.caption_font()).height() if legend else 0.0) + PAD

    def _legend(self) -> str:
        forms = ("under each image: true → predicted", "true → predicted")
        return longest_fitting(QFontMetricsF(self.caption_font()), forms, self.width() - 2 * PAD)

    def _grid(self) -> tuple[CellGrid, int] | None:
        """The page's grid and how many images a page holds: as many as fit below the header."""
        if self.dataset is None or self.dataset.image_shape is None or self.mistakes is None:
            return None
        side, gap = self._side(), self._gap()
        caption = QFontMetricsF(self.caption_font()).height() + 2
        top = self._header_height()
        inset = PAD + max(0.0, gap / 2 - PAD)  # the outer captions, gap/2 beyond their images, stay inside too
        area = QRectF(inset, top, self.width() - 2 * inset, self.height() - top - PAD)
        cols = max(1, int((area.width() + gap) // (side + gap)))
        rows = max(1, int((area.height() + GAP) // (side + caption + GAP)))
        n = min(cols * rows, len(self.mistakes) - self.page * cols * rows)
        return CellGrid(max(n, 0), cols, side, caption, gap, area), cols * rows

    @property
    def pages(self) -> int:
        layout = self._grid()
        if layout is None or not len(self.mistakes):
            return 1
        return max(1, math.ceil(len(self.mistakes) / layout[1]))

    def set_page(self, page: int) -> None:
        self.page = min(max(0, page), self.pages - 1)
        self.update()

    def image_rects(self) -> dict[int, QRectF]:
        """Index into the part → the rectangle its image is drawn in (the page last painted)."""
        layout = self._grid()
        if layout is None:
            return {}
        grid, per_page = layout
        first = self.page * per_page
        return {int(self.mistakes[first + k]): grid.cell(k) for k in range(grid.n)}

    def captions(self) -> dict[int, tuple[QRectF, str]]:
        """Index into the part → (the rectangle under its image its caption is written in, the
        caption), for the page last painted."""
        layout, results = self._grid(), self._results
        if layout is None or results is None:
            return {}
        grid, long = layout[0], self._long_captions()
        out = {}
        for index, rect in self.image_rects().items():
            true, predicted = int(results.true[index]), int(results.predicted[index])
            box = QRectF(rect.left() - grid.gap / 2, rect.bottom() + 2, rect.width() + grid.gap, grid.caption - 2)
            out[index] = (box, f"true {true} → {predicted}" if long else f"{true} → {predicted}")
        return out

    def pager_rects(self) -> tuple[QRectF, QRectF]:
        """The ‹ and › arrows' rectangles at the header's right, room for "12/12" between them."""
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        box = QSizeF(1.5 * line, line + PAD)
        middle = metrics.horizontalAdvance("88/88") + 0.6 * line
        forward = QRectF(QPointF(self.width() - PAD - box.width(), PAD / 2), box)
        return QRectF(QPointF(forward.left() - middle - box.width(), PAD / 2), box), forward

    # ---- painting ------------------------------------------------------------------------

    def paint_content(self, p: QPainter) -> None:
        t = self.theme
        p.fillRect(self.rect(), QColor(t.background))
        results, why = self.source(self.part)
        self._results = results
        self.mistakes = None if results is None else results.mistakes
        if results is None or self.dataset is None:
            message(p, QRectF(self.rect()), why or "no image data", t.muted, self.font())
            return
        self.page = min(self.page, self.pages - 1)
        self._paint_header(p)
        if not len(self.mistakes):
            what = "test" if self.part == "test" else "training"
            message(p, QRectF(self.rect()).adjusted(0, self._header_height(), 0, 0),
                    f"No mistakes: all {results.n} {what} images are classified right.", t.muted, self.font())
            return
        caption_font = self.caption_font()
        captions = self.captions()
        for index, rect in self.image_rects().items():
            p.drawImage(rect, self._image(index))  # default hints: nearest neighbour
            hovered = index == self._hover
            p.setPen(QPen(QColor(t.highlight if hovered else t.rule), 3.0 if hovered else 1.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(-1, -1, 1, 1) if hovered else rect.adjusted(-0.5, -0.5, 0.5, 0.5))
            p.setFont(caption_font)
            p.setPen(QColor(t.text))
            p.drawText(captions[index][0], int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                       captions[index][1])

    def _paint_header(self, p: QPainter) -> None:
        t = self.theme
        back, forward = self.pager_rects()
        bold = scaled_font(self.font(), 1.0, bold=True)
        p.setFont(bold)
        p.setPen(QColor(t.text))
        p.drawText(QRectF(PAD, back.top(), back.left() - 2 * PAD, back.height()), int(Qt.AlignmentFlag.AlignVCenter),
                   self._title())
        if self._legend_needed():
            p.setFont(self.caption_font())
            p.setPen(QColor(t.muted))
            p.drawText(QRectF(PAD, back.bottom() + PAD / 2, self.width() - 2 * PAD, self._line()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                       self._legend())
        pages = self.pages
        p.setFont(self.font())
        for rect, arrow, on in ((back, "‹", self.page > 0), (forward, "›", self.page < pages - 1)):
            p.setPen(QPen(QColor(t.rule if on else t.dim), 1.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
            p.setPen(QColor(t.text if on else t.dim))
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), arrow)
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(back.right(), back.top(), forward.left() - back.right(), back.height()),
                   int(Qt.AlignmentFlag.AlignCenter), f"{self.page + 1}/{pages}")

    def _image(self, index: int):
        image = self._images.get(index)
        if image is None:
            raw = self.dataset.raw_test if self.part == "test" else self.dataset.raw_train
            image = self._images[index] = rgba_to_qimage(grey_rgba(raw[index].reshape(self.dataset.image_shape),
                                                                   self.theme))
        return image

    # ---- interaction ---------------------------------------------------------------------

    def index_at(self, pos: QPointF) -> int | None:
        return next((i for i, rect in self.image_rects().items() if rect.contains(pos)), None)

    @qt_virtual("MistakeGallery: mousePressEvent failed")
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        back, forward = self.pager_rects()
        if back.contains(pos):
            self.set_page(self.page - 1)
        elif forward.contains(pos):
            self.set_page(self.page + 1)
        elif (index := self.index_at(pos)) is not None:
            self.sampleChosen.emit(index)

    @qt_virtual("MistakeGallery: mouseMoveEvent failed")
    def mouseMoveEvent(self, event) -> None:
        index = self.index_at(event.position())
        if index != self._hover:
            self._hover = index
            self.update()
        self.setCursor(Qt.CursorShape.PointingHandCursor if index is not None else Qt.CursorShape.ArrowCursor)
        if index is None or self._results is None:
            QToolTip.hideText()
            return
        r = self._results
        what = "test" if self.part == "test" else "training"
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{what} image {index + 1}: true {int(r.true[index])}, predicted {int(r.predicted[index])}"
                          f" (output {number(r.confidence[index])})\nclick to trace it through the network", self)

    @qt_virtual("MistakeGallery: leaveEvent failed")
    def leaveEvent(self, event) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()

    @qt_virtual("MistakeGallery: wheelEvent failed")
    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y()
        if steps:
            self.set_page(self.page + (1 if steps < 0 else -1))

    @qt_virtual("MistakeGallery: keyPressEvent failed")
    def keyPressEvent(self, event) -> None:
        step = {Qt.Key.Key_PageDown: 1, Qt.Key.Key_PageUp: -1}.get(event.key())
        if step is None:
            super().keyPressEvent(event)
        else:
            self.set_page(self.page + step)
