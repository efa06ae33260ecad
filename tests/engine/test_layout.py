"""ParamLayout: the one codec between the flat parameter vector and per-layer W, b."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.layout import ParamLayout
from nnviz.engine.network import Network

# layers 2 → 3 → 1; block Θ_l = [Wᵀ; b] (n_in + 1, n_out), stored row-major, one after another
W0 = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # (3, 2)
B0 = np.array([7.0, 8.0, 9.0])
W1 = np.array([[10.0, 11.0, 12.0]])  # (1, 3)
B1 = np.array([13.0])
FLAT = np.array([1, 3, 5, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13], dtype=np.float64)


def test_shapes_offsets_and_size():
    layout = ParamLayout([2, 3, 1])
    assert layout.layers == (2, 3, 1)
    assert layout.shapes == ((3, 3), (4, 1))
    assert layout.offsets.tolist() == [0, 9, 13]
    assert layout.size == 13
    assert layout.bias_offsets() == (6, 12)


def test_flatten_and_back_round_trip_the_hand_built_example():
    layout = ParamLayout((2, 3, 1))
    flat = layout.flatten([W0, W1], [B0, B1])
    assert flat.tolist() == FLAT.tolist()
    weights, biases = layout.weights(flat), layout.biases(flat)
    assert [w.tolist() for w in weights] == [W0.tolist(), W1.tolist()]
    assert [b.tolist() for b in biases] == [B0.tolist(), B1.tolist()]
    assert np.array_equal(layout.flatten(weights, biases), flat)
    assert [b.tolist() for b in layout.blocks(flat)] == [np.vstack([W0.T, B0]).tolist(), np.vstack([W1.T, B1]).tolist()]


def test_views_write_through():
    layout = ParamLayout((2, 3, 1))
    flat = FLAT.copy()
    layout.weights(flat)[0][2, 1] = -1.0  # W0[2, 1]: Θ0 row 1, column 2
    layout.biases(flat)[1][0] = -2.0
    layout.blocks(flat)[0][2, 0] = -3.0  # b0[0]
    assert flat[5] == -1.0 and flat[12] == -2.0 and flat[6] == -3.0
    assert all(np.shares_memory(v, flat) for v in layout.weights(flat) + layout.biases(flat))


def test_index_matches_the_views_and_locate_inverts_it():
    layout = ParamLayout((3, 4, 2, 2))
    flat = np.arange(layout.size, dtype=np.float64)
    weights, biases = layout.weights(flat), layout.biases(flat)
    seen = set()
    for l, (n_in, n_out) in enumerate(zip(layout.layers[:-1], layout.layers[1:])):
        for r in range(n_out):
            for c in range(n_in + 1):
                i = layout.index(l, r, c)
                assert flat[i] == (biases[l][r] if c == n_in else weights[l][r, c])
                assert layout.locate(i) == (l, r, c)
                seen.add(i)
    assert seen == set(range(layout.size))
    with pytest.raises(IndexError):
        layout.index(0, 4, 0)
    with pytest.raises(IndexError):
        layout.index(0, 0, 4)
    with pytest.raises(IndexError):
        layout.locate(layout.size)


def test_a_flat_vector_of_the_wrong_size_raises():
    layout = ParamLayout((2, 3, 1))
    for bad in (np.zeros(12), np.zeros(14), np.zeros((13, 1))):
        with pytest.raises(ValueError, match="13 values"):
            layout.weights(bad)


def test_the_network_decodes_with_its_layout():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce", params=FLAT)
    assert net.layout == ParamLayout((2, 3, 1))
    assert net.offsets.tolist() == [0, 9, 13] and net.size == 13
    assert [w.tolist() for w in net.weights] == [W0.tolist(), W1.tolist()]
    assert [b.tolist() for b in net.biases] == [B0.tolist(), B1.tolist()]
    assert net.weight_mask.tolist() == [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0]
