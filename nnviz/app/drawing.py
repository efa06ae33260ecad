"""A digit drawn on the pad, downsampled to a network input the way the image set was made.

The pad's ink is a square float image (H, W) in [0, 1] (1 = full ink), at any resolution.
A pixel is *on* when its ink ≥ INK_THRESHOLD: like the NIST scans both sets were made of,
the drawing is first a bilevel image. ``downsample_drawing(ink, (rows, cols))`` picks the
method by the input shape and returns the network's raw input row, intensities in [0, 1]
row by row (the scale of nnviz.engine.image_sets ``Images.intensities``):

* (8, 8), the UCI "Optical Recognition of Handwritten Digits" set (``digits``): NIST's
  preprocessing size-normalized each digit to a 32×32 bitmap; the bitmap was divided into
  non-overlapping 4×4 blocks and the on pixels counted in each, an 8×8 matrix of 0..16.
  Here: the ink's bounding box, scaled (aspect ratio kept) so its longer side is 32,
  centred in 32×32 and made bilevel again (area average ≥ ½), then the 4×4 block counts / 16.
* (28, 28), MNIST: the NIST digit's bounding box size-normalized to fit a 20×20 box with
  its aspect ratio kept (anti-aliased: grey levels), then placed in 28×28 so its centre of
  mass is at the centre of the field. Here the grey levels are the area average (box
  filter) of the bilevel ink, and the shift is a whole number of pixels (no resampling).
* any other (rows, cols): the bounding box scaled (aspect ratio kept, area average) to fit
  the whole rows×cols field, centred by its box.

An empty pad (no on pixel) gives all zeros. NumPy only.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["INK_THRESHOLD", "MNIST_BOX", "MNIST_SHAPE", "UCI_BITMAP", "UCI_BLOCK", "UCI_SHAPE",
           "area_resize", "downsample_drawing", "ink_box"]

INK_THRESHOLD = 0.5  # ink ≥ this is an on pixel of the bilevel image
UCI_SHAPE, UCI_BITMAP, UCI_BLOCK = (8, 8), 32, 4  # 32×32 bitmap, 4×4 blocks → 8×8 counts 0..16
MNIST_SHAPE, MNIST_BOX = (28, 28), 20  # the digit fits a 20×20 box inside the 28×28 field


def ink_box(on: np.ndarray) -> tuple[slice, slice] | None:
    """(row slice, column slice) of the smallest box holding every True of ``on`` (H, W); None if none."""
    rows, cols = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    if rows.size == 0:
        return None
    return slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1)


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) box-filter weights along one axis: output cell i spans [i, i + 1)·n_in/n_out
    of the input; W[i, j] = |that span ∩ [j, j + 1)| / (n_in / n_out), so each row sums to 1."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo, hi = edges[:-1, None], edges[1:, None]
    j = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0.0, None)
    return overlap / (n_in / n_out)


def area_resize(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``image`` (h, w) resized to (rows, cols) by area averaging: each output pixel is the mean
    of the input over its footprint, input pixels cut by its edge weighted by the part inside
    (out = R · image · Cᵀ with R, C the box-filter weights; enlarging repeats pixels)."""
    image = np.asarray(image, dtype=np.float64)
    return _area_weights(image.shape[0], rows) @ image @ _area_weights(image.shape[1], cols).T


def _fitted_size(h: int, w: int, rows: int, cols: int) -> tuple[int, int]:
    """(h, w) scaled by s = min(rows/h, cols/w), the largest that fits (rows, cols) with the
    aspect ratio kept; rounded, at least 1 pixel."""
    s = min(rows / h, cols / w)
    return max(1, min(rows, round(h * s))), max(1, min(cols, round(w * s)))


def _centre_by_box(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``image`` (h ≤ rows, w ≤ cols) pasted into a zero (rows, cols) field, its box centred
    (an odd leftover pixel goes below / to the right)."""
    field = np.zeros((rows, cols))
    h, w = image.shape
    top, left = (rows - h) // 2, (cols - w) // 2
    field[top:top + h, left:left + w] = image
    return field


def _uci(on_crop: np.ndarray) -> np.ndarray:
    """The 8×8 UCI digit of a bilevel crop: fitted into the 32×32 bitmap, made bilevel, block counts / 16."""
    h, w = _fitted_size(*on_crop.shape, UCI_BITMAP, UCI_BITMAP)
    bitmap = _centre_by_box(area_resize(on_crop, h, w) >= 0.5, UCI_BITMAP, UCI_BITMAP)
    n = UCI_BITMAP // UCI_BLOCK
    counts = bitmap.reshape(n, UCI_BLOCK, n, UCI_BLOCK).sum(axis=(1, 3))  # on pixels per 4×4 block, 0..16
    return counts / UCI_BLOCK**2


def _mnist(on_crop: np.ndarray) -> np.ndarray:
    """The 28×28 MNIST digit of a bilevel crop: area-scaled into 20×20 (grey levels), then shifted
    by whole pixels so its centre of mass (Σ i·v / Σ v, pixel index coordinates) is nearest to
    the field's centre ((rows − 1)/2, (cols − 1)/2) = (13.5, 13.5); a tie moves it up/left."""
    rows, cols = MNIST_SHAPE
    grey = area_resize(on_crop, *_fitted_size(*on_crop.shape, MNIST_BOX, MNIST_BOX))
    h, w = grey.shape
    mass = grey.sum()
    cy = float(np.arange(h) @ grey.sum(axis=1)) / mass
    cx = float(np.arange(w) @ grey.sum(axis=0)) / mass
    # the top-left corner: centre − CoM, rounded; kept inside the field
    top = min(max(math.ceil((rows - 1) / 2 - cy - 0.5), 0), rows - h)
    left = min(max(math.ceil((cols - 1) / 2 - cx - 0.5), 0), cols - w)
    field = np.zeros(MNIST_SHAPE)
    field[top:top + h, left:left + w] = grey
    return field


def downsample_drawing(ink: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The network's raw input for the drawing ``ink`` (H, W) in [0, 1] (bool allowed):
    (row (rows·cols,) intensities in [0, 1] row by row, image (rows, cols), the same numbers).

    shape (8, 8) → the UCI digits' method, (28, 28) → MNIST's, anything else → the generic
    area-average fit (see the module docstring). No ink → zeros.
    """
    rows, cols = (int(n) for n in shape)
    if rows < 1 or cols < 1:
        raise ValueError(f"an image of {shape} pixels has no pixels")
    on = np.asarray(ink, dtype=np.float64) >= INK_THRESHOLD
    box = ink_box(on)
    if box is None:
        image = np.zeros((rows, cols))
    elif (rows, cols) == UCI_SHAPE:
        image = _uci(on[box])
    elif (rows, cols) == MNIST_SHAPE:
        image = _mnist(on[box])
    else:
        image = _centre_by_box(area_resize(on[box], *_fitted_size(*on[box].shape, rows, cols)), rows, cols)
    image = np.clip(image, 0.0, 1.0)  # rounding in the weights can leave 1 + 1e-16
    return image.reshape(-1).copy(), image
