"""Make ``digits.npz`` (next to this script) from the copy of the UCI digits that scikit-learn ships.

Run once, from the checkout (scikit-learn need not be installed; its wheel is read as a zip)::

    pip download scikit-learn --no-deps -d /tmp/skl
    python resources/datasets/make_digits.py /tmp/skl/scikit_learn-*.whl

The wheel holds ``sklearn/datasets/data/digits.csv.gz``: 1,797 rows of 64 pixel values
(an 8×8 image, row by row, grey levels 0..16) followed by the digit 0..9. The script checks
that there are exactly 1,797 rows of 65 whole numbers, pixels in 0..16, labels in 0..9 with
the counts scikit-learn documents (178, 182, 177, 183, 181, 182, 181, 179, 174, 180 for 0..9),
then writes ``digits.npz`` (NumPy, compressed; no pickles)::

    images  uint8 (1797, 8, 8)   grey level 0..16, row 0 at the top
    labels  uint8 (1797,)        the digit shown

and reads it back to check it equals the source. Licence and citation: ATTRIBUTION.md.
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "sklearn/datasets/data/digits.csv.gz"
OUT = Path(__file__).resolve().with_name("digits.npz")
ROWS, SIDE, LEVELS = 1797, 8, 16
LABEL_COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)


def read_wheel(wheel: str) -> np.ndarray:
    """The (1797, 65) table of the wheel's digits.csv.gz, as float64."""
    with zipfile.ZipFile(wheel) as archive:
        text = gzip.decompress(archive.read(MEMBER))
    return np.loadtxt(io.BytesIO(text), delimiter=",", ndmin=2)


def checked(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (n, 8, 8), labels uint8 (n,)); SystemExit naming the first check that fails."""
    if table.shape != (ROWS, SIDE * SIDE + 1):
        raise SystemExit(f"expected {ROWS} rows of {SIDE * SIDE + 1} values, found {table.shape}")
    if not np.array_equal(table, np.round(table)):
        raise SystemExit("the table holds values that are not whole numbers")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > LEVELS:
        raise SystemExit(f"pixels outside 0..{LEVELS}: {pixels.min()}..{pixels.max()}")
    if labels.min() < 0 or labels.max() > 9:
        raise SystemExit(f"labels outside 0..9: {labels.min()}..{labels.max()}")
    counts = tuple(np.bincount(labels.astype(int), minlength=10).tolist())
    if counts != LABEL_COUNTS:
        raise SystemExit(f"label counts {counts} differ from scikit-learn's {LABEL_COUNTS}")
    return pixels.astype(np.uint8).reshape(ROWS, SIDE, SIDE), labels.astype(np.uint8)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    images, labels = checked(read_wheel(argv[0]))
    np.savez_compressed(OUT, images=images, labels=labels)
    with np.load(OUT, allow_pickle=False) as stored:
        if not (np.array_equal(stored["images"], images) and np.array_equal(stored["labels"], labels)):
            raise SystemExit(f"{OUT} does not read back as written")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes): {len(labels)} images {SIDE}×{SIDE}, "
          f"label counts {LABEL_COUNTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
