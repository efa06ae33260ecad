"""MNIST-format (IDX) files: reading, pairing images with labels, the Dataset, and every bad file."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from nnviz.engine.datasets import load_idx_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.idx import MAX_PIXELS, idx_pair, is_idx_name, read_idx, read_idx_pair
from idx_files import idx_bytes, write, write_pair


def sample(n: int = 6, rows: int = 3, cols: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, rows, cols), dtype=np.uint8), (np.arange(n) % 10).astype(np.uint8)


@pytest.mark.parametrize("gz", (False, True))
def test_round_trip(tmp_path, gz):
    images, labels = sample()
    path = write_pair(tmp_path, images, labels, gz=gz)
    got_images, got_labels, name = read_idx_pair(path)
    assert np.array_equal(got_images, images) and got_images.shape == (6, 3, 4)
    assert np.array_equal(got_labels, labels)
    assert name == path.name


def test_either_file_names_the_pair_and_compression_may_differ(tmp_path):
    images, labels = sample()
    write(tmp_path / "t10k-images-idx3-ubyte", idx_bytes(images))
    write(tmp_path / "t10k-labels-idx1-ubyte.gz", idx_bytes(labels), gz=True)
    pair = (tmp_path / "t10k-images-idx3-ubyte", tmp_path / "t10k-labels-idx1-ubyte.gz")
    assert idx_pair(pair[0]) == pair and idx_pair(pair[1]) == pair


def test_mirror_spelling_with_dots(tmp_path):
    images, labels = sample()
    write(tmp_path / "train-images.idx3-ubyte", idx_bytes(images))
    write(tmp_path / "train-labels.idx1-ubyte", idx_bytes(labels))
    assert np.array_equal(read_idx_pair(tmp_path / "train-images.idx3-ubyte")[0], images)


def test_names():
    assert is_idx_name("data/train-images-idx3-ubyte.gz") and is_idx_name("t10k-labels-idx1-ubyte")
    assert not is_idx_name("train.csv") and not is_idx_name("digits")


def test_dataset_of_a_pair(tmp_path):
    images, labels = sample(n=10)
    path = write_pair(tmp_path, images, labels, gz=True)
    ds = load_idx_dataset(path, test_fraction=0.2, seed=1)
    assert ds.name == "train-images-idx3-ubyte.gz" and ds.image_shape == (3, 4)
    assert ds.n_train == 8 and ds.n_test == 2 and ds.num_classes == 10 and ds.task == "multiclass"
    assert ds.feature_names == tuple(f"px{r}_{c}" for r in range(3) for c in range(4))
    x = np.concatenate([ds.x_train, ds.x_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    order = np.argsort(y)  # labels 0..9 are distinct here: they say which image each row is
    assert np.array_equal(x[order], images.reshape(10, 12)[np.argsort(labels)] / 255.0)
    assert ds.source["kind"] == "idx" and ds.source["name"] == str(path.resolve())  # a session stores the path


def test_a_session_stores_the_path_and_reads_the_files_again(tmp_path):
    from nnviz.engine.network import Network
    from nnviz.engine.session import load_session, save_session
    from nnviz.engine.trainer import TrainConfig, Trainer

    images, labels = sample(n=20, seed=3)
    path = write_pair(tmp_path, images, labels, gz=True)
    ds = load_idx_dataset(path, test_fraction=0.25, seed=4, standardize=True)
    net = Network([12, 3, 10], ["tanh", "softmax"], "ce")
    net.initialize("xavier", np.random.default_rng(0))
    save_session(tmp_path / "s.nnviz", Trainer(net, ds, TrainConfig(learning_rate=0.1, batch_size=4), seed=0))
    again = load_session(tmp_path / "s.nnviz").trainer.dataset
    assert again.image_shape == (3, 4) and again.source == ds.source
    assert np.array_equal(again.x_train, ds.x_train) and np.array_equal(again.y_test, ds.y_test)
    path.unlink()  # the images are gone: one message naming the file
    with pytest.raises(NnvizError, match="MNIST-format data cannot be read again.*train-images-idx3-ubyte.gz"):
        load_session(tmp_path / "s.nnviz")


def test_dataset_standardized(tmp_path):
    images, labels = sample(n=40, seed=2)
    ds = load_idx_dataset(write_pair(tmp_path, images, labels), test_fraction=0.0, standardize=True)
    assert np.allclose(ds.x_train.mean(axis=0), 0.0) and np.allclose(ds.x_train.std(axis=0), 1.0)


# --------------------------------------------------------------------------- bad files

def bad_pair(tmp_path, images_data: bytes | None = None, labels_data: bytes | None = None):
    images, labels = sample()
    write(tmp_path / "train-labels-idx1-ubyte", labels_data if labels_data is not None else idx_bytes(labels))
    return write(tmp_path / "train-images-idx3-ubyte", images_data if images_data is not None else idx_bytes(images))


def test_missing_labels_file(tmp_path):
    images, _ = sample()
    path = write(tmp_path / "train-images-idx3-ubyte.gz", idx_bytes(images), gz=True)
    with pytest.raises(NnvizError, match=r"^train-images-idx3-ubyte.gz: its labels file "
                                         r"train-labels-idx1-ubyte\[\.gz\] is not next to it"):
        read_idx_pair(path)


def test_missing_file(tmp_path):
    with pytest.raises(NnvizError, match="train-images-idx3-ubyte: no such file"):
        load_idx_dataset(tmp_path / "train-images-idx3-ubyte")


def test_bad_magic(tmp_path):
    path = bad_pair(tmp_path, images_data=b"PK\x03\x04" + bytes(100))
    with pytest.raises(NnvizError, match="^train-images-idx3-ubyte: not an IDX file"):
        read_idx_pair(path)


def test_wrong_type_code(tmp_path):
    path = bad_pair(tmp_path, images_data=idx_bytes(sample()[0], type_code=0x0D))
    with pytest.raises(NnvizError, match=r"IDX type 0x0D; nnviz reads unsigned bytes \(0x08\)"):
        read_idx_pair(path)


def test_labels_where_images_belong(tmp_path):
    path = bad_pair(tmp_path, images_data=idx_bytes(sample()[1]))
    with pytest.raises(NnvizError, match=r"has 1 dimension; an images file \(count, rows, columns\) has 3"):
        read_idx_pair(path)


@pytest.mark.parametrize("gz", (False, True))
def test_truncated_data(tmp_path, gz):
    data = idx_bytes(sample()[0])[:-5]
    path = write(tmp_path / "x-images-idx3-ubyte", data, gz)
    with pytest.raises(NnvizError, match=r"x-images-idx3-ubyte: cut off: 67 of the 72 data bytes"):
        read_idx(path, 3)


def test_truncated_header(tmp_path):
    path = write(tmp_path / "x-images-idx3-ubyte", idx_bytes(sample()[0])[:9])
    with pytest.raises(NnvizError, match="cut off inside its header"):
        read_idx(path, 3)


def test_cut_off_gzip_stream(tmp_path):
    path = tmp_path / "x-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(sample(n=50)[0]))[:-30])
    with pytest.raises(NnvizError, match="x-images-idx3-ubyte.gz: the gzip data is damaged or cut off"):
        read_idx(path, 3)


def test_longer_than_the_header_says(tmp_path):
    path = write(tmp_path / "x-images-idx3-ubyte", idx_bytes(sample()[0]) + b"\x00")
    with pytest.raises(NnvizError, match=r"longer than its header says \(72 data bytes\)"):
        read_idx(path, 3)


def test_count_mismatch(tmp_path):
    path = bad_pair(tmp_path, labels_data=idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(NnvizError, match="train-images-idx3-ubyte holds 6 images but train-labels-idx1-ubyte "
                                         "holds 5 labels"):
        read_idx_pair(path)


def test_labels_outside_digits(tmp_path):
    path = bad_pair(tmp_path, labels_data=idx_bytes(np.array([0, 1, 2, 12, 4, 5], np.uint8)))
    with pytest.raises(NnvizError, match=r"train-labels-idx1-ubyte: label 3 is 12; labels must be digits 0\.\.9"):
        read_idx_pair(path)


def test_absurd_dimensions_refused_before_reading_the_data(tmp_path):
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 1_000_000, 1000, 1000)
    path = write(tmp_path / "x-images-idx3-ubyte.gz", header + bytes(10), gz=True)
    with pytest.raises(NnvizError, match=r"1000000 × 1000 × 1000 = 1,000,000,000,000 values, more than nnviz "
                                         rf"takes \({MAX_PIXELS:,}\)"):
        read_idx(path, 3)


def test_no_data(tmp_path):
    path = write(tmp_path / "x-images-idx3-ubyte", idx_bytes(np.zeros((0, 28, 28), np.uint8)))
    with pytest.raises(NnvizError, match="announces no data"):
        read_idx(path, 3)


def test_not_named_like_idx(tmp_path):
    path = write(tmp_path / "mnist.bin", idx_bytes(sample()[0]))
    with pytest.raises(NnvizError, match="not named like an IDX file"):
        idx_pair(path)
