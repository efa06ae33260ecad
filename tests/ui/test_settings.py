"""Settings: values round-trip through the .ini file NNVIZ_SETTINGS names; a bad stored value
is dropped (logged, default returned), never raised."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("pytestqt")

from nnviz.ui.settings import SETTINGS, Settings  # noqa: E402


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


def test_defaults_when_nothing_is_stored(settings_path):
    s = Settings()
    assert s.path == str(settings_path)
    for key, spec in SETTINGS.items():
        assert s.get(key) == spec.default
    assert not settings_path.exists()


def test_values_round_trip_through_the_ini_file(settings_path):
    values = {
        "theme": "dark", "presentation": True, "all_edges": True, "log_scale": False,
        "animation_ms": 250, "granularity": "phase",
        "problem": {"dataset": "xor", "hidden": [3, 2], "train": {"learning_rate": 0.3}},
        "geometry": b"\x01\x02\x00\xff", "window_state": b"", "last_folder": "/tmp/models, old",
    }
    s = Settings()
    for key, value in values.items():
        s.set(key, value)
    s.sync()
    assert settings_path.exists()
    text = settings_path.read_text()
    assert "theme=dark" in text and "animation_ms=250" in text
    again = Settings()
    for key, value in values.items():
        got = again.get(key)
        assert got == value and type(got) is type(value), key


BAD_INI = """[General]
theme=purple
presentation=maybe
all_edges=2
animation_ms=fast
granularity=minute
problem={not json
geometry=not bytes
last_folder=a, b
log_scale=true
"""

DROPPED = ("theme", "presentation", "all_edges", "animation_ms", "granularity", "problem", "geometry", "last_folder")


def test_bad_values_are_dropped_logged_and_defaulted(settings_path, caplog):
    settings_path.write_text(BAD_INI)
    s = Settings()
    with caplog.at_level(logging.WARNING, logger="nnviz.ui.settings"):
        for key in DROPPED:
            assert s.get(key) == SETTINGS[key].default, key
        assert s.get("log_scale") is True  # a good value next to bad ones is kept
    logged = [r.getMessage() for r in caplog.records if r.name == "nnviz.ui.settings"]
    assert len(logged) == len(DROPPED)
    for key, message in zip(DROPPED, logged):
        assert message.startswith(f"settings: dropped {key} (") and "using the default" in message
    assert "'purple' is not one of ('light', 'dark')" in logged[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="nnviz.ui.settings"):  # dropped for good
        assert s.get("theme") == "light"
    assert not caplog.records
    s.sync()
    assert "purple" not in settings_path.read_text()


@pytest.mark.parametrize("raw", ['"[1, 2]"', '"3"', "1, 2"])
def test_problem_must_be_a_json_object(settings_path, caplog, raw):
    settings_path.write_text(f"[General]\nproblem={raw}\n")
    with caplog.at_level(logging.WARNING, logger="nnviz.ui.settings"):
        assert Settings().get("problem") == {}
    assert len(caplog.records) == 1


def test_unknown_key_is_a_programming_error(settings_path):
    with pytest.raises(KeyError):
        Settings().get("colour")
