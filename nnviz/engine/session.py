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

This module is the file: UTF-8 JSON, gzip-compressed by default (a reader takes plain JSON
too); every float is written in Python's shortest round-trip decimal form, so it reads back
bit for bit. nnviz.engine.session_codec maps the JSON to and from a trainer;
docs/session-format.md describes every field.

Loading validates everything before it builds anything; any problem (a newer version, a
damaged or truncated file, a missing field, a wrong shape, a NaN weight, a CSV text that
does not parse) is one NnvizError naming the file.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

from nnviz.engine.atomic_files import write_atomic
from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_bytes
from nnviz.engine.limits import MAX_DECOMPRESSED_BYTES, check_json_depth, gunzip_capped
from nnviz.engine.session_codec import FORMAT, VERSION, Session, session_from_dict, session_to_dict
from nnviz.engine.trainer import Trainer

__all__ = [
    "FORMAT", "SUFFIX", "VERSION", "Session",
    "load_session", "save_session", "session_from_dict", "session_to_dict",
]

SUFFIX = ".nnviz"

_GZIP_MAGIC = b"\x1f\x8b"


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


def _read(path: Path) -> dict:
    raw = read_bytes(path, "session file")
    if not raw.strip():
        raise NnvizError(f"{path}: the file is empty")
    try:
        if raw[:2] == _GZIP_MAGIC:
            raw = gunzip_capped(raw, MAX_DECOMPRESSED_BYTES)  # refuses a small file that inflates to GBs
        elif len(raw) > MAX_DECOMPRESSED_BYTES:
            raise NnvizError(f"the file is larger than {MAX_DECOMPRESSED_BYTES // 2**20:,} MB; "
                             "nnviz reads sessions up to that size")
        check_json_depth(raw)  # before json.loads recurses into it
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None
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
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise NnvizError(f"{path}: not valid JSON ({exc})") from None


def load_session(path) -> Session:
    """Read, validate and rebuild a session file; any problem is one NnvizError naming the file."""
    path = Path(path)
    data = _read(path)
    try:
        return session_from_dict(data)
    except NnvizError as exc:
        raise NnvizError(f"{path}: {exc}") from None
