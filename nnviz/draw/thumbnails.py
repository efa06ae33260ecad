"""Node thumbnails as QImages: what each input and each neuron computes over the input
plane (2-D data), or what each first-layer neuron looks for (image data).

A Frame (nnviz.app.frame) holds the values on a THUMB_GRID × THUMB_GRID grid: ``inputs``
(G, G, n_0) and ``thumbnails[l]`` (G, G, n_{l+1}); each becomes one image per node,
coloured on a diverging scale (an input's symmetric around 0, a neuron's over its
activation's output range). For image data, ``weight_thumbnails`` makes neuron k's image
from row k of W⁽¹⁾ reshaped to the input images' (rows, cols), coloured −m … +m with one
m = max |W⁽¹⁾| shared by the layer (nnviz.app.image_views), so the images compare.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QImage

from nnviz.app.image_views import weight_images, weight_scale
from nnviz.draw.colormaps import diverging_lut, diverging_rgba, output_range
from nnviz.draw.geometry import BIG_LAYER
from nnviz.engine.activations import get_activation

WEIGHT_LEVELS = 511  # colour steps of a weight image, odd so that w = 0 is white exactly


def rgba_to_qimage(rgba: np.ndarray) -> QImage:
    """(H, W, 4) uint8, row 0 at the top (an image's own order) → a QImage owning its pixels."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w, _ = rgba.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def _numpy_to_qimage(rgba: np.ndarray) -> QImage:
    """(H, W, 4) uint8, row 0 at the bottom of the plane → a QImage (row 0 at the top)."""
    return rgba_to_qimage(rgba[::-1])


def weight_thumbnails(weights0: np.ndarray, image_shape: tuple[int, int]) -> list[QImage]:
    """One image (cols × rows px) per first-layer neuron: its incoming weights W⁽¹⁾[k]
    (H, rows·cols) reshaped to the image, diverging colours over −m … +m, m = max |W⁽¹⁾|.

    The colours are diverging_rgba's looked up in a table of WEIGHT_LEVELS steps (t = w/m
    rounded to 1/255; at most one unit per channel off), each RGBA pixel one uint32 of the
    table, into one (H·rows, cols) array that becomes one QImage, cut into the H images:
    about 1 ms for 128 images of 28×28 instead of 7 (in-place arithmetic, one 4-byte lookup
    per pixel instead of four 1-byte ones, one array → QImage conversion instead of 128),
    which matters while training repaints them many times a second."""
    images = weight_images(weights0, image_shape)
    h, rows, cols = images.shape
    t = np.divide(images, weight_scale(weights0))
    np.copyto(t, 0.0, where=np.isnan(t))  # NaN → 0 (white); ±inf → ±1 by the clip
    np.clip(t, -1.0, 1.0, out=t)
    t += 1.0
    t *= (WEIGHT_LEVELS - 1) / 2
    pixels = _weight_lut_words().take(np.rint(t, out=t).astype(np.intp))  # (H, rows, cols) RGBA words
    strip = QImage(pixels.data, cols, h * rows, 4 * cols, QImage.Format.Format_RGBA8888)
    return [strip.copy(0, k * rows, cols, rows) for k in range(h)]  # each owns its pixels


@functools.cache
def _weight_lut_words() -> np.ndarray:
    """(WEIGHT_LEVELS,) uint32: the opaque diverging map from −1 to +1, each entry the 4 bytes
    R, G, B, A of one pixel in memory order (Format_RGBA8888)."""
    rgb = diverging_lut(1.0, WEIGHT_LEVELS)
    rgba = np.concatenate([rgb, np.full((WEIGHT_LEVELS, 1), 255, dtype=np.uint8)], axis=1)
    return np.ascontiguousarray(rgba).view(np.uint32).ravel()


def frame_thumbnails(frame, layers: Sequence[int], activation_names: Sequence[str]) -> list[list[QImage]] | None:
    """Per layer (inputs first) one image per node; a layer wider than BIG_LAYER gets [].
    None when the frame has no thumbnails (inputs that are not 2-D) or another depth."""
    if frame.thumbnails is None or len(frame.thumbnails) != len(layers) - 1:
        return None
    images = [_input_thumbnails(frame.inputs, layers[0])]
    for l, out in enumerate(frame.thumbnails):
        if layers[l + 1] > BIG_LAYER:
            images.append([])
            continue
        lo, hi = output_range(out, get_activation(activation_names[l]))
        rgba = diverging_rgba(out, lo, hi)
        images.append([_numpy_to_qimage(rgba[:, :, i]) for i in range(out.shape[2])])
    return images


def _input_thumbnails(inputs, n_inputs: int) -> list[QImage]:
    """Each input feature over the plane, coloured on a scale symmetric around 0."""
    if inputs is None or n_inputs > BIG_LAYER:
        return []
    out = []
    for i in range(inputs.shape[2]):
        m = float(np.abs(inputs[:, :, i]).max()) or 1.0
        out.append(_numpy_to_qimage(diverging_rgba(inputs[:, :, i], -m, m)))
    return out
