"""The trainer: mini-batch gradient descent as a generator of frozen snapshots.

    trainer = Trainer(network, dataset, TrainConfig(learning_rate=0.03, batch_size=10), seed=0)
    for snap in trainer.run(granularity="batch", every=10):   # a worker thread can drive this
        show(snap)
    trainer.train_epochs(100)                                  # the fast path, no snapshots

One epoch shuffles the training set (with the trainer's own ``numpy.random.Generator``)
and takes ⌈N / B⌉ steps; a step is forward, backward, regularization, optimizer update.
The same network, data, config and seed give the same run bit for bit, whatever the
granularity of the snapshots a consumer asks for.

A consumer may ``send`` a new TrainConfig into the generator between steps; a new
optimizer name starts a fresh optimizer state, other fields apply from the next step.

Training stops, ``stopped`` saying why and what probably caused it, once the weights or the
loss are NaN/∞ or have exploded (engine.divergence; a snapshot also judges its loss, so a
run watched often can be stopped a little earlier than the fast path).
"""

from __future__ import annotations

import copy
import functools
import time
from collections.abc import Callable, Generator

import numpy as np

from nnviz.engine.batches import BatchBlocks
from nnviz.engine.classes import predicted_classes
from nnviz.engine.divergence import DivergenceWatch, diverged_message
from nnviz.engine.errors import NnvizError
from nnviz.engine.metric_budget import MetricBudget
from nnviz.engine.network import Network, Trace
from nnviz.engine.optimizers import add_regularization, make_optimizer
from nnviz.engine.snapshot import Snapshot, epoch_position, read_only_copy
from nnviz.engine.train_config import TrainConfig
from nnviz.engine.trainer_state import TrainerState

#: Units a run can yield a snapshot after (the app adds "phase" for its Step).
GRANULARITIES = ("sample", "batch", "epoch")


def accuracy(y_hat: np.ndarray, labels: np.ndarray) -> float | None:
    """Fraction classified right: ŷ > 0.5 for one output, argmax for several. labels: (B,)."""
    if len(labels) == 0:
        return None
    return float(np.mean(predicted_classes(y_hat) == labels))


