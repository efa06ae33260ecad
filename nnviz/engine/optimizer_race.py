"""Optimizers side by side on a two-weight slice of a loss surface.

Pick two entries (i, j) of a network's flat parameter vector θ and freeze all the
others; the loss as a function of those two numbers,

    L(wᵢ, wⱼ) = mean loss over (x, y) with θ_k fixed for k ∉ {i, j},

is a surface one can draw. ``race`` starts every optimizer at the same point of it and
lets each take ``steps`` updates of only those two weights, in lock-step, using the
engine's own optimizers on a 2-vector (so "SGD" here is exactly θ ← θ − η·∂L/∂θ).

``lecture_setup()`` is the lecture's perceptron (IQ, study hours → passed) seen
through its two weights w₁, w₂ with the inputs standardized and the bias frozen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.optimizers import make_optimizer

__all__ = [
    "RACE_OPTIMIZERS",
    "RacePath",
    "RaceSetup",
    "contour_levels",
    "contour_segments",
    "flat_index",
    "lecture_setup",
    "loss_surface",
    "param_label",
    "race",
]

RACE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def _read_only(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


def flat_index(network: Network, layer: int, to: int, frm: int) -> int:
    """Index in ``network.params`` of weights[layer][to, frm]; frm == n_in means the bias
    (see nnviz.engine.layout)."""
    if not 0 <= layer < network.n_layers:
        raise NnvizError(f"layer must be 0 to {network.n_layers - 1}; got {layer}")
    n_in, n_out = network.layers[layer], network.layers[layer + 1]
    if not 0 <= to < n_out or not 0 <= frm <= n_in:
        raise NnvizError(f"layer {layer} has {n_out} neurons and {n_in} inputs (+ bias); got to={to}, from={frm}")
    return network.layout.index(layer, to, frm)


def param_label(network: Network, index: int) -> str:
    """A readable name of flat parameter ``index``: "w[l](to←from)" or "b[l](to)" (l 1-based)."""
    layer, to, frm = network.layout.locate(index)
    if frm == network.layers[layer]:
        return f"b{layer + 1}[{to + 1}]"
    return f"w{layer + 1}[{to + 1}←{frm + 1}]"


def _check_params(network: Network, params: Sequence[int]) -> tuple[int, int]:
    i, j = (int(p) for p in params)
    if i == j or not (0 <= i < network.size and 0 <= j < network.size):
        raise NnvizError(f"need two different parameter indices in 0…{network.size - 1}; got {i}, {j}")
    return i, j


def loss_surface(network: Network, x, y, params: Sequence[int] = (0, 1), center=None,
                 span: float | Sequence[float] = 1.0, n: int = 61
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean loss on an n × n grid of (θᵢ, θⱼ), every other parameter as in ``network``.

    center: (2,) middle of the grid (default: the network's current θᵢ, θⱼ); span: half
    width, one number or one per axis. Returns (W1, W2, Z), each (n, n) with
    W1[r, c] = θᵢ of column c, W2[r, c] = θⱼ of row r and Z[r, c] the loss there
    (``np.meshgrid`` "xy" layout). ``network`` itself is not changed.
    """
    i, j = _check_params(network, params)
    net = network.copy()
    c = net.params[[i, j]] if center is None else np.asarray(center, dtype=np.float64).reshape(2)
    s = np.broadcast_to(np.asarray(span, dtype=np.float64), (2,))
    w1 = np.linspace(c[0] - s[0], c[0] + s[0], n)
    w2 = np.linspace(c[1] - s[1], c[1] + s[1], n)
    W1, W2 = np.meshgrid(w1, w2)
    Z = np.empty((n, n))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for r in range(n):
            net.params[j] = w2[r]
            for col in range(n):
                net.params[i] = w1[col]
                Z[r, col] = net.loss_value(x, y)
    return W1, W2, Z


@dataclass(frozen=True)
class RacePath:
    """One optimizer's run: points (steps + 1, 2) = (θᵢ, θⱼ) before each step and after the
    last; losses (steps + 1,) = the mean loss at each point (NaN after a divergence)."""

    name: str
    points: np.ndarray
    losses: np.ndarray


def race(network: Network, x, y, params: Sequence[int] = (0, 1),
         optimizers: Sequence[str] = RACE_OPTIMIZERS, lr: float = 0.1, steps: int = 50,
         start=None) -> dict[str, RacePath]:
    """Run each optimizer ``steps`` full-batch steps on θᵢ, θⱼ only, all from ``start``
    (default: the network's current values), in lock-step. ``network`` is not changed.

    Step k of optimizer o: g = (∂L/∂θᵢ, ∂L/∂θⱼ) at its point p_k, then
    ``make_optimizer(o, 2).step(p, g, lr)``. A path that leaves the finite numbers stays NaN.
    """
    i, j = _check_params(network, params)
    if steps < 0:
        raise NnvizError("steps must be ≥ 0")
    base = network.copy()
    p0 = base.params[[i, j]].copy() if start is None else np.asarray(start, dtype=np.float64).reshape(2).copy()
    runs = {}
    for name in optimizers:
        runs[name] = (make_optimizer(name, 2), base.copy(), p0.copy(),
                      np.full((steps + 1, 2), np.nan), np.full(steps + 1, np.nan))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            for opt, net, p, points, losses in runs.values():
                if not np.isfinite(p).all():
                    continue
                net.params[i], net.params[j] = p
                loss, grads = net.loss_and_grads(x, y)
                points[k] = p
                losses[k] = loss
                if k < steps:
                    opt.step(p, grads[[i, j]], lr)
    return {name: RacePath(name, _read_only(r[3]), _read_only(r[4])) for name, r in runs.items()}


