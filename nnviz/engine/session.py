"""Session files (``.nnviz``): the whole state of a training run, to continue it exactly.

    save_session("run.nnviz", trainer, problem=problem.to_dict(), history_rows=rows,
                 extra={"granularity": "batch"})
    session = load_session("run.nnviz")
    session.trainer.train_epochs(10)  # the same numbers, bit for bit, as if never stopped

A session stores the data (the built-in data set's parameters, or a CSV file's whole text),
the network (architecture and exact weights), the training settings, the optimizer's state,
the trainer's position (step, epoch, batch, this epoch's shuffle, the random generator's
state), the loss history, and two plain dicts of the caller's: ``problem`` (the app's
problem description) and ``extra`` (UI state). The engine knows nothing of the UI: both are
stored and returned as JSON values.

File: UTF-8 JSON, gzip-compressed by default (a reader takes plain JSON too); every float
is written in Python's shortest round-trip decimal form, so it reads back bit for bit.
docs/session-format.md describes every field.

Loading validates everything before it builds anything; any problem (a newer version, a
damaged or truncated file, a missing field, a wrong shape, a NaN weight, a CSV text that
does not parse) is one NnvizError naming the file.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import os
import re
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from nnviz.engine.datasets import Dataset, load_csv_dataset, make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_bytes
from nnviz.engine.model_io import write_atomic
from nnviz.engine.network import Network, validate_architecture
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import TrainConfig, Trainer

__all__ = [
    "FORMAT", "SUFFIX", "VERSION", "Session",
    "load_session", "save_session", "session_from_dict", "session_to_dict",
]

FORMAT = "nnviz-session"
VERSION = 1
SUFFIX = ".nnviz"
HISTORY_COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")

_GZIP_MAGIC = b"\x1f\x8b"
_STATE_SUFFIX = "_state"  # Optimizer.state() keys: "t" and "<name>_state" arrays
_HEX128 = re.compile(r"0x[0-9a-fA-F]{1,32}")
_CONFIG_FIELDS = {f.name: type(f.default) for f in fields(TrainConfig)}  # name -> float / int / str

HistoryRow = tuple[float, float, float, float, float]


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

def _floats(arr: np.ndarray, what: str) -> list:
    """Nested lists of Python floats (json writes them in exact shortest form)."""
    if not np.isfinite(arr).all():
        raise NnvizError(f"{what} holds NaN or infinite values; the session was not saved")
    return arr.tolist()


def _per_layer(flat: np.ndarray, layers: tuple[int, ...], what: str) -> dict:
    """A vector in the network's flat layout as {"weights": [(out, in) …], "biases": [(out,) …]}."""
    weights, biases = [], []
    start = 0
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        block = flat[start:start + (n_in + 1) * n_out].reshape(n_in + 1, n_out)
        weights.append(_floats(block[:-1].T, what))
        biases.append(_floats(block[-1], what))
        start += (n_in + 1) * n_out
    return {"weights": weights, "biases": biases}


