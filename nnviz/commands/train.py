"""``nnviz train``: train a network headless, with a live progress bar on stderr."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from nnviz.commands.args import int_list, load_dataset
from nnviz.engine.atomic_files import folder_of, probe_folder
from nnviz.engine.datasets import Dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import save_model
from nnviz.engine.network import Network
from nnviz.engine.stop_signals import Stopped, stop_on_signals
from nnviz.engine.trainer import TrainConfig, Trainer

#: How often the progress bar re-evaluates the loss (seconds).
PROGRESS_INTERVAL = 0.2


def build_network(args, n_inputs: int) -> Network:
    layers = int_list(args.layers, "--layers")
    if layers and layers[0] != n_inputs:
        raise NnvizError(f"--layers starts with {layers[0]} inputs but the data has {n_inputs} features; "
                         f"start it with {n_inputs}")
    activations = [args.activation] * (len(layers) - 2) + [args.output_activation]
    network = Network(layers, activations, args.loss)
    network.initialize(args.init, np.random.default_rng(args.seed))
    return network


def check_save_target(path: str | None, force: bool) -> None:
    """Refuse up front, before training, to overwrite a file or write into a missing or read-only folder."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise NnvizError(f"--save {path}: is a folder")
    if target.exists() and not force:
        raise NnvizError(f"--save {path}: the file exists; add --force to replace it")
    if not folder_of(target).is_dir():
        raise NnvizError(f"--save {path}: the folder {folder_of(target)} does not exist")
    probe_folder(folder_of(target), f"--save {path}")  # read-only folder or mount: refuse before training


def train_with_progress(trainer: Trainer, epochs: int, quiet: bool) -> float:
    """Run ``epochs`` epochs in chunks, updating a progress bar with the loss; returns seconds spent training."""
    spent = 0.0
    chunk = 1
    with tqdm(total=epochs, file=sys.stderr, unit="epoch", dynamic_ncols=True, disable=quiet,
              mininterval=PROGRESS_INTERVAL) as bar:
        while trainer.epoch < epochs:
            n = min(chunk, epochs - trainer.epoch)
            start = time.perf_counter()
            ok = trainer.train_epochs(n)
            elapsed = time.perf_counter() - start
            spent += elapsed
            bar.update(n)
            if not ok:
                break
            # aim for one progress update per interval, whatever the speed
            chunk = max(1, min(int(chunk * PROGRESS_INTERVAL / max(elapsed, 1e-6)), chunk * 4))
            if not quiet:
                bar.set_postfix(loss=f"{trainer.evaluate()[0]:.4f}", refresh=False)
    return spent


def summary_text(network: Network, data: Dataset, epochs: int, seconds: float, result) -> str:
    train_loss, test_loss, train_acc, test_acc = result
    rate = epochs / seconds if seconds > 0 else float("inf")
    lines = [f"trained {network.describe()} on {data.name} ({len(data.x_train)} train, "
             f"{len(data.x_test)} test samples) for {epochs} epochs in {seconds:.2f} s ({rate:,.0f} epochs/s)"]
    losses = f"train loss {train_loss:.4f}" + (f", test loss {test_loss:.4f}" if test_loss is not None else "")
    if train_acc is not None:
        losses += f"; train accuracy {100 * train_acc:.1f} %"
        if test_acc is not None:
            losses += f", test accuracy {100 * test_acc:.1f} %"
    return "\n".join([*lines, losses])


def save_diverged(network: Network, args) -> str:
    """After a divergence: save the model only if --save-diverged asks (and its weights are
    finite); the end of the one stderr line saying what became of --save."""
    if not args.save_diverged:
        return f"{args.save} was not saved (add --save-diverged to save a diverged model)"
    if not np.isfinite(network.params).all():
        return f"{args.save} was not saved: the weights are NaN or infinite"
    save_model(network, args.save)
    return f"saved the diverged model to {args.save} (--save-diverged)"


def run_train(args) -> int:
    """Train (and save); Ctrl+C, SIGTERM and SIGHUP stop it alike: one line, --save not written."""
    with stop_on_signals():
        try:
            return _train(args)
        except Stopped as stop:
            note = f"; {args.save} was not saved" if args.save else ""
            print(f"nnviz train: {stop.description}{note}", file=sys.stderr)
            return stop.exit_status


def _train(args) -> int:
    if args.epochs < 1:
        raise NnvizError("--epochs must be ≥ 1")
    if not 2 <= args.samples <= 100_000:
        raise NnvizError("--samples must be between 2 and 100000")
    if args.save_diverged and not args.save:
        raise NnvizError("--save-diverged needs --save MODEL.json")
    check_save_target(args.save, args.force)
    data = load_dataset(args)
    data.check_loss(args.loss)  # float labels with bce: refused, not trained into nonsense
    network = build_network(args, data.x_train.shape[1])
    config = TrainConfig(learning_rate=args.lr, batch_size=args.batch_size, optimizer=args.optimizer,
                         l1=args.l1, l2=args.l2)
    trainer = Trainer(network, data, config, seed=args.seed)
    seconds = train_with_progress(trainer, args.epochs, quiet=False)
    if trainer.stopped:
        note = f"; {save_diverged(network, args)}" if args.save else ""
        print(f"nnviz train: {trainer.stopped}{note}", file=sys.stderr)
        return 1
    result = trainer.evaluate()
    if args.save:
        save_model(network, args.save)
    if args.json:
        train_loss, test_loss, train_acc, test_acc = result
        print(json.dumps({
            "epochs": trainer.epoch, "train_loss": train_loss, "test_loss": test_loss,
            "train_accuracy": train_acc, "test_accuracy": test_acc,
            "train_samples": int(len(data.x_train)),
            "epochs_per_second": trainer.epoch / seconds if seconds > 0 else None,
        }))
    else:
        print(summary_text(network, data, trainer.epoch, seconds, result))
        if args.save:
            print(f"saved the model to {args.save}")
    return 0
