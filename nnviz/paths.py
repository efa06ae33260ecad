"""Where nnviz finds its resources (icons, lessons, themes, data sets), in every way it can run.

- a PyInstaller bundle: ``sys._MEIPASS/resources``
- a source checkout (also an editable install): ``<repo>/resources``
- an installed wheel: the ``resources/`` folder is packaged as ``nnviz._resources``
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "resources").is_dir():
        return Path(bundle) / "resources"
    checkout = Path(__file__).resolve().parents[1] / "resources"
    if checkout.is_dir():
        return checkout
    from importlib.resources import files

    return Path(str(files("nnviz._resources")))


def resource(*parts: str) -> Path:
    """A path below the resource folder, e.g. resource("lessons", "01-perceptron.toml") or
    resource("datasets", "digits.npz")."""
    return resource_dir().joinpath(*parts)
