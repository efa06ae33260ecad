"""A session as a JSON-ready dict and back: the trainer's whole state, field by field.

    doc = session_to_dict(trainer, problem, history_rows, extra)   # what the file holds
    session = session_from_dict(doc)                               # checks all, then rebuilds

docs/session-format.md describes every field. Reading validates everything before it builds
anything that outlives a failure; any problem is one NnvizError.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, fields

import numpy as np

from nnviz.engine.datasets import Dataset, load_csv_dataset, load_idx_dataset, make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.layout import ParamLayout
from nnviz.engine.network import Network, validate_architecture
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.session_fields import (
    HistoryRow, field, history_from_json, history_to_json, is_int, is_real, json_copy, json_object,
    layers_from_json, layers_to_json, whole_number,
)
from nnviz.engine.train_config import TrainConfig
from nnviz.engine.trainer import Trainer
from nnviz.engine.trainer_state import TrainerState

FORMAT = "nnviz-session"
VERSION = 1

_STATE_SUFFIX = "_state"  # Optimizer.state() keys: "t" and "<name>_state" arrays
_HEX128 = re.compile(r"0x[0-9a-fA-F]{1,32}")
_CONFIG_FIELDS = {f.name: type(f.default) for f in fields(TrainConfig)}  # name -> float / int / str
_PARTS = ("data", "network", "config", "optimizer", "position", "rng", "grads", "stopped",
          "history", "problem", "extra")


@dataclass(frozen=True)
class Session:
    """A loaded session. ``trainer`` is ready to continue; the rest is the caller's.

    problem: the dict given to save_session (None if none); history_rows: one
    (epoch, train_loss, test_loss, train_accuracy, test_accuracy) tuple of floats per row,
    NaN where a value was missing; extra: the dict given to save_session ({} if none).
    """

    trainer: Trainer
    problem: dict | None
    history_rows: list[HistoryRow]
    extra: dict


# ============================================================================ writing

def _data_to_dict(dataset: Dataset) -> dict:
    source = getattr(dataset, "source", None)
    if source is None:
        raise NnvizError(f"the data set {dataset.name!r} was not made by make_dataset or load_csv_dataset, "
                         "so a session cannot store it; the session was not saved")
    source = dict(source)
    common = {"test_fraction": source["test_fraction"], "seed": source["seed"],
              "features": None if source["features"] is None else list(source["features"]),
              "standardize": source["standardize"]}
    if source["kind"] == "csv":
        return {"kind": "csv", "name": source["name"], "text": source["text"], **common}
    if source["kind"] == "idx":  # the path: MNIST's images are read again from disk
        return {"kind": "idx", "name": source["name"], **common}
    return {"kind": "builtin", "name": source["name"], "samples": source["samples"],
            "noise": source["noise"], **common}


def session_to_dict(trainer: Trainer, problem: dict | None = None, history_rows=None,
                    extra: dict | None = None) -> dict:
    """The session as a JSON-ready dict (the file's content; see docs/session-format.md)."""
    if problem is not None and not isinstance(problem, dict):
        raise NnvizError("the problem must be a dict (or None)")
    if extra is not None and not isinstance(extra, dict):
        raise NnvizError("extra must be a dict (or None)")
    net, opt = trainer.network, trainer.optimizer
    if not np.isfinite(net.params).all():
        raise NnvizError("the network holds NaN or infinite weights (training diverged); the session was not saved")
    at = trainer.state()
    if at.rng.get("bit_generator") != "PCG64":
        raise NnvizError(f"the trainer's random generator is {at.rng.get('bit_generator')}; "
                         "a session can store only PCG64 (numpy.random.default_rng)")
    state = opt.state()
    return {
        "format": FORMAT,
        "version": VERSION,
        "data": _data_to_dict(trainer.dataset),
        "network": {
            "layers": list(net.layers),
            "activations": list(net.activation_names),
            "loss": net.loss_name,
            **layers_to_json(net.params, net.layout, "the network"),
        },
        "config": {name: getattr(trainer.config, name) for name in _CONFIG_FIELDS},
        "optimizer": {
            "name": opt.name,
            "t": int(state.pop("t")),
            "state": {k[:-len(_STATE_SUFFIX)]: layers_to_json(v, net.layout, f"the optimizer state {k!r}")
                      for k, v in sorted(state.items())},
        },
        "position": {
            "step": int(at.step),
            "epoch": int(at.epoch),
            "batch": int(at.batch),
            "permutation": [int(i) for i in at.permutation],
            "shuffled_for": None if at.shuffled_for is None else
            {"epoch": int(at.shuffled_for[0]), "batch_size": int(at.shuffled_for[1])},
        },
        "rng": {
            "bit_generator": "PCG64",
            "state": {"state": hex(at.rng["state"]["state"]), "inc": hex(at.rng["state"]["inc"])},
            "has_uint32": int(at.rng["has_uint32"]),
            "uinteger": int(at.rng["uinteger"]),
        },
        "grads": layers_to_json(net.grads, net.layout, "the last gradient"),
        "stopped": at.stopped,
        "history": history_to_json(history_rows),
        "problem": None if problem is None else json_copy(problem, "the problem"),
        "extra": {} if extra is None else json_copy(extra, "extra"),
    }


# ============================================================================ reading

def _check_header(data) -> None:
    if not isinstance(data, dict):
        raise NnvizError("a session file must hold a JSON object")
    fmt = data.get("format")
    if fmt != FORMAT:
        if fmt == "nnviz-model":
            raise NnvizError("this is an nnviz model file, not a session (open it as a model)")
        raise NnvizError(f'not an nnviz session ("format" must be "{FORMAT}", not {fmt!r})')
    version = data.get("version")
    if not is_int(version) or version != VERSION:  # true == 1 in Python, but not a version
        if is_int(version) and version > VERSION:
            raise NnvizError(f"session version {version} was written by a newer nnviz; this nnviz reads "
                             f"version {VERSION}: update nnviz to open it")
        raise NnvizError(f"session version {version!r} is not supported (this nnviz reads version {VERSION})")


def _features(value, what: str):
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NnvizError(f"{what} must be a list of feature names or null")
    return value


def _make_data(data) -> Dataset:
    """Make the session's data set again, bit for bit."""
    where = '"data"'
    data = json_object(data, where)
    kind = field(data, "kind", where)
    if kind not in ("builtin", "csv", "idx"):
        raise NnvizError(f'{where} "kind" must be "builtin", "csv" or "idx", not {kind!r}')
    name = field(data, "name", where)
    if not isinstance(name, str) or not name:
        raise NnvizError(f'{where} "name" must be a non-empty name')
    test_fraction = field(data, "test_fraction", where)
    seed = field(data, "seed", where)
    standardize = field(data, "standardize", where)
    features = _features(field(data, "features", where), f'{where} "features"')
    if not is_real(test_fraction):
        raise NnvizError(f'{where} "test_fraction" must be a number')
    whole_number(seed, f'{where} "seed"')
    if not isinstance(standardize, bool):
        raise NnvizError(f'{where} "standardize" must be true or false')
    common = {"test_fraction": test_fraction, "seed": seed, "features": features, "standardize": standardize}
    if kind == "builtin":
        samples, noise = field(data, "samples", where), field(data, "noise", where)
        whole_number(samples, f'{where} "samples"', 1)
        if not is_real(noise):
            raise NnvizError(f'{where} "noise" must be a number')
        try:
            return make_dataset(name, samples=samples, noise=noise, **common)
        except NnvizError as exc:
            raise NnvizError(f"the session's data: {exc}") from None
    if kind == "idx":
        try:
            return load_idx_dataset(name, test_fraction=test_fraction, seed=seed, standardize=standardize)
        except NnvizError as exc:
            raise NnvizError(f"the session's MNIST-format data cannot be read again: {exc}") from None
    text = field(data, "text", where)
    if not isinstance(text, str):
        raise NnvizError(f'{where} "text" must be the CSV file\'s text')
    if os.path.basename(name) != name:
        raise NnvizError(f'{where} "name" must be a file name without folders, not {name!r}')
    try:
        return load_csv_dataset(name, text=text, **common)
    except NnvizError as exc:
        raise NnvizError(f"the CSV data stored in the session is damaged: {exc}") from None


def _make_network(value) -> Network:
    where = "the network"
    value = json_object(value, where)
    layers = field(value, "layers", where)
    activations = field(value, "activations", where)
    loss = field(value, "loss", where)
    if not isinstance(layers, list) or not all(is_int(n) for n in layers):
        raise NnvizError(f'{where} "layers" must be a list of whole numbers, e.g. [2, 3, 1]')
    if not isinstance(activations, list) or not all(isinstance(a, str) for a in activations):
        raise NnvizError(f'{where} "activations" must be a list of names, e.g. ["tanh", "sigmoid"]')
    if not isinstance(loss, str):
        raise NnvizError(f'{where} "loss" must be a name: "mse", "bce" or "ce"')
    validate_architecture(layers, activations, loss)
    params = layers_from_json(value, ParamLayout(layers), "the network")  # before allocating anything that big
    return Network(layers, activations, loss, params=params)


def _make_config(value) -> TrainConfig:
    where = '"config"'
    value = json_object(value, where)
    kwargs = {}
    for name, kind in _CONFIG_FIELDS.items():
        v = field(value, name, where)
        if kind is float and not is_real(v):
            raise NnvizError(f'{where} "{name}" must be a number, not {v!r}')
        if kind is int and not is_int(v):
            raise NnvizError(f'{where} "{name}" must be a whole number, not {v!r}')
        if kind is str and not isinstance(v, str):
            raise NnvizError(f'{where} "{name}" must be a name, not {v!r}')
        kwargs[name] = float(v) if kind is float else v
    unknown = sorted(set(value) - set(_CONFIG_FIELDS))
    if unknown:
        raise NnvizError(f'{where} has an unknown setting "{unknown[0]}"')
    return TrainConfig(**kwargs)  # checks the values


def _optimizer_state(value, config: TrainConfig, network: Network) -> dict:
    """The optimizer's state as Optimizer.load_state takes it: {"t": t, "<name>_state": (P,) …}."""
    where = '"optimizer"'
    value = json_object(value, where)
    name = field(value, "name", where)
    if name != config.optimizer:
        raise NnvizError(f'{where} "name" is {name!r} but the training settings use {config.optimizer!r}')
    t = whole_number(field(value, "t", where), f'{where} "t"')
    arrays = json_object(field(value, "state", where), f'{where} "state"')
    expected = sorted(k[:-len(_STATE_SUFFIX)] for k in make_optimizer(name, network.size).state() if k != "t")
    if sorted(arrays) != expected:
        listed = ", ".join(f'"{k}"' for k in expected) or "nothing"
        raise NnvizError(f'{where} "state" of {name} must hold {listed}; it holds '
                         f'{", ".join(repr(k) for k in sorted(arrays)) or "nothing"}')
    state = {"t": t}
    for key in expected:
        state[key + _STATE_SUFFIX] = layers_from_json(arrays[key], network.layout, f'the optimizer state "{key}"')
    return state


def _rng_state(value) -> dict:
    where = '"rng"'
    value = json_object(value, where)
    if field(value, "bit_generator", where) != "PCG64":
        raise NnvizError(f'{where} "bit_generator" must be "PCG64"')
    inner = json_object(field(value, "state", where), f'{where} "state"')
    numbers = {}
    for key in ("state", "inc"):
        v = field(inner, key, f'{where} "state"')
        if not isinstance(v, str) or not _HEX128.fullmatch(v):
            raise NnvizError(f'{where} state "{key}" must be a 128-bit number in hexadecimal ("0x…")')
        numbers[key] = int(v, 16)
    has_uint32 = whole_number(field(value, "has_uint32", where), f'{where} "has_uint32"', 0, 1)
    uinteger = whole_number(field(value, "uinteger", where), f'{where} "uinteger"', 0, 2**32 - 1)
    return {"bit_generator": "PCG64", "state": numbers, "has_uint32": has_uint32, "uinteger": uinteger}


def _trainer_state(value, config: TrainConfig, n_train: int, optimizer_t: int, rng: dict,
                   stopped: str | None) -> TrainerState:
    """The trainer's state: its "position" checked against the data and the settings."""
    where = '"position"'
    value = json_object(value, where)
    step = whole_number(field(value, "step", where), f'{where} "step"')
    epoch = whole_number(field(value, "epoch", where), f'{where} "epoch"')
    batch = whole_number(field(value, "batch", where), f'{where} "batch"')
    perm = field(value, "permutation", where)
    if (not isinstance(perm, list) or len(perm) != n_train or not all(is_int(i) for i in perm)
            or sorted(perm) != list(range(n_train))):
        raise NnvizError(f'{where} "permutation" must hold each training row index 0 … {n_train - 1} '
                         f"exactly once ({n_train} training rows)")
    shuffled = field(value, "shuffled_for", where)
    if shuffled is not None:
        shuffled = json_object(shuffled, f'{where} "shuffled_for"')
        shuffled = (whole_number(field(shuffled, "epoch", f'{where} "shuffled_for"'),
                                 f'{where} shuffled_for "epoch"', 0, epoch),
                    whole_number(field(shuffled, "batch_size", f'{where} "shuffled_for"'),
                                 f'{where} shuffled_for "batch_size"', 1, n_train))
    size = min(config.batch_size, n_train)
    if batch:
        if shuffled != (epoch, size):
            raise NnvizError(f"{where}: batch {batch} of epoch {epoch} is under way, but that epoch's "
                             f'shuffle ("shuffled_for") is not stored')
        if batch >= -(-n_train // size):
            raise NnvizError(f'{where} "batch" is {batch} but an epoch has only {-(-n_train // size)} batches')
    if optimizer_t > step:
        raise NnvizError(f'the optimizer took {optimizer_t} steps but the trainer only {step}')
    return TrainerState(step=step, epoch=epoch, batch=batch, stopped=stopped,
                        permutation=np.array(perm, dtype=np.intp), shuffled_for=shuffled, rng=rng)


def session_from_dict(data) -> Session:
    """Validate a parsed session file completely, then rebuild its trainer (ready to go on)."""
    _check_header(data)
    for key in _PARTS:
        field(data, key, "the session")
    try:
        return _session_from_dict(data)
    except NnvizError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # a safety net: every field is checked above, so this means a check is missing
        raise NnvizError(f"the session is damaged ({type(exc).__name__}: {exc})") from None


def _session_from_dict(data: dict) -> Session:
    # ---- check everything, build nothing that outlives a failure
    network = _make_network(data["network"])
    config = _make_config(data["config"])
    opt_state = _optimizer_state(data["optimizer"], config, network)
    grads = layers_from_json(data["grads"], network.layout, "the last gradient")
    rng_state = _rng_state(data["rng"])
    stopped = data["stopped"]
    if stopped is not None and not isinstance(stopped, str):
        raise NnvizError('"stopped" must be null or a message')
    history = history_from_json(data["history"])
    problem, extra = data["problem"], data["extra"]
    if problem is not None and not isinstance(problem, dict):
        raise NnvizError('"problem" must be a JSON object or null')
    if not isinstance(extra, dict):
        raise NnvizError('"extra" must be a JSON object')
    dataset = _make_data(data["data"])
    trainer = Trainer(network, dataset, config)  # checks that the network fits the data
    state = _trainer_state(data["position"], config, trainer.n_train, opt_state["t"], rng_state, stopped)

    # ---- restore: nothing below can fail on checked values
    network.grads[...] = grads
    trainer.optimizer.load_state(opt_state)
    trainer.load_state(state)
    return Session(trainer=trainer, problem=copy.deepcopy(problem), history_rows=history, extra=copy.deepcopy(extra))