def _json_value(value, what: str):
    """A deep copy of ``value`` as JSON gives it back (tuples become lists), or NnvizError."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise NnvizError(f"{what} cannot be stored in a session ({exc}); the session was not saved") from None


def _history_cell(value) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, (bool, str)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise NnvizError(f"history rows must hold numbers (or None), not {value!r}; the session was not saved")
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _history_to_list(rows) -> list:
    out = []
    for i, row in enumerate(() if rows is None else rows):
        row = list(row)
        if len(row) != len(HISTORY_COLUMNS):
            raise NnvizError(f"history row {i} has {len(row)} values, expected {len(HISTORY_COLUMNS)} "
                             f"({', '.join(HISTORY_COLUMNS)}); the session was not saved")
        out.append([_history_cell(v) for v in row])
    return out


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
    layers = net.layers
    rng_state = trainer.rng.bit_generator.state
    if rng_state.get("bit_generator") != "PCG64":
        raise NnvizError(f"the trainer's random generator is {rng_state.get('bit_generator')}; "
                         "a session can store only PCG64 (numpy.random.default_rng)")
    key = trainer._shuffled_key
    state = opt.state()
    return {
        "format": FORMAT,
        "version": VERSION,
        "data": _data_to_dict(trainer.dataset),
        "network": {
            "layers": list(layers),
            "activations": list(net.activation_names),
            "loss": net.loss_name,
            **_per_layer(net.params, layers, "the network"),
        },
        "config": {name: getattr(trainer.config, name) for name in _CONFIG_FIELDS},
        "optimizer": {
            "name": opt.name,
            "t": int(state.pop("t")),
            "state": {k[:-len(_STATE_SUFFIX)]: _per_layer(v, layers, f"the optimizer state {k!r}")
                      for k, v in sorted(state.items())},
        },
        "position": {
            "step": int(trainer.step),
            "epoch": int(trainer.epoch),
            "batch": int(trainer.batch),
            "permutation": [int(i) for i in trainer._perm],
            "shuffled_for": None if key[1] < 1 else {"epoch": int(key[0]), "batch_size": int(key[1])},
        },
        "rng": {
            "bit_generator": "PCG64",
            "state": {"state": hex(rng_state["state"]["state"]), "inc": hex(rng_state["state"]["inc"])},
            "has_uint32": int(rng_state["has_uint32"]),
            "uinteger": int(rng_state["uinteger"]),
        },
        "grads": _per_layer(net.grads, layers, "the last gradient"),
        "stopped": trainer.stopped,
        "history": _history_to_list(history_rows),
        "problem": None if problem is None else _json_value(problem, "the problem"),
        "extra": {} if extra is None else _json_value(extra, "extra"),
    }


def save_session(path, trainer: Trainer, problem: dict | None = None, history_rows=None,
                 extra: dict | None = None, *, compress: bool = True) -> None:
    """Write the session to ``path`` atomically: gzip-compressed JSON, or plain JSON
    with ``compress=False``. Nothing is written if anything cannot be stored."""
    doc = session_to_dict(trainer, problem, history_rows, extra)
    if compress:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        data = gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)  # fast; any level reads
    else:
        data = (_pretty(doc) + "\n").encode("utf-8")
    write_atomic(Path(path), data)


def _pretty(value, level: int = 0) -> str:
    """JSON indented by one space per level, with a list of plain values on one line."""
    if isinstance(value, dict) and value:
        pad = " " * (level + 1)
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        pad = " " * (level + 1)
        return "[\n" + ",\n".join(pad + _pretty(v, level + 1) for v in value) + "\n" + " " * level + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


# ============================================================================ reading

def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field(obj: dict, key: str, where: str):
    if key not in obj:
        raise NnvizError(f'{where} has no "{key}" field')
    return obj[key]


def _object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise NnvizError(f"{what} must be a JSON object")
    return value


def _int(value, what: str, low: int = 0, high: int | None = None) -> int:
    if not _is_int(value) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"≥ {low}"
        raise NnvizError(f"{what} must be a whole number {bound}, not {value!r}")
    return value


def _array(value, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite float64 array of exactly ``shape`` from nested JSON lists, or NnvizError."""
    expected = f"a list of {'rows of ' if len(shape) == 2 else ''}numbers of shape {shape}"
    if not isinstance(value, list):
        raise NnvizError(f"{what} must be {expected}")
    if len(shape) == 2:
        if not all(isinstance(row, list) for row in value):
            raise NnvizError(f"{what} must be {expected}")
        if len(value) != shape[0]:
            raise NnvizError(f"{what} has {len(value)} rows, expected shape {shape}")
        for row in value:
            if len(row) != shape[1]:
                raise NnvizError(f"{what} has a row of {len(row)} numbers, expected shape {shape}")
        flat = [v for row in value for v in row]
    else:
        if len(value) != shape[0]:
            raise NnvizError(f"{what} has {len(value)} numbers, expected shape {shape}")
        flat = value
    for v in flat:
        if not _is_real(v):
            if v is None:
                raise NnvizError(f"{what} holds a value that is not a finite number (null)")
            raise NnvizError(f"{what} must hold numbers, not {type(v).__name__} {v!r:.40}")
    try:
        arr = np.array(flat, dtype=np.float64).reshape(shape)
    except OverflowError:
        raise NnvizError(f"{what} holds a value that is not a finite number") from None
    if not np.isfinite(arr).all():
        raise NnvizError(f"{what} holds a value that is not a finite number")
    return arr


