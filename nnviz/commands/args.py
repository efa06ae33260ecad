"""Parsers for the values the headless commands take: comma-separated lists (``--input 95,4``)
and ``--dataset`` (a built-in name, a CSV file or an MNIST-format IDX file)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from nnviz.engine.datasets import (
    BUILTIN_NAMES,
    IMAGE_SET_NAMES,
    Dataset,
    load_csv_dataset,
    load_idx_dataset,
    make_dataset,
)
from nnviz.engine.errors import NnvizError
from nnviz.engine.idx import is_idx_name

MAX_HOLD_SECONDS = 60.0  # a lesson step held longer is a typo, and would render hours of frames


def float_list(text: str) -> list[float]:
    """"1.5, -2,3e-2" → [1.5, -2.0, 0.03]; NnvizError unless every value is a finite number."""
    parts = text.replace(" ", "").split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise NnvizError(f"{text!r} is not a comma-separated list of numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise NnvizError(f"{text!r} holds a value that is not a finite number")
    return values


def int_list(text: str, what: str) -> list[int]:
    """"2,8,8,1" → [2, 8, 8, 1] (empty parts skipped); NnvizError naming ``what`` otherwise."""
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise NnvizError(f"{what} must be whole numbers separated by commas, e.g. 2,8,8,1; got {text!r}") from None


def hold_seconds(text: str) -> float:
    """An argparse type: seconds a lesson step is held, a finite number in (0, MAX_HOLD_SECONDS]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= MAX_HOLD_SECONDS:  # false for NaN too
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_HOLD_SECONDS:g} seconds, not {text}")
    return value


def load_dataset(args) -> Dataset:
    """The data ``--dataset`` names, with --samples, --noise, --test-fraction, --features, --standardize, --seed.

    An IDX file (``*-images-idx3-ubyte[.gz]`` or its labels file; the other is found next to it),
    a CSV file (anything ending in .csv or naming a file), or a built-in name (BUILTIN_NAMES).
    Test fraction: default 0.5, 0 for CSV files. Image data (digits, IDX) feeds its pixels as
    inputs, so --features, which derives inputs from 2-D points, is refused for it.
    """
    features = [f for f in args.features.split(",") if f] if args.features else None
    name = args.dataset
    fraction = 0.5 if args.test_fraction is None else args.test_fraction
    if is_idx_name(name):
        _no_features(features, Path(name).name)
        return load_idx_dataset(name, test_fraction=fraction, seed=args.seed, standardize=args.standardize)
    if name.lower().endswith(".csv") or Path(name).is_file():
        return load_csv_dataset(name, test_fraction=args.test_fraction or 0.0, seed=args.seed,
                                features=features, standardize=args.standardize)
    if name not in BUILTIN_NAMES:
        raise NnvizError(f"unknown dataset {name!r}; choose one of: {', '.join(BUILTIN_NAMES)}, "
                         "or a .csv file, or an MNIST-format file (e.g. train-images-idx3-ubyte.gz)")
    if name in IMAGE_SET_NAMES:
        _no_features(features, name)
    return make_dataset(name, samples=args.samples, noise=args.noise, test_fraction=fraction,
                        seed=args.seed, features=features or ("x1", "x2"), standardize=args.standardize)


def _no_features(features: list[str] | None, name: str) -> None:
    if features:
        raise NnvizError(f"--features derives inputs from 2-D points, but {name} is images: "
                         "its inputs are its pixels; leave --features out")
