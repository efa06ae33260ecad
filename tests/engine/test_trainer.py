"""Trainer: determinism, granularities, snapshots, config changes, divergence, learning."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.trainer import Snapshot, TrainConfig, Trainer, accuracy


def make_trainer(dataset="xor", layers=(2, 4, 1), acts=("tanh", "sigmoid"), loss="bce",
                 samples=50, seed=0, init_seed=0, config=None, **data_kwargs) -> Trainer:
    ds = make_dataset(dataset, samples=samples, seed=0, **data_kwargs)
    net = Network(list(layers), list(acts), loss)
    net.initialize("xavier", np.random.default_rng(init_seed))
    return Trainer(net, ds, config or TrainConfig(learning_rate=0.1, batch_size=10), seed=seed)


def last(gen):
    snap = None
    for snap in gen:
        pass
    return snap


# ---- determinism -------------------------------------------------------------------------------

def test_same_seed_bit_identical_and_different_seed_differs():
    a, b, c = make_trainer(seed=3), make_trainer(seed=3), make_trainer(seed=4)
    for t in (a, b, c):
        assert t.train_epochs(20)
    np.testing.assert_array_equal(a.network.params, b.network.params)
    assert not np.array_equal(a.network.params, c.network.params)
    # the shuffling seed, not the initialization, is what differs
    assert a.epoch == c.epoch == 20
    assert a.step == 20 * a.batches_per_epoch


GRANULARITY_CONFIGS = [
    TrainConfig(learning_rate=0.1, batch_size=10),
    TrainConfig(learning_rate=0.05, batch_size=7, optimizer="adam", l2=0.01, l1=0.001),
    TrainConfig(learning_rate=0.2, batch_size=4, optimizer="nesterov", schedule="step", schedule_step=1),
]


@pytest.mark.parametrize("config", GRANULARITY_CONFIGS)
def test_granularities_bit_identical(config):
    """samples=50, test fraction ½: 25 training rows, so the last batch is shorter."""
    results = {}
    for gran in ("sample", "batch", "epoch"):
        t = make_trainer(config=config, seed=1)
        snap = last(t.run(gran, max_epochs=3))
        assert t.epoch == 3
        results[gran] = (t.network.params.copy(), t.step)
        if gran != "sample":
            np.testing.assert_array_equal(snap.params, t.network.params)
    fast = make_trainer(config=config, seed=1)
    assert fast.train_epochs(3)
    results["train_epochs"] = (fast.network.params.copy(), fast.step)
    ref_params, ref_step = results["batch"]
    assert ref_step == 3 * -(-25 // config.batch_size)
    for gran, (params, step) in results.items():
        np.testing.assert_array_equal(params, ref_params, err_msg=gran)
        assert step == ref_step, gran


def test_batch_steps_match_manual_sgd():
    """One full-batch epoch is one gradient step: θ ← θ − η·∂L/∂θ on the training set."""
    t = make_trainer(config=TrainConfig(learning_rate=0.3, batch_size=10_000))
    assert t.batches_per_epoch == 1
    theta0 = t.network.params.copy()
    _, grad = t.network.loss_and_grads(t.x_train, t.y_train)
    assert t.train_epochs(1)
    np.testing.assert_allclose(t.network.params, theta0 - 0.3 * grad, rtol=1e-12, atol=1e-15)
    assert not np.allclose(t.network.params, theta0)


# ---- snapshots ------------------------------------------------------------------------------------

def test_snapshots_are_read_only_copies():
    t = make_trainer(layers=(2, 3, 1))
    gen = t.run("batch")
    snap = next(gen)
    assert isinstance(snap, Snapshot)
    for arr in (snap.params, snap.grads):
        assert not arr.flags.writeable
        assert not np.shares_memory(arr, t.network.params)
        assert not np.shares_memory(arr, t.network.grads)
    with pytest.raises(ValueError):
        snap.params[0] = 1.0
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
    saved_params, saved_grads = snap.params.copy(), snap.grads.copy()
    next(gen)  # more training
    t.network.params[...] = 42.0
    t.network.grads[...] = -1.0
    np.testing.assert_array_equal(snap.params, saved_params)
    np.testing.assert_array_equal(snap.grads, saved_grads)
    gen.close()


def test_snapshot_layer_views():
    t = make_trainer(layers=(2, 3, 4, 1), acts=("tanh", "relu", "sigmoid"))
    snap = next(t.run("batch"))
    assert [w.shape for w in snap.weights] == [(3, 2), (4, 3), (1, 4)]
    assert [b.shape for b in snap.biases] == [(3,), (4,), (1,)]
    assert [w.shape for w in snap.grad_weights] == [(3, 2), (4, 3), (1, 4)]
    assert [b.shape for b in snap.grad_biases] == [(3,), (4,), (1,)]
    for l in range(3):
        np.testing.assert_array_equal(snap.weights[l], t.network.weights[l])
        np.testing.assert_array_equal(snap.biases[l], t.network.biases[l])
        np.testing.assert_array_equal(snap.grad_weights[l], t.network.grad_weights[l])
        np.testing.assert_array_equal(snap.grad_biases[l], t.network.grad_biases[l])
    assert snap.layers == (2, 3, 4, 1)
    assert snap.step == 1 and snap.epoch == 0 and snap.batch == 1
    assert snap.train_accuracy is not None and 0.0 <= snap.train_accuracy <= 1.0
    assert snap.test_loss is not None and np.isfinite(snap.test_loss)
    assert snap.sample_trace is None and snap.sample_index is None and snap.stopped is None


def test_snapshot_losses_match_network():
    t = make_trainer()
    snap = next(t.run("epoch"))
    assert snap.train_loss == t.network.loss_value(t.x_train, t.y_train)
    assert snap.test_loss == t.network.loss_value(t.x_test, t.y_test)
    y_hat = t.network.predict(t.x_train)
    assert snap.train_accuracy == np.mean((y_hat[:, 0] > 0.5) == t.dataset.y_train)


def test_sample_granularity_traces():
    t = make_trainer(samples=40, config=TrainConfig(learning_rate=0.1, batch_size=8))
    snaps = list(t.run("sample", max_epochs=1))
    assert len(snaps) == 20  # one per training sample
    assert sorted(s.sample_index for s in snaps) == list(range(20))  # each sample once
    for s in snaps:
        tr = s.sample_trace
        assert tr is not None and tr.x.shape == (1, 2) and tr.y.shape == (1, 1)
        # the index names the training sample the trace is of
        np.testing.assert_array_equal(tr.x[0], t.dataset.x_train[s.sample_index])
        assert tr.y[0, 0] == t.dataset.y_train[s.sample_index]
    # a sample's trace is computed with the weights of its snapshot (before the batch update)
    first = snaps[0]
    net = Network(list(first.layers), ["tanh", "sigmoid"], "bce", np.array(first.params))
    np.testing.assert_array_equal(net.trace(first.sample_trace.x).prediction, first.sample_trace.prediction)
    assert [s.step for s in snaps] == [i // 8 for i in range(20)]


def test_sample_run_leaves_consumer_float_settings_alone():
    """The generator must not yield from inside np.errstate: the consumer would run with
    floating-point warnings silenced, and resuming it from another thread would fail."""
    import threading

    t = make_trainer(samples=40, config=TrainConfig(learning_rate=0.1, batch_size=8))
    gen = t.run("sample")
    with np.errstate(over="raise", invalid="warn", divide="warn"):
        settings = np.geterr()
        next(gen)
        assert np.geterr() == settings
    errors = []

    def resume():  # the rest of the batch and beyond, from a worker thread
        try:
            for _ in range(12):
                next(gen)
        except Exception as exc:  # noqa: BLE001 - report it to the test thread
            errors.append(exc)

    worker = threading.Thread(target=resume)
    worker.start()
    worker.join()
    assert errors == []
    assert t.step == 1
    gen.close()


# ---- every / max_epochs / send ----------------------------------------------------------------------------

def test_every_and_max_epochs_batch():
    t = make_trainer(samples=200)  # 100 training rows, 10 batches per epoch
    snaps = list(t.run("batch", every=3, max_epochs=2))
    assert [s.step for s in snaps] == [3, 6, 9, 12, 15, 18]
    assert t.epoch == 2 and t.step == 20


def test_every_and_max_epochs_epoch():
    t = make_trainer()
    snaps = list(t.run("epoch", every=2, max_epochs=5))
    assert [s.epoch for s in snaps] == [2, 4]
    assert all(s.batch == 0 for s in snaps)
    assert t.epoch == 5
    snaps = list(t.run("epoch", max_epochs=7))  # continues where it stopped
    assert [s.epoch for s in snaps] == [6, 7]


def test_every_sample():
    t = make_trainer(samples=40, config=TrainConfig(learning_rate=0.1, batch_size=8))
    snaps = list(t.run("sample", every=4, max_epochs=1))
    assert len(snaps) == 5  # after samples 4, 8, 12, 16, 20
    assert all(s.sample_trace is not None for s in snaps)


def test_max_epochs_zero_and_bad_arguments():
    t = make_trainer()
    assert list(t.run("batch", max_epochs=0)) == []
    with pytest.raises(NnvizError, match="granularity"):
        next(t.run("step"))
    with pytest.raises(NnvizError, match="every"):
        next(t.run("batch", every=0))


def test_every_seconds_zero_yields_every_unit():
    t = make_trainer()
    snaps = list(t.run("batch", every=1000, every_seconds=0.0, max_epochs=1))
    assert [s.step for s in snaps] == [1, 2, 3]


def test_ready_holds_snapshots_back_while_training_goes_on():
    t = make_trainer()
    asked = []

    def ready():  # the consumer is ready after every third step
        asked.append(t.step)
        return t.step % 3 == 0

    snaps = list(t.run("batch", every_seconds=0.0, max_epochs=3, ready=ready))
    assert asked == list(range(1, 10))  # asked after every step
    assert [s.step for s in snaps] == [3, 6, 9]


def test_send_changes_learning_rate():
    t = make_trainer(config=TrainConfig(learning_rate=0.1, batch_size=10))
    gen = t.run("batch")
    first = next(gen)
    assert first.learning_rate == 0.1
    second = gen.send(TrainConfig(learning_rate=0.5, batch_size=10))
    assert second.learning_rate == 0.5 and second.config.learning_rate == 0.5
    # the step after the send used η = 0.5 with the gradient it reports (plain SGD)
    np.testing.assert_array_equal(second.params, first.params - second.grads * 0.5)
    third = next(gen)
    np.testing.assert_array_equal(third.params, second.params - third.grads * 0.5)
    gen.close()


def test_send_new_optimizer_and_schedule():
    t = make_trainer(config=TrainConfig(learning_rate=0.1, batch_size=10))
    gen = t.run("epoch")
    next(gen)
    snap = gen.send(TrainConfig(learning_rate=0.4, batch_size=10, optimizer="adam",
                                schedule="step", schedule_step=1, schedule_gamma=0.5))
    assert t.optimizer.name == "adam"
    assert snap.learning_rate == 0.4 * 0.5 ** 2  # epoch 2
    gen.close()


def test_scheduled_learning_rate_is_used():
    t = make_trainer(config=TrainConfig(learning_rate=0.4, batch_size=100, schedule="step",
                                        schedule_step=1, schedule_gamma=0.5))
    t.train_epochs(2)
    before = t.network.params.copy()
    _, grad = t.network.loss_and_grads(t.x_train, t.y_train)
    t.train_epochs(1)  # epoch 2: η = 0.4 · 0.5² = 0.1
    np.testing.assert_allclose(t.network.params, before - 0.1 * grad, rtol=1e-12, atol=1e-15)


# ---- divergence ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("acts, loss", [(("tanh", "linear"), "mse"), (("relu", "linear"), "mse"),
                                        (("relu", "sigmoid"), "bce")])
@pytest.mark.parametrize("granularity", ["sample", "batch", "epoch"])
def test_divergence_stops_with_message(acts, loss, granularity):
    t = make_trainer("spiral", layers=(2, 8, 1), acts=acts, loss=loss, samples=100,
                     config=TrainConfig(learning_rate=1e6, batch_size=10))
    snaps = list(t.run(granularity, max_epochs=1000))
    assert t.epoch < 1000, "never diverged"
    final = snaps[-1]
    assert final.stopped is not None
    assert "learning rate (1e+06)" in final.stopped and "diverged" in final.stopped
    assert all(s.stopped is None for s in snaps[:-1])  # the run ends at the first stopped snapshot
    assert t.stopped == final.stopped


def test_train_epochs_divergence():
    t = make_trainer("spiral", layers=(2, 8, 1), acts=("relu", "linear"), loss="mse", samples=100,
                     config=TrainConfig(learning_rate=1e6, batch_size=10))
    assert t.train_epochs(100) is False
    assert "learning rate (1e+06) is probably too high" in t.stopped
    assert not np.isfinite(t.network.params).all()
    assert t.epoch < 100


# ---- learning --------------------------------------------------------------------------------------------

def test_xor_reaches_95_percent():
    ds = make_dataset("xor", samples=200, seed=0)
    net = Network([2, 8, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(0))
    t = Trainer(net, ds, TrainConfig(learning_rate=0.1, batch_size=10), seed=0)
    before = t.evaluate()
    assert t.train_epochs(300)
    train_loss, test_loss, train_acc, test_acc = t.evaluate()
    assert train_acc >= 0.95
    assert test_acc >= 0.9
    assert train_loss < before[0] / 3


def test_spiral_reaches_95_percent():
    ds = make_dataset("spiral", samples=200, seed=0, features=("x1", "x2", "sin(x1)", "sin(x2)"),
                      standardize=True)
    net = Network([4, 12, 12, 1], ["tanh", "tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(0))
    t = Trainer(net, ds, TrainConfig(learning_rate=0.1, batch_size=10), seed=0)
    assert t.evaluate()[2] < 0.8
    snap = last(t.run("epoch", every=100, max_epochs=300))
    assert snap.epoch == 300
    assert snap.train_accuracy >= 0.95
    assert snap.test_accuracy >= 0.9


def test_multiclass_blobs_learns():
    ds = make_dataset("blobs", samples=150, seed=0)
    net = Network([2, 6, 3], ["relu", "softmax"], "ce")
    net.initialize("he", np.random.default_rng(0))
    t = Trainer(net, ds, TrainConfig(learning_rate=0.05, batch_size=10), seed=0)
    assert t.train_epochs(50)
    assert t.evaluate()[2] >= 0.95


def test_regression_accuracy_is_none():
    ds = make_dataset("regression_plane", samples=100, seed=0)
    net = Network([2, 4, 1], ["tanh", "linear"], "mse")
    net.initialize("xavier", np.random.default_rng(0))
    t = Trainer(net, ds, TrainConfig(learning_rate=0.05, batch_size=10), seed=0)
    first = next(t.run("epoch"))
    assert first.train_accuracy is None and first.test_accuracy is None
    assert t.train_epochs(50)
    snap = t.snapshot()
    assert snap.train_accuracy is None and snap.test_accuracy is None
    assert snap.train_loss < first.train_loss


def test_batch_size_larger_than_data():
    t = make_trainer(samples=20, config=TrainConfig(learning_rate=0.1, batch_size=500))
    assert t.n_train == 10 and t.batches_per_epoch == 1
    snaps = list(t.run("batch", max_epochs=3))
    assert [s.step for s in snaps] == [1, 2, 3]
    assert [s.epoch for s in snaps] == [1, 2, 3]
    sample_snaps = list(make_trainer(samples=20, config=TrainConfig(learning_rate=0.1, batch_size=500))
                        .run("sample", max_epochs=1))
    assert len(sample_snaps) == 10


def test_l2_shrinks_weights():
    plain = make_trainer(layers=(2, 8, 1), config=TrainConfig(learning_rate=0.1, batch_size=10))
    l2 = make_trainer(layers=(2, 8, 1), config=TrainConfig(learning_rate=0.1, batch_size=10, l2=0.05))
    np.testing.assert_array_equal(plain.network.params, l2.network.params)
    plain.train_epochs(100)
    l2.train_epochs(100)
    norm = lambda net: sum(float((w * w).sum()) for w in net.weights)  # noqa: E731
    assert norm(l2.network) < 0.8 * norm(plain.network)


def test_l1_makes_weights_smaller():
    plain = make_trainer(layers=(2, 8, 1), config=TrainConfig(learning_rate=0.1, batch_size=10))
    l1 = make_trainer(layers=(2, 8, 1), config=TrainConfig(learning_rate=0.1, batch_size=10, l1=0.01))
    plain.train_epochs(100)
    l1.train_epochs(100)
    total = lambda net: sum(float(np.abs(w).sum()) for w in net.weights)  # noqa: E731
    assert total(l1.network) < total(plain.network)


# ---- validation ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"learning_rate": 0}, "learning rate"), ({"learning_rate": float("nan")}, "learning rate"),
    ({"batch_size": 0}, "batch size"), ({"batch_size": 2.5}, "batch size"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"), ({"l1": -1}, "L1"), ({"l2": float("inf")}, "L2"),
    ({"schedule": "cosine"}, "schedule"), ({"schedule_step": 0}, "schedule step"),
    ({"schedule_gamma": 1.5}, "schedule factor"),
])
def test_train_config_validation(kwargs, message):
    with pytest.raises(NnvizError, match=message):
        TrainConfig(**kwargs)


def test_trainer_shape_mismatch():
    ds = make_dataset("xor", samples=20, seed=0)
    with pytest.raises(NnvizError, match="takes 3 inputs but the data has 2 features"):
        Trainer(Network([3, 1], ["sigmoid"], "bce"), ds)
    with pytest.raises(NnvizError, match="2 classes"):
        Trainer(Network([2, 3], ["softmax"], "ce"), ds)


def test_accuracy_helper():
    assert accuracy(np.array([[0.7], [0.2], [0.51]]), np.array([1.0, 0.0, 0.0])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1.0, 1.0])) == 0.5
    assert accuracy(np.empty((0, 1)), np.empty(0)) is None


def test_the_first_step_reuses_an_evaluation_of_the_same_step(monkeypatch):
    """The divergence watch starts from the mean training loss before the first step; when the
    last snapshot evaluated exactly that state, its loss is taken (784 inputs: ~0.15 s saved)."""
    t = make_trainer()
    t.snapshot()  # evaluates step 0
    calls = []
    loss_value = Network.loss_value
    monkeypatch.setattr(Network, "loss_value", lambda self, x, y: calls.append(1) or loss_value(self, x, y))
    t.step_batch()
    assert calls == []
    fresh = make_trainer()  # nothing evaluated yet: the watch evaluates its start itself
    fresh.step_batch()
    assert calls == [1]
