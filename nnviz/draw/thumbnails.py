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
    rounded to 1/255; at most one unit per channel off): 3× faster on 128 images of
    28×28 (8 ms instead of 24), which matters while training repaints them many times a second."""
    m = weight_scale(weights0)
    t = np.clip(np.nan_to_num(weight_images(weights0, image_shape) / m), -1.0, 1.0)
    index = np.rint((t + 1.0) * ((WEIGHT_LEVELS - 1) / 2)).astype(np.intp)
    rgba = _weight_lut()[index]
    return [rgba_to_qimage(rgba[k]) for k in range(rgba.shape[0])]


@functools.cache
def _weight_lut() -> np.ndarray:
    """(WEIGHT_LEVELS, 4) uint8: the diverging map from −1 to +1, opaque."""
    rgb = diverging_lut(1.0, WEIGHT_LEVELS)
    return np.concatenate([rgb, np.full((WEIGHT_LEVELS, 1), 255, dtype=np.uint8)], axis=1)


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
