"""What the controls choose: a frozen description of the problem and how to train it.

Plain Python (no Qt), so it can be stored in settings, compared and tested as data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from nnviz.engine.activations import HIDDEN_ACTIVATIONS, get_activation
from nnviz.engine.datasets import (
    BUILTIN_NAMES, MAX_SAMPLES, MAX_TEST_FRACTION, Dataset, load_csv_dataset, load_idx_dataset, make_dataset,
)
from nnviz.engine.errors import NnvizError
from nnviz.engine.features import normalize_features
from nnviz.engine.heads import output_head
from nnviz.engine.initializers import get_initializer
from nnviz.engine.losses import get_loss
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 128  # per hidden layer, as the controls and the layer bar allow (784-128-64-10 fits)
IMPORTED = ("csv", "idx")  # datasets read from the user's files: a CSV's text, MNIST-format (IDX) files


def check_hidden(hidden) -> None:
    """NnvizError unless ``hidden`` has at most MAX_HIDDEN_LAYERS layers of 1…MAX_NEURONS neurons."""
    if any(n < 1 for n in hidden) or len(hidden) > MAX_HIDDEN_LAYERS or any(n > MAX_NEURONS for n in hidden):
        raise NnvizError(f"hidden layers need 1 to {MAX_NEURONS} neurons each, at most {MAX_HIDDEN_LAYERS} layers")


#: Fields whose change needs new data or a new network (the run restarts);
#: the others (the TrainConfig) apply to a running trainer at its next step.
DATA_FIELDS = ("dataset", "samples", "noise", "test_fraction", "features", "standardize", "csv_name", "data_path")
NETWORK_FIELDS = ("hidden", "activation", "output_activation", "loss", "init", "seed")


@dataclass(frozen=True)
class NetworkShape:
    """What views need to know of a network without holding it: sizes and names."""

    layers: tuple[int, ...]
    activation_names: tuple[str, ...]
    loss_name: str

    @classmethod
    def of(cls, network: Network) -> NetworkShape:
        return cls(tuple(network.layers), tuple(network.activation_names), network.loss_name)


@dataclass(frozen=True)
class Problem:
    dataset: str = "circles"
    samples: int = 500
    noise: float = 0.1
    test_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    standardize: bool = False
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    output_activation: str = "sigmoid"
    loss: str = "bce"
    init: str = "xavier"
    seed: int = 0
    train: TrainConfig = field(default_factory=lambda: TrainConfig(learning_rate=0.1, batch_size=10))
    csv_name: str = ""  # with dataset == "csv": the imported file's name (its text lives in the session)
    data_path: str = ""  # with dataset == "idx": the MNIST-format images (or labels) file, read again from disk

    def layers(self, n_inputs: int, n_outputs: int) -> list[int]:
        return [n_inputs, *self.hidden, n_outputs]

    def needs_rebuild(self, other: Problem) -> bool:
        """True when going from ``other`` to self changes the data or the network."""
        return any(getattr(self, f) != getattr(other, f) for f in (*DATA_FIELDS, *NETWORK_FIELDS))

    def make_dataset(self, csv_text: str | None = None) -> Dataset:
        """The dataset; an imported CSV (dataset "csv") is rebuilt from its text, IDX files
        (dataset "idx") are read again from ``data_path``."""
        if self.dataset == "idx":
            if not self.data_path:
                raise NnvizError("no MNIST-format file is chosen; import one (File → Import data…)")
            return load_idx_dataset(self.data_path, test_fraction=self.test_fraction, seed=self.seed,
                                    standardize=self.standardize)
        if self.dataset == "csv":
            if csv_text is None:
                raise NnvizError(f"the imported data {self.csv_name!r} is not loaded; import it again (File → Import data…)")
            return load_csv_dataset(self.csv_name or "data.csv", text=csv_text, test_fraction=self.test_fraction,
                                    seed=self.seed, standardize=self.standardize)
        return make_dataset(self.dataset, samples=self.samples, noise=self.noise,
                            test_fraction=self.test_fraction, seed=self.seed,
                            features=self.features, standardize=self.standardize)

    def make_network(self, dataset: Dataset) -> Network:
        """A freshly initialized network sized for ``dataset`` (outputs: 1, or one per class)."""
        head = output_head(dataset.task, dataset.num_classes, self.output_activation, self.loss)
        acts = [self.activation] * len(self.hidden) + [head.activation]
        network = Network(self.layers(dataset.x_train.shape[1], head.outputs), acts, head.loss)
        network.initialize(self.init, np.random.default_rng(self.seed))
        return network

    def only_loss_differs(self, other: Problem) -> bool:
        """True when going from ``other`` to self changes the loss and nothing else that needs
        new data or a new network: the weights can stay (an opened model keeps them)."""
        return self.loss != other.loss and all(
            getattr(self, f) == getattr(other, f) for f in (*DATA_FIELDS, *NETWORK_FIELDS) if f != "loss")

    def with_own_loss(self, network: Network, dataset: Dataset) -> Network:
        """A copy of ``network``, same weights, trained on this problem's loss (as the output
        head rule resolves it for the dataset's task and the network's output activation)."""
        head = output_head(dataset.task, dataset.num_classes, network.activation_names[-1], self.loss)
        copy = Network(network.layers, network.activation_names, head.loss)
        copy.set_params(network.params)
        return copy

    def to_dict(self) -> dict:
        out = asdict(self)
        out["features"] = list(self.features)
        out["hidden"] = list(self.hidden)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        """Build from stored settings or a session; unknown keys are ignored, and every known
        one is checked for type and range: a bad value is one NnvizError naming it."""
        return replace(cls(), **checked_problem_fields(data))


def session_problem(problem: dict | None, path) -> Problem | None:
    """The Problem a session file stored (None if none), checked; NnvizError naming ``path``."""
    if not problem:
        return None
    try:
        return Problem.from_dict(problem)
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None


def _value(data: dict, key: str, kind: type, default):
    """data[key] if present (an int counts as a float), checked to be a ``kind``."""
    value = data.get(key, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise NnvizError(f'the problem\'s "{key}" must be {_KIND_NAMES[kind]}, not {value!r:.60}')
    if kind is float and not np.isfinite(value):
        raise NnvizError(f'the problem\'s "{key}" must be a finite number, not {value!r}')
    return value


_KIND_NAMES = {int: "a whole number", float: "a number", str: "a name", bool: "true or false",
               list: "a list", dict: "a JSON object"}


def _in_range(key: str, value, low, high):
    if not low <= value <= high:
        raise NnvizError(f'the problem\'s "{key}" must be from {low:g} to {high:g}, not {value!r}')
    return value


def _train_config(data) -> TrainConfig:
    """The stored TrainConfig: each known field of its own type, then its own range checks."""
    if not isinstance(data, dict):
        raise NnvizError(f'the problem\'s "train" must be a JSON object, not {data!r:.60}')
    kwargs = {}
    for f in fields(TrainConfig):
        if f.name in data:
            kind = type(f.default)
            value = data[f.name]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if isinstance(value, bool) or not isinstance(value, kind):
                raise NnvizError(f'the problem\'s train "{f.name}" must be {_KIND_NAMES[kind]}, not {value!r:.60}')
            kwargs[f.name] = value
    try:
        return TrainConfig(**kwargs)
    except NnvizError as exc:
        raise NnvizError(f"the problem's training settings: {exc}") from None


def checked_problem_fields(data) -> dict:
    """Problem keyword arguments from a stored dict, every field checked (NnvizError naming it).

    Names are checked against the engine's tables, sizes against the controls' limits, so
    a problem that passes builds (or fails with a clear NnvizError, e.g. a CSV not loaded).
    """
    if not isinstance(data, dict):
        raise NnvizError(f"the problem must be a JSON object, not {data!r:.60}")
    default = Problem()
    dataset = _value(data, "dataset", str, default.dataset)
    if dataset not in IMPORTED and dataset not in BUILTIN_NAMES:
        raise NnvizError(f"the problem's dataset {dataset!r} is unknown; choose from {', '.join(BUILTIN_NAMES)}")
    hidden = _value(data, "hidden", list, list(default.hidden))
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in hidden):
        raise NnvizError(f'the problem\'s "hidden" must be a list of whole numbers, not {hidden!r:.60}')
    try:
        check_hidden(hidden)
    except NnvizError as exc:
        raise NnvizError(f"the problem's {exc}") from None
    features = _value(data, "features", list, list(default.features))
    out = {
        "dataset": dataset,
        "samples": _in_range("samples", _value(data, "samples", int, default.samples), 2, MAX_SAMPLES),
        "noise": _in_range("noise", _value(data, "noise", float, default.noise), 0.0, 1.0),
        "test_fraction": _in_range("test_fraction", _value(data, "test_fraction", float, default.test_fraction),
                                   0.0, MAX_TEST_FRACTION),
        "features": normalize_features(features),
        "standardize": _value(data, "standardize", bool, default.standardize),
        "hidden": tuple(hidden),
        "activation": _value(data, "activation", str, default.activation),
        "output_activation": get_activation(_value(data, "output_activation", str, default.output_activation)).name,
        "loss": get_loss(_value(data, "loss", str, default.loss)).name,
        "init": _value(data, "init", str, default.init),
        "seed": _in_range("seed", _value(data, "seed", int, default.seed), 0, 2**63 - 1),
        "train": _train_config(data.get("train", {})),
        "csv_name": _value(data, "csv_name", str, default.csv_name),
        "data_path": _value(data, "data_path", str, default.data_path),
    }
    if out["activation"] not in HIDDEN_ACTIVATIONS:
        raise NnvizError(f"the problem's hidden activation {out['activation']!r} is unknown; "
                         f"choose one of: {', '.join(HIDDEN_ACTIVATIONS)}")
    get_initializer(out["init"])
    return out
