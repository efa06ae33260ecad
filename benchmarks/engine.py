"""Training speed of nnviz's engine, next to a plain NumPy implementation of the same training,
and on image networks next to PyTorch (CPU, float32) when PyTorch is installed.

    python benchmarks/engine.py            # the full run (about a minute)
    python benchmarks/engine.py --quick    # a fast smoke run; its figures are rough
    python benchmarks/engine.py --json     # the figures as one JSON object

The task is TensorFlow Playground's: the 2-D spiral (500 training points), tanh hidden
layers, a sigmoid output, mean squared error, plain SGD with learning rate 0.03, the
training set shuffled every epoch. For each configuration both implementations are timed
in the same run, interleaved (nnviz, plain, nnviz, plain, ...), after a warm-up; each
repeat trains long enough to take about 0.3 s and the MEDIAN epochs per second is shown.

Image networks (IMAGE_CONFIGS): tanh hidden layers, a softmax output, cross-entropy, plain
SGD with learning rate 0.1, shuffled every epoch: 64-32-10 on the built-in digits (80 % of
the 1,797 images for training) with batch 32, and 784-128-64-10 on 10,000 random 28×28
images (MNIST's size; the speed does not depend on the pixels) with batch 64. PyTorch
trains the same layers (nn.Linear, nn.Tanh, CrossEntropyLoss on the logits, which is
softmax + cross-entropy; optim.SGD) on float32 tensors, timed interleaved with nnviz.

This is a script, not a test: pytest does not collect it (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

try:  # run from a checkout without installing: python benchmarks/engine.py
    import nnviz  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnviz.engine.datasets import Dataset, make_dataset
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer

LEARNING_RATE = 0.03
SMALL = (2, 8, 8, 1)
WIDE = (2, 64, 64, 64, 1)


@dataclass(frozen=True)
class Config:
    layers: tuple[int, ...]
    batch_size: int
    target_epochs_per_second: float | None  # None: no target
    target_ratio: float | None = None  # nnviz / plain


CONFIGS = (
    Config(SMALL, 1, None),
    Config(SMALL, 10, 1_100, 2.5),
    Config(SMALL, 100, 6_000),
    Config(SMALL, 500, 11_000),
    Config(WIDE, 10, 400),
)


@dataclass
class Row:
    layers: list[int]
    batch_size: int
    nnviz_epochs_per_second: float
    plain_epochs_per_second: float
    ratio: float
    target_epochs_per_second: float | None
    target_ratio: float | None
    meets_target: bool | None  # None: no target


IMAGE_LEARNING_RATE = 0.1


@dataclass(frozen=True)
class ImageConfig:
    layers: tuple[int, ...]
    data: str  # "digits" or "synthetic"
    batch_size: int


IMAGE_CONFIGS = (
    ImageConfig((64, 32, 10), "digits", 32),
    ImageConfig((784, 128, 64, 10), "synthetic", 64),
)


@dataclass
class ImageRow:
    layers: list[int]
    data: str
    train_samples: int
    batch_size: int
    nnviz_epochs_per_second: float
    torch_epochs_per_second: float | None  # None: PyTorch not installed
    ratio: float | None  # nnviz / PyTorch


# --------------------------------------------------------------------------- plain NumPy

class PlainNumpy:
    """The same training written the straightforward way: (B, n) arrays, fresh arrays
    every step, ``X @ W.T + b``, ``np.tanh``, ``1 / (1 + exp(-z))``, ``W -= lr * grad``."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                 batch_size: int, lr: float, seed: int = 0):
        self.W = [w.copy() for w in weights]  # (n_out, n_in)
        self.b = [b.copy() for b in biases]  # (n_out,)
        self.x, self.y = x, y  # (N, n_0), (N, 1)
        self.batch_size, self.lr = batch_size, lr
        self.rng = np.random.default_rng(seed)

    def step(self, xb: np.ndarray, yb: np.ndarray) -> None:
        W, b, last = self.W, self.b, len(self.W) - 1
        acts = [xb]
        for l in range(last + 1):
            z = acts[-1] @ W[l].T + b[l]
            acts.append(1.0 / (1.0 + np.exp(-z)) if l == last else np.tanh(z))
        y_hat = acts[-1]
        # mean over the batch of ½(ŷ − y)²: δ = (ŷ − y)·σ'(z) / B
        delta = (y_hat - yb) * y_hat * (1.0 - y_hat) / len(xb)
        for l in range(last, -1, -1):
            grad_w = delta.T @ acts[l]
            grad_b = delta.sum(axis=0)
            if l:
                delta = (delta @ W[l]) * (1.0 - acts[l] ** 2)
            W[l] -= self.lr * grad_w
            b[l] -= self.lr * grad_b

    def train_epochs(self, epochs: int) -> None:
        n, size = len(self.x), self.batch_size
        with np.errstate(over="ignore"):
            for _ in range(epochs):
                order = self.rng.permutation(n)
                x, y = self.x[order], self.y[order]
                for start in range(0, n, size):
                    self.step(x[start:start + size], y[start:start + size])


# --------------------------------------------------------------------------- setup

