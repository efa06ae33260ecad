"""Session files: save, load, continue bit for bit; every validation error; atomic writes."""

from __future__ import annotations

import copy
import gzip
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from nnviz.engine.datasets import Dataset, load_csv_dataset, make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.session import (
    FORMAT, VERSION, Session, load_session, save_session, session_from_dict, session_to_dict,
)
from nnviz.engine.trainer import TrainConfig, Trainer

ROOT = Path(__file__).resolve().parents[2]
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
NAN = math.nan


def make_trainer(dataset="xor", layers=(2, 5, 1), acts=("tanh", "sigmoid"), loss="bce",
                 config=None, seed=3, data=None, **data_kwargs) -> Trainer:
    data_kwargs = {"samples": 63, "noise": 0.1, "test_fraction": 0.3, "seed": 1, **data_kwargs}
    ds = data if data is not None else make_dataset(dataset, **data_kwargs)
    net = Network(list(layers), list(acts), loss)
    net.initialize("xavier", np.random.default_rng(7))
    return Trainer(net, ds, config or TrainConfig(learning_rate=0.05, batch_size=8), seed=seed)


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Everything that decides the next steps (and what a snapshot shows) is bit-identical."""
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.network.grads, b.network.grads)
    assert (a.step, a.epoch, a.batch, a.stopped) == (b.step, b.epoch, b.batch, b.stopped)
    assert a.config == b.config
    assert a.optimizer.name == b.optimizer.name
    sa, sb = a.optimizer.state(), b.optimizer.state()
    assert sa.keys() == sb.keys() and sa["t"] == sb["t"]
    assert all(np.array_equal(sa[k], sb[k]) for k in sa if k != "t")
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert np.array_equal(a._perm, b._perm)
    assert a._shuffled_key == b._shuffled_key
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(a.dataset, name), getattr(b.dataset, name))


def continue_both(a: Trainer, b: Trainer) -> None:
    """Train both the same way (steps, a partial epoch, whole epochs, the generator)."""
    for t in (a, b):
        for _ in range(3):
            t.step_batch()
        t._run_batches(2)
        assert t.train_epochs(4)
        for _ in t.run("batch", max_epochs=t.epoch + 2):
            pass
    assert_same_state(a, b)
    assert np.array_equal(np.array(a.evaluate(), dtype=float), np.array(b.evaluate(), dtype=float), equal_nan=True)


def round_trip(trainer: Trainer, tmp_path, name="s.nnviz", **kwargs) -> Session:
    path = tmp_path / name
    save_session(path, trainer, **kwargs)
    return load_session(path)


def nan_equal(rows_a, rows_b) -> bool:
    return len(rows_a) == len(rows_b) and all(
        np.array_equal(np.array(r, dtype=float), np.array(s, dtype=float), equal_nan=True)
        for r, s in zip(rows_a, rows_b))


# ---- continue exactly --------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("compress", [True, False])
def test_continue_mid_epoch_bit_identical(tmp_path, optimizer, compress):
    config = TrainConfig(learning_rate=0.05, batch_size=8, optimizer=optimizer, l2=0.01, l1=0.001,
                         schedule="step", schedule_step=2, schedule_gamma=0.7)
    a = make_trainer(config=config)
    reference = make_trainer(config=config)
    assert a.train_epochs(3) and reference.train_epochs(3)
    for t in (a, reference):
        for _ in range(2):
            t.step_batch()
    assert a.batch == 2  # in the middle of an epoch
    path = tmp_path / "run.nnviz"
    save_session(path, a, compress=compress)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    assert_same_state(a, reference)  # saving changed nothing
    b = load_session(path).trainer
    assert b is not a and b.network is not a.network
    assert_same_state(a, b)
    assert b.optimizer.state()["t"] == a.step
    continue_both(a, b)
    continue_both(reference, copy_of(reference, tmp_path))
    assert_same_state(a, reference)  # and A, saved on the way, trained as if it had not been


def copy_of(trainer: Trainer, tmp_path) -> Trainer:
    return round_trip(trainer, tmp_path, name="copy.nnviz").trainer


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_loaded_run_equals_an_uninterrupted_run(tmp_path, optimizer):
    config = TrainConfig(learning_rate=0.05, batch_size=7, optimizer=optimizer, l2=0.02)
    uninterrupted = make_trainer(config=config)
    interrupted = make_trainer(config=config)
    for t in (uninterrupted, interrupted):
        t.train_epochs(2)
        t._run_batches(3)
    b = round_trip(interrupted, tmp_path).trainer
    del interrupted
    for t in (uninterrupted, b):
        t._run_batches(10**6)  # the rest of the epoch
        t.train_epochs(5)
    assert_same_state(uninterrupted, b)
    assert uninterrupted.evaluate() == b.evaluate()


def test_snapshot_after_load_equals_snapshot_before_save(tmp_path):
    a = make_trainer(config=TrainConfig(learning_rate=0.1, batch_size=5, optimizer="adam"))
    a.train_epochs(1)
    a.step_batch()
    before = a.snapshot()
    after = round_trip(a, tmp_path).trainer.snapshot()
    assert np.array_equal(before.params, after.params) and np.array_equal(before.grads, after.grads)
    for field in ("step", "epoch", "batch", "layers", "learning_rate", "train_loss", "test_loss",
                  "train_accuracy", "test_accuracy", "stopped", "config"):
        assert getattr(before, field) == getattr(after, field), field
    assert a.current_batch()[0].tolist() == round_trip(a, tmp_path).trainer.current_batch()[0].tolist()


@pytest.mark.parametrize("where", ["fresh", "epoch boundary", "mid epoch"])
def test_positions(tmp_path, where):
    a = make_trainer()
    if where != "fresh":
        a.train_epochs(2)
    if where == "mid epoch":
        a.step_batch()
    b = round_trip(a, tmp_path).trainer
    assert_same_state(a, b)
    continue_both(a, b)


def test_granularity_independence(tmp_path):
    """Saved while the app showed single samples, continued epoch by epoch: the same run."""
    config = TrainConfig(learning_rate=0.05, batch_size=6, optimizer="rmsprop", l2=0.01)
    reference = make_trainer(config=config)
    reference.train_epochs(6)
    a = make_trainer(config=config)
    gen = a.run("sample")
    for _ in range(40):  # stops in the middle of a batch, in the middle of an epoch
        snap = next(gen)
    gen.close()
    assert snap.sample_index is not None and 0 < a.batch
    b = round_trip(a, tmp_path, extra={"granularity": "sample"}).trainer
    for snap in b.run("epoch", max_epochs=6):
        pass
    c = round_trip(a, tmp_path).trainer
    for snap in c.run("sample", every=7, max_epochs=6):
        pass
    assert_same_state(reference, b)
    assert_same_state(reference, c)


def test_config_changes_before_saving(tmp_path):
    """A new batch size (starts a new epoch's shuffle) and a new optimizer (fresh state)."""
    a = make_trainer(config=TrainConfig(learning_rate=0.05, batch_size=8, optimizer="adam"))
    a.train_epochs(1)
    a.step_batch()
    a.configure(TrainConfig(learning_rate=0.05, batch_size=5, optimizer="adam"))
    assert a.batch == 0 and a._shuffled_key != (a.epoch, 5)  # stale shuffle, not yet redone
    b = round_trip(a, tmp_path).trainer
    assert_same_state(a, b)
    continue_both(a, b)
    a.configure(TrainConfig(learning_rate=0.02, batch_size=5, optimizer="nesterov", l1=0.01))
    a.step_batch()
    assert a.optimizer.t == 1 < a.step
    b = round_trip(a, tmp_path).trainer
    assert_same_state(a, b)
    continue_both(a, b)


def test_batch_size_back_to_a_stale_shuffle(tmp_path):
    """The stored shuffle is used again if the batch size goes back before the next step."""
    a = make_trainer(config=TrainConfig(learning_rate=0.05, batch_size=8))
    a.train_epochs(1)
    a.current_batch()  # shuffles epoch 1 for batch size 8
    a.configure(TrainConfig(learning_rate=0.05, batch_size=4))  # batch 0: same epoch, not reshuffled
    b = round_trip(a, tmp_path).trainer
    for t in (a, b):
        t.configure(TrainConfig(learning_rate=0.05, batch_size=8))
    assert_same_state(a, b)
    continue_both(a, b)


@pytest.mark.parametrize("dataset, layers, acts, loss, kwargs", [
    ("blobs", (2, 6, 3), ("relu", "softmax"), "ce", {}),
    ("regression_plane", (2, 4, 1), ("tanh", "linear"), "mse", {"noise": 0.3}),
    ("spiral", (4, 5, 1), ("tanh", "sigmoid"), "bce",
     {"features": ["x1", "x2", "x1*x2", "sin x1"], "standardize": True}),
    ("lecture", (2, 3, 1), ("sigmoid", "sigmoid"), "bce", {"features": None, "standardize": True}),
    ("circles", (2, 3, 1), ("tanh", "sigmoid"), "bce", {"test_fraction": 0.0}),
])
def test_datasets_tasks_and_features(tmp_path, dataset, layers, acts, loss, kwargs):
    a = make_trainer(dataset, layers, acts, loss,
                     config=TrainConfig(learning_rate=0.05, batch_size=2, optimizer="momentum"), **kwargs)
    a.train_epochs(1)
    a.step_batch()
    b = round_trip(a, tmp_path).trainer
    for name in ("name", "task", "feature_names", "num_classes", "raw_names", "class_labels", "derived"):
        assert getattr(a.dataset, name) == getattr(b.dataset, name), name
    for name in ("raw_train", "raw_test", "shift", "scale"):
        assert np.array_equal(getattr(a.dataset, name), getattr(b.dataset, name)) or (
            getattr(a.dataset, name) is None and getattr(b.dataset, name) is None), name
    assert_same_state(a, b)
    continue_both(a, b)


def test_stopped_message_round_trips(tmp_path):
    a = make_trainer()
    a.stopped = "training diverged at step 9 (epoch 1): a test"
    assert round_trip(a, tmp_path).trainer.stopped == a.stopped


def test_saving_twice_gives_the_same_bytes(tmp_path):
    a = make_trainer()
    a.train_epochs(1)
    save_session(tmp_path / "one.nnviz", a)
    save_session(tmp_path / "two.nnviz", a)
    assert (tmp_path / "one.nnviz").read_bytes() == (tmp_path / "two.nnviz").read_bytes()


# ---- CSV data -----------------------------------------------------------------------------------

def _csv_text(n=41, seed=5) -> str:
    rng = np.random.default_rng(seed)
    lines = ["# an exam table", "iq;hours;passed"]
    for _ in range(n):
        iq, hours = rng.normal(100, 15), rng.uniform(0, 10)
        passed = int(iq / 100 + hours / 5 + rng.normal(0, 0.3) > 2)
        lines.append(f"{iq:.3f};{hours:.2f}".replace(".", ",") + f";{passed}")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"  # BOM, Windows line ends, decimal commas


@pytest.mark.parametrize("features", [None, ["x1", "x2", "x1²", "x1·x2"]])
def test_csv_data_is_embedded(tmp_path, features):
    csv_path = tmp_path / "exam.csv"
    csv_path.write_bytes(_csv_text().encode("utf-8"))
    ds = load_csv_dataset(csv_path, test_fraction=0.25, seed=4, features=features, standardize=True)
    n_in = 2 if features is None else len(features)
    a = make_trainer(data=ds, layers=(n_in, 4, 1),
                     config=TrainConfig(learning_rate=0.1, batch_size=4, optimizer="adagrad", l2=0.001))
    a.train_epochs(2)
    a.step_batch()
    path = tmp_path / "exam.nnviz"
    save_session(path, a)
    csv_path.unlink()
    session = load_session(path)
    b = session.trainer
    assert b.dataset.name == "exam.csv"
    assert b.dataset.raw_names == ("iq", "hours")
    assert np.array_equal(b.dataset.raw_train, a.dataset.raw_train)
    assert np.array_equal(b.dataset.shift, a.dataset.shift) and np.array_equal(b.dataset.scale, a.dataset.scale)
    assert_same_state(a, b)
    continue_both(a, b)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exam.nnviz"]


def test_csv_multiclass_labels(tmp_path):
    text = "a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 5},{[3, 5, 9][i % 3]}\n" for i in range(30))
    (tmp_path / "three.csv").write_text(text)
    ds = load_csv_dataset(tmp_path / "three.csv", test_fraction=0.2, seed=2)
    a = make_trainer(data=ds, layers=(2, 4, 3), acts=("tanh", "softmax"), loss="ce")
    a.train_epochs(1)
    b = round_trip(a, tmp_path).trainer
    assert b.dataset.class_labels == (3.0, 5.0, 9.0)
    assert_same_state(a, b)
    continue_both(a, b)


