"""``nnviz train --dataset digits`` and ``--dataset FILE`` with MNIST-format (IDX) files."""

from __future__ import annotations

import gzip
import json
import struct

import numpy as np
import pytest

from nnviz.cli import main

DIGITS_NET = ["--layers", "64,32,10", "--activation", "tanh", "--output-activation", "softmax",
              "--loss", "ce", "--batch-size", "32", "--lr", "0.1", "--epochs", "20"]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write_mnist_like(folder, n: int = 60, seed: int = 0):
    """train-images-idx3-ubyte.gz (n 5×5 images: a bright row r for label r) and its labels."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 5).astype(np.uint8)
    images = rng.integers(0, 40, (n, 5, 5)).astype(np.uint8)
    images[np.arange(n), labels, :] = 250
    for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
        header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
        (folder / f"train-{kind}-ubyte.gz").write_bytes(gzip.compress(header + array.tobytes()))
    return folder / "train-images-idx3-ubyte.gz"


@pytest.mark.parametrize("standardize", ([], ["--standardize"]))
def test_a_64_32_10_network_learns_the_digits(capsys, standardize):
    code, out, err = run(["train", "--dataset", "digits", *DIGITS_NET, *standardize, "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["train_samples"] == 899  # 1,797 images, half of them (rounded down) for training
    assert result["test_accuracy"] >= 0.90


def test_digits_text_summary_names_the_split(capsys):
    code, out, err = run(["train", "--dataset", "digits", *DIGITS_NET[:8], "--epochs", "1",
                          "--test-fraction", "0.2"], capsys)
    assert code == 0, err
    assert "on digits (1438 train, 359 test samples)" in out


def test_features_are_refused_for_images(capsys):
    code, out, err = run(["train", "--dataset", "digits", "--features", "x1,x2", *DIGITS_NET], capsys)
    assert code == 2 and out == ""
    assert err == ("nnviz train: --features derives inputs from 2-D points, but digits is images: "
                   "its inputs are its pixels; leave --features out\n")


def test_wrong_input_count_names_the_pixels(capsys):
    code, _, err = run(["train", "--dataset", "digits", "--layers", "2,8,10", "--output-activation", "softmax",
                        "--loss", "ce"], capsys)
    assert code == 2
    assert "the data has 64 features; start it with 64" in err


def test_unknown_name_lists_digits(capsys):
    code, _, err = run(["train", "--dataset", "digitz"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "regression_gaussians, digits, or a .csv file, or an MNIST-format file" in err


def test_idx_files_train(tmp_path, capsys):
    images = write_mnist_like(tmp_path)
    code, out, err = run(["train", "--dataset", str(images), "--layers", "25,10", "--output-activation", "softmax",
                          "--loss", "ce", "--lr", "0.5", "--epochs", "30", "--standardize", "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["train_samples"] == 30 and result["test_accuracy"] == 1.0


def test_idx_labels_file_missing_is_one_line(tmp_path, capsys):
    images = write_mnist_like(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    code, out, err = run(["train", "--dataset", str(images), "--layers", "25,10"], capsys)
    assert code == 2 and out == ""
    assert err == ("nnviz train: train-images-idx3-ubyte.gz: its labels file train-labels-idx1-ubyte[.gz] "
                   "is not next to it; an IDX data set is a pair of files (images and labels)\n")


def test_idx_count_mismatch_is_one_line(tmp_path, capsys):
    images = write_mnist_like(tmp_path)
    labels = np.zeros(7, np.uint8)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 7) + labels.tobytes()))
    code, _, err = run(["train", "--dataset", str(images), "--layers", "25,10"], capsys)
    assert code == 2
    assert err == ("nnviz train: train-images-idx3-ubyte.gz holds 60 images but train-labels-idx1-ubyte.gz "
                   "holds 7 labels; they must be a pair\n")
