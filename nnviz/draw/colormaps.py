"""Colour maps from numbers to pixels: the diverging orange → white → blue scale of the
canvas thumbnails and nodes, and the colour range of a neuron's output."""

from __future__ import annotations

import numpy as np

#: Colours of TensorFlow Playground: orange for negative / class 0, blue for positive / class 1.
NEGATIVE_RGB = np.array([245, 147, 34], dtype=np.float64)
POSITIVE_RGB = np.array([8, 119, 189], dtype=np.float64)
WHITE_RGB = np.array([255, 255, 255], dtype=np.float64)


def diverging_rgba(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map values in [lo, hi] to orange (lo) → white (middle) → blue (hi); (…, 4) uint8."""
    mid = 0.5 * (lo + hi)
    half = max(0.5 * (hi - lo), 1e-12)
    t = np.clip((np.nan_to_num(values, nan=mid) - mid) / half, -1.0, 1.0)[..., None]
    rgb = np.where(t >= 0, WHITE_RGB + t * (POSITIVE_RGB - WHITE_RGB), WHITE_RGB - t * (NEGATIVE_RGB - WHITE_RGB))
    alpha = np.full(t.shape, 255.0)
    return np.concatenate([rgb, alpha], axis=-1).astype(np.uint8)


def output_range(values: np.ndarray, activation) -> tuple[float, float]:
    """The colour scale of a neuron thumbnail: its activation's range when bounded,
    else symmetric around 0 up to the largest |value| shown."""
    lo, hi = activation.output_range
    if lo is not None and hi is not None:
        return lo, hi
    finite = np.abs(values[np.isfinite(values)])  # a diverged network shows inf/NaN: no warning, no inf scale
    m = float(finite.max()) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)
