"""The numbers a lesson step can check against the engine, by name.

Each function takes the step's LessonState and an Expectation (which names the layer,
neuron, input, sample or optimizer) and returns one float. Layers count from 1 (the first
non-input layer); neurons, inputs and samples from 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnviz.engine.classes import confusion_matrix, predicted_classes
from nnviz.engine.network import Network
from nnviz.engine.trainer import Trainer


class QuantityError(ValueError):
    """The quantity cannot be computed in this state (no network, no sample, bad index…)."""


def _layer(state, e) -> int:
    n = state.network.n_layers
    layer = n if e.layer is None else e.layer
    if not 1 <= layer <= n:
        raise QuantityError(f"layer {layer} does not exist (the network has layers 1..{n})")
    return layer - 1


def _index(value: int, size: int, what: str) -> int:
    if not 1 <= value <= size:
        raise QuantityError(f"{what} {value} does not exist (1..{size})")
    return value - 1


def _trace_field(name: str):
    def get(state, e) -> float:
        if state.trace is None:
            raise QuantityError("there is no sample traced at this step (give sample = [...])")
        layer = state.trace.layers[_layer(state, e)]
        arr = getattr(layer, name)
        if arr is None:
            raise QuantityError(f"{name} needs a target (give target = [...])")
        i = _index(e.sample, arr.shape[0], "sample")
        return float(arr[i, _index(e.neuron, arr.shape[1], "neuron")])
    return get


def _input(state, e) -> float:
    """x: input ``input`` of the traced sample (an image's pixel: grey level / top level)."""
    if state.trace is None:
        raise QuantityError("there is no sample traced at this step (give sample = [...])")
    x = state.trace.x
    return float(x[_index(e.sample, x.shape[0], "sample"), _index(e.input, x.shape[1], "input")])


def _grad(name: str):
    def get(state, e) -> float:
        if state.trace is None or state.trace.layers[0].grad_w is None:
            raise QuantityError("gradients need a sample and a target")
        layer = state.trace.layers[_layer(state, e)]
        if name == "grad_b":
            return float(layer.grad_b[_index(e.neuron, layer.grad_b.shape[0], "neuron")])
        return float(layer.grad_w[_index(e.neuron, layer.grad_w.shape[0], "neuron"),
                                  _index(e.input, layer.grad_w.shape[1], "input")])
    return get


def _param(name: str):
    def get(state, e) -> float:
        net = _network(state)
        l = _layer(state, e)
        if name == "bias":
            return float(net.biases[l][_index(e.neuron, net.layers[l + 1], "neuron")])
        return float(net.weights[l][_index(e.neuron, net.layers[l + 1], "neuron"),
                                    _index(e.input, net.layers[l], "input")])
    return get


def _parameters(state, e) -> float:
    """Every weight and bias of the network: Σ over the layers of n_in·n_out + n_out."""
    return float(_network(state).params.size)


def _part_size(which: str):
    def get(state, e) -> float:
        if state.dataset is None:
            raise QuantityError("no dataset has been set yet")
        return float(len(state.dataset.inputs(which)))
    return get


def _network(state) -> Network:
    if state.network is None:
        raise QuantityError("no network has been set yet")
    return state.network


def _class(state, e) -> float:
    if state.trace is None:
        raise QuantityError("there is no sample traced at this step")
    i = _index(e.sample, state.trace.prediction.shape[0], "sample")
    return float(predicted_classes(state.trace.prediction[i:i + 1])[0])


def _confusion_matrix(state) -> np.ndarray:
    """(C, C) counts, row = true class, column = the class the network reads, on the test
    part (the training part when there is no test data), as the confusion panel shows it."""
    data, net = state.dataset, _network(state)
    if data is None or data.num_classes < 2:
        raise QuantityError("a confusion matrix needs a dataset with classes")
    if net.layers[-1] != data.num_classes and not (net.layers[-1] == 1 and data.num_classes == 2):
        raise QuantityError(f"the network has {net.layers[-1]} outputs for {data.num_classes} classes")
    part = "test" if data.n_test else "train"
    predicted = predicted_classes(net.predict(data.inputs(part)))
    return confusion_matrix(data.labels(part), predicted, data.num_classes)


def _confusion(state, e) -> float:
    """Cell (true, predicted) of the confusion matrix: how many examples of class ``true``
    the network takes for class ``predicted``. Classes count from 0."""
    matrix = _confusion_matrix(state)
    for name, cls in (("true", e.true), ("predicted", e.predicted)):
        if not 0 <= cls < len(matrix):
            raise QuantityError(f"{name} class {cls} does not exist (0..{len(matrix) - 1})")
    return float(matrix[e.true, e.predicted])


def _most_confused(state, e) -> float:
    """The largest off-diagonal cell of the confusion matrix: the commonest single mistake's count."""
    matrix = _confusion_matrix(state).copy()
    np.fill_diagonal(matrix, 0)
    return float(matrix.max())


def _sample_loss(state, e) -> float:
    if state.sample is None or state.target is None:
        raise QuantityError("the loss needs a sample and a target")
    return _network(state).loss_value(state.sample[None, :], state.target[None, :])


def _loss_before(state, e) -> float:
    if state.loss_before is None:
        raise QuantityError("loss_before exists only at an update step")
    return state.loss_before


def _evaluate(which: str):
    def get(state, e) -> float:
        if state.dataset is None:
            raise QuantityError("no dataset has been set yet")
        trainer = Trainer(_network(state), state.dataset)
        train_loss, test_loss, train_acc, test_acc = trainer.evaluate()
        value = {"train_loss": train_loss, "test_loss": test_loss,
                 "train_accuracy": train_acc, "test_accuracy": test_acc}[which]
        if value is None:
            raise QuantityError(f"{which} is not defined here (no test set, or regression)")
        return float(value)
    return get


def _batch_grads(state) -> list[np.ndarray]:
    """∂L/∂W per layer for the whole training set at the current weights."""
    if state.dataset is None:
        raise QuantityError("gradient statistics need a dataset")
    net = _network(state)
    y = state.dataset.targets("train", net.layers[-1])
    trace = net.trace(state.dataset.x_train, y)
    return [layer.grad_w for layer in trace.layers]


def _grad_mean(state, e) -> float:
    grads = _batch_grads(state)
    return float(np.mean(np.abs(grads[_layer(state, e)])))


def _grad_ratio(state, e) -> float:
    """mean |∂L/∂W| of the first layer ÷ that of the last: ≪ 1 means vanishing gradients."""
    grads = _batch_grads(state)
    last = float(np.mean(np.abs(grads[-1])))
    return float(np.mean(np.abs(grads[0]))) / last if last else float("inf")


def _dead_neurons(state, e) -> float:
    """Neurons of the layer whose z ≤ 0 for every training input (a ReLU there never fires)."""
    if state.dataset is None:
        raise QuantityError("dead neurons are counted over a dataset")
    z = _network(state).trace(state.dataset.x_train).layers[_layer(state, e)].z
    return float(np.sum(np.all(z <= 0, axis=0)))


def _row_spread(state, e) -> float:
    """Largest difference between two neurons' incoming weights in the layer (0: all identical)."""
    w = _network(state).weights[_layer(state, e)]
    return float(np.max(np.abs(w - w[0])))


def _final_loss(state, e) -> float:
    if not state.compare:
        raise QuantityError("final_loss needs a compare step")
    if e.optimizer not in state.compare:
        raise QuantityError(f"optimizer {e.optimizer!r} was not compared ({', '.join(state.compare)})")
    return float(state.compare[e.optimizer][-1])


QUANTITIES: dict[str, Callable] = {
    "x": _input, "z": _trace_field("z"), "a": _trace_field("a"), "delta": _trace_field("delta"),
    "prediction": _trace_field("a"), "class": _class, "loss": _sample_loss, "loss_before": _loss_before,
    "grad_w": _grad("grad_w"), "grad_b": _grad("grad_b"), "weight": _param("weight"), "bias": _param("bias"),
    "train_loss": _evaluate("train_loss"), "test_loss": _evaluate("test_loss"),
    "train_accuracy": _evaluate("train_accuracy"), "test_accuracy": _evaluate("test_accuracy"),
    "grad_mean": _grad_mean, "grad_ratio": _grad_ratio, "dead_neurons": _dead_neurons,
    "row_spread": _row_spread, "final_loss": _final_loss, "confusion": _confusion, "most_confused": _most_confused,
    "parameters": _parameters,
    "train_size": _part_size("train"), "test_size": _part_size("test"),
}


def measure(state, expectation) -> float:
    try:
        fn = QUANTITIES[expectation.quantity]
    except KeyError:
        raise QuantityError(f"unknown quantity {expectation.quantity!r} "
                            f"(known: {', '.join(QUANTITIES)})") from None
    with np.errstate(all="ignore"):
        return fn(state, expectation)


def satisfied(value: float, e) -> bool:
    if e.value is not None and not abs(value - e.value) <= e.tolerance:
        return False
    if e.minimum is not None and not value >= e.minimum:
        return False
    return not (e.maximum is not None and not value <= e.maximum)


def describe(e) -> str:
    """How a lesson author wrote the expectation, for messages: 'z (layer 1, neuron 1) = 1.031 ± 0.0005'."""
    where = []
    if e.layer is not None:
        where.append(f"layer {e.layer}")
    if e.quantity in ("z", "a", "delta", "prediction", "grad_w", "grad_b", "weight", "bias") and e.neuron != 1:
        where.append(f"neuron {e.neuron}")
    if e.quantity in ("grad_w", "weight", "x"):
        where.append(f"input {e.input}")
    if e.optimizer:
        where.append(e.optimizer)
    if e.quantity == "confusion":
        where.append(f"true {e.true}, predicted {e.predicted}")
    name = e.quantity + (f" ({', '.join(where)})" if where else "")
    if e.value is not None:
        return f"{name} = {e.value:g} ± {e.tolerance:g}"
    bounds = [f"≥ {e.minimum:g}"] if e.minimum is not None else []
    bounds += [f"≤ {e.maximum:g}"] if e.maximum is not None else []
    return f"{name} {' and '.join(bounds)}"
