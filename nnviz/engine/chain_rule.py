"""The chain rule for one weight, written out path by path (the chain-rule inspector).

The lecture's rule: for a weight w feeding O₁, which feeds O₂, which feeds the loss,

    ∂L/∂w = ∂L/∂O₂ · ∂O₂/∂O₁ · ∂O₁/∂w

and each step through a neuron splits into the weight and the activation's slope,
∂O_next/∂O = w · f′(z). Where w reaches the loss along several paths (through several
neurons of the later layers), the products along the paths are summed.

For w = W⁽ˡ⁾[to, frm] (``weights[layer][to, frm]``, all indices 0-based here) a path
is a choice of one neuron in every later layer, ending at an output neuron m. Its
factors, in the lecture's order (from the loss back to the weight):

    ∂L/∂z_out = δ_m                 the output neuron's δ (from the trace: exact for
                                    every loss, softmax + cross-entropy included)
    w, f′(z)                        for each step back through a later neuron k
    f′(z_to)                        (the last f′: the weight's own neuron)
    ∂z/∂w = a                       the input activation a_frm (or x_frm; 1 for the bias)

The sum over *all* paths is a product of matrices (that is backpropagation), so
``total`` is exact however many paths there are; only ``max_paths`` of them are listed:
all of them in natural order when they fit, else the ones with the largest |product|.

    rule = chain_rule(network, x, y, layer=0, to=1, frm=0)
    rule.total, rule.trace_value, rule.numeric      # three ways to get the same number
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network

__all__ = ["ChainPath", "ChainRule", "chain_rule", "count_paths", "numeric_derivative",
           "path_highlight", "weight_symbol", "NUMERIC_STEP"]

#: Step of the five-point central difference; its error is O(h⁴) (≈ 1e-16 · f⁽⁵⁾) plus
#: rounding ε·|L|/h ≈ 1e-12: far below the 1e-6 agreement the inspector promises.
NUMERIC_STEP = 1e-4
#: |total − numeric| / max(|total|, |numeric|, floor): gradients below the floor count as 0.
RELATIVE_FLOOR = 1e-8

LABEL_OUTPUT = "∂L/∂z_out"
LABEL_WEIGHT = "w"
LABEL_SLOPE = "f′(z)"
LABEL_INPUT = "∂z/∂w = a"
LABEL_BIAS = "∂z/∂b = 1"


@dataclass(frozen=True)
class ChainPath:
    """One path from the weight's neuron to an output neuron.

    neurons: the neuron (0-based) the path visits in each weight layer from ``layer`` to the
    output layer, so neurons[0] == to and neurons[-1] is the output neuron.
    factors: (label, value) pairs in the lecture's order (loss first, ∂z/∂w last).
    symbols: for each factor a precise name in the app's notation (layers counted from 1,
    neurons from 1), e.g. "δ⁽³⁾₁", "w⁽³⁾₁₂", "f′(z⁽²⁾₂)", "a⁽¹⁾₂".
    """

    neurons: tuple[int, ...]
    factors: tuple[tuple[str, float], ...]
    symbols: tuple[str, ...]
    product: float


@dataclass(frozen=True)
class ChainRule:
    """∂L/∂w for one weight and one sample, three ways, with the paths written out.

    layer, to, frm: the weight weights[layer][to, frm] (0-based); frm == n_in is the bias.
    value: the weight's (or bias's) value. loss: L at this sample.
    paths: the listed paths (at most max_paths); n_paths: how many there are in all.
    total: Σ over all paths of the products (a matrix product, not the listed paths only).
    trace_value: the engine's backpropagation for the sample (Trace.grad_w / grad_b).
    numeric: central difference of L in that one weight. relative_error, absolute_error:
    total against numeric. sorted_by_magnitude: True when not every path is listed and
    the listed ones are the largest |product|.
    """

    layer: int
    to: int
    frm: int
    is_bias: bool
    value: float
    loss: float
    paths: tuple[ChainPath, ...]
    n_paths: int
    total: float
    trace_value: float
    numeric: float
    relative_error: float
    absolute_error: float
    sorted_by_magnitude: bool

    @property
    def listed_total(self) -> float:
        """Σ of the listed paths' products (equals ``total`` when every path is listed)."""
        return float(sum(p.product for p in self.paths))

    @property
    def all_listed(self) -> bool:
        return len(self.paths) == self.n_paths


# ----------------------------------------------------------------------------- notation

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sub(n: int) -> str:
    return str(n).translate(_SUB)


def _sup(n: int) -> str:
    return "⁽" + str(n).translate(_SUP) + "⁾"


def _w_symbol(layer0: int, to: int, frm: int) -> str:
    """w⁽ˡ⁾ₜₒ,f for weights[layer0][to, frm] (layers from 1, neurons from 1)."""
    sep = "," if to >= 9 or frm >= 9 else ""
    return f"w{_sup(layer0 + 1)}{_sub(to + 1)}{sep}{_sub(frm + 1)}"


