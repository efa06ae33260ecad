"""Activation functions, each with its derivative beside it.

Every activation works element-wise on ``z`` of shape (B, n) (softmax works per row)
and offers three things:

- ``forward(z, out=None, axis=-1)``: a = f(z)
- ``derivative(z)``: f'(z) (for plots, the chain-rule inspector and tests)
- ``backprop(g, z, a, tmp, axis=-1)``: g ← g ⊙ f'(z) in place, the training hot path;
  it may use the already computed output ``a`` when that is cheaper, and ``tmp`` (same
  shape as ``z``) as scratch so that no array is allocated per step.

``axis`` is the axis of units; only softmax (which normalizes over the units of each
sample) looks at it. The network's hot path keeps arrays as (units, batch), axis 0.

All formulas are written so that z = ±1000 raises no floating-point warning.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.errors import NnvizError


class Activation:
    """Base class: one name, one forward, one derivative."""

    name = ""
    #: True when ``f`` may only be used on the output layer (softmax).
    output_only = False
    #: (low, high) of f's range, None for unbounded; used to check losses and plots.
    output_range: tuple[float | None, float | None] = (None, None)

    def forward(self, z: np.ndarray, out: np.ndarray | None = None, axis: int = -1) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backprop(self, g: np.ndarray, z: np.ndarray, a: np.ndarray, tmp: np.ndarray, axis: int = -1) -> None:
        """g ← g ⊙ f'(z); the default computes f'(z) (allocating); subclasses avoid that."""
        g *= self.derivative(z)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z));  σ'(z) = σ(z)(1 − σ(z)) ∈ (0, ¼].

    Computed from e = e^(−|z|) ∈ [0, 1], which never overflows:
    σ(z) = 1 / (1 + e) for z ≥ 0 and e / (1 + e) for z < 0, each to a few ulp relative,
    so σ(−50) = e^(−50)/(1 + e^(−50)) keeps its 16 digits (the ½ + ½·tanh(z/2) form
    loses them below z ≈ −20 and gives exactly 0 below −37).
    """

    name = "sigmoid"
    output_range = (0.0, 1.0)

    def forward(self, z, out=None, axis=-1):
        z = np.asarray(z, dtype=np.float64)  # a Python or 0-d scalar too
        numerator = np.sign(z, out=np.empty(z.shape))  # read before ``out`` (which may be ``z``) is written
        result = np.copysign(z, -1.0, out=np.empty(z.shape) if out is None else out)  # −|z|
        np.exp(result, out=result)  # e = e^(−|z|) ∈ [0, 1]
        np.maximum(result, numerator, out=numerator)  # max(e, sign z): 1 for z > 0, e for z ≤ 0 (1 at 0)
        result += 1.0
        np.divide(numerator, result, out=result)
        return result if out is not None or result.ndim else result[()]

    def derivative(self, z):
        s = self.forward(z)
        return s * (1.0 - s)

    def backprop(self, g, z, a, tmp, axis=-1):
        np.multiply(a, a, out=tmp)
        np.subtract(a, tmp, out=tmp)  # a − a² = σ'(z)
        g *= tmp


class Tanh(Activation):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z));  tanh'(z) = 1 − tanh²(z) ∈ (0, 1]."""

    name = "tanh"
    output_range = (-1.0, 1.0)

    def forward(self, z, out=None, axis=-1):
        return np.tanh(z, out=out)

    def derivative(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def backprop(self, g, z, a, tmp, axis=-1):
        np.multiply(a, a, out=tmp)
        np.subtract(1.0, tmp, out=tmp)  # 1 − a²
        g *= tmp


class ReLU(Activation):
    """ReLU(z) = max(0, z);  ReLU'(z) = 1 for z > 0, else 0 (0 at z = 0 by convention)."""

    name = "relu"
    output_range = (0.0, None)

    def forward(self, z, out=None, axis=-1):
        return np.maximum(z, 0.0, out=out)

    def derivative(self, z):
        return np.heaviside(z, 0.0)

    def backprop(self, g, z, a, tmp, axis=-1):
        np.heaviside(z, 0.0, out=tmp)
        g *= tmp


class LeakyReLU(Activation):
    """f(z) = z for z > 0, αz otherwise (α = 0.01);  f'(z) = 1 for z > 0, else α."""

    name = "leaky_relu"
    alpha = 0.01

    def forward(self, z, out=None, axis=-1):
        # max(z, αz) equals z for z > 0 and αz for z ≤ 0 because 0 < α < 1.
        return np.maximum(z, self.alpha * z, out=out)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha)

    def backprop(self, g, z, a, tmp, axis=-1):
        np.heaviside(z, 0.0, out=tmp)
        tmp *= 1.0 - self.alpha
        tmp += self.alpha
        g *= tmp


