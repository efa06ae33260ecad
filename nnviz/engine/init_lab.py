"""The initialization lab: what a fresh network's numbers look like at step 0.

A deep, narrow network is drawn with one initializer and one hidden activation; one
forward and one backward pass over a batch give, per layer l,

    a⁽ˡ⁾ (N, n_l)          the activations: their spread shows whether the signal
                           survives (std ≈ constant), dies (std → 0) or saturates
    ∂L/∂W⁽ˡ⁾ (n_l, n_l−1)  the gradients at step 0: vanishing or exploding with depth

and ``symmetric_rows`` says whether the neurons of a layer are copies of each other.
Zero or constant initialization makes every neuron of a layer compute the same
function, receive the same gradient and get the same update, so they stay copies for
ever (``train_and_track_symmetry``): a layer of n neurons then works like one.

The output layer is sigmoid + BCE by default (one output, targets 0/1), or any valid
(output activation, loss) pair of the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.engine.activations import get_activation
from nnviz.engine.network import Network
from nnviz.engine.optimizers import make_optimizer

__all__ = [
    "SATURATION_THRESHOLD",
    "SYMMETRY_TOL",
    "InitStats",
    "SymmetryTrack",
    "build_network",
    "identical_neurons",
    "init_statistics",
    "symmetric_rows",
    "train_and_track_symmetry",
]

#: |f'(z)| below this counts as saturated (ReLU: z ≤ 0, an inactive unit).
SATURATION_THRESHOLD = 0.05
#: Relative tolerance of ``identical_neurons``: BLAS may round the rows of one matrix
#: product in different orders, which leaves differences of ~1e-16 between copies.
SYMMETRY_TOL = 1e-9


def _read_only(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.flags.writeable = False
    return out


def build_network(layers: Sequence[int], activation: str, init: str, seed: int = 0, *,
                  scale: float | None = None, output: str = "sigmoid", loss: str = "bce") -> Network:
    """A fresh Network: ``activation`` on every hidden layer, ``output`` + ``loss`` on top,
    weights drawn by ``init`` (with ``scale`` for constant/uniform/normal) from
    ``np.random.default_rng(seed)``, biases 0."""
    acts = [activation] * (len(layers) - 2) + [output]
    network = Network(layers, acts, loss)
    network.initialize(init, np.random.default_rng(seed), scale)
    return network


def symmetric_rows(network: Network, layer: int) -> float:
    """max over neurons i and inputs j of |θᵢⱼ − θ₀ⱼ| for layer ``layer`` (0-based over the
    weight layers), θᵢ = (wᵢ, bᵢ) the incoming weights and bias of neuron i.

    0 means every neuron of the layer is an exact copy of the first; a one-neuron
    layer is trivially 0.
    """
    rows = np.column_stack([network.weights[layer], network.biases[layer]])
    return float(np.max(np.abs(rows - rows[0])))


def identical_neurons(network: Network, layer: int, tol: float = SYMMETRY_TOL) -> bool:
    """True when the layer's neurons are copies up to rounding: symmetric_rows ≤ tol·max(1, max|θ|)."""
    rows = np.column_stack([network.weights[layer], network.biases[layer]])
    return symmetric_rows(network, layer) <= tol * max(1.0, float(np.max(np.abs(rows))))