def make_nnviz(layers: tuple[int, ...], data, batch_size: int) -> Trainer:
    activations = ["tanh"] * (len(layers) - 2) + ["sigmoid"]
    network = Network(layers, activations, "mse")
    network.initialize("xavier", np.random.default_rng(0))
    return Trainer(network, data, TrainConfig(learning_rate=LEARNING_RATE, batch_size=batch_size), seed=0)


def make_plain(trainer: Trainer, data, batch_size: int) -> PlainNumpy:
    net = trainer.network
    return PlainNumpy(net.weights, net.biases, np.array(data.x_train), np.array(data.y_train)[:, None],
                      batch_size, LEARNING_RATE)


def check_same_training(data) -> float:
    """One full-batch epoch (order-free) from the same start: max |Δθ| between the two."""
    trainer = make_nnviz(SMALL, data, len(data.x_train))
    plain = make_plain(trainer, data, len(data.x_train))
    trainer.train_epochs(1)
    plain.train_epochs(1)
    net = trainer.network
    return max(float(np.abs(a - b).max()) for a, b in zip([*net.weights, *net.biases], [*plain.W, *plain.b]))


# --------------------------------------------------------------------------- timing

def calibrate(train: Callable[[int], object], seconds: float) -> int:
    """Epochs per repeat so that one repeat takes about ``seconds`` (also warms up)."""
    epochs = 1
    while True:
        start = time.perf_counter()
        train(epochs)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4:
            return max(1, round(epochs * seconds / elapsed))
        epochs *= 2 if elapsed <= 0 else min(8, max(2, int(seconds / 4 / elapsed) + 1))


def timed(train: Callable[[int], object], epochs: int) -> float:
    start = time.perf_counter()
    train(epochs)
    return epochs / (time.perf_counter() - start)


def bench(config: Config, data, repeats: int, seconds: float) -> Row:
    trainer = make_nnviz(config.layers, data, config.batch_size)
    plain = make_plain(trainer, data, config.batch_size)

    def run_nnviz(n: int) -> None:
        if not trainer.train_epochs(n):
            raise RuntimeError(f"nnviz diverged: {trainer.stopped}")

    n_nnviz = calibrate(run_nnviz, seconds)
    n_plain = calibrate(plain.train_epochs, seconds)
    nnviz_rates, plain_rates = [], []
    for _ in range(repeats):
        nnviz_rates.append(timed(run_nnviz, n_nnviz))
        plain_rates.append(timed(plain.train_epochs, n_plain))
    fast, slow = statistics.median(nnviz_rates), statistics.median(plain_rates)
    ratio = fast / slow
    meets = None
    if config.target_epochs_per_second is not None:
        meets = fast >= config.target_epochs_per_second and (
            config.target_ratio is None or ratio >= config.target_ratio)
    return Row(list(config.layers), config.batch_size, fast, slow, ratio,
               config.target_epochs_per_second, config.target_ratio, meets)


# --------------------------------------------------------------------------- image networks

