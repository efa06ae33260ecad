"""MNIST-format (IDX) files written by the tests: a tiny writer, used wherever a test needs one."""

from __future__ import annotations

import gzip
import struct

import numpy as np


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """A tiny IDX writer: 00 00 type ndim, the sizes as big-endian uint32, then the bytes."""
    array = np.asarray(array)
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write(path, data: bytes, gz: bool = False):
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_pair(folder, images, labels, prefix="train", gz=False):
    """``prefix``-images-idx3-ubyte[.gz] and its labels file in ``folder``; the images file's path."""
    suffix = ".gz" if gz else ""
    write(folder / f"{prefix}-labels-idx1-ubyte{suffix}", idx_bytes(labels), gz)
    return write(folder / f"{prefix}-images-idx3-ubyte{suffix}", idx_bytes(images), gz)
