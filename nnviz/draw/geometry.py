"""Where the network canvas puts things, computed in plain NumPy (no Qt) so it can be
tested as numbers: node centres, edge segments, edge buckets by sign and width, hit tests.

Coordinates are "scene" units: layer l sits at x = l·LAYER_GAP, its n nodes are spread
vertically around y = 0 with NODE_GAP between centres (compressed for wide layers).
For image data (``layout(layers, image_shape)``) the inputs are the pixels of one image
block of rows × cols square cells, IMAGE_SIDE units along its longer side, centred on
y = 0 with its right edge at x = 0 (LAYER_GAP before the first hidden layer): input
r·cols + c sits at the centre of cell (r, c), and its edges start there, under the image.
The first hidden layer's nodes show weight images, so they are as big as their gap allows
(TILE_SHARE of it), staggered into two columns when one column would make them small.
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
NODE_SHARE = 0.36  # a node's radius as a share of the gap between centres (wide layers)
TILE_SHARE = 0.45  # image data: the first hidden layer's nodes (weight images) fill more of their gap
STAGGER = 3.0  # scene units between the two columns of a staggered layer's nodes
IMAGE_SIDE = 0.6 * MAX_LAYER_HEIGHT  # image data: the input image's longer side, whatever its pixel count
MAX_SCALE = 2.2  # pixels per scene unit at most when fitting: small networks are not blown up


@dataclass(frozen=True)
class Layout:
    """Node centres per layer: positions[l] is (n_l, 2); radius[l] the node radius there.
    Image data: ``image_shape`` (rows, cols) of the input block, ``cell`` its pixels' side
    (and radius[0] = cell / 2); else None and 0."""

    positions: tuple[np.ndarray, ...]
    radius: tuple[float, ...]
    image_shape: tuple[int, int] | None = None
    cell: float = 0.0

    def inset(self, layer: int) -> float:
        """How far from a node's centre its edges start and end: its radius; 0 for an
        image's pixels (their edges start at the pixel's centre, under the image)."""
        return 0.0 if layer == 0 and self.image_shape is not None else self.radius[layer]

    def column_x(self, layer: int) -> float:
        """The x of a layer's column: its nodes' x, the image's centre for an image block."""
        xs = self.positions[layer][:, 0]
        return float(xs.min() + xs.max()) / 2.0

    @property
    def image_rect(self) -> tuple[float, float, float, float] | None:
        """(x0, y0, x1, y1) of the input image block, or None when the inputs are not an image."""
        if self.image_shape is None:
            return None
        pos, h = self.positions[0], self.cell / 2.0
        return (float(pos[:, 0].min() - h), float(pos[:, 1].min() - h),
                float(pos[:, 0].max() + h), float(pos[:, 1].max() + h))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) including node radii."""
        pts = np.vstack(self.positions)
        r = max(self.radius)
        return (float(pts[:, 0].min() - r), float(pts[:, 1].min() - r),
                float(pts[:, 0].max() + r), float(pts[:, 1].max() + r))


def layout(layers: tuple[int, ...] | list[int], image_shape: tuple[int, int] | None = None) -> Layout:
    """Centres for every node: layers spaced evenly in x, nodes centred in y; with
    ``image_shape`` (rows, cols), rows·cols = layers[0], the inputs on the image's grid
    and the first hidden layer as big nodes for its weight images (module docstring)."""
    positions, radii = [], []
    for l, n in enumerate(layers):
        gap = _gap(n)
        ys = (np.arange(n) - (n - 1) / 2.0) * gap
        positions.append(np.column_stack([np.full(n, l * LAYER_GAP), ys]))
        radii.append(float(np.clip(gap * NODE_SHARE, 1.5, NODE_RADIUS)))
    if image_shape is None:
        return Layout(tuple(positions), tuple(radii))
    rows, cols = (int(n) for n in image_shape)
    if rows < 1 or cols < 1 or rows * cols != layers[0]:
        raise ValueError(f"an image of {rows}×{cols} pixels is not the {layers[0]} inputs")
    cell = IMAGE_SIDE / max(rows, cols)
    r, c = np.divmod(np.arange(rows * cols), cols)
    positions[0] = np.column_stack([(c + 0.5 - cols) * cell, (r - (rows - 1) / 2.0) * cell])
    radii[0] = cell / 2.0
    if len(layers) > 1:
        positions[1], radii[1] = _tile_column(layers[1], positions[1][0, 0])
    return Layout(tuple(positions), tuple(radii), (rows, cols), cell)


def _gap(n: int) -> float:
    """The distance between neighbouring centres of a layer of n nodes."""
    return min(NODE_GAP, MAX_LAYER_HEIGHT / max(n - 1, 1)) if n > 1 else NODE_GAP


def _tile_column(n: int, x: float) -> tuple[np.ndarray, float]:
    """Centres (n, 2) and radius of image data's first hidden layer at column x: radius
    TILE_SHARE of the gap; a layer whose nodes would then be smaller than NODE_RADIUS is
    staggered into two columns (even nodes left, odd right, 2r + STAGGER apart), each node
    TILE_SHARE of twice the gap, so its weight images are twice as wide."""
    gap = _gap(n)
    ys = (np.arange(n) - (n - 1) / 2.0) * gap
    if n < 2 or gap * TILE_SHARE >= NODE_RADIUS:
        return np.column_stack([np.full(n, x), ys]), float(min(gap * TILE_SHARE, NODE_RADIUS))
    r = float(np.clip(2.0 * gap * TILE_SHARE, 1.5, NODE_RADIUS))
    side = np.where(np.arange(n) % 2 == 0, -1.0, 1.0)
    return np.column_stack([x + side * (r + STAGGER / 2.0), ys]), r


def view_transform(bounds: tuple[float, float, float, float], rect: tuple[float, float, float, float],
                   font_scale: float = 1.0, zoom: float = 1.0, pan: tuple[float, float] = (0.0, 0.0),
                   left_room: float | None = None, right_room: float = 0.0) -> tuple[float, float, float]:
    """(s, ox, oy) with pixel = (ox + s·x, oy + s·y) for scene point (x, y).

    bounds: the layout's (x0, y0, x1, y1); rect: (left, top, width, height) in pixels. The
    network is fitted inside margins that leave room for titles and the caption (scaled
    with ``font_scale``), at most MAX_SCALE; then zoomed by ``zoom`` about the rectangle's
    centre and moved by ``pan`` pixels. ``left_room``: pixels kept free left of the
    network (None: 70·fs, room for input names); ``right_room``: pixels kept free right of
    it at least (a classifier's output bars).
    """
    x0, y0, x1, y1 = bounds
    left, top, width, height = rect
    margin_left = 70.0 * font_scale if left_room is None else left_room
    margin_top = 50.0 * font_scale
    margin_right, margin_bottom = max(70.0 * font_scale, right_room), 56.0 * font_scale
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
    flat = np.abs(values, order="C").ravel()  # one pass: the network's W are transposed views
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
        segs.append(np.column_stack([src[:, 0] + lay.inset(l), src[:, 1],
                                     dst[:, 0] - lay.inset(l + 1), dst[:, 1]]))
        layers.append(np.full(idx.size, l))
        rows.append(r)
        cols.append(c)
        vals.append(m[r, c])  # gathered where they are: no row-major copy of the whole matrix
    def cat(parts, shape=(0,)):
        return np.concatenate(parts) if parts else np.zeros(shape)

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
    """(layer, index) of the node under scene point (x, y), or None; an image's pixel is
    under every point of its square cell."""
    for l, pos in enumerate(lay.positions):
        d2 = (pos[:, 0] - x) ** 2 + (pos[:, 1] - y) ** 2
        i = int(np.argmin(d2))
        if l == 0 and lay.image_shape is not None:
            if max(abs(pos[i, 0] - x), abs(pos[i, 1] - y)) <= lay.cell / 2.0:
                return l, i
        elif d2[i] <= (lay.radius[l] + 2.0) ** 2:
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
