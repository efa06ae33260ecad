"""IDX files, the format of MNIST and Fashion-MNIST: reading an images file and its labels.

Layout (all sizes big-endian unsigned 32-bit)::

    0x00 0x00 <type> <ndim> | ndim sizes | prod(sizes) items, last index fastest

type 0x08 = unsigned byte, the only one MNIST-like data uses. Images files are 3-D
(count, rows, columns), labels files 1-D (count). A file starting with the gzip magic
1f 8b is read through gzip (``train-images-idx3-ubyte.gz``). The sizes are checked
against MAX_PIXELS before anything of that size is read or allocated.

``idx_pair(path)`` finds the other file of a pair by its name:
``train-images-idx3-ubyte[.gz]`` <-> ``train-labels-idx1-ubyte[.gz]`` (also ``t10k-...``
and the ``train-images.idx3-ubyte`` spelling of some mirrors).
"""

from __future__ import annotations

import gzip
import io
import os
import re
import struct
import zlib
from pathlib import Path

import numpy as np

from nnviz.engine.errors import NnvizError
from nnviz.engine.files import read_bytes

UBYTE = 0x08
MAX_PIXELS = 100_000_000  # 60,000 MNIST images are 47 M pixels; more is not a teaching data set
GZIP_MAGIC = b"\x1f\x8b"
_NAME = re.compile(r"^(?P<stem>.*)(?P<kind>images|labels)(?P<sep>[-.])idx(?P<ndim>[13])-ubyte(?P<gz>\.gz)?$",
                   re.IGNORECASE)


def is_idx_name(path: str | os.PathLike[str]) -> bool:
    """True for a file named like an IDX images or labels file (``*-images-idx3-ubyte[.gz]``, ...)."""
    return _NAME.match(Path(path).name) is not None


def idx_pair(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """(images file, labels file) for either file of a pair; NnvizError if the other is missing."""
    path = Path(path)
    if not path.is_file():
        raise NnvizError(f"{path.name}: {'is a folder, not an IDX file' if path.is_dir() else 'no such file'}")
    match = _NAME.match(path.name)
    if match is None:
        raise NnvizError(f"{path.name}: not named like an IDX file (e.g. train-images-idx3-ubyte.gz)")
    stem, sep, gz = match["stem"], match["sep"], match["gz"] or ""
    other_kind, other_ndim = ("labels", 1) if match["kind"].lower() == "images" else ("images", 3)
    other = f"{stem}{other_kind}{sep}idx{other_ndim}-ubyte"
    for suffix in (gz, ".gz" if not gz else ""):  # the same compression first
        candidate = path.with_name(other + suffix)
        if candidate.is_file():
            return (path, candidate) if other_kind == "labels" else (candidate, path)
    raise NnvizError(f"{path.name}: its {other_kind} file {other}[.gz] is not next to it; "
                     "an IDX data set is a pair of files (images and labels)")


def read_idx(path: str | os.PathLike[str], ndim: int) -> np.ndarray:
    """The uint8 array (sizes from the header) of an IDX unsigned-byte file of ``ndim`` dimensions."""
    label = Path(path).name
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes below says what is wrong with the path
    if size > MAX_PIXELS + 64:
        raise NnvizError(f"{label}: {size:,} bytes is more than nnviz reads ({MAX_PIXELS:,} pixels at most)")
    raw = read_bytes(path, "IDX file", label)
    stream = gzip.GzipFile(fileobj=io.BytesIO(raw)) if raw[:2] == GZIP_MAGIC else io.BytesIO(raw)
    try:
        shape = _read_header(stream, ndim, label)
        count = int(np.prod(shape))
        data = stream.read(count + 1)  # one byte more: a longer file is as wrong as a shorter one
    except (OSError, EOFError, zlib.error):
        raise NnvizError(f"{label}: the gzip data is damaged or cut off") from None
    if len(data) < count:
        raise NnvizError(f"{label}: cut off: {len(data):,} of the {count:,} data bytes its header announces")
    if len(data) > count:
        raise NnvizError(f"{label}: longer than its header says ({count:,} data bytes); not an IDX file")
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


def _read_header(stream, ndim: int, label: str) -> tuple[int, ...]:
    """The sizes after checking magic, type and dimension count; at most MAX_PIXELS items."""
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00":
        raise NnvizError(f"{label}: not an IDX file (it does not start with the IDX magic bytes 00 00)")
    if magic[2] != UBYTE:
        raise NnvizError(f"{label}: holds IDX type 0x{magic[2]:02X}; nnviz reads unsigned bytes (0x08), as MNIST has")
    if magic[3] != ndim:
        what = "an images file (count, rows, columns)" if ndim == 3 else "a labels file (count)"
        raise NnvizError(f"{label}: has {magic[3]} dimension{'' if magic[3] == 1 else 's'}; {what} has {ndim}")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise NnvizError(f"{label}: cut off inside its header")
    shape = struct.unpack(f">{ndim}I", sizes)
    total = int(np.prod(shape, dtype=np.float64))
    if total > MAX_PIXELS:
        raise NnvizError(f"{label}: its header announces {' × '.join(map(str, shape))} = {total:,} values, "
                         f"more than nnviz takes ({MAX_PIXELS:,})")
    if total == 0:
        raise NnvizError(f"{label}: its header announces no data ({' × '.join(map(str, shape))})")
    return shape


def read_idx_pair(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray, str]:
    """(images uint8 (n, rows, cols), labels uint8 (n,), the images file's name) for either file
    of a pair. NnvizError when the counts differ or a label is not a digit 0..9."""
    images_path, labels_path = idx_pair(path)
    images, labels = read_idx(images_path, 3), read_idx(labels_path, 1)
    if len(images) != len(labels):
        raise NnvizError(f"{images_path.name} holds {len(images):,} images but {labels_path.name} "
                         f"holds {len(labels):,} labels; they must be a pair")
    if labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise NnvizError(f"{labels_path.name}: label {bad} is {labels[bad]}; labels must be digits 0..9")
    return images, labels, images_path.name
