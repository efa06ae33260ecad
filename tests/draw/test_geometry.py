"""Canvas geometry as numbers: node centres, edge segments, strongest edges, width buckets, hit tests."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.draw import geometry as geo
from nnviz.draw.geometry import LAYER_GAP, MAX_LAYER_HEIGHT, NODE_GAP, NODE_RADIUS, WIDTH_LEVELS


def test_layout_spaces_layers_and_centres_nodes():
    lay = geo.layout([2, 4, 4, 1])
    assert [p.shape for p in lay.positions] == [(2, 2), (4, 2), (4, 2), (1, 2)]
    for l, pos in enumerate(lay.positions):
        np.testing.assert_array_equal(pos[:, 0], l * LAYER_GAP)
        assert pos[:, 1].mean() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(lay.positions[0][:, 1], [-NODE_GAP / 2, NODE_GAP / 2])
    np.testing.assert_allclose(lay.positions[1][:, 1], [-1.5 * NODE_GAP, -0.5 * NODE_GAP, 0.5 * NODE_GAP, 1.5 * NODE_GAP])
    np.testing.assert_array_equal(lay.positions[3], [[3 * LAYER_GAP, 0.0]])
    assert lay.radius == (NODE_RADIUS,) * 4
    assert np.all(np.diff(lay.positions[1][:, 1]) == NODE_GAP)  # top to bottom in order
    r = NODE_RADIUS
    assert lay.bounds == pytest.approx((-r, -1.5 * NODE_GAP - r, 3 * LAYER_GAP + r, 1.5 * NODE_GAP + r))


def test_wide_layers_are_squeezed_into_the_maximum_height():
    lay = geo.layout([784, 128, 64, 10])
    for n, pos, r in zip((784, 128, 64, 10), lay.positions, lay.radius):
        ys = pos[:, 1]
        assert len(ys) == n
        height = ys.max() - ys.min()
        assert height <= MAX_LAYER_HEIGHT + 1e-9
        assert ys.mean() == pytest.approx(0.0, abs=1e-9)
        assert np.all(np.diff(ys) > 0)
        gap = np.diff(ys)[0]
        assert r <= gap / 2 or r == 1.5  # nodes do not overlap (down to the smallest drawable radius)
    assert lay.positions[0][:, 1].max() - lay.positions[0][:, 1].min() == pytest.approx(MAX_LAYER_HEIGHT)
    assert lay.radius[0] == 1.5 and lay.radius[3] == NODE_RADIUS
    # 10 nodes fit unsqueezed: 9 gaps of NODE_GAP = 594 > 560, so they are squeezed too
    assert np.diff(lay.positions[3][:, 1])[0] == pytest.approx(min(NODE_GAP, MAX_LAYER_HEIGHT / 9))
    assert lay.bounds[3] - lay.bounds[1] <= MAX_LAYER_HEIGHT + 2 * NODE_RADIUS


def test_edges_connect_the_right_node_centres():
    lay = geo.layout([2, 3, 1])
    w0 = np.array([[1.0, -2.0], [0.5, 3.0], [-0.25, 0.0]])  # (3, 2)
    w1 = np.array([[4.0, -5.0, 6.0]])  # (1, 3)
    es = geo.edges(lay, [w0, w1])
    assert es.segments.shape == (9, 4) and len(es.value) == 9
    for k in range(9):
        l, r, c = es.layer[k], es.row[k], es.col[k]
        src, dst = lay.positions[l][c], lay.positions[l + 1][r]
        np.testing.assert_allclose(es.segments[k], [src[0] + lay.radius[l], src[1], dst[0] - lay.radius[l + 1], dst[1]])
        assert es.value[k] == [w0, w1][l][r, c]
    assert sorted(zip(es.layer.tolist(), es.row.tolist(), es.col.tolist())) == (
        [(0, r, c) for r in range(3) for c in range(2)] + [(1, 0, c) for c in range(3)])
    # the edge w0[1, 0] runs from input 0 (y = −33) to hidden node 1 (y = 0)
    k = next(k for k in range(9) if (es.layer[k], es.row[k], es.col[k]) == (0, 1, 0))
    np.testing.assert_allclose(es.segments[k], [NODE_RADIUS, -NODE_GAP / 2, LAYER_GAP - NODE_RADIUS, 0.0])


def test_edges_keep_only_the_strongest_per_layer():
    lay = geo.layout([3, 4, 2])
    rng = np.random.default_rng(1)
    w0, w1 = rng.normal(size=(4, 3)), rng.normal(size=(2, 4))
    es = geo.edges(lay, [w0, w1], keep_per_layer=5)
    assert np.sum(es.layer == 0) == 5 and np.sum(es.layer == 1) == 5
    kept0 = np.sort(np.abs(es.value[es.layer == 0]))
    np.testing.assert_array_equal(kept0, np.sort(np.abs(w0).ravel())[-5:])
    empty = geo.edges(lay, [])
    assert empty.segments.shape == (0, 4) and empty.value.shape == (0,)


def test_strongest_keeps_exactly_the_largest_magnitudes():
    values = np.array([[0.1, -5.0, 2.0], [-0.3, 4.0, -1.0]])
    idx = geo.strongest(values, 3)
    assert sorted(idx.tolist()) == [1, 2, 4]  # −5, 2, 4 by |w|
    assert sorted(geo.strongest(values, 1).tolist()) == [1]
    np.testing.assert_array_equal(geo.strongest(values, None), np.arange(6))
    np.testing.assert_array_equal(geo.strongest(values, 6), np.arange(6))
    np.testing.assert_array_equal(geo.strongest(values, 100), np.arange(6))
    rng = np.random.default_rng(0)
    big = rng.normal(size=(128, 784))
    keep = geo.strongest(big, 400)
    assert len(keep) == len(set(keep.tolist())) == 400
    threshold = np.sort(np.abs(big).ravel())[-400]
    assert np.all(np.abs(big.ravel()[keep]) >= threshold)
    assert np.sum(np.abs(big) >= threshold) == 400


def test_buckets_partition_indices_by_sign_and_width_level():
    values = np.array([-4.0, -1.0, 0.0, 0.04, 1.0, 4.0, -0.01, 2.5, 3.99])
    scale = 4.0
    groups = geo.buckets(values, scale)
    every = np.sort(np.concatenate(list(groups.values())))
    np.testing.assert_array_equal(every, np.arange(len(values)))  # each index exactly once
    levels = geo.width_levels(values, scale)
    np.testing.assert_array_equal(levels, np.minimum((np.sqrt(np.abs(values) / scale) * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1))
    assert levels.tolist() == [5, 3, 0, 0, 3, 5, 0, 4, 5]
    for (positive, level), idx in groups.items():
        assert np.all((values[idx] >= 0) == positive)
        assert np.all(levels[idx] == level)
    assert groups[(True, 5)].tolist() == [5, 8]
    assert groups[(False, 5)].tolist() == [0]
    assert groups[(True, 0)].tolist() == [2, 3]  # zero counts as positive
    assert groups[(False, 0)].tolist() == [6]
    assert (False, 4) not in groups  # no empty groups
    assert geo.width_levels(values, 0.0).tolist() == [0] * len(values)
    assert geo.width_levels(values, float("nan")).tolist() == [0] * len(values)
    widths = [geo.level_width(k) for k in range(WIDTH_LEVELS)]
    assert np.all(np.diff(widths) > 0) and widths[-1] == pytest.approx(geo.MAX_EDGE_WIDTH)


def test_node_and_edge_hit_tests():
    lay = geo.layout([2, 3, 1])
    es = geo.edges(lay, [np.ones((3, 2)), np.ones((1, 3))])
    # node centres and points just inside the radius (+2 tolerance)
    assert geo.node_at(lay, 0.0, -NODE_GAP / 2) == (0, 0)
    assert geo.node_at(lay, 0.0, NODE_GAP / 2 + NODE_RADIUS + 1.5) == (0, 1)
    assert geo.node_at(lay, LAYER_GAP, NODE_GAP) == (1, 2)
    assert geo.node_at(lay, 2 * LAYER_GAP - NODE_RADIUS, 0.0) == (2, 0)
    assert geo.node_at(lay, 0.0, NODE_GAP / 2 + NODE_RADIUS + 3.0) is None
    assert geo.node_at(lay, LAYER_GAP / 2, 0.0) is None
    # the middle of the edge from input 1 to hidden node 2
    k = next(k for k in range(len(es.value)) if (es.layer[k], es.row[k], es.col[k]) == (0, 2, 1))
    x0, y0, x1, y1 = es.segments[k]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    assert geo.edge_at(es, mx, my, tolerance=1.0) == k
    # 3 units off the line: inside a tolerance of 4, outside one of 2
    normal = np.array([-(y1 - y0), x1 - x0]) / np.hypot(x1 - x0, y1 - y0)
    px, py = np.array([mx, my]) + 3.0 * normal
    assert geo.edge_at(es, px, py, tolerance=4.0) == k
    assert geo.edge_at(es, px, py, tolerance=2.0) is None
    assert geo.edge_at(es, -500.0, 500.0, tolerance=5.0) is None
    assert geo.edge_at(geo.edges(lay, []), mx, my, tolerance=5.0) is None


def test_view_transform_fits_the_network_then_zooms_about_the_centre_and_pans():
    lay = geo.layout([2, 3, 1])
    x0, y0, x1, y1 = lay.bounds
    rect = (0.0, 0.0, 800.0, 500.0)
    s, ox, oy = geo.view_transform(lay.bounds, rect)
    # fitted inside the margins (70 left and right, 50 above, 56 below), at most MAX_SCALE
    assert s == pytest.approx(min((800 - 140) / (x1 - x0), (500 - 106) / (y1 - y0), geo.MAX_SCALE))
    assert ox + s * (x0 + x1) / 2 == pytest.approx(70 + (800 - 140) / 2)  # centred between the margins
    assert oy + s * (y0 + y1) / 2 == pytest.approx(50 + (500 - 106) / 2)
    # the same picture in a rectangle moved by (30, 40): everything moves with it
    assert geo.view_transform(lay.bounds, (30.0, 40.0, 800.0, 500.0)) == pytest.approx((s, ox + 30, oy + 40))
    # zoom 2 about the rectangle's centre (400, 250), then a pan in pixels
    s2, ox2, oy2 = geo.view_transform(lay.bounds, rect, zoom=2.0, pan=(5.0, -7.0))
    assert s2 == pytest.approx(2 * s)
    assert (ox2, oy2) == pytest.approx((400 + 2 * (ox - 400) + 5, 250 + 2 * (oy - 250) - 7))
    # a tiny network is not blown up; a bigger font leaves wider margins
    assert geo.view_transform(geo.layout([1, 1]).bounds, (0.0, 0.0, 4000.0, 3000.0))[0] == geo.MAX_SCALE
    assert geo.view_transform(lay.bounds, rect, font_scale=2.0)[0] < s
