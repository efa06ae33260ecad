"""Why every weight gradient of a network is exactly zero, in words for a caption.

∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ with δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾): a layer's gradient is 0 when
its inputs a⁽ˡ⁻¹⁾ are all 0 or its δ⁽ˡ⁾ is; all weights 0 (W = 0 stops δ on the way back)
or a hidden layer that outputs 0 for every input (tanh/ReLU at 0, dead ReLU neurons with
f′ = 0) make every one of them 0. Qt-free.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network

__all__ = ["MAX_DIAGNOSED", "all_zero_caption", "zero_gradient_cause"]

MAX_DIAGNOSED = 2000  # training inputs the diagnosis runs the network on (bounded cost)


def all_zero_caption(snapshot, shape=None, x: np.ndarray | None = None) -> str:
    """The gradient-flow caption when every layer's ∂L/∂W is exactly 0 at ``snapshot``."""
    cause = zero_gradient_cause(snapshot, shape, x)
    why = f"here {cause}" if cause else (
        "∂L/∂W = δ·aᵀ is 0 when a layer's inputs a are all 0 or its δ is 0 on the way back "
        "(δ = Wᵀδ ⊙ f′: zero weights, or dead ReLU neurons with f′ = 0)")
    return (f"All gradients are exactly zero (drawn at 0 on the axis): {why}. Nothing can learn: "
            "press Reset with a random initialization (not zeros), or use leaky ReLU.")


def zero_gradient_cause(snapshot, shape, x: np.ndarray | None) -> str:
    """Why every ∂L/∂W is exactly 0, as a phrase ("" when no simple cause is found).

    ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ with δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾): all weights 0, or a hidden
    layer whose every output a is 0 on every input of x (n, n_0), stops them all."""
    weights_zero = not any(np.any(w) for w in snapshot.weights)
    silent = _silent_layer(snapshot, shape, x)  # (layer number, inputs checked, dead ReLU) or None
    if silent is not None:
        l, inputs, dead = silent
        if weights_zero:
            return (f"every weight is 0: hidden layer {l} outputs a = f(b) = 0 whatever the input, "
                    "and δ = Wᵀδ ⊙ f′ = 0 on the way back")
        dead = " (every neuron is dead: z ≤ 0, so f′ = 0)" if dead else ""
        return f"hidden layer {l} outputs a = 0 for {inputs}{dead}"
    return "every weight is 0, so δ = Wᵀδ ⊙ f′ = 0 on the way back" if weights_zero else ""


def _silent_layer(snapshot, shape, x):
    """The first hidden layer whose outputs are all 0 on x: (number from 1, which inputs, relu?)."""
    if x is None or shape is None or tuple(shape.layers) != tuple(snapshot.layers):
        return None
    try:
        net = Network(shape.layers, shape.activation_names, shape.loss_name)
        net.set_params(snapshot.params)
        hidden = net.hidden_outputs(x[:MAX_DIAGNOSED])[:-1]
    except (NnvizError, ValueError):
        return None
    inputs = "every training input" if len(x) <= MAX_DIAGNOSED else f"the first {MAX_DIAGNOSED:,} training inputs"
    for l, a in enumerate(hidden):
        if not np.any(a):
            return l + 1, inputs, shape.activation_names[l] == "relu"
    return None