def weight_symbol(layer: int, to: int, frm: int, n_in: int) -> str:
    """The symbol of weights[layer][to, frm] or, for frm == n_in, of biases[layer][to]."""
    if frm == n_in:
        return f"b{_sup(layer + 1)}{_sub(to + 1)}"
    return _w_symbol(layer, to, frm)


# ----------------------------------------------------------------------------- the computation


def count_paths(layers, layer: int) -> int:
    """Paths from a neuron of weight layer ``layer`` (0-based) to the outputs:
    the product of the widths of all later layers."""
    return int(np.prod([int(n) for n in layers[layer + 2:]], dtype=object)) if layer + 2 < len(layers) else 1


def numeric_derivative(network: Network, x, y, layer: int, to: int, frm: int,
                       h: float = NUMERIC_STEP) -> float:
    """Five-point central difference of the loss in weights[layer][to, frm] (or the bias
    when frm == n_in): (8(L(w+h) − L(w−h)) − (L(w+2h) − L(w−2h))) / 12h; the network is
    left unchanged."""
    params, index = network.params, network.layout.index(layer, to, frm)
    saved = float(params[index])
    values = {}
    try:
        with np.errstate(all="ignore"):
            for k in (-2, -1, 1, 2):
                params[index] = saved + k * h
                values[k] = network.loss_value(x, y)
    finally:
        params[index] = saved
    return float((8.0 * (values[1] - values[-1]) - (values[2] - values[-2])) / (12.0 * h))


def _check(network: Network, layer: int, to: int, frm: int) -> None:
    L = network.n_layers
    if not 0 <= layer < L:
        raise NnvizError(f"weight layer {layer} does not exist: the network has layers 0 … {L - 1}")
    n_in, n_out = network.layers[layer], network.layers[layer + 1]
    if not 0 <= to < n_out:
        raise NnvizError(f"layer {layer + 1} has neurons 0 … {n_out - 1}; got {to}")
    if not 0 <= frm <= n_in:
        raise NnvizError(f"layer {layer + 1} has inputs 0 … {n_in - 1} (and {n_in} for the bias); got {frm}")


def _k_best_paths(weights, slopes, delta, layer: int, to: int, k: int) -> list[tuple[int, ...]]:
    """The k paths from neuron ``to`` of weight layer ``layer`` to the outputs with the
    largest |product|, by dynamic programming on log-magnitudes (never enumerating them all).

    weights[l]: (n_{l+1}, n_l) matrices; slopes[l]: f′(z) of weight layer l (1-D);
    delta: the output δ (1-D)."""
    L = len(weights)
    with np.errstate(all="ignore"):  # log 0 = −inf (a dead path), inf − inf = NaN (diverged)
        score = np.log(np.abs(delta))[:, None]  # (n_out, 1): one path per output neuron
        paths = np.arange(len(delta))[:, None, None]  # (n, K, depth): each path's neurons, own first
        for l in range(L - 1, layer, -1):
            # extend every kept path of layer l by each neuron j of layer l − 1
            step = np.log(np.abs(weights[l])) + np.log(np.abs(slopes[l - 1]))[None, :]  # (n_l, n_{l-1})
            n_next, kept = score.shape
            cand = score[:, :, None] + step[:, None, :]  # (n_l, K, n_{l-1})
            cand = cand.reshape(n_next * kept, -1).T  # (n_{l-1}, n_l·K)
            cand = np.where(np.isnan(cand), -np.inf, cand)
            keep = min(k, cand.shape[1])
            order = np.argsort(-cand, axis=1, kind="stable")[:, :keep]  # (n_{l-1}, keep)
            score = np.take_along_axis(cand, order, axis=1)
            flat_paths = paths.reshape(n_next * kept, -1)
            below = np.broadcast_to(np.arange(cand.shape[0])[:, None, None], (cand.shape[0], keep, 1))
            paths = np.concatenate([below, flat_paths[order]], axis=2)  # (n_{l-1}, keep, depth + 1)
    return [tuple(map(int, row)) for row in paths[to]]


def _all_paths(layers, layer: int, to: int) -> list[tuple[int, ...]]:
    later = [range(n) for n in layers[layer + 2:]]
    return [(to, *rest) for rest in itertools.product(*later)]


