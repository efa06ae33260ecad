"""Settings: one typed table of defaults, stored with QSettings where the platform expects.

A stored value of the wrong type or outside its allowed values is dropped with a
logged warning (never an exception), so a corrupt settings file never blocks start-up.
``NNVIZ_SETTINGS`` (an .ini path) redirects storage, which the tests use.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from nnviz.app.pace import MAX_POSITION
from nnviz.engine.limits import check_json_depth

log = logging.getLogger(__name__)

MAX_ANIMATION_MS = 3000  # the Animation slider's range is 0…this
MAX_LESSON_STEP = 10_000


@dataclass(frozen=True)
class Setting:
    """A stored value: its default, its type, and what it may be (``choices``, an int's
    ``low``…``high``, or ``check``: a function raising ValueError for bad contents)."""

    default: Any
    kind: type
    choices: tuple | None = None
    low: int | None = None
    high: int | None = None
    check: Callable[[Any], None] | None = None


def _lesson_steps(progress: dict) -> None:
    """lesson id → the step last shown: a whole number from 0."""
    for lesson_id, step in progress.items():
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_LESSON_STEP:
            raise ValueError(f"lesson {lesson_id!r}: step {step!r} is not a whole number from 0 to {MAX_LESSON_STEP}")


def _file_list(recent: dict) -> None:
    """{"files": [path, …]}."""
    files = recent.get("files", [])
    if not isinstance(files, list) or not all(isinstance(p, str) for p in files):
        raise ValueError(f"files must be a list of paths, not {files!r:.60}")


SETTINGS = {
    "theme": Setting("light", str, ("light", "dark")),
    "presentation": Setting(False, bool),
    "all_edges": Setting(False, bool),
    "log_scale": Setting(False, bool),
    "animation_ms": Setting(900, int, low=0, high=MAX_ANIMATION_MS),
    "granularity": Setting("batch", str, ("phase", "sample", "batch", "epoch")),
    "play_speed": Setting(MAX_POSITION, int, tuple(range(MAX_POSITION + 1))),  # app.pace slider position
    "problem": Setting({}, dict),  # stored as JSON text
    "geometry": Setting(b"", bytes),
    "window_state": Setting(b"", bytes),
    "last_folder": Setting("", str),
    "lesson_progress": Setting({}, dict, check=_lesson_steps),  # lesson id → last step shown
    "recent_files": Setting({}, dict, check=_file_list),  # {"files": [most recent first]} (models, sessions, lessons)
    "clean_exit": Setting(True, bool),  # False while the app runs: a crash leaves it False
    "first_start_seen": Setting(False, bool),  # the where-to-begin banner (ui.first_start) was shown
}


def _store() -> QSettings:
    path = os.environ.get("NNVIZ_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "nnviz", "nnviz")


class Settings:
    def __init__(self):
        self._qs = _store()

    @property
    def path(self) -> str:
        return self._qs.fileName()

    @property
    def autosave_path(self):
        """The autosaved session, beside the settings file."""
        from pathlib import Path

        return Path(self.path).parent / "autosave.nnviz"

    def get(self, key: str):
        spec = SETTINGS[key]
        raw = self._qs.value(key)
        if raw is None:
            return spec.default
        try:
            value = self._convert(raw, spec)
        except (TypeError, ValueError) as exc:
            log.warning("settings: dropped %s (%s); using the default", key, exc)
            self._qs.remove(key)
            return spec.default
        return value

    @staticmethod
    def _convert(raw, spec: Setting):
        if spec.kind is bool:
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("true", "1"):
                return True
            if str(raw).lower() in ("false", "0"):
                return False
            raise ValueError(f"{raw!r} is not true or false")
        if spec.kind is int:
            value = int(raw)
        elif spec.kind is str:
            if not isinstance(raw, str):
                raise TypeError(f"{raw!r} is not text")
            value = raw
        elif spec.kind is bytes:
            if isinstance(raw, QByteArray):
                return bytes(raw.data())
            if isinstance(raw, (bytes, bytearray)):
                return bytes(raw)
            raise TypeError("not binary data")
        elif spec.kind is dict:
            if isinstance(raw, str):
                check_json_depth(raw)  # json.loads would recurse into a deeply nested value
                value = json.loads(raw)
            else:
                value = raw
            if not isinstance(value, dict):
                raise TypeError("not a JSON object")
        else:  # pragma: no cover - the table above lists every kind
            raise TypeError(spec.kind)
        if spec.choices is not None and value not in spec.choices:
            raise ValueError(f"{value!r} is not one of {spec.choices}")
        if spec.low is not None and not spec.low <= value <= spec.high:
            raise ValueError(f"{value!r} is not from {spec.low} to {spec.high}")
        if spec.check is not None:
            spec.check(value)
        return value

    def set(self, key: str, value) -> None:
        spec = SETTINGS[key]
        if spec.kind is dict:
            value = json.dumps(value)
        elif spec.kind is bytes:
            value = QByteArray(bytes(value))
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