class ELU(Activation):
    """f(z) = z for z > 0, e^z − 1 otherwise (α = 1);  f'(z) = 1 for z > 0, e^z otherwise = e^min(z, 0)."""

    name = "elu"
    output_range = (-1.0, None)

    def forward(self, z, out=None, axis=-1):
        t = np.minimum(z, 0.0)  # exp only of non-positive numbers: never overflows
        np.expm1(t, out=t)
        # e^z − 1 ≥ z for every z, so max(z, e^min(z,0) − 1) is z above 0 and e^z − 1 below.
        return np.maximum(z, t, out=out)

    def derivative(self, z):
        return np.exp(np.minimum(z, 0.0))

    def backprop(self, g, z, a, tmp, axis=-1):
        np.minimum(z, 0.0, out=tmp)
        np.exp(tmp, out=tmp)
        g *= tmp


class Softplus(Activation):
    """f(z) = ln(1 + e^z) (computed as logaddexp(0, z));  f'(z) = σ(z)."""

    name = "softplus"
    output_range = (0.0, None)

    def forward(self, z, out=None, axis=-1):
        return np.logaddexp(0.0, z, out=out)

    def derivative(self, z):
        return SIGMOID.forward(z)

    def backprop(self, g, z, a, tmp, axis=-1):
        SIGMOID.forward(z, out=tmp)
        g *= tmp


class SiLU(Activation):
    """SiLU(z) = z·σ(z);  SiLU'(z) = σ(z)·(1 + z·(1 − σ(z)))."""

    name = "silu"

    def forward(self, z, out=None, axis=-1):
        s = SIGMOID.forward(z)
        return np.multiply(z, s, out=out)

    def derivative(self, z):
        s = SIGMOID.forward(z)
        return s * (1.0 + z * (1.0 - s))


class GELU(Activation):
    """GELU, tanh form (as in GPT-2 and PyTorch's approximate="tanh"):

    f(z) = ½·z·(1 + tanh(u)),  u = √(2/π)·(z + 0.044715·z³)
    f'(z) = ½·(1 + tanh u) + ½·z·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·z²)
    """

    name = "gelu"
    _k = np.sqrt(2.0 / np.pi)
    _c = 0.044715

    def _tanh_u(self, z):
        return np.tanh(self._k * (z + self._c * z * z * z))

    def forward(self, z, out=None, axis=-1):
        t = self._tanh_u(z)
        t += 1.0
        t *= 0.5
        return np.multiply(z, t, out=out)

    def derivative(self, z):
        t = self._tanh_u(z)
        du = self._k * (1.0 + 3.0 * self._c * z * z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du


class Linear(Activation):
    """f(z) = z;  f'(z) = 1."""

    name = "linear"

    def forward(self, z, out=None, axis=-1):
        if out is None:
            return np.array(z, dtype=np.float64, copy=True)
        np.copyto(out, z)
        return out

    def derivative(self, z):
        return np.ones_like(z, dtype=np.float64)

    def backprop(self, g, z, a, tmp, axis=-1):
        pass  # f' = 1


class Softmax(Activation):
    """softmax(z)ₖ = e^(zₖ − m) / Σⱼ e^(zⱼ − m), m = maxⱼ zⱼ, per row (output layer only).

    Its Jacobian is ∂aₖ/∂zⱼ = aₖ(δₖⱼ − aⱼ); ``derivative`` returns the diagonal aₖ(1 − aₖ)
    (what a plot of one unit shows), ``backprop`` applies the full Jacobian:
    g ← a ⊙ (g − Σₖ gₖaₖ).
    """

    name = "softmax"
    output_only = True
    output_range = (0.0, 1.0)

    def forward(self, z, out=None, axis=-1):
        z = np.asarray(z, dtype=np.float64)
        out = np.subtract(z, z.max(axis=axis, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=axis, keepdims=True)
        return out

    def derivative(self, z):
        a = self.forward(z)
        return a * (1.0 - a)

    def backprop(self, g, z, a, tmp, axis=-1):
        np.multiply(g, a, out=tmp)
        g -= tmp.sum(axis=axis, keepdims=True)
        g *= a


SIGMOID = Sigmoid()

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (SIGMOID, Tanh(), ReLU(), LeakyReLU(), ELU(), Softplus(), SiLU(), GELU(), Linear(), Softmax())
}

#: Names that may be used on hidden layers (everything but softmax).
HIDDEN_ACTIVATIONS = tuple(name for name, act in ACTIVATIONS.items() if not act.output_only)


def get_activation(name: str) -> Activation:
    """The activation registered under ``name``; an unknown name is a user error."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise NnvizError(
            f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}"
        ) from None
