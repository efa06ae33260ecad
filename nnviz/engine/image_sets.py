"""Image data: the built-in ``digits`` and MNIST-format (IDX) files, as pixels and labels.

nnviz.engine.datasets makes Datasets of them: each image (rows, cols) becomes one row of
rows·cols inputs, read row by row and named px{r}_{c}; a pixel's raw value is its
intensity in [0, 1] (grey level / the set's top level).

digits: the UCI "Optical Recognition of Handwritten Digits" set as scikit-learn ships it,
1,797 images of 8×8 pixels with grey levels 0..16, digits 0..9 (CC BY 4.0; the file, the
script that made it and the attribution are in resources/datasets/).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import cache

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.idx import read_idx_pair
from nnviz.paths import resource

DIGIT_CLASSES = 10  # every image set here labels the digits 0..9


@dataclass(frozen=True, eq=False)
class Images:
    """images: uint8 (n, rows, cols); labels: uint8 (n,) in 0..9; top_level: the grey level of full ink."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    top_level: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of one image."""
        return int(self.images.shape[1]), int(self.images.shape[2])

    def intensities(self) -> np.ndarray:
        """(n, rows·cols) float64 in [0, 1]: grey level / top_level, each image row by row."""
        return self.images.reshape(len(self.images), -1) / float(self.top_level)

    def pixel_names(self) -> tuple[str, ...]:
        """px{r}_{c} for every pixel, in the order of intensities()' columns."""
        rows, cols = self.shape
        return tuple(f"px{r}_{c}" for r in range(rows) for c in range(cols))


# name -> (file below resources/, top grey level)
_BUILTIN = {"digits": ("datasets/digits.npz", 16)}
IMAGE_SET_NAMES: tuple[str, ...] = tuple(_BUILTIN)


@cache
def builtin_images(name: str) -> Images:
    """The built-in image set ``name`` (one of IMAGE_SET_NAMES), read once, arrays read-only."""
    relative, top_level = _BUILTIN[name]
    path = resource(*relative.split("/"))
    try:
        with np.load(path, allow_pickle=False) as stored:
            images, labels = stored["images"], stored["labels"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise NnvizError(f"the built-in data set {name!r} cannot be read from {path} ({exc}); "
                         "reinstall nnviz") from None
    images.flags.writeable = labels.flags.writeable = False
    return Images(name, images, labels, top_level)


def idx_images(path: str | os.PathLike[str]) -> Images:
    """An IDX images file and its labels file (either one named; see nnviz.engine.idx), grey levels 0..255."""
    images, labels, name = read_idx_pair(path)
    return Images(name, images, labels, 255)
