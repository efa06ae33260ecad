"""Per-frame numbers for the views, in NumPy: the network evaluated over the input plane
(decision boundary, neuron thumbnails), along the one input of a 1-input network (its
prediction curve) and over the training data (z histograms).

One batched forward pass over a grid gives every layer's output at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.network import Network

FIELD_GRID = 64  # decision boundary resolution (cells per side; the plot interpolates between them)
THUMB_GRID = 24  # neuron thumbnail resolution
LINE_POINTS = 200  # points of a 1-input network's prediction curve


@dataclass(frozen=True)
class Frame:
    """extent: (x_min, x_max, y_min, y_max) of the raw input plane.

    field: (G, G) network output for one output unit or (G, G, C) class probabilities,
    row 0 at y_min; thumbnails[l]: (T, T, n_l) layer l's activations over the plane
    (None when the input is not 2-D); z_train[l]: (N, n_l) pre-activations over the
    training data; inputs: (T, T, n_0) each input feature over the plane; line: for a
    1-input network, (xs (P,), ŷ (P, n_L)), its output along its input x.
    """

    extent: tuple[float, float, float, float]
    field: np.ndarray | None
    thumbnails: list[np.ndarray] | None
    z_train: list[np.ndarray]
    inputs: np.ndarray | None = None  # (T, T, n_0) the input features over the plane
    line: tuple[np.ndarray, np.ndarray] | None = None  # 1 input: (xs (P,), ŷ (P, n_L))


def data_extent(raw: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A square-ish extent around the raw 2-D points, padded by ``margin`` of the span."""
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - margin * span, hi + margin * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def line_extent(dataset, margin: float = 0.05) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) of a 1-input dataset: its input x over train and test,
    padded by ``margin`` of the span, and its targets (class indices or values)."""
    x = np.concatenate([dataset.x_train[:, 0], dataset.x_test[:, 0]])
    y = np.concatenate([dataset.y_train, dataset.y_test])
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    pad = margin * max(hi - lo, 1e-9)
    return lo - pad, hi + pad, (float(y.min()) if y.size else 0.0), (float(y.max()) if y.size else 1.0)


def data_row(dataset, x: np.ndarray) -> int | None:
    """The training row whose network input equals ``x`` (n_0,) exactly (the trainer copies
    rows bit for bit), or None: how a batch sample is found again among the data."""
    rows = np.flatnonzero((dataset.x_train == np.asarray(x)).all(axis=1))
    return int(rows[0]) if rows.size else None


def grid(extent: tuple[float, float, float, float], n: int) -> np.ndarray:
    """(n·n, 2) cell centres, row-major with row 0 at y_min."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


WIDE_INPUT = 100  # inputs: more than this (an image's pixels) …
Z_ROWS_WIDE = 128  # … and the z histogram is of this many training rows (for 128 neurons: 16,384 z values)


def compute_frame(network: Network, dataset, extent, line_range=None) -> Frame:
    """Evaluate ``network`` (already holding the frame's parameters) for the views: over
    the raw plane ``extent`` when the data is 2-D, and along x ∈ ``line_range`` (x_min,
    x_max, …) when the network has one input. The z histogram of a wide input (images) is of
    the first Z_ROWS_WIDE training rows: enough for its shape, and a frame stays cheap."""
    x = dataset.x_train[:Z_ROWS_WIDE] if dataset.x_train.shape[1] > WIDE_INPUT else dataset.x_train
    trace = network.trace(x) if len(x) else None
    z_train = [layer.z for layer in trace.layers] if trace else [np.zeros((0, n)) for n in network.layers[1:]]
    line = None
    if line_range is not None and network.layers[0] == 1:
        xs = np.linspace(line_range[0], line_range[1], LINE_POINTS)
        line = (xs, network.predict(xs[:, None]))
    if dataset.raw_train.shape[1] != 2 or extent is None:
        return Frame(extent, None, None, z_train, line=line)
    field_in = dataset.transform(grid(extent, FIELD_GRID))
    out = network.predict(field_in)
    field = out.reshape(FIELD_GRID, FIELD_GRID, -1)
    field = field[:, :, 0] if field.shape[2] == 1 else field
    thumb_in = dataset.transform(grid(extent, THUMB_GRID))
    thumbs = [a.reshape(THUMB_GRID, THUMB_GRID, -1) for a in network.hidden_outputs(thumb_in)]
    return Frame(extent, field, thumbs, z_train, thumb_in.reshape(THUMB_GRID, THUMB_GRID, -1), line)
