"""Hostile files: a network past the parameter budget, JSON nested 200,000 deep, a gzip bomb,
a 400-digit weight, ``"version": true``: each is one NnvizError naming the file, refused
before anything that size is allocated (issue 15)."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib

import numpy as np
import pytest

from nnviz.engine import session as session_module
from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.limits import (
    MAX_JSON_DEPTH, MAX_PARAMETERS, check_json_depth, gunzip_capped, json_depth, parameter_count,
)
from nnviz.engine.model_io import load_model, model_to_dict
from nnviz.engine.network import Network
from nnviz.engine.session import load_session, save_session, session_to_dict
from nnviz.engine.trainer import TrainConfig, Trainer

HUGE_LAYERS = [2, *[4096] * 60, 1]  # ≈ 10⁹ parameters in a file of about a kilobyte


def small_network() -> Network:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(0))
    return net


def small_session() -> dict:
    trainer = Trainer(small_network(), make_dataset("xor", samples=40, seed=1), TrainConfig(batch_size=8))
    trainer.step_batch()
    return session_to_dict(trainer, problem={"dataset": "xor"})


def refusal_and_peak(function) -> tuple[str, int]:
    """The NnvizError message ``function`` raises, and the peak of memory traced (numpy
    included) while it ran."""
    tracemalloc.start()
    try:
        function()
    except NnvizError as exc:
        return str(exc), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    raise AssertionError("not refused")


# ---- the parameter budget ------------------------------------------------------------------------

def test_parameter_count_is_weights_and_biases():
    assert parameter_count([2, 3, 1]) == (2 + 1) * 3 + (3 + 1) * 1 == small_network().size


def test_a_network_past_the_budget_is_refused_before_allocating():
    message, peak = refusal_and_peak(lambda: Network(HUGE_LAYERS, ["tanh"] * 60 + ["sigmoid"], "bce"))
    assert peak < 2**20
    assert f"{parameter_count(HUGE_LAYERS):,} parameters" in message and f"{MAX_PARAMETERS:,}" in message


def test_a_network_within_the_budget_is_built():
    layers = [2, 3000, 3000, 1]
    assert parameter_count(layers) < MAX_PARAMETERS
    assert Network(layers, ["relu", "relu", "sigmoid"], "bce").size == parameter_count(layers)


def test_a_small_model_file_past_the_budget_is_one_line_and_no_memory(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"format": "nnviz-model", "version": 1, "layers": HUGE_LAYERS,
                                "activations": ["tanh"] * 60 + ["sigmoid"], "loss": "mse",
                                "weights": [], "biases": []}))
    assert path.stat().st_size < 2000
    message, peak = refusal_and_peak(lambda: load_model(path))
    assert peak < 2**20
    assert message.startswith(f"{path}: the network would have 990,113,793 parameters")


def test_a_session_past_the_budget_is_refused(tmp_path):
    doc = small_session()
    doc["network"]["layers"] = HUGE_LAYERS
    doc["network"]["activations"] = ["tanh"] * 60 + ["sigmoid"]
    path = tmp_path / "huge.nnviz"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with pytest.raises(NnvizError, match="parameters; nnviz allows at most"):
        load_session(path)


# ---- nesting, size, numbers -----------------------------------------------------------------------

def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": [[1, 2], [3]], "s": "[[[[\\"[[", "t": "}}}"}') == 3
    assert json_depth(b"[]") == 1 and json_depth("12") == 0
    check_json_depth("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    with pytest.raises(NnvizError, match=f"nested {MAX_JSON_DEPTH + 1} levels deep"):
        check_json_depth("[" * (MAX_JSON_DEPTH + 1))


def test_a_model_nested_200000_deep_is_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"format": "nnviz-model", "layers": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with pytest.raises(NnvizError, match=r"deep\.json: not valid JSON for nnviz: nested 200,001 levels deep"):
        load_model(path)


def test_a_session_nested_deeply_is_one_line(tmp_path):
    doc = small_session()
    text = json.dumps(doc).replace('"extra": {}', '"extra": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    path = tmp_path / "deep.nnviz"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(NnvizError, match=r"deep\.nnviz: not valid JSON for nnviz: nested"):
        load_session(path)


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_weight_written_as_a_huge_integer_is_one_line(tmp_path, digits):
    text = json.dumps(model_to_dict(small_network()))
    first = json.dumps(model_to_dict(small_network())["weights"][0][0][0])
    path = tmp_path / "bigint.json"
    path.write_text(text.replace(first, "9" * digits, 1))
    with pytest.raises(NnvizError, match=r"bigint\.json: ") as info:
        load_model(path)
    assert "\n" not in str(info.value)


def test_a_session_weight_written_as_a_huge_integer_is_one_line(tmp_path):
    doc = small_session()
    doc["network"]["weights"][0][0][0] = 10**400
    path = tmp_path / "bigint.nnviz"
    path.write_text(json.dumps(doc))
    with pytest.raises(NnvizError, match="not a finite number"):
        load_session(path)


def test_gunzip_capped_stops_at_the_cap_and_reads_what_fits():
    data = bytes(range(256)) * 4000
    assert gunzip_capped(gzip.compress(data)) == data
    assert gunzip_capped(gzip.compress(b"ab") + gzip.compress(b"cd")) == b"abcd"  # two gzip members
    with pytest.raises(NnvizError, match="inflates to more than"):
        gunzip_capped(gzip.compress(data), cap=len(data) - 1)
    with pytest.raises(EOFError):
        gunzip_capped(gzip.compress(data)[:-20])


def test_a_gzip_bomb_session_is_refused_without_inflating_it(tmp_path, monkeypatch):
    cap = 4 * 2**20
    monkeypatch.setattr(session_module, "MAX_DECOMPRESSED_BYTES", cap)
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = packer.compress(b'{"format": "nnviz-session", "pad": "') + packer.compress(b" " * (64 * 2**20))
    path = tmp_path / "bomb.nnviz"
    path.write_bytes(bomb + packer.flush())
    message, peak = refusal_and_peak(lambda: load_session(path))
    assert peak < 3 * cap  # not the 64 MB it inflates to
    assert message == f"{path}: the file inflates to more than 4 MB; nnviz reads sessions up to that size"


def test_a_plain_session_past_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "MAX_DECOMPRESSED_BYTES", 1000)
    path = tmp_path / "big.nnviz"
    save_session(path, Trainer(small_network(), make_dataset("xor", samples=40), TrainConfig()), compress=False)
    with pytest.raises(NnvizError, match="larger than"):
        load_session(path)


# ---- versions --------------------------------------------------------------------------------------

def test_version_true_is_not_version_1(tmp_path):
    model = model_to_dict(small_network()) | {"version": True}
    (tmp_path / "m.json").write_text(json.dumps(model))
    with pytest.raises(NnvizError, match="model version True is not supported"):
        load_model(tmp_path / "m.json")
    doc = small_session() | {"version": True}
    (tmp_path / "s.nnviz").write_text(json.dumps(doc))
    with pytest.raises(NnvizError, match="session version True is not supported"):
        load_session(tmp_path / "s.nnviz")
