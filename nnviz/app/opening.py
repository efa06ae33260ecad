"""What a file given to "open" is, by its name: the one rule for File → Open, the recent
files, ``nnviz open FILE`` and the window's start-up file, and the check the command line
makes before any window opens (a broken file is one line on stderr there, exit 2).

    open_kind("train-images-idx3-ubyte.gz") == "data"     # MNIST-format images or labels
    open_kind("run.nnviz") == "session";  open_kind("intro.toml") == "lesson"
    open_kind("model.json") == open_kind("model.onnx") == "model"
"""

from __future__ import annotations

import os
from pathlib import Path

from nnviz.engine.idx import is_idx_name
from nnviz.engine.session import SUFFIX as SESSION_SUFFIX

__all__ = ["check_openable", "open_kind"]


def open_kind(path: str | os.PathLike[str]) -> str:
    """"data", "session", "lesson" or "model"."""
    if is_idx_name(path):
        return "data"
    suffix = Path(path).suffix.lower()
    return {SESSION_SUFFIX: "session", ".toml": "lesson"}.get(suffix, "model")


def check_openable(path: str) -> None:
    """Read ``path`` as its kind says, raising the one-line NnvizError a broken file gives."""
    kind = open_kind(path)
    if kind == "data":
        from nnviz.engine.image_sets import idx_images

        idx_images(path)
    elif kind == "session":
        from nnviz.app.problem import session_problem
        from nnviz.engine.session import load_session

        session_problem(load_session(path).problem, path)
    elif kind == "lesson":
        from nnviz.lessons.model import load_lesson_file

        load_lesson_file(path)
    else:
        from nnviz.engine.model_io import load_model

        load_model(path)
