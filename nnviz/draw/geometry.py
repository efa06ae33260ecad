"""Where the network canvas puts things, computed in plain NumPy (no Qt) so it can be
tested as numbers: node centres, edge segments, edge buckets by sign and width, hit tests.

Coordinates are "scene" units: layer l sits at x = l·LAYER_GAP, its n nodes are spread
vertically around y = 0 with NODE_GAP between centres (compressed for wide layers).
``view_transform`` maps them to pixels of a rectangle: px = ox + s·x, py = oy + s·y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAYER_GAP = 170.0
NODE_GAP = 66.0
NODE_RADIUS = 22.0
MAX_LAYER_HEIGHT = 560.0  # wide layers (784 inputs) are squeezed into this height
WIDTH_LEVELS = 6  # edge widths are bucketed into this many levels
MAX_EDGE_WIDTH = 7.0
MIN_EDGE_WIDTH = 0.6
BIG_LAYER = 64  # layers wider than this get compact nodes and no thumbnails
MAX_SCALE = 2.2  # pixels per scene unit at most when fitting: small networks are not blown up


@dataclass(frozen=True)
class Layout:
    """Node centres per layer: positions[l] is (n_l, 2); radius[l] the node radius there."""

    positions: tuple[np.ndarray, ...]
    radius: tuple[float, ...]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) including node radii."""
        pts = np.vstack(self.positions)
        r = max(self.radius)
        return (float(pts[:, 0].min() - r), float(pts[:, 1].min() - r),
                float(pts[:, 0].max() + r), float(pts[:, 1].max() + r))


def layout(layers: tuple[int, ...] | list[int]) -> Layout:
    """Centres for every node: layers spaced evenly in x, nodes centred in y."""
    positions, radii = [], []
    for l, n in enumerate(layers):
        gap = min(NODE_GAP, MAX_LAYER_HEIGHT / max(n - 1, 1)) if n > 1 else NODE_GAP
        ys = (np.arange(n) - (n - 1) / 2.0) * gap
        positions.append(np.column_stack([np.full(n, l * LAYER_GAP), ys]))
        radii.append(float(np.clip(gap * 0.36, 1.5, NODE_RADIUS)))
    return Layout(tuple(positions), tuple(radii))


def view_transform(bounds: tuple[float, float, float, float], rect: tuple[float, float, float, float],
                   font_scale: float = 1.0, zoom: float = 1.0,
                   pan: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float, float]:
    """(s, ox, oy) with pixel = (ox + s·x, oy + s·y) for scene point (x, y).

    bounds: the layout's (x0, y0, x1, y1); rect: (left, top, width, height) in pixels. The
    network is fitted inside margins that leave room for titles and the caption (scaled
    with ``font_scale``), at most MAX_SCALE; then zoomed by ``zoom`` about the rectangle's
    centre and moved by ``pan`` pixels.
    """
    x0, y0, x1, y1 = bounds
    left, top, width, height = rect
    margin_left, margin_top = 70.0 * font_scale, 50.0 * font_scale
    margin_right, margin_bottom = 70.0 * font_scale, 56.0 * font_scale
    w = max(width - margin_left - margin_right, 50.0)
    h = max(height - margin_top - margin_bottom, 50.0)
    s = min(w / max(x1 - x0, 1.0), h / max(y1 - y0, 1.0), MAX_SCALE)
    fit_x = left + margin_left + w / 2 - s * (x0 + x1) / 2
    fit_y = top + margin_top + h / 2 - s * (y0 + y1) / 2
    cx, cy = left + width / 2, top + height / 2
    return s * zoom, cx + (fit_x - cx) * zoom + pan[0], cy + (fit_y - cy) * zoom + pan[1]