def contour_levels(Z: np.ndarray, count: int = 12) -> np.ndarray:
    """``count`` contour levels at evenly spaced quantiles of the finite values of Z, so the
    lines crowd neither the flat plateaus nor the steep walls, whatever the loss's scale."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.empty(0)
    levels = np.quantile(finite, np.linspace(0.0, 1.0, count + 2)[1:-1])
    return np.unique(levels)


def contour_segments(x: np.ndarray, y: np.ndarray, Z: np.ndarray, levels) -> tuple[np.ndarray, np.ndarray]:
    """Marching squares: the contour lines of Z (rows ↔ y (R,), columns ↔ x (C,)) at each
    level, as line segments: (xs, ys) of shape (2·S,), segment k from point 2k to 2k + 1
    (pyqtgraph's ``connect="pairs"``). A saddle cell is resolved by its centre value.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    v00, v01, v10, v11 = Z[:-1, :-1], Z[:-1, 1:], Z[1:, :-1], Z[1:, 1:]
    x0, x1 = np.broadcast_to(x[:-1], v00.shape), np.broadcast_to(x[1:], v00.shape)
    y0, y1 = np.broadcast_to(y[:-1, None], v00.shape), np.broadcast_to(y[1:, None], v00.shape)
    # edges: bottom (00→01), right (01→11), top (10→11), left (00→10)
    ends = ((v00, v01, x0, y0, x1, y0), (v01, v11, x1, y0, x1, y1),
            (v10, v11, x0, y1, x1, y1), (v00, v10, x0, y0, x0, y1))
    xs, ys = [], []
    with np.errstate(invalid="ignore", divide="ignore"):
        for level in np.atleast_1d(levels):
            px, py, hit = [], [], []
            for va, vb, xa, ya, xb, yb in ends:
                cross = (va > level) != (vb > level)
                t = np.where(cross, (level - va) / np.where(cross, vb - va, 1.0), np.nan)
                px.append(xa + t * (xb - xa))
                py.append(ya + t * (yb - ya))
                hit.append(cross & np.isfinite(t))
            px, py, hit = np.stack(px, -1), np.stack(py, -1), np.stack(hit, -1)
            count = hit.sum(-1)
            two = count == 2
            if two.any():
                order = np.argsort(~hit[two], axis=-1, kind="stable")[:, :2]
                sx = np.take_along_axis(px[two], order, -1)
                sy = np.take_along_axis(py[two], order, -1)
                xs.append(sx.reshape(-1))
                ys.append(sy.reshape(-1))
            four = count == 4
            if four.any():
                centre = (v00 + v01 + v10 + v11)[four] / 4.0
                joined = (centre > level) == (v00[four] > level)  # 00 and 11 joined through the centre
                # joined: cut off corners 01 (bottom, right) and 10 (top, left); else 00 and 11
                pairs = np.where(joined[:, None], [0, 1, 2, 3], [0, 3, 1, 2])
                xs.append(np.take_along_axis(px[four], pairs, -1).reshape(-1))
                ys.append(np.take_along_axis(py[four], pairs, -1).reshape(-1))
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)


@dataclass(frozen=True)
class RaceSetup:
    """Everything a race needs: the network (other parameters frozen at their values),
    data, the two parameter indices and their names, a start, a view and defaults."""

    network: Network
    x: np.ndarray
    y: np.ndarray
    params: tuple[int, int]
    labels: tuple[str, str]
    start: tuple[float, float]
    center: tuple[float, float]
    span: tuple[float, float]
    lr: float
    steps: int


def lecture_setup() -> RaceSetup:
    """The lecture's perceptron (layers [2, 1], sigmoid, MSE) on its 3-row table, inputs
    standardized, bias frozen at the lecture's 0.001, racing w₁ (IQ) and w₂ (study hours).

    The surface is a curved valley: w₂ (hours) separates the table, w₁ (IQ) only a little
    and must stay small, so the optimizers take visibly different roads from the start
    (w₁, w₂) = (2.5, −2.5) down into it.
    """
    data = make_dataset("lecture", standardize=True)
    network = Network([2, 1], ["sigmoid"], "mse")
    network.set_layer(0, [[0.01, 0.02]], [0.001])
    params = (flat_index(network, 0, 0, 0), flat_index(network, 0, 0, 1))
    return RaceSetup(network=network, x=np.array(data.x_train), y=data.targets("train", 1),
                     params=params, labels=("w₁ (IQ)", "w₂ (study hours)"), start=(2.5, -2.5),
                     center=(0.5, 2.0), span=(5.0, 6.5), lr=0.5, steps=60)