@dataclass(frozen=True)
class InitStats:
    """Step-0 numbers of a fresh network, one entry per non-input layer (hidden…, output).

    z, activations: (N, n_l) pre-activations and activations over the batch;
    gradients: ∂L/∂W (n_l, n_{l−1}) of the mean loss; symmetry: symmetric_rows per layer;
    identical: identical_neurons per layer; loss: the mean loss at step 0.
    """

    layers: tuple[int, ...]
    activation: str
    init: str
    z: tuple[np.ndarray, ...]
    activations: tuple[np.ndarray, ...]
    gradients: tuple[np.ndarray, ...]
    symmetry: tuple[float, ...]
    identical: tuple[bool, ...]
    loss: float

    @property
    def n_layers(self) -> int:
        return len(self.activations)

    def activation_std(self) -> np.ndarray:
        """std of every layer's activations over samples and units, (L,)."""
        return np.array([float(np.std(a)) for a in self.activations])

    def gradient_std(self) -> np.ndarray:
        """std of every layer's ∂L/∂W entries, (L,)."""
        return np.array([float(np.std(g)) for g in self.gradients])

    def saturated_fraction(self, threshold: float = SATURATION_THRESHOLD) -> np.ndarray:
        """Fraction of (sample, unit) pairs with |f'(z)| < threshold per hidden layer, (L−1,)."""
        act = get_activation(self.activation)
        return np.array([float(np.mean(np.abs(act.derivative(z)) < threshold)) for z in self.z[:-1]])


def init_statistics(layers: Sequence[int], activation: str, init: str, x, y, seed: int = 0, *,
                    scale: float | None = None, output: str = "sigmoid", loss: str = "bce") -> InitStats:
    """One forward and backward pass of a freshly initialized network over x (N, n_0), y (N, n_L).

    layers: every layer's width, input first, e.g. [2, 32, 32, 32, 1].
    """
    network = build_network(layers, activation, init, seed, scale=scale, output=output, loss=loss)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        trace = network.trace(x, y)
    return InitStats(
        layers=network.layers, activation=activation, init=init,
        z=tuple(t.z for t in trace.layers),
        activations=tuple(t.a for t in trace.layers),
        gradients=tuple(t.grad_w for t in trace.layers),
        symmetry=tuple(symmetric_rows(network, l) for l in range(network.n_layers)),
        identical=tuple(identical_neurons(network, l) for l in range(network.n_layers)),
        loss=float(trace.loss),
    )


@dataclass(frozen=True)
class SymmetryTrack:
    """symmetric_rows of every layer before training and after each epoch.

    epochs: (E + 1,) 0…E; symmetry: (E + 1, L); identical: (E + 1, L) bool; loss: (E + 1,)
    mean loss over x; network: the trained network.
    """

    epochs: np.ndarray
    symmetry: np.ndarray
    identical: np.ndarray
    loss: np.ndarray
    network: Network


def train_and_track_symmetry(layers: Sequence[int], activation: str, init: str, x, y, *,
                             epochs: int = 20, seed: int = 0, learning_rate: float = 0.1,
                             batch_size: int = 10, optimizer: str = "sgd", scale: float | None = None,
                             output: str = "sigmoid", loss: str = "bce") -> SymmetryTrack:
    """Mini-batch training of build_network(...) on x (N, n_0), y (N, n_L) for ``epochs``
    epochs (each a fresh shuffle from ``default_rng(seed)``, steps of ``loss_and_grads``
    and the named optimizer), recording symmetric_rows after every epoch."""
    network = build_network(layers, activation, init, seed, scale=scale, output=output, loss=loss)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(x.shape[0], -1)
    rng = np.random.default_rng(seed)
    opt = make_optimizer(optimizer, network.size)
    n, size = x.shape[0], max(1, min(int(batch_size), x.shape[0]))
    L = network.n_layers
    symmetry = np.empty((epochs + 1, L))
    identical = np.empty((epochs + 1, L), dtype=bool)
    losses = np.empty(epochs + 1)

    def record(e: int) -> None:
        symmetry[e] = [symmetric_rows(network, l) for l in range(L)]
        identical[e] = [identical_neurons(network, l) for l in range(L)]
        losses[e] = network.loss_value(x, y)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        record(0)
        for e in range(1, epochs + 1):
            order = rng.permutation(n)
            for start in range(0, n, size):
                batch = order[start:start + size]
                _, grads = network.loss_and_grads(x[batch], y[batch])
                opt.step(network.params, grads, learning_rate)
            record(e)
    return SymmetryTrack(_read_only(np.arange(epochs + 1, dtype=np.float64)), _read_only(symmetry),
                         _read_only(identical), _read_only(losses), network)
