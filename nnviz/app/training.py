"""From what the user chose to a trainer: the problem, a model file's network, the data.

The window's controller and the exporter both build their training through here, so a
model file opens the same way in both (same checks, same problem).
"""

from __future__ import annotations

from dataclasses import replace

from nnviz.app.problem import Problem
from nnviz.engine.datasets import Dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.image_sets import DIGIT_CLASSES, IMAGE_SET_NAMES, builtin_images
from nnviz.engine.network import Network
from nnviz.engine.trainer import Snapshot, Trainer


def problem_for_network(problem: Problem, network: Network) -> Problem:
    """``problem`` with the architecture of ``network`` (from a model file).

    The app shows one activation for all hidden layers, so a model that mixes several is
    refused (NnvizError) rather than shown wrongly.
    """
    hidden = tuple(network.layers[1:-1])
    if len(set(network.activation_names[:-1])) > 1:
        raise NnvizError("the app shows one activation for all hidden layers; this model mixes several")
    activation = network.activation_names[0] if hidden else problem.activation
    return replace(problem, hidden=hidden, activation=activation,
                   output_activation=network.activation_names[-1], loss=network.loss_name)


def image_set_for(network: Network) -> str | None:
    """The built-in image set a network fits (inputs = its pixels, one output per digit), or None:
    a model trained on the digits opens on them whatever data was shown before."""
    for name in IMAGE_SET_NAMES:
        rows, cols = builtin_images(name).shape
        if network.layers[0] == rows * cols and network.layers[-1] == DIGIT_CLASSES:
            return name
    return None


def data_for_network(problem: Problem, network: Network, csv_text: str | None = None,
                     chosen: bool = False) -> tuple[Problem, Dataset]:
    """The problem (with the network's architecture) and the data a model file opens on: the
    problem's data, or, when the network does not take its inputs but fits a built-in image
    set (and the data was not ``chosen`` explicitly), that set. check_inputs tells the rest."""
    problem = problem_for_network(problem, network)
    dataset = problem.make_dataset(csv_text)
    images = image_set_for(network)
    if not chosen and dataset.x_train.shape[1] != network.layers[0] and images is not None:
        problem = replace(problem, dataset=images)
        dataset = problem.make_dataset()
    return problem, dataset


def check_inputs(network: Network, dataset: Dataset, problem: Problem, source: str = "the model") -> None:
    """NnvizError unless ``network`` takes as many inputs as ``dataset`` has features."""
    if dataset.x_train.shape[1] != network.layers[0]:
        raise NnvizError(f"{source} takes {network.layers[0]} inputs but the dataset {problem.dataset!r} "
                         f"with features {', '.join(problem.features)} has {dataset.x_train.shape[1]}")


def build_trainer(problem: Problem, dataset: Dataset | None = None, network: Network | None = None) -> Trainer:
    """A trainer for ``problem``: its dataset (or ``dataset``) and a fresh network (or ``network``)."""
    dataset = dataset if dataset is not None else problem.make_dataset()
    network = network if network is not None else problem.make_network(dataset)
    return Trainer(network, dataset, problem.train, seed=problem.seed)


def snapshot_parts(snap: Snapshot) -> list[str]:
    """The numbers a snapshot is summed up with: epoch and step, losses, accuracy (%)."""
    parts = [f"epoch {snap.epoch}", f"step {snap.step}", f"train loss {snap.train_loss:.4f}"]
    if snap.test_loss is not None:
        parts.append(f"test loss {snap.test_loss:.4f}")
    if snap.train_accuracy is not None:
        acc = f"accuracy {100 * snap.train_accuracy:.1f} %"
        if snap.test_accuracy is not None:
            acc += f" / {100 * snap.test_accuracy:.1f} %"
        parts.append(acc)
    if not snap.fresh_metrics and snap.metrics_epoch is not None:  # evaluated in the background, a moment ago
        parts.append(f"(figures of epoch {snap.metrics_epoch:.2f})")
    return parts
