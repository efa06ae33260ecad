"""BatchBlocks: mini-batch i is rows perm[i·B : (i+1)·B] as contiguous blocks x (d + 1, B), y (k, B),
narrow rows cut at once, wide rows (images) cut as the steps reach them; and a trainer on
wide data trains on exactly the batches peek_batch() names."""

from __future__ import annotations

import numpy as np
import pytest

from idx_files import write_pair

from nnviz.engine.batches import WIDE_ROW, BatchBlocks
from nnviz.engine.datasets import load_idx_dataset
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer


def reference(rows, d1, perm, size):
    """The blocks written out the slow way: batch by batch, row by row."""
    xs, ys = [], []
    for start in range(0, len(perm), size):
        picked = np.array([rows[j] for j in perm[start:start + size]])
        xs.append(picked[:, :d1].T)
        ys.append(picked[:, d1:].T)
    return xs, ys


def same(blocks, expected) -> bool:
    (xs, ys), (ex, ey) = blocks, expected
    return len(xs) == len(ex) and all(
        a.flags.c_contiguous and np.array_equal(a, b) for a, b in zip([*xs, *ys], [*ex, *ey]))


@pytest.mark.parametrize("units", [5, WIDE_ROW + 3])
def test_blocks_are_the_permuted_rows_in_any_order_of_reading(units):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(37, units))  # 4 batches of 8 and one of 5
    d1 = units - 2
    blocks = BatchBlocks(rows, d1)
    for size in (8, 8, 6, 37):
        perm = rng.permutation(37)
        blocks.cut(perm, size)
        expected = reference(rows, d1, perm, size)
        n = len(expected[0])
        assert len(blocks) == n
        first = blocks.blocks(0, min(2, n))  # read in two parts, as steps and epochs do
        rest = blocks.blocks(min(2, n), n)
        assert same((first[0] + rest[0], first[1] + rest[1]), expected)


def test_wide_rows_are_cut_when_a_step_reaches_them_not_at_the_epoch_start():
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(20, WIDE_ROW))
    blocks = BatchBlocks(rows, WIDE_ROW - 1)
    first, second = rng.permutation(20), rng.permutation(20)
    blocks.cut(first, 5)
    blocks.blocks(0, 4)
    blocks.cut(second, 5)
    blocks.blocks(0, 1)
    old, new = reference(rows, WIDE_ROW - 1, first, 5), reference(rows, WIDE_ROW - 1, second, 5)
    assert np.array_equal(blocks.x[0], new[0][0])
    assert np.array_equal(blocks.x[3], old[0][3])  # not copied yet: no step has asked for it
    assert np.array_equal(blocks.blocks(3, 4)[0][0], new[0][3])


def idx_pair(folder, n=30, side=12):
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
    return write_pair(folder, images, np.arange(n) % 10, prefix="t")


def test_a_trainer_on_images_trains_on_the_batches_it_names(tmp_path):
    """Each SGD step on 144-pixel images (cut lazily) is θ − η·∂L/∂θ on peek_batch(), across epochs."""
    data = load_idx_dataset(idx_pair(tmp_path), test_fraction=0.2)
    assert data.x_train.shape[1] + 1 + 10 >= WIDE_ROW
    net = Network([144, 6, 10], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(3))
    trainer = Trainer(net, data, TrainConfig(learning_rate=0.1, batch_size=7), seed=4)  # 24 rows: 3 × 7 + 3
    for _ in range(3 * trainer.batches_per_epoch):
        x, y = trainer.peek_batch()
        theta = trainer.network.params.copy()
        _, grad = trainer.network.loss_and_grads(x, y)
        trainer.step_batch()
        assert np.array_equal(trainer.network.params, theta - 0.1 * grad)
    assert trainer.epoch == 3


def test_epochs_and_single_steps_train_alike_on_images(tmp_path):
    data = load_idx_dataset(idx_pair(tmp_path), test_fraction=0.2)
    trainers = []
    for _ in range(2):
        net = Network([144, 6, 10], ["tanh", "softmax"], "ce")
        net.initialize("xavier", np.random.default_rng(3))
        trainers.append(Trainer(net, data, TrainConfig(learning_rate=0.1, batch_size=7), seed=4))
    whole, single = trainers
    whole.train_epochs(2)
    for _ in range(2 * single.batches_per_epoch):
        single.step_batch()
    assert np.array_equal(whole.network.params, single.network.params) and whole.step == single.step
