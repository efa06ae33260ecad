"""Data sets ready to train on: TensorFlow-Playground-like toy sets, images and CSV files.

``make_dataset(name, ...)`` draws one of DATASET_NAMES (the 2-D toy sets) or loads a
built-in image set (IMAGE_SET_NAMES: digits); ``load_csv_dataset(path, ...)`` reads a CSV
file (format in ``nnviz.engine.csv_data``), ``load_idx_dataset(path, ...)`` an MNIST-format
pair of files (``nnviz.engine.idx``). All return a ``Dataset``:
train/test inputs and labels, the raw 2-D points for plotting, and ``transform``,
which maps any raw points (e.g. a plotting grid) into the network's input space.

Pipeline, the same for every data set::

    raw points (n, 2)  --derive_features-->  (n, d)  --z-score (train mean/std)-->  x

Randomness: every draw comes from ``np.random.default_rng(seed)``; same arguments give
bit-identical arrays. The random numbers drawn do not depend on ``noise`` (noise only
scales them), so with a fixed seed the points move smoothly as the noise changes.

The toy sets' formulas and noise are in ``nnviz.engine.toy_sets``; image sets
(``nnviz.engine.image_sets``) skip derive_features: raw = pixel intensities in [0, 1].
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nnviz.engine.csv_data import classify_labels, parse_csv_text, read_csv, read_csv_text
from nnviz.engine.data_checks import MAX_SAMPLES, check_real, check_samples, held_out_count, make_rng
from nnviz.engine.errors import NnvizError
from nnviz.engine.features import FEATURE_NAMES, derive_features, normalize_features
from nnviz.engine.image_sets import DIGIT_CLASSES, IMAGE_SET_NAMES, Images, builtin_images, idx_images
from nnviz.engine.toy_sets import DATASET_NAMES, LECTURE_X, LECTURE_Y, TOY_SETS

__all__ = [
    "BUILTIN_NAMES",
    "DATASET_NAMES",
    "FEATURE_NAMES",
    "IMAGE_SET_NAMES",
    "MAX_SAMPLES",
    "MAX_TEST_FRACTION",
    "Dataset",
    "derive_features",
    "load_csv_dataset",
    "load_idx_dataset",
    "make_dataset",
    "read_csv",
]

TASKS = ("binary", "multiclass", "regression")
MAX_TEST_FRACTION = 0.9
BUILTIN_NAMES: tuple[str, ...] = (*DATASET_NAMES, *IMAGE_SET_NAMES)  # every name make_dataset takes


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only C-contiguous float64 copy."""
    out = np.array(array, dtype=np.float64, order="C")
    out.flags.writeable = False
    return out