def test_bad_embedded_csv_gives_the_importers_message(tmp_path):
    (tmp_path / "d.csv").write_text("x,y,label\n1,2,0\n3,4,1\n5,6,0\n")
    a = make_trainer(data=load_csv_dataset(tmp_path / "d.csv"), config=TrainConfig(batch_size=2))
    data = session_to_dict(a)
    data["data"]["text"] = "x,y,label\n1,2,0\n3,abc,1\n5,6,0\n"
    path = tmp_path / "bad.nnviz"
    path.write_text(json.dumps(data))
    with pytest.raises(NnvizError) as info:
        load_session(path)
    assert str(info.value) == (f"{path}: the CSV data stored in the session is damaged: "
                               "d.csv: row 3, column 2 (\"y\"): 'abc' is not a number")


# ---- the caller's parts: problem, history, extra ---------------------------------------------------

def test_problem_history_and_extra_round_trip(tmp_path):
    from nnviz.app.problem import Problem  # plain Python, no Qt

    problem = Problem(dataset="xor", samples=63, noise=0.1, test_fraction=0.3, hidden=(5,),
                      train=TrainConfig(learning_rate=0.05, batch_size=8, optimizer="adam"))
    rows = [(0.0, 0.7, 0.71, 0.5, 0.48), (0.5, 0.6, NAN, NAN, None), (1.0, math.inf, -math.inf, 0.25, 1.0)]
    extra = {"granularity": "sample", "speed": 3, "panels": ["loss", "plane"], "nested": {"a": None}}
    a = make_trainer()
    session = round_trip(a, tmp_path, problem=problem.to_dict(), history_rows=rows, extra=extra)
    assert Problem.from_dict(session.problem) == problem
    assert session.extra == extra
    assert nan_equal(session.history_rows, [(0.0, 0.7, 0.71, 0.5, 0.48), (0.5, 0.6, NAN, NAN, NAN),
                                            (1.0, math.inf, -math.inf, 0.25, 1.0)])
    assert all(isinstance(r, tuple) and all(isinstance(v, float) for v in r) for r in session.history_rows)


