"""Even thinning (engine.thinning), the one rule every history view keeps its points by:
bounded, evenly spaced, first and latest kept, a step back drops the later rows, and a
million steps leave at most the capacity."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.history import HistoryBuffer
from nnviz.engine.thinning import HISTORY_POINTS, RunHistory, ThinnedSeries

MILLION = 1_000_000


def test_thinning_halves_when_full_and_keeps_the_first_and_the_latest():
    series = ThinnedSeries(8)
    for n in range(8):
        series.append(n)
    assert list(series.view()) == [0, 2, 4, 6, 7] and series.stride == 2
    for n in range(8, 16):
        series.append(n)
    assert list(series.view()) == [0, 4, 8, 12, 15] and series.stride == 4
    series.cut(2)
    assert list(series.view()) == [0, 4]
    series.append(8)  # the next entry takes number 8: on the stride
    assert list(series.view()) == [0, 4, 8]
    with pytest.raises(ValueError):
        ThinnedSeries(2)


def test_rows_are_thinned_in_place_without_changing_their_values():
    series = ThinnedSeries(5, width=2, dtype=np.float64)
    for n in range(11):
        series.append([n, 10 * n])
    rows = series.view()
    np.testing.assert_array_equal(rows, [[0, 0], [4, 40], [8, 80], [10, 100]])
    assert not rows.flags.writeable


def test_a_million_rows_stay_bounded_evenly_spaced_with_the_last_one():
    curve = RunHistory(3)
    row = np.ones(3)
    for n in range(MILLION):
        row[0] = n
        curve.add(n, row)
    rows = curve.rows()
    assert HISTORY_POINTS // 2 <= len(rows) <= HISTORY_POINTS
    assert rows[0, 0] == 0 and rows[-1, 0] == MILLION - 1 and rows[-1, 1] == MILLION - 1
    gaps = np.diff(rows[:-1, 0])
    assert (gaps == gaps[0]).all()  # evenly spaced (the latest may sit off the stride)
    np.testing.assert_array_equal(rows[:, 1], rows[:, 0])  # each x kept with its own values


def test_a_step_back_drops_the_later_rows_and_until_shows_an_earlier_moment():
    curve = RunHistory(1, capacity=16)
    for n in range(10):
        curve.add(n, [n * n])
    curve.add(9, [-1])  # the same step again: replaced
    assert curve.rows()[-1].tolist() == [9, -1] and len(curve) == 10
    np.testing.assert_array_equal(curve.until(4)[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(curve.until(4, [7]), [[0, 0], [1, 1], [2, 4], [3, 9], [4, 7]])
    assert len(curve) == 10  # looking back changes nothing
    curve.add(4, [5])  # training on from step 4: 4 … 9 go
    np.testing.assert_array_equal(curve.rows()[:, 0], [0, 1, 2, 3, 4])
    curve.add(0, [0])
    assert len(curve) == 1


def test_the_loss_history_stays_bounded_and_ends_with_the_latest_row():
    from types import SimpleNamespace

    buffer = HistoryBuffer(capacity=64)
    for n in range(10_000):
        buffer.add(SimpleNamespace(epoch=n // 10, batch=n % 10, train_loss=1.0 / (n + 1), test_loss=None,
                                   train_accuracy=0.5, test_accuracy=None, fresh_metrics=True), batches_per_epoch=10)
    history = buffer.freeze()
    assert 32 <= len(history.epoch) <= 64
    assert history.epoch[0] == 0.0 and history.epoch[-1] == pytest.approx(999.9)
    assert history.train_loss[-1] == 1.0 / 10_000 and np.isnan(history.test_loss).all()
    assert len(buffer.rows) == len(history.epoch) and len(HistoryBuffer(buffer.rows, capacity=64)) == len(buffer)


def test_dropped_entries_are_let_go():
    """Snapshots thinned away or cut off must not stay alive in the store."""
    import weakref

    class Entry:
        pass

    series = ThinnedSeries(8)
    refs = []
    for _ in range(16):
        entry = Entry()
        refs.append(weakref.ref(entry))
        series.append(entry)
    del entry
    alive = [n for n, ref in enumerate(refs) if ref() is not None]
    assert alive == [0, 4, 8, 12, 15]
    series.cut(2)
    assert [n for n, ref in enumerate(refs) if ref() is not None] == [0, 4]
    series.clear()
    assert all(ref() is None for ref in refs)