def _check_which(which: str) -> str:
    if which not in ("train", "test"):
        raise NnvizError(f"which must be 'train' or 'test', not {which!r}")
    return which


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set split into train and test parts. All arrays are read-only float64.

    x_*: (n, d) network inputs; y_*: (n,) class index 0..C-1 (as float) or regression target;
    raw_*: (n, 2) raw 2-D points before derived features / standardization (for plotting),
    or the raw (unstandardized) input columns of a CSV file that is not 2-D.
    feature_names: the d input names; num_classes: 2 (binary), C (multiclass), 0 (regression).

    The fields after raw_test describe ``transform`` and have defaults, so a Dataset can be
    built by hand from the first ten fields (then transform is the identity):
    derived: x = derive_features(raw, feature_names) (else x = raw as is);
    shift, scale: (d,) z-score applied after that, x = (x - shift) / scale (None = none);
    raw_names: names of the raw columns (plot axes); class_labels: original label of each class.
    source: how the data was made, so a session file can make it again (read-only mapping):
    {"kind": "builtin", "name", "samples", "noise", "test_fraction", "seed", "features",
    "standardize"} (make_dataset's arguments), {"kind": "csv", "name", "text",
    "test_fraction", "seed", "features", "standardize"} (the CSV file's name and text) or
    {"kind": "idx", "name" (the images file's absolute path), "test_fraction", "seed",
    "features", "standardize"}; None for a Dataset built by hand.
    image_shape: (rows, cols) when each input row is an image (rows·cols = d pixels, row by
    row), None otherwise.
    Equality is identity (arrays do not compare as one bool).
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    num_classes: int
    raw_train: np.ndarray
    raw_test: np.ndarray
    derived: bool = False
    shift: np.ndarray | None = None
    scale: np.ndarray | None = None
    raw_names: tuple[str, ...] = ()
    class_labels: tuple[float, ...] = ()
    source: Mapping | None = None
    image_shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        for attr in ("x_train", "y_train", "x_test", "y_test", "raw_train", "raw_test"):
            object.__setattr__(self, attr, _frozen(getattr(self, attr)))
        for attr in ("shift", "scale"):
            if getattr(self, attr) is not None:
                object.__setattr__(self, attr, _frozen(getattr(self, attr)))
        object.__setattr__(self, "feature_names", tuple(self.feature_names))
        object.__setattr__(self, "raw_names", tuple(self.raw_names))
        object.__setattr__(self, "class_labels", tuple(self.class_labels))
        if self.source is not None:
            object.__setattr__(self, "source", MappingProxyType(dict(self.source)))
        if self.image_shape is not None:
            object.__setattr__(self, "image_shape", tuple(int(n) for n in self.image_shape))
        self._check_shapes()

    def _check_shapes(self) -> None:
        """Programming errors (not user input) -> plain ValueError."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, not {self.task!r}")
        d = len(self.feature_names)
        for x, y, raw in ((self.x_train, self.y_train, self.raw_train),
                          (self.x_test, self.y_test, self.raw_test)):
            if x.ndim != 2 or x.shape[1] != d or y.shape != (x.shape[0],):
                raise ValueError(f"inconsistent shapes x {x.shape}, y {y.shape}, {d} features")
            if raw.ndim != 2 or raw.shape[0] != x.shape[0]:
                raise ValueError(f"raw points of shape {raw.shape} do not match x {x.shape}")
        if self.image_shape is not None and int(np.prod(self.image_shape)) != d:
            raise ValueError(f"images of {self.image_shape} pixels do not make {d} features")

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])

    @property
    def n_inputs(self) -> int:
        """d, the number of network inputs."""
        return int(self.x_train.shape[1])

    def inputs(self, which: str) -> np.ndarray:
        """x_train or x_test; which is "train" or "test"."""
        return self.x_train if _check_which(which) == "train" else self.x_test

    def labels(self, which: str) -> np.ndarray:
        """y_train or y_test; which is "train" or "test"."""
        return self.y_train if _check_which(which) == "train" else self.y_test

    def targets(self, which: str, n_outputs: int) -> np.ndarray:
        """(n, n_outputs) float64 network targets for the "train" or "test" part.

        regression or binary with 1 output -> y[:, None];
        classification with num_classes (>= 2) outputs -> one-hot, T[i, y[i]] = 1.
        Any other output count -> NnvizError saying which counts fit.
        """
        y = self.labels(which)
        if n_outputs == 1 and self.task in ("regression", "binary"):
            return y[:, None].copy()
        if self.task != "regression" and n_outputs == self.num_classes:
            return np.eye(self.num_classes, dtype=np.float64)[y.astype(np.intp)]
        raise NnvizError(self._outputs_hint(n_outputs))

    def check_loss(self, loss: str) -> None:
        """NnvizError when ``loss`` cannot learn these labels: bce needs class labels 0 or 1."""
        if loss == "bce" and self.task == "regression":
            raise NnvizError(f"the loss bce needs class labels 0 or 1, but the dataset '{self.name}' has "
                             "number labels (a regression task); use the loss mse")

    def _outputs_hint(self, n_outputs: int) -> str:
        outputs = f"the network has {n_outputs} output{'' if n_outputs == 1 else 's'}"
        if self.task == "regression":
            return f"{outputs} but the dataset '{self.name}' is a regression task; use 1 output"
        fits = (
            "1 output (sigmoid) or 2 (softmax)"
            if self.task == "binary"
            else f"{self.num_classes} outputs (softmax)"
        )
        return f"{outputs} but the dataset '{self.name}' has {self.num_classes} classes; use {fits}"

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """Map raw points (m, k) to network inputs (m, d) exactly as the data was mapped.

        k = raw_train.shape[1] (2 for 2-D sets). transform(raw_train) == x_train bit for bit.
        """
        points = np.asarray(raw, dtype=np.float64)
        k = self.raw_train.shape[1]
        if points.ndim != 2 or points.shape[1] != k:
            raise NnvizError(f"expected raw points of shape (m, {k}), not {points.shape}")
        return _transform(points, self.feature_names, self.derived, self.shift, self.scale)


def _transform(
    raw: np.ndarray,
    names: tuple[str, ...],
    derived: bool,
    shift: np.ndarray | None,
    scale: np.ndarray | None,
) -> np.ndarray:
    """x = (derive_features(raw, names) - shift) / scale; each step optional."""
    x = derive_features(raw, names) if derived else np.array(raw, dtype=np.float64)
    if shift is not None and scale is not None:
        x = (x - shift) / scale
    return x


def _zscore_params(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) per column of x (n, d); a (near-)zero std becomes 1."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    tiny = 1e-12 * np.maximum(1.0, np.abs(mean))
    return mean, np.where(std > tiny, std, 1.0)


# --------------------------------------------------------------------------- argument checks

def _dataset_key(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(name, str) else ""
    if key not in BUILTIN_NAMES:
        raise NnvizError(f"unknown dataset {name!r}; choose from {', '.join(BUILTIN_NAMES)}")
    return key


# --------------------------------------------------------------------------- assembly

def _assemble(
    name: str,
    labels: tuple[str, int, np.ndarray, tuple[float, ...]],
    raw: np.ndarray,
    order: np.ndarray,
    n_test: int,
    features: Sequence[str] | None,
    standardize: bool,
    raw_names: tuple[str, ...],
    source: dict | None,
    image_shape: tuple[int, int] | None = None,
) -> Dataset:
    """Split raw/y by order (first n_test -> test), derive features, standardize, wrap."""
    task, num_classes, y, class_labels = labels
    test, train = order[:n_test], order[n_test:]
    derived = features is not None
    names = normalize_features(features) if derived else raw_names
    shift = scale = None
    if standardize:
        shift, scale = _zscore_params(_transform(raw[train], names, derived, None, None))
    return Dataset(
        name=name,
        task=task,
        x_train=_transform(raw[train], names, derived, shift, scale),
        y_train=y[train],
        x_test=_transform(raw[test], names, derived, shift, scale),
        y_test=y[test],
        feature_names=names,
        num_classes=num_classes,
        raw_train=raw[train],
        raw_test=raw[test],
        derived=derived,
        shift=shift,
        scale=scale,
        raw_names=raw_names,
        class_labels=class_labels,
        source=None if source is None else {**source, "features": None if features is None else list(names),
                                            "standardize": bool(standardize)},
        image_shape=image_shape,
    )


def make_dataset(
    name: str,
    *,
    samples: int = 500,
    noise: float = 0.0,
    test_fraction: float = 0.5,
    seed: int = 0,
    features: Sequence[str] | None = ("x1", "x2"),
    standardize: bool = False,
) -> Dataset:
    """Draw the toy data set ``name`` (one of DATASET_NAMES; formulas in each generator).

    samples in [2, 100000]; noise in [0, 1]; test_fraction in [0, 0.9], n_test =
    round(samples · test_fraction) of the shuffled points go to the test part.
    features: a selection of FEATURE_NAMES derived from the raw points (None = raw x1, x2).
    standardize: z-score the inputs with the TRAIN mean/std (a zero std counts as 1).
    "lecture" is the fixed 3-row lecture table (IQ, study hours) -> passed: all rows are
    training rows in table order, samples/noise/test_fraction/seed are checked but unused.
    An image set (IMAGE_SET_NAMES) has all its images, split like the toy sets;
    samples/noise are checked but unused, features is ignored (the inputs are the pixels).
    """
    key = _dataset_key(name)
    n = check_samples(samples)
    noise = check_real(noise, "noise", 0.0, 1.0)
    fraction = check_real(test_fraction, "test fraction", 0.0, MAX_TEST_FRACTION)
    source = {"kind": "builtin", "name": key, "samples": n, "noise": noise,
              "test_fraction": fraction, "seed": int(seed)}
    if key in IMAGE_SET_NAMES:
        return _image_dataset(builtin_images(key), fraction, seed, standardize, source)
    spec = TOY_SETS[key]
    rng = make_rng(seed)
    if spec.generate is None:
        raw, y, order, n_test = LECTURE_X, LECTURE_Y, np.arange(3), 0
        raw_names = ("IQ", "study hours")
    else:
        n_test = held_out_count(n, fraction, "samples")
        raw, y = spec.generate(n, noise, rng)
        order = rng.permutation(n)
        raw_names = ("x1", "x2")
    class_labels = tuple(float(k) for k in range(spec.num_classes))
    labels = (spec.task, spec.num_classes, y, class_labels)
    return _assemble(key, labels, raw, order, n_test, features, standardize, raw_names, source)


def load_csv_dataset(
    path: str | os.PathLike[str],
    *,
    test_fraction: float = 0.0,
    seed: int = 0,
    features: Sequence[str] | None = None,
    standardize: bool = False,
    text: str | None = None,
) -> Dataset:
    """A Dataset from a CSV file (inputs, then the label in the last column).

    The task comes from the labels (csv_data.classify_labels: <= 20 distinct integers ->
    classes, mapped to 0..C-1 in sorted order unless already 0/1; else regression).
    test_fraction in [0, 0.9]: 0 keeps the file's row order, all rows training; otherwise
    the rows are shuffled with the seed and round(n · test_fraction) go to the test part.
    features: None uses the columns as they are (names from the header, else x1, x2, ...);
    a selection of FEATURE_NAMES needs exactly 2 input columns.
    text: the file's text, already read (a session file stores it); then ``path`` only
    names the data and is not opened.
    """
    label = os.path.basename(os.fspath(path))
    if text is None:
        text = read_csv_text(path)
    table = parse_csv_text(text, label)
    fraction = check_real(test_fraction, "test fraction", 0.0, MAX_TEST_FRACTION)
    rng = make_rng(seed)
    n, d = table.x.shape
    if features is not None and d != 2:
        raise NnvizError(
            f"{label}: derived features need exactly 2 input columns, the file has {d}; "
            "use the columns as they are"
        )
    n_test = held_out_count(n, fraction, "rows")
    order = rng.permutation(n) if n_test else np.arange(n)
    labels = tuple(classify_labels(table.y))
    raw_names = table.input_names
    source = {"kind": "csv", "name": label, "text": text, "test_fraction": fraction, "seed": int(seed)}
    return _assemble(label, labels, table.x, order, n_test, features, standardize, raw_names, source)


def _image_dataset(images: Images, test_fraction: float, seed: int, standardize: bool,
                   source: dict | None) -> Dataset:
    """One input row per image, raw = intensities in [0, 1]; shuffled with the seed, the first
    round(n · test_fraction) images -> test; standardize: per-pixel z-score (train statistics,
    a pixel constant over the training images stays at 0 there)."""
    fraction = check_real(test_fraction, "test fraction", 0.0, MAX_TEST_FRACTION)
    rng = make_rng(seed)
    n = len(images.labels)
    n_test = held_out_count(n, fraction, "images")
    labels = ("multiclass", DIGIT_CLASSES, images.labels.astype(np.float64),
              tuple(float(k) for k in range(DIGIT_CLASSES)))
    return _assemble(images.name, labels, images.intensities(), rng.permutation(n), n_test, None,
                     standardize, images.pixel_names(), source, images.shape)


def load_idx_dataset(
    path: str | os.PathLike[str], *, test_fraction: float = 0.5, seed: int = 0, standardize: bool = False
) -> Dataset:
    """A Dataset from an MNIST-format pair of IDX files (either file named; the other is found
    next to it, see nnviz.engine.idx): intensities = grey level / 255, split as make_dataset's
    image sets. Its source names the file ({"kind": "idx", "name": absolute path, …}): a session
    stores the path, not the images (the files may be large), and reads them again."""
    fraction = check_real(test_fraction, "test fraction", 0.0, MAX_TEST_FRACTION)
    source = {"kind": "idx", "name": os.path.abspath(os.fspath(path)), "test_fraction": fraction, "seed": int(seed)}
    return _image_dataset(idx_images(path), fraction, seed, standardize, source)