def _flat(value, layers: tuple[int, ...], what: str) -> np.ndarray:
    """{"weights": [...], "biases": [...]} (one entry per non-input layer) → the flat (P,) vector
    in the network's layout: per layer, the rows of Wᵀ (n_in, n_out), then b."""
    obj = _object(value, what)
    n_layers = len(layers) - 1
    parts = {}
    for key in ("weights", "biases"):
        part = _field(obj, key, what)
        if not isinstance(part, list) or len(part) != n_layers:
            raise NnvizError(f'{what} "{key}" must be a list with one entry per non-input layer ({n_layers})')
        parts[key] = part
    blocks = []
    for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        w = _array(parts["weights"][l], (n_out, n_in), f"{what} weights[{l}]")
        b = _array(parts["biases"][l], (n_out,), f"{what} biases[{l}]")
        blocks.append(np.vstack([w.T, b[None, :]]).ravel())
    return np.concatenate(blocks)


def _check_header(data) -> None:
    if not isinstance(data, dict):
        raise NnvizError("a session file must hold a JSON object")
    fmt = data.get("format")
    if fmt != FORMAT:
        if fmt == "nnviz-model":
            raise NnvizError("this is an nnviz model file, not a session (open it as a model)")
        raise NnvizError(f'not an nnviz session ("format" must be "{FORMAT}", not {fmt!r})')
    version = data.get("version")
    if version != VERSION:
        if _is_int(version) and version > VERSION:
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
    data = _object(data, where)
    kind = _field(data, "kind", where)
    if kind not in ("builtin", "csv"):
        raise NnvizError(f'{where} "kind" must be "builtin" or "csv", not {kind!r}')
    name = _field(data, "name", where)
    if not isinstance(name, str) or not name:
        raise NnvizError(f'{where} "name" must be a non-empty name')
    test_fraction = _field(data, "test_fraction", where)
    seed = _field(data, "seed", where)
    standardize = _field(data, "standardize", where)
    features = _features(_field(data, "features", where), f'{where} "features"')
    if not _is_real(test_fraction):
        raise NnvizError(f'{where} "test_fraction" must be a number')
    _int(seed, f'{where} "seed"')
    if not isinstance(standardize, bool):
        raise NnvizError(f'{where} "standardize" must be true or false')
    common = {"test_fraction": test_fraction, "seed": seed, "features": features, "standardize": standardize}
    if kind == "builtin":
        samples, noise = _field(data, "samples", where), _field(data, "noise", where)
        _int(samples, f'{where} "samples"', 1)
        if not _is_real(noise):
            raise NnvizError(f'{where} "noise" must be a number')
        try:
            return make_dataset(name, samples=samples, noise=noise, **common)
        except NnvizError as exc:
            raise NnvizError(f"the session's data: {exc}") from None
    text = _field(data, "text", where)
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
    value = _object(value, where)
    layers = _field(value, "layers", where)
    activations = _field(value, "activations", where)
    loss = _field(value, "loss", where)
    if not isinstance(layers, list) or not all(_is_int(n) for n in layers):
        raise NnvizError(f'{where} "layers" must be a list of whole numbers, e.g. [2, 3, 1]')
    if not isinstance(activations, list) or not all(isinstance(a, str) for a in activations):
        raise NnvizError(f'{where} "activations" must be a list of names, e.g. ["tanh", "sigmoid"]')
    if not isinstance(loss, str):
        raise NnvizError(f'{where} "loss" must be a name: "mse", "bce" or "ce"')
    validate_architecture(layers, activations, loss)
    params = _flat(value, tuple(layers), "the network")  # before allocating anything that big
    return Network(layers, activations, loss, params=params)


