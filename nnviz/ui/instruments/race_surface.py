"""How the optimizer race's loss surface is drawn: shaded by the rank of each loss value
(so the colours spread evenly whatever the loss's scale), in a box that holds the paths."""

from __future__ import annotations

import numpy as np

from nnviz.draw.theme import Theme

__all__ = ["contour_rgba", "fit_box", "ranks", "surface_lut"]

# surface colours, low loss → high loss, per theme (light, dark)
_SURFACE = {False: ((255, 255, 255), (168, 182, 204)), True: ((34, 36, 40), (78, 94, 120))}
_CONTOUR = {False: (95, 108, 128, 150), True: (170, 180, 196, 130)}


def surface_lut(theme: Theme, n: int = 256) -> np.ndarray:
    """(n, 3) uint8 from the theme's low-loss to its high-loss colour, t^0.8 (more steps low)."""
    low, high = (np.asarray(c) for c in _SURFACE[theme.dark])
    t = np.linspace(0.0, 1.0, n)[:, None] ** 0.8
    return np.rint(low + t * (high - low)).astype(np.uint8)


def contour_rgba(theme: Theme) -> tuple[int, int, int, int]:
    """The contour lines' colour."""
    return _CONTOUR[theme.dark]


def ranks(Z: np.ndarray) -> np.ndarray:
    """Each value's quantile in Z (0…1), NaN/inf last: colours spread evenly whatever the scale."""
    flat = np.where(np.isfinite(Z), Z, np.inf).reshape(-1)
    out = np.empty(flat.size)
    out[np.argsort(flat, kind="stable")] = np.linspace(0.0, 1.0, flat.size)
    return out.reshape(Z.shape)


def fit_box(box, paths, margin: float = 0.08, most: float = 6.0):
    """The smallest (center, span) holding ``box`` and every finite path point (plus a
    margin), at most ``most`` times the box's span around its center (a diverging path
    must not shrink the surface to a dot)."""
    (cx, cy), (sx, sy) = box
    lo, hi = np.array([cx - sx, cy - sy]), np.array([cx + sx, cy + sy])
    limit_lo, limit_hi = np.array([cx - most * sx, cy - most * sy]), np.array([cx + most * sx, cy + most * sy])
    for path in paths:
        pts = path.points[np.isfinite(path.points).all(axis=1)]
        if len(pts):
            lo = np.minimum(lo, np.maximum(pts.min(axis=0), limit_lo))
            hi = np.maximum(hi, np.minimum(pts.max(axis=0), limit_hi))
    if (lo < np.array([cx - sx, cy - sy])).any() or (hi > np.array([cx + sx, cy + sy])).any():
        pad = margin * (hi - lo)
        lo, hi = lo - pad, hi + pad
    center, span = (lo + hi) / 2, (hi - lo) / 2
    return (float(center[0]), float(center[1])), (float(span[0]), float(span[1]))