class Trainer:
    """Trains ``network`` on ``dataset`` (a nnviz.engine.datasets.Dataset)."""

    def __init__(self, network: Network, dataset, config: TrainConfig | None = None, seed: int = 0):
        self.network = network
        self.dataset = dataset
        self.config = config or TrainConfig()
        self.rng = np.random.default_rng(seed)
        n_out = network.layers[-1]
        if dataset.x_train.shape[1] != network.layers[0]:
            raise NnvizError(
                f"the network takes {network.layers[0]} inputs but the data has "
                f"{dataset.x_train.shape[1]} features"
            )
        self.classification = dataset.task != "regression"
        self.y_train = np.ascontiguousarray(dataset.targets("train", n_out), dtype=np.float64)
        self.y_test = np.ascontiguousarray(dataset.targets("test", n_out), dtype=np.float64)
        self.x_train = np.asarray(dataset.x_train, dtype=np.float64)
        self.x_test = np.asarray(dataset.x_test, dtype=np.float64)
        self.n_train = self.x_train.shape[0]
        if self.n_train == 0:
            raise NnvizError("the training set is empty")
        # the rows [x, 1, y] of the training set, permuted in place at each epoch start
        self._rows = np.hstack([self.x_train, np.ones((self.n_train, 1)), self.y_train])
        self._perm = np.arange(self.n_train)
        self._blocks = BatchBlocks(self._rows, self.x_train.shape[1] + 1)
        self._shuffled_key = (-1, -1)  # (epoch, batch size) the blocks were last shuffled for
        self._reg_tmp = np.empty(network.size)
        self.optimizer = make_optimizer(self.config.optimizer, network.size)
        self.step = 0
        self.epoch = 0
        self.batch = 0  # batches done in the current epoch
        self.stopped: str | None = None
        self._watch = DivergenceWatch()  # explosions short of NaN (engine.divergence)
        self._metrics = MetricBudget()  # the last evaluation, for display-rate snapshots

    # ---- configuration -----------------------------------------------------------------

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.n_train // min(self.config.batch_size, self.n_train))

    def configure(self, config: TrainConfig) -> None:
        """Apply a new config from the next step on; a new optimizer starts from fresh state."""
        if config.optimizer != self.config.optimizer:
            self.optimizer = make_optimizer(config.optimizer, self.network.size)
        if config.batch_size != self.config.batch_size and self.batch:
            self.batch = 0  # a new batch size starts a new epoch's shuffle
            self.epoch += 1
        self.config = config

    # ---- the hot loop ------------------------------------------------------------------

    def _shuffle(self) -> None:
        """Permute the training set (the trainer's rng) for this epoch's batches (engine.batches
        cuts them: narrow rows now, wide ones as the steps reach them)."""
        self.rng.shuffle(self._perm)
        self._blocks.cut(self._perm, min(self.config.batch_size, self.n_train))

    def _ensure_shuffled(self) -> None:
        """Shuffle once per epoch (and batch size), whichever way the epoch is stepped through;
        before a run's first step, note where it starts for the divergence watch."""
        if not self._watch.started:
            budget = self._metrics  # the last evaluation's loss when it is of this step: 784 inputs take ~0.15 s
            loss = budget.values[0] if budget.values is not None and budget.step == self.step else self._train_loss()
            self._watch.start(loss, float(np.abs(self.network.params).max()))
        key = (self.epoch, min(self.config.batch_size, self.n_train))
        if key != self._shuffled_key:
            self._shuffle()
            self._shuffled_key = key

    def current_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The mini-batch the next step trains on: inputs (B, d) and targets (B, k), copies.
        Shuffles first if this epoch was not shuffled yet (``peek_batch`` never does)."""
        self._ensure_shuffled()
        return self.peek_batch()

    def peek_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the mini-batch the next ``step_batch()`` trains on, x (B, d) and y (B, k),
        changing no state: a due shuffle is done on copies of the permutation and generator.

        Batch k of an epoch is the training rows perm[k·B : (k+1)·B], B = min(batch_size, n).
        """
        size = min(self.config.batch_size, self.n_train)
        perm = self._perm
        if (self.epoch, size) != self._shuffled_key:
            perm = perm.copy()
            copy.deepcopy(self.rng).shuffle(perm)  # the very shuffle the next step will make
        rows = self._rows[perm[self.batch * size:(self.batch + 1) * size]]
        d = self.x_train.shape[1]
        return rows[:, :d].copy(), rows[:, d + 1:].copy()

    def step_batch(self) -> None:
        """One optimizer step on ``current_batch()`` (the GUI's Step; same numbers as ``run``)."""
        self._ensure_shuffled()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._compute_batch_grads(self.batch)
            self._apply_update()
        self._check_diverged()

    def _compute_batch_grads(self, i: int) -> None:
        net = self.network
        (xb,), (yb,) = self._blocks.blocks(i, i + 1)
        ws = net.workspace(xb.shape[1])
        net.forward_into(xb, ws)
        net.backward_into(xb, yb, ws)
        cfg = self.config
        if cfg.l1 or cfg.l2:
            add_regularization(net.grads, net.params, net.weight_mask, cfg.l1, cfg.l2, self._reg_tmp)

    def _apply_update(self) -> None:
        self.optimizer.step(self.network.params, self.network.grads, self.config.lr_at(self.epoch))
        self.step += 1
        self.batch += 1
        if self.batch >= self.batches_per_epoch:
            self.batch = 0
            self.epoch += 1

    def _run_batches(self, count: int) -> None:
        """Take ``count`` optimizer steps (fewer if an epoch ends), no snapshots, no checks."""
        net, opt, cfg = self.network, self.optimizer, self.config
        params, grads, mask, reg_tmp = net.params, net.grads, net.weight_mask, self._reg_tmp
        lr = cfg.lr_at(self.epoch)
        reg = cfg.l1 or cfg.l2
        forward, backward, workspace = net.forward_into, net.backward_into, net.workspace
        self._ensure_shuffled()
        n_batches = len(self._blocks)
        stop = min(self.batch + count, n_batches)
        for xb, yb in zip(*self._blocks.blocks(self.batch, stop)):
            ws = workspace(xb.shape[1])
            forward(xb, ws)
            backward(xb, yb, ws)
            if reg:
                add_regularization(grads, params, mask, cfg.l1, cfg.l2, reg_tmp)
            opt.step(params, grads, lr)
        self.step += stop - self.batch
        self.batch = stop
        if stop == n_batches:
            self.batch = 0
            self.epoch += 1

    def _check_diverged(self) -> bool:
        """False (and ``stopped`` set) once the weights are NaN/∞ or ran away (engine.divergence);
        the loss is evaluated only past the watch's weight gate."""
        peak = float(np.abs(self.network.params).max())  # NaN propagates: one pass checks both
        if not np.isfinite(peak):
            return self._stop("the weights became NaN or infinite")
        symptom = self._watch.symptom(self._train_loss(), peak, self.step) if self._watch.past_gate(peak) else None
        return self._stop(symptom) if symptom else True

    def _stop(self, symptom: str) -> bool:
        self.stopped = diverged_message(self.step, self.epoch, symptom, self.config)
        self._watch.reset()  # training on from here (after an edit) starts a new watch
        self._metrics.forget()
        return False

    def clear_stop(self) -> None:
        """Forget a divergence: training may go on from the weights as they are, as a new run."""
        self.stopped = None
        self._watch.reset()
        self._metrics.forget()

    def train_epochs(self, epochs: int) -> bool:
        """Train ``epochs`` whole epochs as fast as possible; False (and ``stopped`` set) on divergence."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(epochs):
                self._run_batches(self.batches_per_epoch)
                if not self._check_diverged():
                    return False
        return True

    # ---- state ---------------------------------------------------------------------------

    def state(self) -> TrainerState:
        """Where training stands (see TrainerState); params, grads and the optimizer keep theirs."""
        key = self._shuffled_key
        return TrainerState(step=self.step, epoch=self.epoch, batch=self.batch, stopped=self.stopped,
                            permutation=read_only_copy(self._perm), shuffled_for=None if key[1] < 1 else key,
                            rng=self.rng.bit_generator.state)

    def load_state(self, state: TrainerState) -> None:
        """Go on from ``state`` (from a trainer on the same data); no randomness is used."""
        if state.permutation.shape != self._perm.shape:
            raise NnvizError(f"the state orders {state.permutation.size} training rows, this trainer has {self.n_train}")
        self.step, self.epoch, self.batch, self.stopped = state.step, state.epoch, state.batch, state.stopped
        self._watch.reset()  # the restored run starts its watch afresh at its next step
        self._metrics.forget()
        self.rng.bit_generator.state = state.rng
        self._perm[...] = state.permutation
        if state.shuffled_for is not None:
            self._blocks.cut(self._perm, state.shuffled_for[1])
        self._shuffled_key = state.shuffled_for or (-1, -1)

    # ---- snapshots -----------------------------------------------------------------------

    def _train_loss(self) -> float:
        """The mean loss over the training set."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self.network.loss_value(self.x_train, self.y_train)

    def evaluate(self, network: Network | None = None) -> tuple[float, float | None, float | None, float | None]:
        """(train loss, test loss, train accuracy, test accuracy) of ``network`` (default: the
        one trained) over the whole sets (mean loss). Reads only the data: a copy of the
        network may be evaluated in another thread."""
        net = self.network if network is None else network
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # one forward pass per set
            y_hat, train_loss = net.outputs_and_loss(self.x_train, self.y_train)
            train_acc = accuracy(y_hat, self.dataset.y_train) if self.classification else None
            test_loss = test_acc = None
            if len(self.x_test):
                y_hat, test_loss = net.outputs_and_loss(self.x_test, self.y_test)
                if self.classification:
                    test_acc = accuracy(y_hat, self.dataset.y_test)
        return train_loss, test_loss, train_acc, test_acc

    def snapshot(self, sample_index: int | None = None, sample_trace: Trace | None = None,
                 display_rate: bool = False) -> Snapshot:
        """The state now; ``display_rate``: for a display that shows the latest state, the loss
        and accuracy may be an earlier step's (engine.metric_budget: a dear evaluation runs in
        the background), fresh_metrics False and metrics_epoch saying which."""
        budget = self._metrics
        position = epoch_position(self.epoch, self.batch, self.batches_per_epoch)
        new = display_rate and budget.collect()
        due = not display_rate or budget.affordable(self.step)
        if due and (not display_rate or budget.cheap):
            started = time.perf_counter()
            budget.record(self.evaluate(), self.step, started, time.perf_counter(), position)
            new = True
        elif due and not budget.busy:
            budget.evaluate_in_background(functools.partial(self.evaluate, self.network.copy()), self.step, position)
        train_loss, test_loss, train_acc, test_acc = budget.values
        fresh, metrics_epoch = budget.step == self.step, budget.position  # before a stop forgets them
        if self.stopped is None and new:
            symptom = (self._watch.symptom(train_loss, float(np.abs(self.network.params).max()), budget.step)
                       if np.isfinite(train_loss) else "the loss became NaN or infinite")
            if symptom:
                self._stop(symptom)
        return Snapshot(
            step=self.step, epoch=self.epoch, batch=self.batch, layers=self.network.layers,
            params=read_only_copy(self.network.params), grads=read_only_copy(self.network.grads),
            learning_rate=self.config.lr_at(self.epoch), train_loss=train_loss, test_loss=test_loss,
            train_accuracy=train_acc, test_accuracy=test_acc, sample_index=sample_index,
            sample_trace=sample_trace, stopped=self.stopped, config=self.config, fresh_metrics=fresh,
            metrics_epoch=metrics_epoch,
        )

    def _sample_steps(self) -> Generator[tuple[int, Trace], None, None]:
        """One mini-batch shown sample by sample: each sample's own trace, then the update
        with the batch gradient (so the run is the same as with granularity "batch")."""
        self._ensure_shuffled()
        i = self.batch
        (xb,), (yb,) = self._blocks.blocks(i, i + 1)
        size = min(self.config.batch_size, self.n_train)
        for j in range(xb.shape[1]):
            yield int(self._perm[i * size + j]), self.network.trace(xb[:-1, j:j + 1].T, yb[:, j:j + 1].T)
        self._compute_batch_grads(i)
        self._apply_update()

    def run(self, granularity: str = "batch", every: int = 1, every_seconds: float | None = None,
            max_epochs: int | None = None,
            ready: Callable[[], bool] | None = None) -> Generator[Snapshot, TrainConfig | None, None]:
        """Yield a Snapshot after every ``every`` units of ``granularity`` ("sample", "batch",
        "epoch"), or, with ``every_seconds``, after the first unit that ends that long after the
        previous snapshot (what a GUI showing the latest state at the display rate wants).
        ``ready()``, asked after every unit, holds a snapshot back while it is False, training
        on: a consumer that sets its own pace (the GUI's worker, by how long frames take).

        Ends after ``max_epochs`` completed epochs, or right after a snapshot whose
        ``stopped`` says why training diverged. ``send(TrainConfig)`` changes the config.
        """
        if granularity not in GRANULARITIES:
            raise NnvizError(f"unknown granularity {granularity!r}; choose one of: {', '.join(GRANULARITIES)}")
        if every < 1:
            raise NnvizError("'every' must be ≥ 1")
        done = 0
        last = time.perf_counter()
        while max_epochs is None or self.epoch < max_epochs:
            if granularity == "sample":
                pending = None  # a new config waits for the end of the batch being shown
                steps = self._sample_steps()
                while True:
                    # errstate around the computing only, never around a yield: the consumer's
                    # context (possibly another thread) keeps its own floating-point settings
                    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                        item = next(steps, None)
                    if item is None:
                        break
                    index, trace = item
                    done += 1
                    now = time.perf_counter()
                    if (now - last < every_seconds) if every_seconds is not None else done % every:
                        continue
                    snap = self.snapshot(index, trace, display_rate=every_seconds is not None)
                    pending = (yield snap) or pending
                    last = time.perf_counter()  # count training time, not the consumer's
                    if snap.stopped:
                        return
                if pending is not None:
                    self.configure(pending)
                if not self._check_diverged():
                    yield self.snapshot()
                    return
                continue
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if granularity == "batch":
                    self._run_batches(1)
                else:
                    self._run_batches(self.batches_per_epoch - self.batch)
            done += 1
            healthy = self._check_diverged()
            now = time.perf_counter()
            due = (now - last >= every_seconds) if every_seconds is not None else done % every == 0
            if not healthy or (ready is None or ready()) and due:
                snap = self.snapshot(display_rate=healthy and every_seconds is not None)
                config = yield snap
                last = time.perf_counter()  # count training time, not the consumer's
                if snap.stopped:
                    return
                if config is not None:
                    self.configure(config)