def _make_config(value) -> TrainConfig:
    where = '"config"'
    value = _object(value, where)
    kwargs = {}
    for name, kind in _CONFIG_FIELDS.items():
        v = _field(value, name, where)
        if kind is float and not _is_real(v):
            raise NnvizError(f'{where} "{name}" must be a number, not {v!r}')
        if kind is int and not _is_int(v):
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
    value = _object(value, where)
    name = _field(value, "name", where)
    if name != config.optimizer:
        raise NnvizError(f'{where} "name" is {name!r} but the training settings use {config.optimizer!r}')
    t = _int(_field(value, "t", where), f'{where} "t"')
    arrays = _object(_field(value, "state", where), f'{where} "state"')
    expected = sorted(k[:-len(_STATE_SUFFIX)] for k in make_optimizer(name, network.size).state() if k != "t")
    if sorted(arrays) != expected:
        listed = ", ".join(f'"{k}"' for k in expected) or "nothing"
        raise NnvizError(f'{where} "state" of {name} must hold {listed}; it holds '
                         f'{", ".join(repr(k) for k in sorted(arrays)) or "nothing"}')
    state = {"t": t}
    for key in expected:
        state[key + _STATE_SUFFIX] = _flat(arrays[key], network.layers, f'the optimizer state "{key}"')
    return state


def _rng_state(value) -> dict:
    where = '"rng"'
    value = _object(value, where)
    if _field(value, "bit_generator", where) != "PCG64":
        raise NnvizError(f'{where} "bit_generator" must be "PCG64"')
    inner = _object(_field(value, "state", where), f'{where} "state"')
    numbers = {}
    for key in ("state", "inc"):
        v = _field(inner, key, f'{where} "state"')
        if not isinstance(v, str) or not _HEX128.fullmatch(v):
            raise NnvizError(f'{where} state "{key}" must be a 128-bit number in hexadecimal ("0x…")')
        numbers[key] = int(v, 16)
    has_uint32 = _int(_field(value, "has_uint32", where), f'{where} "has_uint32"', 0, 1)
    uinteger = _int(_field(value, "uinteger", where), f'{where} "uinteger"', 0, 2**32 - 1)
    return {"bit_generator": "PCG64", "state": numbers, "has_uint32": has_uint32, "uinteger": uinteger}


