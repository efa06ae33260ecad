"""Even thinning: a record of a run of any length in at most C entries, evenly spaced.

    series = ThinnedSeries(capacity=8)               # entries of any kind (dtype=object)
    series.append(x)                                 # n = 0, 1, 2, … offered in turn
    series.view()                                    # the kept entries, oldest first (no copy)
    curve = RunHistory(width=3)                      # float rows (x, v₁, v₂, v₃), x increasing
    curve.add(step, values); curve.rows(); curve.until(step, values)

The rule (one place for every history view: the timeline's frames, the loss curves, the
gradient-flow and dead-neuron charts). Offered entries are numbered n = 0, 1, 2, … from the
start; n is kept when it is a multiple of the stride s (s = 1 at first). When the kept
entries reach the capacity C, every other one is dropped (n = 0, 2s, 4s, … stay) and s
doubles. The latest entry offered is always kept too, so a record runs from its first
entry to the latest with evenly spaced entries between, and C/2 ≤ len ≤ C once it has been
thinned: memory, and the work of drawing it, stay bounded however long the run.

A run of N entries costs O(N) appends in all (each halving moves ≤ C entries once per
doubling of N), and ``view`` is a slice of one preallocated array, so reading it each frame
copies nothing.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HISTORY_POINTS", "RunHistory", "ThinnedSeries"]

#: Points a plotted history keeps at most: more than a 4K screen's width in pixels, so
#: thinning never drops a point the screen could have shown apart.
HISTORY_POINTS = 4096


class ThinnedSeries:
    """At most ``capacity`` entries of a run, evenly thinned (module docstring).

    width None: one entry per slot (``dtype`` object holds any Python object); width k:
    rows of k values. Entries are stored in one (capacity + 1[, k]) array: the kept ones,
    then the latest one when it is off the stride.
    """

    def __init__(self, capacity: int, width: int | None = None, dtype=object):
        if capacity < 3:
            raise ValueError("a thinned record keeps at least 3 entries (first, one between, latest)")
        self.capacity = int(capacity)
        self._store = np.empty((self.capacity + 1,) if width is None else (self.capacity + 1, width), dtype=dtype)
        self.stride = 1
        self._kept = 0  # entries n = 0, s, 2s, … in _store[:_kept]
        self._latest = False  # _store[_kept] holds the latest entry, off the stride
        self._offered = 0  # the number the next entry offered gets

    def __len__(self) -> int:
        return self._kept + self._latest

    def __getitem__(self, index: int):
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"entry {index} of {n}")
        return self._store[index % n]

    def view(self) -> np.ndarray:
        """The entries, oldest first: a read-only view (valid until the next change)."""
        out = self._store[:len(self)]
        out.flags.writeable = False
        return out

    def append(self, entry) -> None:
        """Offer the next entry: kept on the stride, else held as the latest (see the rule)."""
        n = self._offered
        self._offered += 1
        self._store[self._kept] = entry
        if n % self.stride:
            self._latest = True
            return
        self._latest = False
        self._kept += 1
        if self._kept >= self.capacity:
            newest = self._store[self._kept - 1].copy() if self._store.ndim > 1 else self._store[self._kept - 1]
            newest_kept = (self._kept - 1) % 2 == 0
            half = (self._kept + 1) // 2
            self._store[:half] = self._store[:self._kept:2]  # numpy buffers the overlapping copy
            self._kept = half
            self._release(half)
            self.stride *= 2
            if not newest_kept:
                self._store[half] = newest
                self._latest = True

    def cut(self, index: int) -> None:
        """Drop entry ``index`` and every later one: the next entry offered takes its place
        (the run goes on from there); the stride and the spacing stay."""
        if not 0 <= index < len(self):
            raise IndexError(f"entry {index} of {len(self)}")
        if index < self._kept:
            self._kept = index
            self._offered = index * self.stride
        else:  # the latest entry itself: its number is offered again
            self._offered -= 1
        self._latest = False
        self._release(index)

    def _release(self, start: int) -> None:
        """Let go of the objects in slots from ``start`` on (dropped entries must not stay alive)."""
        if self._store.dtype == object:
            self._store[start:] = None

    def clear(self) -> None:
        self.stride, self._kept, self._latest, self._offered = 1, 0, False, 0
        self._release(0)


class RunHistory:
    """Rows (x, v₁ … v_k) of a run, x increasing (a step or an epoch), evenly thinned.

    Adding a row whose x is not after the last one first drops every row from that x on
    (a reset, an undo, training on from an earlier frame, the same step shown again), so
    a curve never runs backwards. ``until`` gives the curve as it stood at an earlier x.
    """

    def __init__(self, width: int, capacity: int = HISTORY_POINTS):
        self.width = int(width)
        self._series = ThinnedSeries(capacity, 1 + self.width, np.float64)
        self._row = np.empty(1 + self.width)  # the row being added (append copies it in)
        self._last_x: float | None = None

    def __len__(self) -> int:
        return len(self._series)

    @property
    def capacity(self) -> int:
        return self._series.capacity

    @property
    def last_x(self) -> float | None:
        """The x of the row added last (None: none yet)."""
        return self._last_x

    def rows(self) -> np.ndarray:
        """(n, 1 + k) read-only view: column 0 is x."""
        return self._series.view()

    def add(self, x: float, values) -> None:
        """Append the row (x, values (k,)), after dropping the rows with x′ ≥ x."""
        if self._last_x is not None and self._last_x >= x:
            self._series.cut(int(np.searchsorted(self._series.view()[:, 0], x, side="left")))
        self._row[0] = x
        self._row[1:] = values
        self._series.append(self._row)
        self._last_x = x

    def until(self, x: float, values=None) -> np.ndarray:
        """A copy of the rows as they stood at ``x``: those before it, then (x, values) when
        given (the moment's own row), else the rows up to and including x."""
        rows = self._series.view()
        if values is None:
            return rows[:int(np.searchsorted(rows[:, 0], x, side="right"))].copy()
        before = rows[:int(np.searchsorted(rows[:, 0], x, side="left"))]
        row = np.empty((1, 1 + self.width))
        row[0, 0] = x
        row[0, 1:] = values
        return np.concatenate([before, row])

    def clear(self) -> None:
        self._series.clear()
        self._last_x = None
