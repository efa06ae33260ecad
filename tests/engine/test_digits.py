"""The built-in ``digits`` image set: the shipped file, the Dataset made of it, its split and scaling."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.datasets import (
    BUILTIN_NAMES,
    DATASET_NAMES,
    IMAGE_SET_NAMES,
    make_dataset,
)
from nnviz.engine.errors import NnvizError
from nnviz.engine.image_sets import builtin_images
from nnviz.paths import resource

# scikit-learn's load_digits(): np.bincount(target)
SKLEARN_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_shipped_file_holds_the_uci_digits():
    with np.load(resource("datasets", "digits.npz"), allow_pickle=False) as stored:
        images, labels = stored["images"], stored["labels"]
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    assert np.bincount(labels).tolist() == SKLEARN_COUNTS
    # the first image of load_digits() (a zero), row by row
    assert images[0].tolist()[:3] == [[0, 0, 5, 13, 9, 1, 0, 0], [0, 0, 13, 15, 10, 15, 5, 0],
                                      [0, 3, 15, 2, 0, 11, 8, 0]]
    assert labels[:10].tolist() == list(range(10))


def test_attribution_and_script_ship_next_to_the_file():
    text = resource("datasets", "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Alpaydin" in text and "Kaynak" in text and "CC BY 4.0" in text and "UCI" in text
    assert "python resources/datasets/make_digits.py" in resource("datasets", "make_digits.py").read_text("utf-8")


def test_digits_is_a_builtin_name_but_not_a_toy_set():
    assert IMAGE_SET_NAMES == ("digits",)
    assert BUILTIN_NAMES == (*DATASET_NAMES, "digits")
    assert "digits" not in DATASET_NAMES  # the 2-D toy sets stay what the app's Dataset menu lists


def test_digits_dataset_loads_1797_by_64_scaled_to_unit_interval():
    ds = make_dataset("digits", test_fraction=0.0)
    assert ds.x_train.shape == (1797, 64) and ds.n_test == 0
    assert ds.task == "multiclass" and ds.num_classes == 10
    assert ds.image_shape == (8, 8)
    assert ds.feature_names[:2] == ("px0_0", "px0_1") and ds.feature_names[8] == "px1_0"
    assert ds.feature_names[-1] == "px7_7" and len(ds.feature_names) == 64
    assert ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0
    assert np.bincount(ds.y_train.astype(int)).tolist() == SKLEARN_COUNTS
    grey_levels = np.unique(ds.x_train * 16)
    assert np.array_equal(grey_levels, np.arange(17))  # pixel / 16: the 17 levels 0..16 exactly
    assert np.array_equal(ds.raw_train, ds.x_train)  # unscaled raw = intensities, transform = identity


def test_rows_are_the_images_pixel_by_pixel():
    images = builtin_images("digits")
    ds = make_dataset("digits", test_fraction=0.0)
    order = np.lexsort(ds.x_train.T[::-1])  # the shuffled rows, sorted, equal the file's images sorted
    expected = images.images.reshape(1797, 64) / 16.0
    assert np.array_equal(ds.x_train[order], expected[np.lexsort(expected.T[::-1])])


def test_split_like_the_toy_sets():
    ds = make_dataset("digits", test_fraction=0.25, seed=3)
    assert ds.n_test == round(1797 * 0.25) and ds.n_train == 1797 - ds.n_test
    again = make_dataset("digits", test_fraction=0.25, seed=3)
    other = make_dataset("digits", test_fraction=0.25, seed=4)
    assert again.x_test.tobytes() == ds.x_test.tobytes()
    assert not np.array_equal(other.x_test, ds.x_test)
    labels = np.concatenate([ds.y_train, ds.y_test]).astype(int)
    assert np.bincount(labels).tolist() == SKLEARN_COUNTS


def test_standardize_z_scores_each_pixel_and_leaves_constant_pixels_at_zero():
    ds = make_dataset("digits", test_fraction=0.2, standardize=True)
    plain = make_dataset("digits", test_fraction=0.2)
    std = plain.x_train.std(axis=0)
    varying = std > 0
    assert 0 < (~varying).sum() < 64  # the digits have blank corner pixels
    assert np.allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(ds.x_train.std(axis=0)[varying], 1.0)
    assert np.all(ds.x_train[:, ~varying] == 0.0)
    assert np.allclose(ds.x_test[:, varying], (plain.x_test - plain.x_train.mean(axis=0))[:, varying] / std[varying])
    assert ds.transform(ds.raw_test).tobytes() == ds.x_test.tobytes()


def test_one_hot_targets_for_ten_outputs():
    ds = make_dataset("digits")
    t = ds.targets("train", 10)
    assert t.shape == (ds.n_train, 10) and np.array_equal(t.argmax(axis=1), ds.y_train)
    with pytest.raises(NnvizError, match="10 classes; use 10 outputs"):
        ds.targets("train", 1)


def test_source_remakes_the_same_data_and_features_are_ignored():
    ds = make_dataset("digits", test_fraction=0.3, seed=5, standardize=True, features=("x1", "x2", "x1²"))
    assert ds.n_inputs == 64
    source = dict(ds.source)
    assert source["kind"] == "builtin" and source["name"] == "digits" and source["features"] is None
    kwargs = {k: source[k] for k in ("samples", "noise", "test_fraction", "seed", "features", "standardize")}
    again = make_dataset("digits", **kwargs)
    assert again.x_train.tobytes() == ds.x_train.tobytes() and again.image_shape == (8, 8)


def test_other_sets_have_no_image_shape():
    assert make_dataset("circles", samples=20).image_shape is None


def test_bad_split_is_one_message():
    with pytest.raises(NnvizError, match="test fraction"):
        make_dataset("digits", test_fraction=0.95)


def test_a_session_stores_and_remakes_digits():
    from nnviz.engine.network import Network
    from nnviz.engine.session_codec import session_from_dict, session_to_dict
    from nnviz.engine.trainer import TrainConfig, Trainer

    data = make_dataset("digits", test_fraction=0.2, seed=2, standardize=True)
    network = Network([64, 16, 10], ["tanh", "softmax"], "ce")
    network.initialize("xavier", np.random.default_rng(0))
    trainer = Trainer(network, data, TrainConfig(learning_rate=0.1, batch_size=32), seed=0)
    trainer.train_epochs(1)
    again = session_from_dict(session_to_dict(trainer)).trainer.dataset
    assert again.name == "digits" and again.image_shape == (8, 8)
    assert again.x_train.tobytes() == data.x_train.tobytes() and again.y_test.tobytes() == data.y_test.tobytes()