def test_defaults_without_problem_history_extra(tmp_path):
    session = round_trip(make_trainer(), tmp_path)
    assert session.problem is None and session.history_rows == [] and session.extra == {}


def test_numpy_history_rows_are_accepted(tmp_path):
    rows = np.array([[0.0, 1.0, NAN, 0.5, NAN], [1.0, 0.5, NAN, 0.75, NAN]])
    session = round_trip(make_trainer(), tmp_path, history_rows=rows)
    assert nan_equal(session.history_rows, rows.tolist())


def test_dict_round_trip_is_json():
    a = make_trainer()
    a.train_epochs(1)
    data = session_to_dict(a, {"k": (1, 2)}, [(0, 1, 2, 3, 4)], {"x": 1})
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    session = session_from_dict(json.loads(json.dumps(data)))
    assert session.problem == {"k": [1, 2]}
    assert_same_state(a, session.trainer)
    assert session_to_dict(session.trainer, session.problem, session.history_rows, session.extra) == data


# ---- what cannot be saved -----------------------------------------------------------------------

def test_diverged_network_is_not_saved_and_the_old_file_stays(tmp_path):
    a = make_trainer()
    path = tmp_path / "run.nnviz"
    save_session(path, a)
    before = path.read_bytes()
    a.network.params[3] = np.nan
    with pytest.raises(NnvizError, match="NaN or infinite weights"):
        save_session(path, a)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.nnviz"]


