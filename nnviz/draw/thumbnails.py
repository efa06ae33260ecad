"""Node thumbnails: what each input and each neuron computes over the input plane, as QImages.

A Frame (nnviz.app.frame) holds the values on a THUMB_GRID × THUMB_GRID grid: ``inputs``
(G, G, n_0) and ``thumbnails[l]`` (G, G, n_{l+1}); each becomes one image per node,
coloured on a diverging scale (an input's symmetric around 0, a neuron's over its
activation's output range).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QImage

from nnviz.draw.colormaps import diverging_rgba, output_range
from nnviz.draw.geometry import BIG_LAYER
from nnviz.engine.activations import get_activation


def _numpy_to_qimage(rgba: np.ndarray) -> QImage:
    """(H, W, 4) uint8, row 0 at the bottom of the plane → a QImage (row 0 at the top)."""
    rgba = np.ascontiguousarray(rgba[::-1])
    h, w, _ = rgba.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


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
