"""Reading a user's file: one place for the messages every loader gives.

    data.csv: no such file
    lesson.toml: is a folder, not a lesson file
    model.json: not a UTF-8 text file
    session.nnviz: cannot read it (Permission denied)
"""

from __future__ import annotations

import os
from pathlib import Path

from nnviz.engine.errors import NnvizError


def read_bytes(path: str | os.PathLike[str], kind: str = "file", label: str | None = None) -> bytes:
    """The file's bytes, or one NnvizError naming it (``label``, default the path)."""
    label = str(path) if label is None else label
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise NnvizError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise NnvizError(f"{label}: is a folder, not a {kind}") from None
    except OSError as exc:
        raise NnvizError(f"{label}: cannot read it ({exc.strerror or exc})") from None


def read_text(path: str | os.PathLike[str], kind: str = "file", label: str | None = None) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), universal newlines."""
    raw = read_bytes(path, kind, label)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NnvizError(f"{str(path) if label is None else label}: not a UTF-8 text file") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
