"""Colour maps from numbers to pixels: the diverging orange → white → blue scale of the
canvas thumbnails, the nodes and the boundary plot's field, the class-colour field of
multiclass problems, and the colour range of a neuron's output.

The colours themselves are the theme's (NEGATIVE_COLOR, POSITIVE_COLOR, CLASS_COLORS).
"""

from __future__ import annotations

import numpy as np

from nnviz.draw.theme import CLASS_COLORS, NEGATIVE_COLOR, POSITIVE_COLOR

__all__ = [
    "class_field_rgb",
    "diverging_lut",
    "diverging_rgb",
    "diverging_rgba",
    "output_range",
    "rgb_of",
]


def rgb_of(color: str) -> np.ndarray:
    """'#rrggbb' → (3,) float64 in 0…255."""
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


NEGATIVE_RGB = rgb_of(NEGATIVE_COLOR)
POSITIVE_RGB = rgb_of(POSITIVE_COLOR)
WHITE_RGB = np.array([255, 255, 255], dtype=np.float64)
CLASS_RGB = np.array([rgb_of(c) for c in CLASS_COLORS])  # (10, 3)


def diverging_rgb(t: np.ndarray) -> np.ndarray:
    """t (…, 1) in [-1, 1] → (…, 3) float RGB: orange at -1, white at 0, blue at +1,
    linear in between: white + |t| · (colour − white)."""
    return np.where(t >= 0, WHITE_RGB + t * (POSITIVE_RGB - WHITE_RGB), WHITE_RGB - t * (NEGATIVE_RGB - WHITE_RGB))


def diverging_rgba(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map values in [lo, hi] to orange (lo) → white (middle) → blue (hi); (…, 4) uint8."""
    mid = 0.5 * (lo + hi)
    half = max(0.5 * (hi - lo), 1e-12)
    t = np.clip((np.nan_to_num(values, nan=mid) - mid) / half, -1.0, 1.0)[..., None]
    alpha = np.full(t.shape, 255.0)
    return np.concatenate([diverging_rgb(t), alpha], axis=-1).astype(np.uint8)


def diverging_lut(strength: float, n: int = 256) -> np.ndarray:
    """(n, 3) uint8 lookup table of the diverging map, the extremes ``strength`` of the way
    from white to the full colours (t = linspace(-1, 1, n) · strength)."""
    t = np.linspace(-1.0, 1.0, n)[:, None] * strength
    return np.rint(diverging_rgb(t)).astype(np.uint8)


def class_field_rgb(probs: np.ndarray, strength: float) -> np.ndarray:
    """(H, W, C) probabilities → (H, W, 3) uint8: the argmax class's colour (CLASS_COLORS),
    from white at chance (1/C) to ``strength`` of the full colour at probability 1."""
    c = probs.shape[2]
    p = np.nan_to_num(probs, nan=0.0)
    winner = p.argmax(axis=2)
    confidence = np.clip((p.max(axis=2) - 1.0 / c) / (1.0 - 1.0 / c), 0.0, 1.0) if c > 1 else np.ones(p.shape[:2])
    colour = CLASS_RGB[winner % len(CLASS_RGB)]
    t = (strength * confidence)[..., None]
    return np.rint(WHITE_RGB + t * (colour - WHITE_RGB)).astype(np.uint8)


def output_range(values: np.ndarray, activation) -> tuple[float, float]:
    """The colour scale of a neuron thumbnail: its activation's range when bounded,
    else symmetric around 0 up to the largest |value| shown."""
    lo, hi = activation.output_range
    if lo is not None and hi is not None:
        return lo, hi
    finite = np.abs(values[np.isfinite(values)])  # a diverged network shows inf/NaN: no warning, no inf scale
    m = float(finite.max()) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)
