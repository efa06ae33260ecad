"""Model files: JSON, validated on load, written atomically.

    {"format": "nnviz-model", "version": 1, "layers": [2, 3, 1],
     "activations": ["tanh", "sigmoid"], "loss": "mse",
     "weights": [[[w, w], [w, w], [w, w]], [[w, w, w]]],   # weights[l]: (out, in) rows
     "biases": [[b, b, b], [b]]}                               # biases[l]: (out,)

``layers`` includes the input size; one activation per non-input layer.
A path ending in ``.onnx`` is an ONNX model instead (engine.onnx_read, engine.onnx_io):
``load_model`` and ``save_model`` are the one door for both, so every caller reads both.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from nnviz.engine.atomic_files import write_atomic
from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_text
from nnviz.engine.limits import check_json_depth
from nnviz.engine.network import Network

FORMAT = "nnviz-model"
VERSION = 1


def model_to_dict(network: Network) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "layers": list(network.layers),
        "activations": list(network.activation_names),
        "loss": network.loss_name,
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.tolist() for b in network.biases],
    }


def _matrix(value, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite float array of exactly ``shape`` from nested lists, or NnvizError naming ``what``."""
    try:
        arr = np.array(value, dtype=np.float64)
    except OverflowError:  # an integer too big for a float, e.g. 400 digits
        raise NnvizError(f"{what} holds a value that is not a finite number") from None
    except (TypeError, ValueError):
        raise NnvizError(f"{what} must be a list of numbers{' rows' if len(shape) == 2 else ''} of shape {shape}") from None
    if arr.shape != shape:
        raise NnvizError(f"{what} has shape {arr.shape}, expected {shape}")
    if isinstance(value, list) and any(isinstance(v, bool) for v in np.array(value, dtype=object).ravel()):
        raise NnvizError(f"{what} must hold numbers, not true/false")
    if isinstance(value, list) and any(isinstance(v, str) for v in np.array(value, dtype=object).ravel()):
        raise NnvizError(f"{what} must hold numbers, not text")
    if not np.isfinite(arr).all():
        raise NnvizError(f"{what} holds a value that is not a finite number")
    return arr


def model_from_dict(data) -> Network:
    """Build a Network from a parsed model file, checking every field."""
    if not isinstance(data, dict):
        raise NnvizError("a model file must hold a JSON object")
    if data.get("format") != FORMAT:
        raise NnvizError(f'not an nnviz model ("format" must be "{FORMAT}")')
    version = data.get("version")
    is_whole = isinstance(version, int) and not isinstance(version, bool)
    if not is_whole or version != VERSION:  # true == 1 in Python, but not a version
        newer = is_whole and version > VERSION
        hint = "; it was written by a newer nnviz" if newer else ""
        raise NnvizError(f"model version {version!r} is not supported (this nnviz reads version {VERSION}){hint}")
    for key in ("layers", "activations", "loss", "weights", "biases"):
        if key not in data:
            raise NnvizError(f'the model has no "{key}" field')
    layers, activations, loss = data["layers"], data["activations"], data["loss"]
    if not isinstance(layers, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in layers):
        raise NnvizError('"layers" must be a list of whole numbers, e.g. [2, 3, 1]')
    if not isinstance(activations, list) or not all(isinstance(a, str) for a in activations):
        raise NnvizError('"activations" must be a list of names, e.g. ["tanh", "sigmoid"]')
    if not isinstance(loss, str):
        raise NnvizError('"loss" must be a name: "mse", "bce" or "ce"')
    network = Network(layers, activations, loss)
    weights, biases = data["weights"], data["biases"]
    for key, value in (("weights", weights), ("biases", biases)):
        if not isinstance(value, list) or len(value) != network.n_layers:
            raise NnvizError(f'"{key}" must be a list with one entry per non-input layer ({network.n_layers})')
    for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        w = _matrix(weights[l], (n_out, n_in), f"weights[{l}]")
        b = _matrix(biases[l], (n_out,), f"biases[{l}]")
        network.set_layer(l, w, b)
    return network


def is_onnx(path) -> bool:
    return Path(path).suffix.lower() == ".onnx"


def load_model(path) -> Network:
    """Read and validate a model file (JSON, or ONNX by its suffix); any problem is one NnvizError naming the file."""
    path = Path(path)
    if is_onnx(path):
        from nnviz.engine.onnx_read import network_from_onnx  # imports this module

        return network_from_onnx(path)
    text = read_text(path, "model file")
    try:
        check_json_depth(text)  # json.loads would recurse into a deeply nested file
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NnvizError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise NnvizError(f"{path}: not valid JSON ({exc})") from None
    try:
        return model_from_dict(data)
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None


def save_model(network: Network, path) -> None:
    """Write ``network`` atomically: as JSON, or as ONNX (float32) when ``path`` ends in .onnx."""
    if not all(math.isfinite(v) for v in network.params):
        raise NnvizError("the network holds NaN or infinite weights; it was not saved")
    if is_onnx(path):
        from nnviz.engine.onnx_io import network_to_onnx

        network_to_onnx(network, path)
        return
    write_atomic(path, json.dumps(model_to_dict(network), indent=1) + "\n")
