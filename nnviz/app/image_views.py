"""The numbers behind the image views of a digit network: weight images, predictions, the
confusion matrix, the misclassified samples and the raw pixels of a network input.

Pure NumPy (no Qt), so tests and lesson checks can read them. Shapes: n samples, d = rows·cols
pixels (row by row, the pixel order of nnviz.engine.image_sets), C classes, H first-layer neurons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.classes import confusion_matrix, predicted_classes
from nnviz.engine.network import Network

__all__ = [
    "DigitSummary",
    "SetResults",
    "confusion_matrix",
    "misclassified",
    "mistake_part",
    "part_results",
    "predicted_classes",
    "predictions",
    "raw_pixels",
    "summarize",
    "summary_problem",
    "weight_images",
    "weight_scale",
]


def weight_images(weights0: np.ndarray, image_shape: tuple[int, int]) -> np.ndarray:
    """(H, d) first-layer weights → (H, rows, cols): row k of W⁽¹⁾ (the weights into neuron k)
    reshaped row by row, so pixel (r, c) is the weight from input r·cols + c."""
    w = np.asarray(weights0, dtype=np.float64)
    rows, cols = image_shape
    if w.ndim != 2 or w.shape[1] != rows * cols:
        raise ValueError(f"weights of shape {w.shape} are not rows of {rows}×{cols} pixels")
    return w.reshape(w.shape[0], rows, cols)


def weight_scale(weights0: np.ndarray) -> float:
    """m = max |w| over the whole layer, the shared symmetric colour scale −m … +m of all the
    weight images (1.0 when every weight is 0 or none is finite). Computed as max(−min w,
    max w) when that is finite, so every weight is; only otherwise over a mask of the finite
    ones (the mask costs 1.5 ms for 784 × 128 weights, twice a frame while training)."""
    w = np.asarray(weights0, dtype=np.float64)
    m = max(-float(w.min()), float(w.max())) if w.size else 0.0
    if not np.isfinite(m):  # a diverged network's inf/NaN would make the scale useless
        finite = np.abs(w[np.isfinite(w)])
        m = float(finite.max()) if finite.size else 0.0
    return m if m > 0 else 1.0


def predictions(network: Network, x: np.ndarray) -> np.ndarray:
    """(n, d) inputs → (n,) int predicted classes, one forward pass (predicted_classes)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverged network still answers
        return predicted_classes(network.predict(x))


def misclassified(true: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """(k,) int indices i with true_i ≠ predicted_i, in data order."""
    return np.flatnonzero(np.asarray(true).astype(np.intp) != np.asarray(predicted).astype(np.intp))


def raw_pixels(dataset, x_row: np.ndarray) -> np.ndarray:
    """A network input (d,) → its image (rows, cols) of intensities in [0, 1]: the z-score of
    a standardized dataset undone, raw = x·scale + shift (else raw = x), clipped to [0, 1]
    (a drawn or edited input may leave the range). ``dataset`` has an image_shape."""
    x = np.asarray(x_row, dtype=np.float64).reshape(-1)
    if dataset.shift is not None and dataset.scale is not None:
        x = x * dataset.scale + dataset.shift
    return np.clip(np.nan_to_num(x, nan=0.0), 0.0, 1.0).reshape(dataset.image_shape)


@dataclass(frozen=True, eq=False)
class SetResults:
    """One part (train or test) of a dataset under one network: true and predicted (n,) int
    classes, the (C, C) confusion matrix, the indices of the mistakes (k,) and the output the
    prediction got, confidence (n,) = max ŷ (ŷ itself for one sigmoid output)."""

    true: np.ndarray
    predicted: np.ndarray
    confusion: np.ndarray
    mistakes: np.ndarray
    confidence: np.ndarray

    @property
    def n(self) -> int:
        return int(self.true.size)

    @property
    def right(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float | None:
        """right / n (the trainer's accuracy exactly); None for an empty set."""
        return self.right / self.n if self.n else None


@dataclass(frozen=True, eq=False)
class DigitSummary:
    """A network's results on both parts of an image dataset (``summarize``)."""

    train: SetResults
    test: SetResults

    def part(self, which: str) -> SetResults:
        """The results on the "train" or the "test" part."""
        return self.test if which == "test" else self.train

    @property
    def test_mistakes(self) -> np.ndarray:
        """(k,) indices into the test set of the misclassified test images."""
        return self.test.mistakes


def mistake_part(dataset) -> str:
    """The part whose mistakes a gallery shows: "test", or "train" when there is no test data."""
    return "test" if dataset is not None and dataset.n_test else "train"


def part_results(network: Network, dataset, which: str) -> SetResults:
    """``network``'s results on the "train" or "test" part of ``dataset``: one forward pass
    (``Network.predict``). The caller has checked summary_problem."""
    x, labels, c = dataset.inputs(which), dataset.labels(which), dataset.num_classes
    if len(x) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return SetResults(empty, empty, np.zeros((c, c), dtype=np.intp), empty, np.zeros(0))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverged network still answers
        outputs = network.predict(x)
    true = np.asarray(labels).astype(np.intp)
    predicted = predicted_classes(outputs)
    confidence = outputs[:, 0] if outputs.shape[1] == 1 else outputs.max(axis=1)
    return SetResults(true, predicted, confusion_matrix(true, predicted, c), misclassified(true, predicted), confidence)


def summary_problem(network: Network, dataset) -> str | None:
    """Why ``network`` cannot classify ``dataset``'s images (a sentence), or None when it can:
    d inputs, and C outputs (or one sigmoid output for 2 classes)."""
    if dataset is None or dataset.num_classes < 2:
        return "no class labels to compare with"
    if network.layers[0] != dataset.n_inputs:
        return f"the network takes {network.layers[0]} inputs, the images have {dataset.n_inputs} pixels"
    outputs = network.layers[-1]
    if outputs != dataset.num_classes and not (outputs == 1 and dataset.num_classes == 2):
        return f"the network has {outputs} outputs for {dataset.num_classes} classes"
    return None


def summarize(network: Network, dataset) -> DigitSummary:
    """Train and test results of ``network`` on ``dataset``: one forward pass per part.
    ValueError when summary_problem names a mismatch."""
    problem = summary_problem(network, dataset)
    if problem is not None:
        raise ValueError(problem)
    return DigitSummary(part_results(network, dataset, "train"), part_results(network, dataset, "test"))
