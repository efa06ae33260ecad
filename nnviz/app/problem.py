"""What the controls choose: a frozen description of the problem and how to train it.

Plain Python (no Qt), so it can be stored in settings, compared and tested as data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from nnviz.engine.datasets import Dataset, load_csv_dataset, make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.heads import output_head
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 64  # per hidden layer, as the controls and the layer bar allow


def check_hidden(hidden) -> None:
    """NnvizError unless ``hidden`` has at most MAX_HIDDEN_LAYERS layers of 1…MAX_NEURONS neurons."""
    if any(n < 1 for n in hidden) or len(hidden) > MAX_HIDDEN_LAYERS or any(n > MAX_NEURONS for n in hidden):
        raise NnvizError(f"hidden layers need 1 to {MAX_NEURONS} neurons each, at most {MAX_HIDDEN_LAYERS} layers")


#: Fields whose change needs new data or a new network (the run restarts);
#: the others (the TrainConfig) apply to a running trainer at its next step.
DATA_FIELDS = ("dataset", "samples", "noise", "test_fraction", "features", "standardize", "csv_name")
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

    def layers(self, n_inputs: int, n_outputs: int) -> list[int]:
        return [n_inputs, *self.hidden, n_outputs]

    def needs_rebuild(self, other: Problem) -> bool:
        """True when going from ``other`` to self changes the data or the network."""
        return any(getattr(self, f) != getattr(other, f) for f in (*DATA_FIELDS, *NETWORK_FIELDS))

    def make_dataset(self, csv_text: str | None = None) -> Dataset:
        """The dataset; an imported CSV (dataset "csv") is rebuilt from its text."""
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

    def to_dict(self) -> dict:
        out = asdict(self)
        out["features"] = list(self.features)
        out["hidden"] = list(self.hidden)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        """Build from stored settings; unknown keys are ignored, bad values raise."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k != "train"}
        for key in ("features", "hidden"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        train_known = {f.name for f in fields(TrainConfig)}
        train = TrainConfig(**{k: v for k, v in dict(data.get("train", {})).items() if k in train_known})
        return replace(cls(), **kwargs, train=train)