@pytest.mark.parametrize("kwargs, message", [
    ({"problem": {"seed": object()}}, "the problem cannot be stored"),
    ({"problem": {"noise": NAN}}, "the problem cannot be stored"),
    ({"problem": ["not", "a", "dict"]}, "the problem must be a dict"),
    ({"extra": {"f": lambda: 0}}, "extra cannot be stored"),
    ({"extra": 3}, "extra must be a dict"),
    ({"history_rows": [(1, 2, 3)]}, "history row 0 has 3 values, expected 5"),
    ({"history_rows": [(1, 2, 3, 4, "x")]}, "history rows must hold numbers"),
])
def test_unstorable_caller_values(tmp_path, kwargs, message):
    with pytest.raises(NnvizError, match=re.escape(message)):
        save_session(tmp_path / "s.nnviz", make_trainer(), **kwargs)
    assert os.listdir(tmp_path) == []


def test_dataset_built_by_hand_is_refused(tmp_path):
    ds = make_dataset("xor", samples=20)
    by_hand = Dataset(ds.name, ds.task, ds.x_train, ds.y_train, ds.x_test, ds.y_test,
                      ds.feature_names, ds.num_classes, ds.raw_train, ds.raw_test)
    with pytest.raises(NnvizError, match="cannot store it"):
        save_session(tmp_path / "s.nnviz", make_trainer(data=by_hand))
    assert os.listdir(tmp_path) == []


