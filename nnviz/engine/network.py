"""A fully connected network whose parameters live in one flat float64 vector.

Layer l (1 … L) maps n_{l−1} inputs to n_l outputs:

    z⁽ˡ⁾ = a⁽ˡ⁻¹⁾ Wᵀ + b        (B, n_l)        a⁽⁰⁾ = x (B, n_0)
    a⁽ˡ⁾ = f_l(z⁽ˡ⁾)

Storage (``layout``, a nnviz.engine.layout.ParamLayout): layer l is a block ``Θ_l`` of
shape (n_{l−1} + 1, n_l) in ``params``; its first n_{l−1} rows are Wᵀ and its last row
is b, so with the input augmented by a column of ones, z = [a, 1] · Θ_l is one matrix
product, and so is ∂L/∂Θ_l = [a, 1]ᵀ δ.
``weights[l]`` (n_out, n_in) and ``biases[l]`` (n_out,) are views into that block, and
``grads`` has the same layout, so an optimizer updates everything in one vector operation.

Backpropagation (mean loss over a batch of B samples):

    δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ = (1/B)·∂Lᵢ/∂ŷ ⊙ f'_L(z⁽ᴸ⁾)      (fused: (1/B)(ŷ − y); softmax + CE: (1/B)(ŷ·Σⱼyⱼ − y))
    ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾ᵀ a⁽ˡ⁻¹⁾,   ∂L/∂b⁽ˡ⁾ = Σᵢ δᵢ⁽ˡ⁾
    δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾) ⊙ f'_{l−1}(z⁽ˡ⁻¹⁾)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.engine.activations import Activation, get_activation
from nnviz.engine.errors import NnvizError
from nnviz.engine.initializers import get_initializer
from nnviz.engine.layout import ParamLayout
from nnviz.engine.limits import check_parameter_budget
from nnviz.engine.losses import Loss, batch_loss, check_pairing, get_loss, output_delta

#: The phases of one training step as they are shown: a traced forward pass, the
#: backward pass (δ, ∂L/∂w) and the update w ← w − η·∂L/∂w.
PHASES = ("forward", "backward", "update")
MAX_UNITS = 4096  # per layer: 784-wide inputs fit, a typo like 80000 does not
MAX_LAYERS = 64


def validate_architecture(layers: Sequence[int], activations: Sequence[str], loss: str) -> None:
    """Raise NnvizError naming the first thing wrong with an architecture."""
    if len(layers) < 2:
        raise NnvizError(f"a network needs an input and an output layer; got layers {list(layers)}")
    if len(layers) > MAX_LAYERS:
        raise NnvizError(f"at most {MAX_LAYERS} layers are supported; got {len(layers)}")
    for i, n in enumerate(layers):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_UNITS:
            raise NnvizError(f"layer {i} must have 1 to {MAX_UNITS} units; got {n!r}")
    check_parameter_budget(layers)  # before anything that size is allocated
    if len(activations) != len(layers) - 1:
        raise NnvizError(
            f"{len(layers) - 1} activations needed (one per non-input layer); got {len(activations)}"
        )
    acts = [get_activation(name) for name in activations]
    for i, act in enumerate(acts[:-1], start=1):
        if act.output_only:
            raise NnvizError(f"{act.name} can only be used on the output layer, not on layer {i}")
    if acts[-1].name == "softmax" and layers[-1] < 2:
        raise NnvizError("a softmax output layer needs at least 2 units")
    check_pairing(get_loss(loss), acts[-1])


class Workspace:
    """Preallocated buffers for one batch size, so a training step allocates nothing.

    The hot path keeps every array as (units, batch), so that each layer's activations
    are contiguous rows: ``a_aug[l]`` is (n_l + 1, B) with a last row of ones (the bias
    input) and ``a[l]`` its first n_l rows, a contiguous view.
    """

    def __init__(self, layers: Sequence[int], batch: int):
        self.batch = batch
        self.z = [np.empty((n, batch)) for n in layers[1:]]
        self.a_aug = [np.ones((n + 1, batch)) for n in layers[1:]]
        self.a = [aug[:-1] for aug in self.a_aug]
        self.delta = [np.empty((n, batch)) for n in layers[1:]]
        self.tmp = [np.empty((n, batch)) for n in layers[1:]]


@dataclass(frozen=True)
class LayerTrace:
    """One non-input layer's numbers for a batch of B samples (read-only arrays).

    z, a: (B, n_out).  delta = ∂L/∂z: (B, n_out).  grad_w = ∂L/∂W: (n_out, n_in).
    grad_b = ∂L/∂b: (n_out,).  The δ and gradient fields are None without targets.
    """

    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray | None
    grad_w: np.ndarray | None
    grad_b: np.ndarray | None


@dataclass(frozen=True)
class Trace:
    """A forward (and, given targets, backward) pass: the numbers the app animates.

    x: (B, n_0) inputs; y: (B, n_L) targets or None; layers: one LayerTrace per
    non-input layer; loss: the batch's mean loss or None; prediction = layers[-1].a.
    """

    x: np.ndarray
    y: np.ndarray | None
    layers: tuple[LayerTrace, ...]
    loss: float | None

    @property
    def prediction(self) -> np.ndarray:
        return self.layers[-1].a


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


class Network:
    """Layers, activations, loss and the flat parameter vector (see the module docstring)."""

    def __init__(self, layers: Sequence[int], activations: Sequence[str], loss: str = "mse",
                 params: np.ndarray | None = None):
        validate_architecture(layers, activations, loss)
        self.layers: tuple[int, ...] = tuple(int(n) for n in layers)
        self.activation_names: tuple[str, ...] = tuple(activations)
        self.activations: tuple[Activation, ...] = tuple(get_activation(a) for a in activations)
        self.loss_name = loss
        self.loss: Loss = get_loss(loss)
        self.layout = ParamLayout(self.layers)
        self.offsets = self.layout.offsets
        self.size = self.layout.size
        self.params = np.zeros(self.size)
        self.grads = np.zeros(self.size)
        # views, made once here so the hot path never builds one
        self.theta = self.layout.blocks(self.params)
        self.grad_theta = self.layout.blocks(self.grads)
        self.weights = self.layout.weights(self.params)
        self.biases = self.layout.biases(self.params)
        self.grad_weights = self.layout.weights(self.grads)
        self.grad_biases = self.layout.biases(self.grads)
        self._theta_t = [t.T for t in self.theta]  # (n_out, n_in + 1) for z = Θᵀ[a; 1]
        self._w_t = [t[:-1] for t in self.theta]  # Wᵀ (n_in, n_out), contiguous, for Wᵀδ
        # 1 where params holds a weight, 0 where it holds a bias (regularization skips biases)
        self.weight_mask = np.ones(self.size)
        for b in self.layout.biases(self.weight_mask):
            b[...] = 0.0
        self._workspaces: dict[int, Workspace] = {}
        if params is not None:
            self.set_params(params)

    # ---- parameters -------------------------------------------------------------------

    def set_params(self, params: np.ndarray) -> None:
        params = np.asarray(params, dtype=np.float64)
        if params.shape != (self.size,):
            raise NnvizError(f"expected {self.size} parameters, got shape {params.shape}")
        self.params[...] = params

    def set_layer(self, l: int, weights, biases) -> None:
        """Set layer l (0-based over non-input layers): weights (n_out, n_in), biases (n_out,)."""
        self.weights[l][...] = weights
        self.biases[l][...] = biases

    def initialize(self, init: str, rng: np.random.Generator, scale: float | None = None) -> None:
        """Draw every weight matrix with the named initializer; biases become 0."""
        draw = get_initializer(init)
        for l, (n_in, n_out) in enumerate(zip(self.layers[:-1], self.layers[1:])):
            self.set_layer(l, draw(rng, n_in, n_out, scale), 0.0)

    def copy(self) -> Network:
        return Network(self.layers, self.activation_names, self.loss_name, self.params)

    @property
    def n_layers(self) -> int:
        """Number of non-input (weight) layers L."""
        return len(self.layers) - 1

    # ---- hot path -----------------------------------------------------------------------

    def workspace(self, batch: int) -> Workspace:
        ws = self._workspaces.get(batch)
        if ws is None:
            ws = self._workspaces[batch] = Workspace(self.layers, batch)
        return ws

    def forward_into(self, x_aug: np.ndarray, ws: Workspace) -> np.ndarray:
        """Forward pass of x_aug (n_0 + 1, B), last row ones, into ws; returns ŷ (n_L, B).

        zₗ = Θₗᵀ·[aₗ₋₁; 1]  (n_l, B),  aₗ = fₗ(zₗ).
        """
        prev = x_aug
        for theta_t, act, z, a, aug in zip(self._theta_t, self.activations, ws.z, ws.a, ws.a_aug):
            np.dot(theta_t, prev, out=z)
            act.forward(z, a, 0)
            prev = aug
        return ws.a[-1]

    def backward_into(self, x_aug: np.ndarray, y: np.ndarray, ws: Workspace) -> None:
        """After forward_into: δ per layer into ws.delta and ∂L/∂Θ into self.grads (mean loss).

        y: targets (n_L, B).  ∂L/∂Θₗ = [aₗ₋₁; 1]·δₗᵀ,  δₗ₋₁ = Wₗᵀ·δₗ ⊙ f'ₗ₋₁(zₗ₋₁).
        """
        last = len(self.theta) - 1
        delta = output_delta(self.loss, self.activations[last], y, ws.z[last], ws.a[last],
                             ws.delta[last], ws.tmp[last], 0)
        delta *= 1.0 / ws.batch
        for l in range(last, -1, -1):
            prev = x_aug if l == 0 else ws.a_aug[l - 1]
            np.dot(prev, delta.T, out=self.grad_theta[l])
            if l:
                below = ws.delta[l - 1]
                np.dot(self._w_t[l], delta, out=below)
                self.activations[l - 1].backprop(below, ws.z[l - 1], ws.a[l - 1], ws.tmp[l - 1], 0)
                delta = below

    # ---- convenient, allocating API (arrays are (B, n) here, as users think of them) ----

    @staticmethod
    def augment(x: np.ndarray) -> np.ndarray:
        """[x, 1]ᵀ: samples (B, n) → the hot path's (n + 1, B) with a last row of ones."""
        x = np.asarray(x, dtype=np.float64)
        out = np.ones((x.shape[1] + 1, x.shape[0]))
        out[:-1] = x.T
        return out

    def _check_input(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.layers[0]:
            raise NnvizError(
                f"the network takes {self.layers[0]} input values per sample; got shape {x.shape}"
            )
        return x

    def _check_target(self, y, batch: int) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        if y.ndim <= 1:
            y = y.reshape(batch, -1)
        if y.shape != (batch, self.layers[-1]):
            raise NnvizError(
                f"the network has {self.layers[-1]} outputs; got targets of shape {y.shape}"
            )
        return y

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, Workspace]:
        x_aug = self.augment(x)
        ws = Workspace(self.layers, x.shape[0])
        self.forward_into(x_aug, ws)
        return x_aug, ws

    def _loss(self, y: np.ndarray, ws: Workspace) -> float:
        return batch_loss(self.loss, self.activations[-1], y, ws.z[-1].T, ws.a[-1].T)

    def predict(self, x) -> np.ndarray:
        """ŷ for x (B, n_0) → (B, n_L), in chunks so a large grid needs little memory."""
        x = self._check_input(x)
        out = np.empty((x.shape[0], self.layers[-1]))
        chunk = 4096
        for start in range(0, x.shape[0], chunk):
            out[start:start + chunk] = self._forward(x[start:start + chunk])[1].a[-1].T
        return out

    def outputs_and_loss(self, x, y) -> tuple[np.ndarray, float]:
        """(ŷ (B, n_L), mean loss) over x (B, n_0) and targets y (B, n_L) from one forward pass,
        in chunks like ``predict``: the loss is the chunks' losses weighted by their sizes."""
        x = self._check_input(x)
        y = self._check_target(y, x.shape[0])
        out = np.empty((x.shape[0], self.layers[-1]))
        total, chunk = 0.0, 4096
        for start in range(0, x.shape[0], chunk):
            rows = slice(start, start + chunk)
            ws = self._forward(x[rows])[1]
            out[rows] = ws.a[-1].T
            total += self._loss(y[rows], ws) * ws.batch
        return out, total / x.shape[0]

    def hidden_outputs(self, x) -> list[np.ndarray]:
        """Every non-input layer's activations a⁽ˡ⁾ (B, n_l) for x (B, n_0) (for thumbnails)."""
        _, ws = self._forward(self._check_input(x))
        return [np.ascontiguousarray(a.T) for a in ws.a]

    def loss_value(self, x, y) -> float:
        """Mean loss over the batch."""
        x = self._check_input(x)
        y = self._check_target(y, x.shape[0])
        return self._loss(y, self._forward(x)[1])

    def _backward(self, x_aug: np.ndarray, y: np.ndarray, ws: Workspace) -> np.ndarray:
        """Backward pass that leaves self.grads as it was; returns the fresh flat gradient."""
        saved = self.grads.copy()
        try:
            self.backward_into(x_aug, np.ascontiguousarray(y.T), ws)
            return self.grads.copy()
        finally:
            self.grads[...] = saved

    def trace(self, x, y=None) -> Trace:
        """Forward pass (and backward pass when targets y are given) for a batch x (B, n_0).

        The numbers are those of a training step: the same code computes both.
        ``self.grads`` is left unchanged.
        """
        x = self._check_input(x)
        x_aug, ws = self._forward(x)
        if y is None:
            layers = tuple(LayerTrace(_frozen(z.T), _frozen(a.T), None, None, None) for z, a in zip(ws.z, ws.a))
            return Trace(_frozen(x), None, layers, None)
        y = self._check_target(y, x.shape[0])
        grads = self._backward(x_aug, y, ws)
        layers = [LayerTrace(_frozen(z.T), _frozen(a.T), _frozen(d.T), _frozen(gw), _frozen(gb))
                  for z, a, d, gw, gb in zip(ws.z, ws.a, ws.delta, self.layout.weights(grads), self.layout.biases(grads))]
        return Trace(_frozen(x), _frozen(y), tuple(layers), self._loss(y, ws))

    def loss_and_grads(self, x, y) -> tuple[float, np.ndarray]:
        """(mean loss, flat ∂L/∂params) for a batch; the gradient is a fresh array."""
        x = self._check_input(x)
        y = self._check_target(y, x.shape[0])
        x_aug, ws = self._forward(x)
        loss = self._loss(y, ws)
        return loss, self._backward(x_aug, y, ws)

    def describe(self) -> str:
        acts = ", ".join(self.activation_names)
        return f"{'-'.join(map(str, self.layers))} ({acts}; loss {self.loss_name})"