def chain_rule(network: Network, x, y, layer: int, to: int, frm: int, max_paths: int = 64) -> ChainRule:
    """∂L/∂w for w = weights[layer][to, frm] (0-based; frm == n_in: the bias) at one
    sample x (n_0,), y (n_L,): every path's factors, their sum, backpropagation's value and
    a central-difference estimate. The network is left unchanged."""
    _check(network, layer, to, frm)
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    y = np.asarray(y, dtype=np.float64).reshape(1, -1)
    L = network.n_layers
    n_in = network.layers[layer]
    is_bias = frm == n_in
    weights = [np.asarray(w, dtype=np.float64) for w in network.weights]
    with np.errstate(all="ignore"):  # a diverged network gives inf/NaN, not warnings
        trace = network.trace(x, y)
        zs = [lt.z[0] for lt in trace.layers]
        slopes = [np.asarray(act.derivative(z[None, :]), dtype=np.float64)[0]
                  for act, z in zip(network.activations[:-1], zs[:-1])]
    delta = np.asarray(trace.layers[-1].delta[0], dtype=np.float64)
    inputs = [trace.x[0]] + [lt.a[0] for lt in trace.layers]
    a_frm = 1.0 if is_bias else float(inputs[layer][frm])

    # the sum over all paths, as the matrix product δᵀ·W·diag(f′)·W·… (backpropagation)
    with np.errstate(all="ignore"):
        g = delta
        for l in range(L - 1, layer, -1):
            g = (g @ weights[l]) * slopes[l - 1]
        total = float(g[to] * a_frm)

    n_paths = count_paths(network.layers, layer)
    max_paths = max(int(max_paths), 0)
    sorted_by_magnitude = n_paths > max_paths
    if not max_paths:
        chosen = []
    elif sorted_by_magnitude:
        chosen = _k_best_paths(weights, slopes, delta, layer, to, max_paths)
    else:
        chosen = _all_paths(network.layers, layer, to)

    paths = []
    for neurons in chosen:
        factors, symbols = [], []
        m = neurons[-1]
        factors.append((LABEL_OUTPUT, float(delta[m])))
        symbols.append(f"δ{_sup(L)}{_sub(m + 1)}")
        # neurons[i] is in weight layer layer + i; step back from the output
        for i in range(len(neurons) - 1, 0, -1):
            l = layer + i
            j, k = neurons[i], neurons[i - 1]
            factors.append((LABEL_WEIGHT, float(weights[l][j, k])))
            symbols.append(_w_symbol(l, j, k))
            factors.append((LABEL_SLOPE, float(slopes[l - 1][k])))
            symbols.append(f"f′(z{_sup(l)}{_sub(k + 1)})")
        if is_bias:
            factors.append((LABEL_BIAS, 1.0))
            symbols.append("1")
        else:
            factors.append((LABEL_INPUT, a_frm))
            symbols.append(f"x{_sub(frm + 1)}" if layer == 0 else f"a{_sup(layer)}{_sub(frm + 1)}")
        with np.errstate(all="ignore"):
            product = float(np.prod([v for _, v in factors]))
        paths.append(ChainPath(tuple(neurons), tuple(factors), tuple(symbols), product))
    if sorted_by_magnitude:
        paths.sort(key=lambda p: -abs(p.product) if np.isfinite(p.product) else 0.0)

    lt = trace.layers[layer]
    trace_value = float(lt.grad_b[to] if is_bias else lt.grad_w[to, frm])
    numeric = numeric_derivative(network, x, y, layer, to, frm)
    with np.errstate(all="ignore"):
        absolute = abs(total - numeric)
        scale = max(abs(total), abs(numeric), RELATIVE_FLOOR)
    value = float(network.biases[layer][to] if is_bias else network.weights[layer][to, frm])
    return ChainRule(
        layer=layer, to=to, frm=frm, is_bias=is_bias, value=value, loss=float(trace.loss),
        paths=tuple(paths), n_paths=n_paths, total=total, trace_value=trace_value, numeric=numeric,
        relative_error=float(absolute / scale), absolute_error=float(absolute),
        sorted_by_magnitude=sorted_by_magnitude,
    )


def path_highlight(rule: ChainRule, paths=None) -> tuple[tuple, tuple]:
    """(nodes, edges) to mark the weight and its paths on the canvas, in lesson-file
    indexing: node (layer, neuron from 1) with layer 0 = inputs; edge (weight layer from 1,
    to neuron from 1, from neuron from 1). ``paths`` defaults to the listed ones."""
    paths = rule.paths if paths is None else paths
    nodes: dict[tuple[int, int], None] = {}
    edges: dict[tuple[int, int, int], None] = {}
    if not rule.is_bias:
        nodes[(rule.layer, rule.frm + 1)] = None
        edges[(rule.layer + 1, rule.to + 1, rule.frm + 1)] = None
    nodes[(rule.layer + 1, rule.to + 1)] = None
    for path in paths:
        for i in range(1, len(path.neurons)):
            l = rule.layer + i  # weight layer (0-based) of the step into neurons[i]
            nodes[(l + 1, path.neurons[i] + 1)] = None
            edges[(l + 1, path.neurons[i] + 1, path.neurons[i - 1] + 1)] = None
    return tuple(nodes), tuple(edges)
