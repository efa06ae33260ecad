"""Image data on the network canvas: the input layer drawn as its image, and each
first-layer neuron drawn as the image of its incoming weights.

The input block (``geometry.Layout.image_rect``) shows the pixels given to
``ImageLayer.set_pixels``, the shown sample's raw intensities (rows, cols) in [0, 1], on
the theme's grey scale (``grey_rgba``: the background at 0 and the text colour at 1, so
dark ink on white in the light theme and light ink on the dark background in the dark
one), scaled nearest neighbour so that a pixel stays one flat square. Without pixels it
is an empty grid: the background with lines in the theme's ``dim`` between the cells
(while a cell is at least GRID_PX wide), and the ``hint`` (the window's: how to get an
image there) written across it in the theme's ``muted`` colour, as large as fits up to the
painter's font, or not at all below HINT_MIN_PT. A frame in ``node_border`` surrounds it
either way. The block is painted over the edges, which start at the pixels' centres, so each
leaves the block's right side on the line from its pixel.

Weight tiles: neuron k's incoming weights as an image (``thumbnails.weight_thumbnails``),
made once per set of weights, at the first paint that shows them (``set_weights`` only
forgets the old ones), and drawn as a square of the node's diameter where that is at
least TILE_MIN_PX on screen (smaller, a tile would be a smudge).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from nnviz.draw.colormaps import rgb_of
from nnviz.draw.text_place import device_key
from nnviz.draw.theme import Theme
from nnviz.draw.thumbnails import rgba_to_qimage, weight_thumbnails

GRID_PX = 8.0  # the empty grid's lines are drawn while a cell is at least this wide on screen
HINT_MIN_PT = 6.0  # the empty block's hint is not written smaller than this
HINT_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
TILE_MIN_PX = 12.0  # a weight image is drawn in a node at least this wide on screen


def grey_rgba(intensity: np.ndarray, theme: Theme) -> np.ndarray:
    """(rows, cols) intensities in [0, 1] → (rows, cols, 4) uint8: the theme's background at
    0 and its text colour at 1, linear in between: background + t·(text − background)."""
    t = np.clip(np.nan_to_num(np.asarray(intensity, dtype=np.float64)), 0.0, 1.0)[..., None]
    back, ink = rgb_of(theme.background), rgb_of(theme.text)
    rgb = np.rint(back + t * (ink - back))
    return np.concatenate([rgb, np.full(t.shape, 255.0)], axis=-1).astype(np.uint8)


def paint_image(p: QPainter, rect: QRectF, image: QImage) -> None:
    """``image`` stretched over ``rect``: nearest neighbour when enlarged (a pixel stays a
    square), smoothed when shrunk (every pixel still counts)."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, rect.width() < image.width())
    p.drawImage(rect, image)
    p.restore()


def paint_tile(p: QPainter, rect: QRectF, image: QImage, border: QColor) -> None:
    """A weight image filling the square ``rect`` of a node, framed one device pixel thin
    (a node's usual outline would hide a row of its pixels)."""
    paint_image(p, rect, image)
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(border, 0.0))
    p.drawRect(rect)
    p.restore()


def paint_hint(p: QPainter, rect: QRectF, text: str, theme: Theme) -> None:
    """``text`` wrapped and centred in ``rect`` (less a margin), on a background box, at the
    painter's font size or smaller until it fits; nothing below HINT_MIN_PT."""
    inner = rect.adjusted(rect.width() / 10, rect.height() / 10, -rect.width() / 10, -rect.height() / 10)
    fitted = _fitted_hint(p, inner, text)
    if fitted is None:
        return
    font, box = fitted
    p.setFont(font)
    p.fillRect(box.adjusted(-4, -2, 4, 2), QColor(theme.background))
    p.setPen(QColor(theme.muted))
    p.drawText(inner, int(HINT_FLAGS), text)


_FITTED: dict = {}  # (place, font, text, device resolution) → (font, box) or None
_FITTED_KEEP = 16


def _fitted_hint(p: QPainter, inner: QRectF, text: str) -> tuple[QFont, QRectF] | None:
    """The painter's font, or a smaller one, that fits ``text`` into ``inner``, and the text's
    box; None below HINT_MIN_PT. Measured once per place, font, text and device resolution
    (the font a painter holds measures at its device's): the block is painted every frame
    while training plays."""
    key = (inner.getRect(), p.font().toString(), text, device_key(p.device()))
    if key not in _FITTED:
        if len(_FITTED) >= _FITTED_KEEP:
            _FITTED.clear()
        font, fitted = QFont(p.font()), None
        size = font.pointSizeF()
        while size >= HINT_MIN_PT:
            font.setPointSizeF(size)
            box = QFontMetricsF(font).boundingRect(inner, int(HINT_FLAGS), text)
            if inner.contains(box):
                fitted = (QFont(font), box)
                break
            size *= 0.9
        _FITTED[key] = fitted
    return _FITTED[key]


class ImageLayer:
    """The input image of ``shape`` (rows, cols) and the first layer's weight images."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = (int(shape[0]), int(shape[1]))
        self.pixels: np.ndarray | None = None
        self._picture: tuple[str, QImage] | None = None  # (theme name, image) of the pixels
        self._weights: np.ndarray | None = None
        self._tiles: list[QImage] | None = None

    def set_pixels(self, pixels) -> None:
        """The input shown in the block: (rows, cols) intensities in [0, 1] (clipped), or None."""
        if pixels is None:
            self.pixels = None
        else:
            a = np.asarray(pixels, dtype=np.float64)
            if a.shape != self.shape:
                raise ValueError(f"an input image of shape {a.shape} is not {self.shape[0]}×{self.shape[1]} pixels")
            self.pixels = np.clip(np.nan_to_num(a, nan=0.0), 0.0, 1.0)
        self._picture = None

    def set_weights(self, weights0: np.ndarray) -> None:
        """The first layer's weights (H, rows·cols); their images are made when first painted."""
        self._weights = weights0
        self._tiles = None

    def tiles(self) -> list[QImage]:
        """One weight image (cols × rows px) per first-layer neuron, made now if the weights changed."""
        if self._tiles is None:
            self._tiles = weight_thumbnails(self._weights, self.shape)
        return self._tiles

    def paint_input(self, p: QPainter, rect: QRectF, theme: Theme, hint: str | None = None) -> None:
        """The block in ``rect`` (pixels): the input's image, or the empty grid with ``hint``
        written across it; then its frame."""
        p.save()
        if self.pixels is not None:
            if self._picture is None or self._picture[0] != theme.name:
                self._picture = (theme.name, rgba_to_qimage(grey_rgba(self.pixels, theme)))
            paint_image(p, rect, self._picture[1])
        else:
            p.fillRect(rect, QColor(theme.background))
            rows, cols = self.shape
            if rect.width() / cols >= GRID_PX:
                grid = QPen(QColor(theme.dim), 0.0)  # cosmetic: one device pixel
                p.setPen(grid)
                w, h = rect.width() / cols, rect.height() / rows
                p.drawLines([QLineF(rect.left() + c * w, rect.top(), rect.left() + c * w, rect.bottom())
                             for c in range(1, cols)] +
                            [QLineF(rect.left(), rect.top() + r * h, rect.right(), rect.top() + r * h)
                             for r in range(1, rows)])
            if hint:
                paint_hint(p, rect, hint, theme)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(theme.node_border), 1.0))
        p.drawRect(rect)
        p.restore()
