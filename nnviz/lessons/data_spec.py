"""The data a lesson step sets: its ``dataset`` and the dataset image it traces (``sample_image``).

    dataset = { name = "circles", samples = 200, noise = 0.1 }
    dataset = "digits"                                  # an image set: all its images
    sample_image = { part = "test", index = 12 }        # the 12th test image, its class the target

An image set (nnviz.engine.datasets.IMAGE_SET_NAMES) always has all its images, and its
inputs are the pixels: a lesson that gives it ``samples``, ``noise`` or ``features`` would
state something the data does not do, so the file is refused. Images count from 1, as
the mistakes gallery's tooltips count them.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.engine.datasets import IMAGE_SET_NAMES
from nnviz.lessons.fields import Where, check_keys, get_field

__all__ = ["IMAGE_PARTS", "DatasetSpec", "SampleImage", "parse_dataset", "parse_sample_image"]

#: The parts of a dataset a traced image can come from.
IMAGE_PARTS = ("train", "test")
_POINT_FIELDS = ("samples", "noise", "features")  # what only a drawn (toy) set has


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    samples: int = 200
    noise: float = 0.0
    test_fraction: float = 0.5
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    standardize: bool = False


@dataclass(frozen=True)
class SampleImage:
    """Image ``index`` (from 1) of the dataset's ``part`` ("train" or "test")."""

    part: str = "test"
    index: int = 1


def parse_dataset(value, where: Where) -> DatasetSpec:
    if isinstance(value, str):
        return DatasetSpec(value)
    if not isinstance(value, dict):
        where.fail("dataset", "must be a name or a table")
    p = "dataset."
    check_keys(value, {"name", "samples", "noise", "test_fraction", "seed", "features", "standardize"}, where, p)
    name = get_field(value, "name", str, where, p, required=True)
    if name.strip().lower() in IMAGE_SET_NAMES:
        for key in _POINT_FIELDS:
            if key in value:
                where.fail(p + key, f"{name!r} is an image set: it always has all its images, and its inputs "
                                    "are the pixels (give name, test_fraction, seed, standardize)")
    features = get_field(value, "features", list, where, p, ["x1", "x2"])
    return DatasetSpec(name, get_field(value, "samples", int, where, p, 200),
                       get_field(value, "noise", float, where, p, 0.0),
                       get_field(value, "test_fraction", float, where, p, 0.5),
                       get_field(value, "seed", int, where, p, 0), tuple(features),
                       get_field(value, "standardize", bool, where, p, False))


def parse_sample_image(value, where: Where) -> SampleImage:
    p = "sample_image."
    if not isinstance(value, dict):
        where.fail("sample_image", 'must be a table, e.g. { part = "test", index = 12 }')
    check_keys(value, {"part", "index"}, where, p)
    part = get_field(value, "part", str, where, p, "test")
    if part not in IMAGE_PARTS:
        where.fail(p + "part", f'must be "train" or "test"; got {part!r}')
    index = get_field(value, "index", int, where, p, required=True)
    if index < 1:
        where.fail(p + "index", f"counts from 1 (the first image); got {index}")
    return SampleImage(part, index)