def synthetic_images(n: int = 10_000, side: int = 28, seed: int = 0) -> Dataset:
    """n random side×side images (grey level / 255) with random digits 0..9, all for training."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, side * side)).astype(np.float64) / 255.0
    y = rng.integers(0, 10, n).astype(np.float64)
    names = tuple(f"px{r}_{c}" for r in range(side) for c in range(side))
    return Dataset("synthetic 28×28", "multiclass", x, y, x[:0], y[:0], names, 10, x, x[:0],
                   image_shape=(side, side))


def image_data(name: str) -> Dataset:
    return make_dataset("digits", test_fraction=0.2, seed=0) if name == "digits" else synthetic_images()


def make_image_nnviz(layers: tuple[int, ...], data: Dataset, batch_size: int) -> Trainer:
    network = Network(layers, ["tanh"] * (len(layers) - 2) + ["softmax"], "ce")
    network.initialize("xavier", np.random.default_rng(0))
    return Trainer(network, data, TrainConfig(learning_rate=IMAGE_LEARNING_RATE, batch_size=batch_size), seed=0)


def torch_version() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def make_torch(layers: tuple[int, ...], data: Dataset, batch_size: int) -> Callable[[int], None]:
    """train(epochs) for the same network in PyTorch on the CPU, float32 (PyTorch must be installed)."""
    import torch

    torch.manual_seed(0)
    modules: list = []
    for i in range(len(layers) - 1):
        modules.append(torch.nn.Linear(layers[i], layers[i + 1]))
        if i < len(layers) - 2:
            modules.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*modules)
    x = torch.tensor(np.array(data.x_train), dtype=torch.float32)  # a writable copy: torch warns on read-only
    y = torch.tensor(np.array(data.y_train), dtype=torch.long)
    optimizer = torch.optim.SGD(model.parameters(), lr=IMAGE_LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()  # on the logits: softmax + mean cross-entropy
    generator = torch.Generator().manual_seed(0)

    def train(epochs: int) -> None:
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            xs, ys = x[order], y[order]
            for start in range(0, len(x), batch_size):
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(xs[start:start + batch_size]), ys[start:start + batch_size]).backward()
                optimizer.step()

    return train


def bench_image(config: ImageConfig, repeats: int, seconds: float, with_torch: bool) -> ImageRow:
    data = image_data(config.data)
    trainer = make_image_nnviz(config.layers, data, config.batch_size)

    def run_nnviz(n: int) -> None:
        if not trainer.train_epochs(n):
            raise RuntimeError(f"nnviz diverged: {trainer.stopped}")

    runs = {"nnviz": run_nnviz}
    if with_torch:
        runs["torch"] = make_torch(config.layers, data, config.batch_size)
    epochs = {name: calibrate(train, seconds) for name, train in runs.items()}
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, train in runs.items():  # interleaved, so load changes hit both alike
            rates[name].append(timed(train, epochs[name]))
    fast = statistics.median(rates["nnviz"])
    other = statistics.median(rates["torch"]) if with_torch else None
    return ImageRow(list(config.layers), data.name, data.n_train, config.batch_size, fast, other,
                    None if other is None else fast / other)


def image_table(rows: list[ImageRow]) -> str:
    head = f"{'network':<16}{'data':<32}{'batch':>6}{'nnviz ep/s':>13}   PyTorch CPU float32 ep/s"
    lines = [head, "-" * len(head)]
    for row in rows:
        theirs = ("PyTorch not installed" if row.torch_epochs_per_second is None
                  else f"{row.torch_epochs_per_second:>10,.1f}   nnviz / PyTorch {row.ratio:.2f}×")
        data = f"{row.data} ({row.train_samples:,} train)"
        lines.append(f"{'-'.join(map(str, row.layers)):<16}{data:<32}{row.batch_size:>6}"
                     f"{row.nnviz_epochs_per_second:>13,.1f}   {theirs}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- output

def target_text(row: Row) -> str:
    if row.target_epochs_per_second is None:
        return "(no target)"
    text = f"≥{row.target_epochs_per_second:,.0f}"
    if row.target_ratio is not None:
        text += f", ≥{row.target_ratio:g}×"
    return f"{text}  {'ok' if row.meets_target else 'MISSED'}"


def table(rows: list[Row]) -> str:
    head = f"{'network':<16}{'batch':>6}{'nnviz ep/s':>13}{'plain ep/s':>13}{'ratio':>8}   target"
    lines = [head, "-" * (len(head) + 22)]
    for row in rows:
        lines.append(f"{'-'.join(map(str, row.layers)):<16}{row.batch_size:>6}"
                     f"{row.nnviz_epochs_per_second:>13,.0f}{row.plain_epochs_per_second:>13,.0f}"
                     f"{row.ratio:>7.2f}×   {target_text(row)}")
    return "\n".join(lines)


def environment() -> dict:
    return {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine(),
            "cpus": os.cpu_count(), "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (rough figures)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per configuration (default 7)")
    parser.add_argument("--seconds", type=float, default=None, help="length of one repeat (default 0.3 s)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    seconds = args.seconds or (0.02 if args.quick else 0.3)

    data = make_dataset("spiral", samples=1000, test_fraction=0.5, seed=0)
    difference = check_same_training(data)
    if difference > 1e-9:
        print(f"benchmark is broken: the plain NumPy training differs from nnviz's by {difference:.2e}",
              file=sys.stderr)
        return 1
    if not args.json:
        env = environment()
        print(f"nnviz engine benchmark: spiral, {len(data.x_train)} training points, tanh hidden layers, "
              f"sigmoid output, mse, SGD lr {LEARNING_RATE}")
        print(f"Python {env['python']}, NumPy {env['numpy']}, {env['machine']}, {env['cpus']} CPUs, "
              f"OPENBLAS_NUM_THREADS={env['openblas_threads'] or '(unset)'}; "
              f"median of {repeats} repeats of ~{seconds:g} s{' (--quick: rough figures)' if args.quick else ''}")
        print(f"plain NumPy reproduces nnviz's training (max |Δθ| after one full-batch epoch: {difference:.1e})")
        print()
    rows = []
    for config in CONFIGS:
        rows.append(bench(config, data, repeats, seconds))
        if not args.json:
            print(table(rows).splitlines()[-1] if len(rows) > 1 else table(rows), flush=True)
    torch = torch_version()
    if not args.json:
        print()
        print(f"image networks: tanh hidden layers, softmax output, cross-entropy, SGD lr {IMAGE_LEARNING_RATE}; "
              f"{'PyTorch ' + torch if torch else 'PyTorch not installed'}")
    image_rows = []
    for config in IMAGE_CONFIGS:
        image_rows.append(bench_image(config, repeats, seconds, with_torch=torch is not None))
        if not args.json:
            print(image_table(image_rows).splitlines()[-1] if len(image_rows) > 1 else image_table(image_rows),
                  flush=True)
    if args.json:
        print(json.dumps({"quick": args.quick, "repeats": repeats, "seconds_per_repeat": seconds,
                          "train_samples": len(data.x_train), "environment": {**environment(), "torch": torch},
                          "max_param_difference": difference, "rows": [asdict(r) for r in rows],
                          "image_rows": [asdict(r) for r in image_rows]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