@dataclass(frozen=True)
class EdgeSet:
    """The edges drawn for one frame.

    segments: (E, 4) rows x0, y0, x1, y1 (from the source node's right edge to the target's
    left edge); layer, row, col: (E,) which weight w[layer][row, col] each edge shows;
    value: (E,) the number that sets its colour and width (a weight, or a gradient).
    """

    segments: np.ndarray
    layer: np.ndarray
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray


def strongest(values: np.ndarray, keep: int | None) -> np.ndarray:
    """Flat indices of the ``keep`` largest |values| (all of them when keep is None)."""
    flat = np.abs(values).ravel()
    if keep is None or keep >= flat.size:
        return np.arange(flat.size)
    return np.argpartition(flat, flat.size - keep)[flat.size - keep:]


def edges(lay: Layout, matrices: list[np.ndarray], keep_per_layer: int | None = None) -> EdgeSet:
    """Edge segments for weight-shaped matrices[l] (n_out, n_in), the strongest per layer."""
    segs, layers, rows, cols, vals = [], [], [], [], []
    for l, m in enumerate(matrices):
        idx = strongest(m, keep_per_layer)
        r, c = np.divmod(idx, m.shape[1])
        src, dst = lay.positions[l][c], lay.positions[l + 1][r]
        segs.append(np.column_stack([src[:, 0] + lay.radius[l], src[:, 1],
                                     dst[:, 0] - lay.radius[l + 1], dst[:, 1]]))
        layers.append(np.full(idx.size, l))
        rows.append(r)
        cols.append(c)
        vals.append(m.ravel()[idx])
    cat = (lambda parts, shape=(0,): np.concatenate(parts) if parts else np.zeros(shape))
    return EdgeSet(cat(segs, (0, 4)).reshape(-1, 4), cat(layers).astype(int), cat(rows).astype(int),
                   cat(cols).astype(int), cat(vals))


def width_levels(values: np.ndarray, scale: float) -> np.ndarray:
    """Bucket index 0..WIDTH_LEVELS−1 of each |value| relative to ``scale`` (the frame's largest |value|)."""
    if scale <= 0 or not np.isfinite(scale):
        return np.zeros(values.shape, dtype=int)
    frac = np.clip(np.abs(values) / scale, 0.0, 1.0)
    return np.minimum((np.sqrt(frac) * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)


def level_width(level: int) -> float:
    return MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * (level + 1) / WIDTH_LEVELS


def buckets(values: np.ndarray, scale: float) -> dict[tuple[bool, int], np.ndarray]:
    """Edge indices grouped by (positive?, width level): one path is drawn per group."""
    levels = width_levels(values, scale)
    positive = values >= 0
    out = {}
    for sign in (False, True):
        for level in range(WIDTH_LEVELS):
            idx = np.flatnonzero((positive == sign) & (levels == level))
            if idx.size:
                out[(sign, level)] = idx
    return out


def node_at(lay: Layout, x: float, y: float) -> tuple[int, int] | None:
    """(layer, index) of the node under scene point (x, y), or None."""
    for l, pos in enumerate(lay.positions):
        d2 = (pos[:, 0] - x) ** 2 + (pos[:, 1] - y) ** 2
        i = int(np.argmin(d2))
        if d2[i] <= (lay.radius[l] + 2.0) ** 2:
            return l, i
    return None


def edge_at(edge_set: EdgeSet, x: float, y: float, tolerance: float) -> int | None:
    """Index of the edge nearest to (x, y) within ``tolerance`` scene units, or None."""
    s = edge_set.segments
    if not len(s):
        return None
    p0, p1 = s[:, :2], s[:, 2:]
    d = p1 - p0
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    t = np.clip(((x - p0[:, 0]) * d[:, 0] + (y - p0[:, 1]) * d[:, 1]) / length2, 0.0, 1.0)
    nearest = p0 + t[:, None] * d
    dist2 = ((nearest - (x, y)) ** 2).sum(axis=1)
    i = int(np.argmin(dist2))
    return i if dist2[i] <= tolerance ** 2 else None
