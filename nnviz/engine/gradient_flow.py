"""Gradient flow: how big ∂L/∂W is in each layer, and how that changes while training.

The chain rule multiplies one w·f′(z) per layer on the way back from the loss. With the
sigmoid, f′(z) ≤ ¼, so the early layers of a deep network get gradients many orders of
magnitude smaller than the last layer's (the vanishing gradient); with ReLU, f′(z) = 1
wherever the neuron is active and the gradients stay comparable from layer to layer.

    norms = layer_gradient_norms(snapshot.grad_weights)        # (L,) mean |∂L/∂W| per layer
    run = gradient_flow_run([2, 8, 8, 8, 8, 8, 8, 1], "sigmoid", dataset, epochs=30)
    run.shape == (30, 7);  flow_ratio(run)                     # first layer / last layer
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.heads import output_head
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer

__all__ = ["DEEP_LAYERS", "flow_ratio", "gradient_flow_run", "layer_gradient_norms"]

#: The deep, narrow network of the sigmoid-vs-ReLU comparison (six hidden layers).
DEEP_LAYERS = (2, 8, 8, 8, 8, 8, 8, 1)


def layer_gradient_norms(grad_weights: Sequence[np.ndarray]) -> np.ndarray:
    """Mean |∂L/∂W| of each layer's weight matrix (biases excluded): (L,) float64."""
    return np.array([float(np.mean(np.abs(g))) if np.size(g) else 0.0 for g in grad_weights],
                    dtype=np.float64)


def flow_ratio(norms: np.ndarray) -> float:
    """How much of the gradient reaches the first layer: the median over the records of
    mean|∂L/∂W⁽¹⁾| / mean|∂L/∂W⁽ᴸ⁾| (≪ 1: vanishing; ≈ 1: healthy; ≫ 1: exploding)."""
    norms = np.asarray(norms, dtype=np.float64).reshape(-1, np.shape(norms)[-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = norms[:, 0] / norms[:, -1]
    ratios = ratios[np.isfinite(ratios)]
    return float(np.median(ratios)) if ratios.size else float("nan")


def gradient_flow_run(layers: Sequence[int], activation: str, dataset, epochs: int = 30, seed: int = 0,
                      lr: float = 0.1, batch_size: int = 10, init: str = "xavier",
                      every: int | None = None) -> np.ndarray:
    """Train a fresh network and record mean |∂L/∂W| per layer as it learns.

    layers: [n_0, hidden…, n_L] (n_0 must match the dataset); every hidden layer uses
    ``activation``; the output head is nnviz.engine.heads' rule: a sigmoid with binary
    cross-entropy for a classification dataset with one output, softmax with CE for several,
    linear with MSE for regression.
    Each record is the mean over the steps since the previous record of the batch
    gradients' per-layer norms: one record per epoch, or per ``every`` steps.

    Returns (records, L): records = epochs, or ⌊steps / every⌋.
    """
    layers = [int(n) for n in layers]
    if epochs < 1:
        raise NnvizError("the gradient-flow run needs at least one epoch")
    if dataset.x_train.shape[1] != layers[0]:
        raise NnvizError(f"the network takes {layers[0]} inputs but the data has {dataset.x_train.shape[1]} features")
    n_out = layers[-1]
    per_class = n_out > 1 and dataset.task != "regression"  # one output per class, even for a binary set
    head = output_head("multiclass" if per_class else dataset.task, n_out)
    network = Network(layers, [activation] * (len(layers) - 2) + [head.activation], head.loss)
    network.initialize(init, np.random.default_rng(seed))
    trainer = Trainer(network, dataset, TrainConfig(learning_rate=lr, batch_size=batch_size), seed=seed)
    per_epoch = trainer.batches_per_epoch
    total_steps = epochs * per_epoch
    window = per_epoch if every is None else max(int(every), 1)
    L = network.n_layers
    records = []
    acc = np.zeros(L)
    count = 0
    for _ in range(total_steps):
        trainer.step_batch()
        if trainer.stopped:
            break
        acc += layer_gradient_norms(network.grad_weights)
        count += 1
        if count == window:
            records.append(acc / count)
            acc = np.zeros(L)
            count = 0
    return np.array(records, dtype=np.float64).reshape(-1, L)
