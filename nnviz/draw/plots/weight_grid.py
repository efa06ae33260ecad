"""The weights grid: every first-layer neuron's incoming weights as an image, what it looks for.

Neuron k's image is row k of W⁽¹⁾ reshaped to the input images' (rows, cols)
(nnviz.app.image_views.weight_images), coloured on the canvas's diverging scale
(colormaps.diverging_rgba: orange −m, white 0, blue +m) with one shared m = max |w| over
the layer, so the images compare. Cells are captioned with the neuron's number as the
canvas counts them (from 1; hover: "layer 1, neuron k") when there is room; a colour key
"−m … 0 … +m" sits below the grid.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from nnviz.app.image_views import weight_scale
from nnviz.app.numbers import number
from nnviz.draw.colormaps import diverging_rgba
from nnviz.draw.plots.digit_drawing import (
    CellGrid,
    PaintedWidget,
    cell_grid,
    longest_fitting,
    message,
    rgba_to_qimage,
    scaled_font,
)
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.thumbnails import weight_thumbnails
from nnviz.draw.virtuals import qt_virtual

__all__ = ["WeightGrid"]

CAPTION_FACTOR = 0.8  # the neuron numbers, relative to the widget's font
GAP = 4.0  # px between cells


@functools.cache
def key_strip() -> QImage:
    """The colour key's strip: diverging_rgba over −1 … 1 in 256 steps (1 px high)."""
    return rgba_to_qimage(diverging_rgba(np.linspace(-1.0, 1.0, 256)[None, :], -1.0, 1.0))


