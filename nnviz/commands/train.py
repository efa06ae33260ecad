"""``nnviz train``: train a network headless, with a live progress bar on stderr.

A new network (--layers, --activation, …), or ``--model FILE`` (.json or .onnx), whose
architecture and weights are trained on as they are: N epochs and then N more from the
saved file are, with plain SGD and full batches, the same as 2N epochs in one run.
"""

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
from nnviz.engine.heads import output_head
from nnviz.engine.model_io import is_onnx, load_model, save_model
from nnviz.engine.onnx_io import require_onnx
from nnviz.engine.network import Network
from nnviz.engine.stop_signals import Stopped, stop_on_signals
from nnviz.engine.trainer import TrainConfig, Trainer

#: How often the progress bar re-evaluates the loss (seconds).
PROGRESS_INTERVAL = 0.2


#: The architecture options' defaults; with --model the architecture comes from the file instead.
ARCHITECTURE_DEFAULTS = {"layers": "2,8,8,1", "activation": "tanh", "output_activation": "sigmoid", "init": "xavier"}
LOSS_DEFAULT = "mse"


def add_arguments(train) -> None:
    """``nnviz train``'s options. The architecture's default None means "not given", so that
    --model can refuse them; ``build_network`` fills in ARCHITECTURE_DEFAULTS."""
    from nnviz.engine.activations import HIDDEN_ACTIVATIONS as ACTIVATION_NAMES
    from nnviz.engine.initializers import ALIASES, INITIALIZERS
    from nnviz.engine.losses import LOSSES
    from nnviz.engine.optimizers import OPTIMIZERS

    init_names, default = (*INITIALIZERS, *ALIASES), ARCHITECTURE_DEFAULTS
    train.add_argument("--dataset", default="spiral", help="a built-in dataset name (digits too), a CSV file or an "
                       "MNIST-format IDX images file (default spiral)")
    train.add_argument("--samples", type=int, default=500, help="number of samples (default 500)")
    train.add_argument("--noise", type=float, default=0.0, help="noise level 0..1 (default 0)")
    train.add_argument("--test-fraction", type=float, default=None,
                       help="fraction held out for testing (default 0.5; 0 for CSV files)")
    train.add_argument("--features", help="input features, e.g. x1,x2,x1^2,x1*x2,sin(x1) (default x1,x2)")
    train.add_argument("--standardize", action="store_true", help="z-score the features (train mean and std)")
    train.add_argument("--model", metavar="FILE", help="start from this model file (.json or .onnx): its "
                       "architecture and weights, not a new network")
    train.add_argument("--layers", help="units per layer, input first (default: the data's inputs,8,8,outputs, "
                       "e.g. 2,8,8,1)")
    train.add_argument("--activation", choices=ACTIVATION_NAMES, metavar="NAME",
                       help=f"hidden activation: {', '.join(ACTIVATION_NAMES)} (default {default['activation']})")
    train.add_argument("--output-activation", choices=(*ACTIVATION_NAMES, "softmax"), metavar="NAME",
                       help=f"output activation (default {default['output_activation']}; softmax for 3 or more "
                       "classes)")
    train.add_argument("--loss", choices=tuple(LOSSES),
                       help=f"loss (default {LOSS_DEFAULT}; ce for 3 or more classes; with --model the model's)")
    train.add_argument("--optimizer", default="sgd", choices=tuple(OPTIMIZERS), help="optimizer (default sgd)")
    train.add_argument("--lr", type=float, default=0.03, help="learning rate (default 0.03)")
    train.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default 10)")
    train.add_argument("--epochs", type=int, default=500, help="epochs (default 500)")
    train.add_argument("--init", choices=init_names, metavar="NAME",
                       help=f"initializer: {', '.join(init_names)} (default {default['init']})")
    train.add_argument("--l1", type=float, default=0.0, help="L1 regularization rate (default 0)")
    train.add_argument("--l2", type=float, default=0.0, help="L2 regularization rate (default 0)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--save", metavar="MODEL.json", help="save the trained model (atomically; .onnx: as ONNX)")
    train.add_argument("--force", action="store_true", help="let --save replace an existing file")
    train.add_argument("--save-diverged", action="store_true",
                       help="with --save: save the model even if training diverged (it is not, by default)")
    train.add_argument("--json", action="store_true", help="print one JSON summary object")


def build_network(args, data: Dataset) -> Network:
    """The network to train: --model's (its weights as they are), or a new one initialized from --layers etc.

    Not given: --layers is n_in,8,8,n_out for the data (one output, or one per class of 3 or
    more); the output activation and the loss, when neither is given, follow the app's head
    rule (engine.heads: several classes → softmax and cross-entropy, else sigmoid and mse)."""
    n_inputs = data.x_train.shape[1]
    if args.model:
        return model_network(args, n_inputs)
    given = {key: getattr(args, key) for key in ARCHITECTURE_DEFAULTS}
    arch = {key: value if value is not None else ARCHITECTURE_DEFAULTS[key] for key, value in given.items()}
    loss = args.loss or LOSS_DEFAULT
    if args.output_activation is None and args.loss is None:
        head = output_head(data.task, data.num_classes, arch["output_activation"], loss)
        arch["output_activation"], loss = head.activation, head.loss
    if args.layers is None:
        arch["layers"] = f"{n_inputs},8,8,{output_head(data.task, data.num_classes).outputs}"
    layers = int_list(arch["layers"], "--layers")
    if layers and layers[0] != n_inputs:
        raise NnvizError(f"--layers starts with {layers[0]} inputs but the data has {n_inputs} features; "
                         f"start it with {n_inputs}")
    activations = [arch["activation"]] * (len(layers) - 2) + [arch["output_activation"]]
    network = Network(layers, activations, loss)
    network.initialize(arch["init"], np.random.default_rng(args.seed))
    return network


def model_network(args, n_inputs: int) -> Network:
    """--model's network: refused with an architecture option, or when its inputs do not fit the data;
    --loss, if given, replaces the model's loss (the weights stay)."""
    for key in ARCHITECTURE_DEFAULTS:
        if getattr(args, key) is not None:
            option = "--" + key.replace("_", "-")
            raise NnvizError(f"{option} cannot be used with --model: the architecture and weights come from "
                             f"{args.model}")
    network = load_model(args.model)
    if network.layers[0] != n_inputs:
        raise NnvizError(f"--model {args.model} takes {network.layers[0]} inputs but the dataset has {n_inputs} "
                         "features")
    if args.loss is not None and args.loss != network.loss_name:
        network = Network(network.layers, network.activation_names, args.loss, network.params)
    return network


def check_save_target(path: str | None, force: bool, label: str = "--save ") -> None:
    """Refuse up front, before training, to overwrite a file or write into a missing or read-only folder;
    messages start with ``label`` and the path."""
    if path is None:
        return
    target = Path(path)
    what = f"{label}{path}"
    if target.is_dir():
        raise NnvizError(f"{what}: is a folder")
    if is_onnx(target):
        require_onnx("saving")  # before training: a run must not end unsaved for want of a package
    if target.exists() and not force:
        raise NnvizError(f"{what}: the file exists; add --force to replace it")
    if not folder_of(target).is_dir():
        raise NnvizError(f"{what}: the folder {folder_of(target)} does not exist")
    probe_folder(folder_of(target), what)  # read-only folder or mount: refuse before training


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
    network = build_network(args, data)
    data.check_loss(network.loss_name)  # float labels with bce: refused, not trained into nonsense
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