# ---- atomic writes ------------------------------------------------------------------------------

def test_save_replaces_a_file_completely_and_leaves_no_temp_files(tmp_path):
    big = make_trainer(layers=(2, 40, 40, 1), acts=("tanh", "tanh", "sigmoid"))
    small = make_trainer(layers=(2, 1), acts=("sigmoid",))
    path = tmp_path / "run.nnviz"
    save_session(path, big, history_rows=[(i, 1.0, 1.0, 0.5, 0.5) for i in range(500)])
    size_big = path.stat().st_size
    save_session(path, small)
    assert path.stat().st_size < size_big
    assert load_session(path).trainer.network.layers == (2, 1)
    assert os.listdir(tmp_path) == ["run.nnviz"]
    assert path.stat().st_mode & 0o044  # not left private like a temporary file


def test_a_failing_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "run.nnviz"
    save_session(path, make_trainer())
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    a = make_trainer()
    a.train_epochs(1)
    with pytest.raises(NnvizError, match="cannot write it .No space left on device."):
        save_session(path, a)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.nnviz"]


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(NnvizError, match="cannot write there"):
        save_session(tmp_path / "missing" / "s.nnviz", make_trainer())
    assert os.listdir(tmp_path) == []


def test_save_over_a_folder_fails_cleanly(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(NnvizError):
        save_session(tmp_path / "folder", make_trainer())
    assert os.listdir(tmp_path) == ["folder"]


# ---- corrupt and foreign files ------------------------------------------------------------------

def good_dict(optimizer="adam") -> dict:
    a = make_trainer(config=TrainConfig(learning_rate=0.05, batch_size=8, optimizer=optimizer))
    a.train_epochs(1)
    a.step_batch()
    return json.loads(json.dumps(session_to_dict(a, {"dataset": "xor"}, [(0, 1, 2, 3, 4)], {"g": 1})))


def _set(data, dotted: str, value):
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    if value is DELETE:
        del data[int(last) if isinstance(data, list) else last]
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


DELETE = object()

CORRUPTIONS = [
    ("format", "nnviz-model", "this is an nnviz model file, not a session"),
    ("format", "something", 'not an nnviz session ("format" must be "nnviz-session", not \'something\')'),
    ("format", DELETE, "not an nnviz session"),
    ("version", 2, "session version 2 was written by a newer nnviz; this nnviz reads version 1: update nnviz"),
    ("version", "1", "session version '1' is not supported (this nnviz reads version 1)"),
    ("version", 0, "session version 0 is not supported"),
    ("network", DELETE, 'the session has no "network" field'),
    ("network.weights", DELETE, 'the network has no "weights" field'),
    ("network.biases", [[0.0] * 5], '"biases" must be a list with one entry per non-input layer (2)'),
    ("network.weights.0", [[0.1, 0.2, 0.3]] * 5, "the network weights[0] has a row of 3 numbers, expected shape (5, 2)"),
    ("network.weights.1", [[0.1] * 5] * 2, "the network weights[1] has 2 rows, expected shape (1, 5)"),
    ("network.weights.1.0.2", None, "the network weights[1] holds a value that is not a finite number (null)"),
    ("network.weights.1.0.2", NAN, "the network weights[1] holds a value that is not a finite number"),
    ("network.weights.1.0.2", 1e400, "the network weights[1] holds a value that is not a finite number"),
    ("network.weights.1.0.2", "0.5", "the network weights[1] must hold numbers, not str '0.5'"),
    ("network.biases.0.1", True, "the network biases[0] must hold numbers, not bool True"),
    ("network.layers", [3, 5, 1], "the network weights[0] has a row of 2 numbers, expected shape (5, 3)"),
    ("network.activations", ["tanh"], "2 activations needed"),
    ("network.layers", [4096, 4096, 1], "the network weights[0] has 5 rows, expected shape (4096, 4096)"),
    ("network.weights.0", [1.0] * 5, "the network weights[0] must be a list of rows of numbers of shape (5, 2)"),
    ("network.layers", [2, True, 1], 'the network "layers" must be a list of whole numbers'),
    ("network.loss", "hinge", "hinge"),
    ("optimizer.state.m.biases.0", [0.0] * 4, 'the optimizer state "m" biases[0] has 4 numbers, expected shape (5,)'),
    ("optimizer.state.v.weights.0.1", [0.0], 'the optimizer state "v" weights[0] has a row of 1 numbers'),
    ("optimizer.state.v.weights.0.1.0", NAN, 'the optimizer state "v" weights[0] holds a value that is not a finite'),
    ("optimizer.state.v", DELETE, '"optimizer" "state" of adam must hold "m", "v"'),
    ("optimizer.state.velocity", {}, '"optimizer" "state" of adam must hold "m", "v"'),
    ("optimizer.name", "sgd", "\"optimizer\" \"name\" is 'sgd' but the training settings use 'adam'"),
    ("optimizer.t", -1, '"optimizer" "t" must be a whole number ≥ 0'),
    ("optimizer.t", 10**6, "the optimizer took 1000000 steps but the trainer only"),
    ("config.learning_rate", -0.1, "the learning rate must be a positive number"),
    ("config.learning_rate", "fast", '"config" "learning_rate" must be a number'),
    ("config.batch_size", 2.5, '"config" "batch_size" must be a whole number'),
    ("config.optimizer", "adamw", "unknown optimizer 'adamw'"),
    ("config.schedule_gamma", DELETE, '"config" has no "schedule_gamma" field'),
    ("config.momentum", 0.9, '"config" has an unknown setting "momentum"'),
    ("data.kind", "sql", '"data" "kind" must be "builtin", "csv" or "idx"'),
    ("data.name", "checkerboard", "the session's data: unknown dataset 'checkerboard'"),
    ("data.samples", 10**9, "the session's data: samples must be a whole number from 2 to 100000"),
    ("data.samples", DELETE, '"data" has no "samples" field'),
    ("data.noise", 2.0, "the session's data: noise must be between 0 and 1"),
    ("data.features", ["x1", "x3"], "unknown feature 'x3'"),
    ("data.features", "x1", '"data" "features" must be a list of feature names or null'),
    ("data.standardize", 1, '"data" "standardize" must be true or false'),
    ("data.seed", -3, '"data" "seed" must be a whole number ≥ 0'),
    ("data.test_fraction", 0.0, '"position" "permutation" must hold each training row index 0 … 62 exactly once'),
    ("position.permutation.0", 10**6, '"position" "permutation" must hold each training row index'),
    ("position.permutation", list(range(43)), '"position" "permutation" must hold each training row index'),
    ("position.batch", 7, '"position" "batch" is 7 but an epoch has only 6 batches'),
    ("position.shuffled_for", None, "batch 1 of epoch 1 is under way, but that epoch's shuffle"),
    ("position.shuffled_for.batch_size", 7, "batch 1 of epoch 1 is under way, but that epoch's shuffle"),
    ("position.shuffled_for.epoch", 2, '"position" shuffled_for "epoch" must be a whole number from 0 to 1'),
    ("position.step", -1, '"position" "step" must be a whole number ≥ 0'),
    ("position.epoch", 1.5, '"position" "epoch" must be a whole number ≥ 0'),
    ("rng.bit_generator", "MT19937", '"rng" "bit_generator" must be "PCG64"'),
    ("rng.state.state", "0x" + "f" * 33, '"rng" state "state" must be a 128-bit number in hexadecimal'),
    ("rng.state.inc", 12345, '"rng" state "inc" must be a 128-bit number in hexadecimal'),
    ("rng.has_uint32", 2, '"rng" "has_uint32" must be a whole number from 0 to 1'),
    ("rng.uinteger", 2**32, '"rng" "uinteger" must be a whole number from 0 to 4294967295'),
    ("grads.weights.0.0.0", None, "the last gradient weights[0] holds a value that is not a finite number"),
    ("grads", DELETE, 'the session has no "grads" field'),
    ("stopped", 3, '"stopped" must be null or a message'),
    ("history", {}, '"history" must be a list of rows'),
    ("history.0", [1, 2], '"history" row 0 must be a list of 5 values'),
    ("history.0.1", "low", "\"history\" row 0 holds 'low', not a number or null"),
    ("problem", [1], '"problem" must be a JSON object or null'),
    ("extra", None, '"extra" must be a JSON object'),
]


@pytest.mark.parametrize("dotted, value, message", CORRUPTIONS)
def test_corrupt_fields(tmp_path, dotted, value, message):
    data = good_dict()
    _set(data, dotted, value)
    with pytest.raises(NnvizError) as info:
        session_from_dict(data)
    assert message in str(info.value)
    path = tmp_path / "bad.nnviz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    before = path.read_bytes()
    with pytest.raises(NnvizError) as info:
        load_session(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["bad.nnviz"]  # nothing written


def test_network_that_does_not_fit_the_data():
    data = good_dict("sgd")
    other = session_to_dict(make_trainer(dataset="blobs", layers=(2, 3, 3), acts=("tanh", "softmax"), loss="ce"))
    data["network"], data["grads"] = other["network"], other["grads"]
    with pytest.raises(NnvizError, match="the network has 3 outputs but the dataset 'xor' has 2 classes"):
        session_from_dict(data)


def test_sgd_state_is_empty():
    data = good_dict("sgd")
    assert data["optimizer"]["state"] == {}
    data["optimizer"]["state"] = {"velocity": data["grads"]}
    with pytest.raises(NnvizError, match=r'"state" of sgd must hold nothing'):
        session_from_dict(data)


def test_unknown_top_level_fields_are_ignored():
    data = good_dict()
    data["comment"] = "written by hand"
    session_from_dict(data)


def test_integers_are_accepted_as_floats():
    data = good_dict()
    data["network"]["biases"][1] = [1]
    data["config"]["learning_rate"] = 1
    session = session_from_dict(data)
    assert session.trainer.network.biases[1][0] == 1.0
    assert isinstance(session.trainer.config.learning_rate, float)


def test_every_field_damaged_gives_nnviz_error_only():
    """Delete or replace each field (not the big arrays' every number) with junk: always an
    NnvizError or a good load, never another exception."""
    good = good_dict()
    junk = [DELETE, None, "x", [], {}, -1, 0, 2.5, True, [None], {"a": 1}, 10**40]

    def paths(value, prefix=""):
        yield prefix.rstrip(".")
        if isinstance(value, dict):
            for k, v in value.items():
                yield from paths(v, f"{prefix}{k}.")
        elif isinstance(value, list) and value:
            for i in sorted({0, len(value) - 1}):
                yield from paths(value[i], f"{prefix}{i}.")

    count = 0
    for dotted in paths(good):
        if not dotted or dotted.startswith(("problem.", "extra.")):
            continue
        for value in junk:
            data = copy.deepcopy(good)
            _set(data, dotted, value)
            try:
                session_from_dict(data)
            except NnvizError as exc:
                assert "the session is damaged (" not in str(exc), (dotted, value, str(exc))  # no check missed
            count += 1
    assert count > 500


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"   \n", "the file is empty"),
    (b"hello, world", "not valid JSON, the file is damaged (line 1, column 1"),
    (b'{"format": "nnviz-session", "version": 1, "data": {', "not valid JSON, the file is truncated"),
    (b"[1, 2]", "a session file must hold a JSON object"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a session file (neither gzip nor UTF-8 JSON text)"),
    (gzip.compress(b"not json at all", mtime=0), "not valid JSON"),
    (b"\x1f\x8b" + b"\x00" * 30, "the file is damaged (bad compressed data"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "bad.nnviz"
    path.write_bytes(content)
    with pytest.raises(NnvizError) as info:
        load_session(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value), str(info.value)
    assert path.read_bytes() == content and os.listdir(tmp_path) == ["bad.nnviz"]


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated_files(tmp_path, compress, keep):
    path = tmp_path / "run.nnviz"
    save_session(path, make_trainer(), history_rows=[(0, 1, 2, 3, 4)], compress=compress)
    content = path.read_bytes()
    path.write_bytes(content[:int(len(content) * keep)])
    with pytest.raises(NnvizError, match="truncated|damaged"):
        load_session(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NnvizError, match="no such file"):
        load_session(tmp_path / "nope.nnviz")
    with pytest.raises(NnvizError, match="is a folder, not a session file"):
        load_session(tmp_path)
    assert os.listdir(tmp_path) == []


def test_nan_literal_in_plain_json(tmp_path):
    data = good_dict()
    path = tmp_path / "nan.nnviz"
    path.write_text(json.dumps(data).replace('"biases": [[', '"biases": [[NaN, ', 1))
    with pytest.raises(NnvizError, match=r"biases\[0\] (has 6 numbers|holds a value that is not a finite)"):
        load_session(path)


def test_a_model_file_is_not_a_session(tmp_path):
    from nnviz.engine.model_io import save_model

    path = tmp_path / "model.json"
    save_model(make_trainer().network, path)
    with pytest.raises(NnvizError, match="this is an nnviz model file, not a session"):
        load_session(path)


# ---- the documentation ----------------------------------------------------------------------------

def test_the_documented_example_loads_and_continues():
    doc = (ROOT / "docs" / "session-format.md").read_text(encoding="utf-8")
    example = doc.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    session = session_from_dict(json.loads(example))
    t = session.trainer
    assert (t.step, t.epoch, t.batch) == (3, 1, 1)
    assert t.dataset.name == "lecture" and t.network.layers == (2, 2, 1)
    assert session.extra == {"granularity": "batch"} and session.problem["dataset"] == "lecture"
    assert nan_equal(session.history_rows, [(0.0, 0.7303, NAN, 0.3333, NAN), (0.5, 0.6931, NAN, NAN, NAN),
                                            (1.0, 0.6812, NAN, 0.6667, NAN)])
    # it is the state of this run, stopped after 3 steps: continuing gives the same numbers
    ds = make_dataset("lecture", features=None, standardize=True)
    net = Network([2, 2, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(0))
    reference = Trainer(net, ds, TrainConfig(learning_rate=0.1, batch_size=2, optimizer="momentum"), seed=0)
    reference.train_epochs(1)
    reference.step_batch()
    assert_same_state(reference, t)
    reference.train_epochs(3)
    t.train_epochs(3)
    assert_same_state(reference, t)


def test_the_documented_messages_are_real():
    doc = (ROOT / "docs" / "session-format.md").read_text(encoding="utf-8")
    for message in ("was written by a newer nnviz; this nnviz reads version 1: update nnviz to open it",
                    'the network has no "weights" field',
                    "holds a value that is not a finite number (null)",
                    "the CSV data stored in the session is damaged: ",
                    "this is an nnviz model file, not a session (open it as a model)",
                    "the file is truncated (its compressed data ends too early)"):
        assert message in doc