def _position(value, config: TrainConfig, n_train: int, optimizer_t: int) -> tuple:
    where = '"position"'
    value = _object(value, where)
    step = _int(_field(value, "step", where), f'{where} "step"')
    epoch = _int(_field(value, "epoch", where), f'{where} "epoch"')
    batch = _int(_field(value, "batch", where), f'{where} "batch"')
    perm = _field(value, "permutation", where)
    if (not isinstance(perm, list) or len(perm) != n_train or not all(_is_int(i) for i in perm)
            or sorted(perm) != list(range(n_train))):
        raise NnvizError(f'{where} "permutation" must hold each training row index 0 … {n_train - 1} '
                         f"exactly once ({n_train} training rows)")
    shuffled = _field(value, "shuffled_for", where)
    key = (-1, -1)
    if shuffled is not None:
        shuffled = _object(shuffled, f'{where} "shuffled_for"')
        key = (_int(_field(shuffled, "epoch", f'{where} "shuffled_for"'), f'{where} shuffled_for "epoch"', 0, epoch),
               _int(_field(shuffled, "batch_size", f'{where} "shuffled_for"'),
                    f'{where} shuffled_for "batch_size"', 1, n_train))
    size = min(config.batch_size, n_train)
    if batch:
        if key != (epoch, size):
            raise NnvizError(f"{where}: batch {batch} of epoch {epoch} is under way, but that epoch's "
                             f'shuffle ("shuffled_for") is not stored')
        if batch >= -(-n_train // size):
            raise NnvizError(f'{where} "batch" is {batch} but an epoch has only {-(-n_train // size)} batches')
    if optimizer_t > step:
        raise NnvizError(f'the optimizer took {optimizer_t} steps but the trainer only {step}')
    return step, epoch, batch, np.array(perm, dtype=np.intp), key


def _history_from_list(value) -> list[HistoryRow]:
    if not isinstance(value, list):
        raise NnvizError('"history" must be a list of rows')
    out = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != len(HISTORY_COLUMNS):
            raise NnvizError(f'"history" row {i} must be a list of {len(HISTORY_COLUMNS)} values '
                             f"({', '.join(HISTORY_COLUMNS)})")
        cells = []
        for v in row:
            if v is None:
                cells.append(math.nan)
            elif v in ("Infinity", "-Infinity") and isinstance(v, str):
                cells.append(math.inf if v == "Infinity" else -math.inf)
            elif _is_real(v):
                cells.append(float(v))
            else:
                raise NnvizError(f'"history" row {i} holds {v!r}, not a number or null')
        out.append(tuple(cells))
    return out


def session_from_dict(data) -> Session:
    """Validate a parsed session file completely, then rebuild its trainer (ready to go on)."""
    _check_header(data)
    for key in ("data", "network", "config", "optimizer", "position", "rng", "grads", "stopped",
                "history", "problem", "extra"):
        _field(data, key, "the session")
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
    grads = _flat(data["grads"], network.layers, "the last gradient")
    rng_state = _rng_state(data["rng"])
    stopped = data["stopped"]
    if stopped is not None and not isinstance(stopped, str):
        raise NnvizError('"stopped" must be null or a message')
    history = _history_from_list(data["history"])
    problem, extra = data["problem"], data["extra"]
    if problem is not None and not isinstance(problem, dict):
        raise NnvizError('"problem" must be a JSON object or null')
    if not isinstance(extra, dict):
        raise NnvizError('"extra" must be a JSON object')
    dataset = _make_data(data["data"])
    trainer = Trainer(network, dataset, config)  # checks that the network fits the data
    step, epoch, batch, perm, key = _position(data["position"], config, trainer.n_train, opt_state["t"])

    # ---- restore: nothing below can fail on checked values
    network.grads[...] = grads
    trainer.optimizer.load_state(opt_state)
    trainer.rng.bit_generator.state = rng_state
    trainer.step, trainer.epoch, trainer.batch = step, epoch, batch
    trainer.stopped = stopped
    trainer._perm[...] = perm
    if key[1] >= 1:
        trainer._cut_batches(key[1])  # this epoch's batches, cut from its stored shuffle
    trainer._shuffled_key = key
    return Session(trainer=trainer, problem=copy.deepcopy(problem), history_rows=history, extra=copy.deepcopy(extra))


def _read(path: Path) -> dict:
    raw = read_bytes(path, "session file")
    if not raw.strip():
        raise NnvizError(f"{path}: the file is empty")
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except EOFError:
            raise NnvizError(f"{path}: the file is truncated (its compressed data ends too early)") from None
        except (OSError, zlib.error) as exc:
            raise NnvizError(f"{path}: the file is damaged (bad compressed data: {exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NnvizError(f"{path}: not a session file (neither gzip nor UTF-8 JSON text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        end = exc.pos >= len(text.rstrip())
        why = "the file is truncated" if end else "the file is damaged"
        raise NnvizError(f"{path}: not valid JSON, {why} (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise NnvizError(f"{path}: not valid JSON (nested too deeply)") from None


def load_session(path) -> Session:
    """Read, validate and rebuild a session file; any problem is one NnvizError naming the file."""
    path = Path(path)
    data = _read(path)
    try:
        return session_from_dict(data)
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None