class WeightGrid(PaintedWidget):
    """``set_image_shape(shape)`` then ``set_weights(W⁽¹⁾ (H, rows·cols))``; the QImages are made
    at the next paint (not at all while the grid is hidden)."""

    MIN_LINES = (8, 8)  # text lines wide, high

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.image_shape: tuple[int, int] | None = None
        self.weights: np.ndarray | None = None  # (H, d), a copy
        self.scale = 1.0  # m, the shared colour scale
        self.note = "no image data"  # said instead of the grid when there are no weights to show
        self._images = None  # cached QImages of self.weights, None when they must be made again
        self._grid: CellGrid | None = None
        self._grid_for: tuple = ()  # what self._grid was laid out for: it is kept while that stays
        self._cells: list[QRectF] = []  # self._grid's cells
        self.setMouseTracking(True)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def set_image_shape(self, shape: tuple[int, int] | None) -> None:
        self.image_shape = None if shape is None else tuple(shape)
        self.set_weights(None)

    def set_weights(self, weights0: np.ndarray | None, note: str = "no image data") -> None:
        """The first layer's weights (H, rows·cols), copied; None shows ``note`` instead."""
        shape, self.weights, self.note = self.image_shape, None, note
        if weights0 is not None and shape is not None:
            if np.shape(weights0)[1] == shape[0] * shape[1]:
                self.weights = np.array(weights0, dtype=np.float64)
            else:
                self.note = f"the first layer takes {np.shape(weights0)[1]} inputs, the images have " \
                            f"{shape[0] * shape[1]} pixels"
        self._images = None
        self.update()

    def images(self) -> list:
        """One QImage (cols × rows px) per neuron, made now if the weights changed."""
        if self._images is None and self.weights is not None:
            self.scale = weight_scale(self.weights)
            self._images = weight_thumbnails(self.weights, self.image_shape)  # the canvas's node images
        return self._images or []

    def cell_rects(self) -> list[QRectF]:
        """Neuron k's image square (as last painted), in widget coordinates."""
        grid = self._grid
        return [] if grid is None else [grid.cell(k) for k in range(grid.n)]

    @qt_virtual("WeightGrid: sizeHint failed", fallback=QSize)
    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def paint_content(self, p: QPainter) -> None:
        """The cells (all images, then all frames in one call, then the numbers: cells are GAP
        apart, so this looks the same as drawing cell after cell) and the key."""
        t = self.theme
        p.fillRect(self.rect(), QColor(t.background))
        images = self.images()
        if not images:
            self._grid = None
            message(p, QRectF(self.rect()), self.note, t.muted, self.font())
            return
        caption_font = scaled_font(self.font(), CAPTION_FACTOR)
        key_height = self._key_height()
        area = QRectF(self.rect()).adjusted(GAP, GAP, -GAP, -GAP - key_height)
        grid, cells = self._layout(len(images), area, caption_font)
        # enlarged: nearest neighbour, pixels stay pixels; shrunk (784 inputs, many neurons): averaged, not aliased
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, grid.side < self.image_shape[1])
        for cell, image in zip(cells, images):
            p.drawImage(cell, image)
        p.setPen(QPen(QColor(t.rule), 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects([cell.adjusted(-0.5, -0.5, 0.5, 0.5) for cell in cells])
        if grid.caption:
            p.setFont(caption_font)
            p.setPen(QColor(t.muted))
            for k in range(len(images)):
                p.drawText(grid.caption_rect(k), int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                           str(k + 1))
        bottom = cells[-1].bottom() + grid.caption + GAP  # the key right under the grid
        self._paint_key(p, QRectF(GAP, bottom, self.width() - 2 * GAP, key_height))

    def _layout(self, n: int, area: QRectF, caption_font) -> tuple[CellGrid, list[QRectF]]:
        """The grid of n cells in ``area`` (captioned when the numbers fit under them) and its
        cells' rectangles; laid out again only when n, the area, the font or the image size
        changed, not every frame."""
        key = (n, area.getRect(), caption_font.key(), self.image_shape)
        if self._grid is None or self._grid_for != key:
            metrics = QFontMetricsF(caption_font)
            pixels = self.image_shape[1]
            grid = cell_grid(n, area, metrics.height(), GAP, pixels)
            if grid.side < metrics.horizontalAdvance(str(n)) + 6:  # numbers would crowd: hover tells them
                grid = cell_grid(n, area, 0.0, GAP, pixels)
            self._grid, self._grid_for, self._cells = grid, key, [grid.cell(k) for k in range(n)]
        return self._grid, self._cells

    def _key_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.9

    def _paint_key(self, p: QPainter, rect: QRectF) -> None:
        """'w: −m [orange → white → blue] +m' on one line, centred."""
        t = self.theme
        metrics = QFontMetricsF(self.font())
        m = number(self.scale)
        lo, hi = f"−{m}", f"+{m}"
        label = longest_fitting(metrics, ("weight", "w"), rect.width() / 4)
        bar_w = min(220.0, rect.width() - metrics.horizontalAdvance(f"{label}  {lo}  {hi}") - 12)
        total = metrics.horizontalAdvance(f"{label}  {lo} ") + bar_w + metrics.horizontalAdvance(f" {hi}")
        x = rect.left() + max(0.0, (rect.width() - total) / 2)
        base = rect.center().y() + metrics.ascent() / 2 - metrics.descent() / 2
        p.setFont(self.font())
        p.setPen(QColor(t.text))
        p.drawText(QPointF(x, base), f"{label}  {lo} ")
        x += metrics.horizontalAdvance(f"{label}  {lo} ")
        if bar_w > 20:
            bar = QRectF(x, rect.center().y() - metrics.height() * 0.3, bar_w, metrics.height() * 0.6)
            p.drawImage(bar, key_strip())  # the grid's own colour map, −1 … 1
            p.setPen(QPen(QColor(t.rule), 1.0))
            p.drawRect(bar)
            p.setPen(QColor(t.muted))
            p.drawLine(QPointF(bar.center().x(), bar.top() - 2), QPointF(bar.center().x(), bar.bottom() + 2))  # the 0
            x += bar_w
        p.setPen(QColor(t.text))
        p.drawText(QPointF(x, base), f" {hi}")

    def neuron_at(self, pos: QPointF) -> int | None:
        """The neuron (from 0) whose image is under ``pos``, or None."""
        return next((k for k, rect in enumerate(self.cell_rects()) if rect.contains(pos)), None)

    @qt_virtual("WeightGrid: mouseMoveEvent failed")
    def mouseMoveEvent(self, event) -> None:
        k = self.neuron_at(event.position())
        if k is None or self.weights is None:
            QToolTip.hideText()
            return
        w = self.weights[k]
        text = (f"layer 1, neuron {k + 1}: its {w.size} incoming weights\n"
                f"from {number(w.min())} to {number(w.max())} (blue +, orange −; scale ±{number(self.scale)})")
        QToolTip.showText(event.globalPosition().toPoint(), text, self)
