"""The training set cut into mini-batch blocks for the hot loop.

Mini-batch i of an epoch is the training rows perm[i·B : (i+1)·B], B the batch size, each
row [x, 1, y]; the engine wants it as two contiguous blocks, x with its row of ones
(d + 1, B) and y (k, B). A last, shorter batch has blocks of its own.

Narrow rows (the 2-D sets: a few units) are cut all at once when an epoch is shuffled: one
vectorized copy, where a copy per batch would cost more Python than the step it feeds. Wide
rows (images: 785 + 10 units for MNIST) are cut a block at a time when the steps first ask
for them: the very same numbers, copied in cache-sized pieces (2.5× faster in all: 14 ms an
epoch of 5,000 MNIST rows, against 35–46 ms for the one big copy). The window's run asks
step by step, so the copying is spread over the epoch, where the big copy held one frame
for 40–70 ms; a whole epoch asked at once (``train_epochs``) is cut before it starts.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WIDE_ROW", "BatchBlocks"]

WIDE_ROW = 128  # units per row from which blocks are cut one at a time, as the steps need them


class BatchBlocks:
    """The blocks of ``rows`` (n, d + 1 + k), x columns then the ones column then y,
    in the order of a permutation; ``d1`` = d + 1."""

    def __init__(self, rows: np.ndarray, d1: int):
        self.rows = rows
        self.d1 = d1
        self.size = -1  # the batch size the buffers are for
        self._perm: np.ndarray | None = None
        self._cut = 0  # blocks [0, _cut) hold the current permutation's rows
        self._batch_rows = np.empty((0, rows.shape[1]))
        self._shuffled = np.empty_like(rows) if rows.shape[1] < WIDE_ROW else None

    def cut(self, perm: np.ndarray, size: int) -> None:
        """Cut the rows in ``perm`` order into batches of ``size`` (kept as a reference: the caller
        changes ``perm`` only before the next ``cut``)."""
        if size != self.size:
            self._allocate(size)
        self._perm = perm
        self._cut = 0
        if self.rows.shape[1] < WIDE_ROW:
            self._cut_all()

    def blocks(self, start: int, stop: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The x blocks and the y blocks of batches start … stop − 1."""
        while self._cut < stop:
            self._cut_one(self._cut)
        return self.x[start:stop], self.y[start:stop]

    def __len__(self) -> int:
        return len(self.x)

    def _allocate(self, size: int) -> None:
        n, units = self.rows.shape
        n_full, rest = divmod(n, size)
        d1, k = self.d1, units - self.d1
        # full batches are slices of one (n_full, units, B) array: cutting them all is one copy
        self._full = (np.empty((n_full, d1, size)), np.empty((n_full, k, size)))
        self._rest = (np.empty((d1, rest)), np.empty((k, rest)))
        self.x = list(self._full[0]) + ([self._rest[0]] if rest else [])
        self.y = list(self._full[1]) + ([self._rest[1]] if rest else [])
        self._batch_rows = np.empty((size, units))
        self.size = size

    def _cut_all(self) -> None:
        rows = np.take(self.rows, self._perm, axis=0, out=self._shuffled)
        d1, size = self.d1, self.size
        xfull, yfull = self._full
        n_full = xfull.shape[0]
        cut = rows[:n_full * size].reshape(n_full, size, -1)
        xfull[...] = cut[:, :, :d1].transpose(0, 2, 1)
        yfull[...] = cut[:, :, d1:].transpose(0, 2, 1)
        if self._rest[0].shape[1]:
            self._rest[0][...] = rows[n_full * size:, :d1].T
            self._rest[1][...] = rows[n_full * size:, d1:].T
        self._cut = len(self.x)

    def _cut_one(self, i: int) -> None:
        size = self.size
        index = self._perm[i * size:(i + 1) * size]
        rows = np.take(self.rows, index, axis=0, out=self._batch_rows[:len(index)])
        self.x[i][...] = rows[:, :self.d1].T
        self.y[i][...] = rows[:, self.d1:].T
        self._cut = i + 1
