"""Tests for nnviz.engine.datasets and nnviz.engine.features."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.engine.datasets import (
    DATASET_NAMES,
    FEATURE_NAMES,
    Dataset,
    _zscore_params,
    derive_features,
    make_dataset,
)
from nnviz.engine.errors import NnvizError
from nnviz.engine.features import canonical_feature_name, normalize_features
from nnviz.engine.toy_sets import bump_height

GENERATED = tuple(name for name in DATASET_NAMES if name != "lecture")
CLASSIFICATION = ("xor", "circles", "gaussians", "spiral", "moons", "blobs")
REGRESSION = ("regression_plane", "regression_gaussians")
ARRAYS = ("x_train", "y_train", "x_test", "y_test", "raw_train", "raw_test")


def test_dataset_names_exact():
    assert DATASET_NAMES == (
        "lecture", "xor", "circles", "gaussians", "spiral", "moons", "blobs",
        "regression_plane", "regression_gaussians",
    )


def test_feature_names_exact():
    assert FEATURE_NAMES == ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")


# --------------------------------------------------------------------------- generators

@pytest.mark.parametrize("name", GENERATED)
def test_shapes_and_dtypes(name):
    ds = make_dataset(name, samples=200, test_fraction=0.25)
    assert ds.name == name
    assert ds.x_train.shape == (150, 2) and ds.x_test.shape == (50, 2)
    assert ds.y_train.shape == (150,) and ds.y_test.shape == (50,)
    assert ds.raw_train.shape == (150, 2) and ds.raw_test.shape == (50, 2)
    assert ds.feature_names == ("x1", "x2")
    assert ds.n_train == 150 and ds.n_test == 50 and ds.n_inputs == 2
    for attr in ARRAYS:
        arr = getattr(ds, attr)
        assert arr.dtype == np.float64
        assert not arr.flags.writeable
        assert np.all(np.isfinite(arr))


@pytest.mark.parametrize("name", GENERATED)
def test_arrays_are_read_only(name):
    ds = make_dataset(name, samples=10)
    with pytest.raises(ValueError):
        ds.x_train[0, 0] = 1.0


@pytest.mark.parametrize(
    ("name", "task", "classes"),
    [("xor", "binary", 2), ("circles", "binary", 2), ("gaussians", "binary", 2),
     ("spiral", "binary", 2), ("moons", "binary", 2), ("blobs", "multiclass", 3),
     ("lecture", "binary", 2)],
)
def test_classification_labels(name, task, classes):
    ds = make_dataset(name, samples=300, noise=0.5)
    assert ds.task == task and ds.num_classes == classes
    labels = set(np.concatenate([ds.y_train, ds.y_test]).tolist())
    assert labels == set(float(k) for k in range(classes))


@pytest.mark.parametrize("name", ("circles", "gaussians", "spiral", "moons", "blobs"))
def test_balanced_classes(name):
    ds = make_dataset(name, samples=301, test_fraction=0.0)
    counts = np.bincount(ds.y_train.astype(int))
    assert counts.sum() == 301 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_targets(name):
    ds = make_dataset(name, samples=400)
    assert ds.task == "regression" and ds.num_classes == 0
    y = np.concatenate([ds.y_train, ds.y_test])
    assert y.min() >= -1.2 and y.max() <= 1.2
    assert np.unique(y).size > 100


@pytest.mark.parametrize("name", GENERATED)
def test_ranges_playground_like(name):
    ds = make_dataset(name, samples=1000, noise=0.0)
    raw = np.concatenate([ds.raw_train, ds.raw_test])
    assert np.abs(raw).max() <= (8.0 if name in ("gaussians", "blobs") else 6.0)
    assert np.abs(raw).max() >= 3.0


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_same_seed_bit_identical(name):
    kwargs = dict(samples=123, noise=0.3, test_fraction=0.3, seed=7,
                  features=("x1", "x2", "x1²", "sin(x2)"), standardize=True)
    a, b = make_dataset(name, **kwargs), make_dataset(name, **kwargs)
    for attr in ARRAYS:
        assert getattr(a, attr).tobytes() == getattr(b, attr).tobytes()


@pytest.mark.parametrize("name", GENERATED)
def test_different_seeds_differ(name):
    a = make_dataset(name, samples=100, seed=1)
    b = make_dataset(name, samples=100, seed=2)
    assert not np.array_equal(a.x_train, b.x_train)


@pytest.mark.parametrize("name", GENERATED)
def test_noise_changes_points(name):
    a = make_dataset(name, samples=100, noise=0.0, seed=3)
    b = make_dataset(name, samples=100, noise=0.4, seed=3)
    assert not np.array_equal(a.raw_train, b.raw_train)
    # the noise only scales the same random draws: labels and split are unchanged
    assert np.array_equal(a.y_train, b.y_train)


@pytest.mark.parametrize("name", GENERATED)
def test_global_random_state_untouched(name):
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    make_dataset(name, samples=50, noise=0.2)
    assert np.random.random() == before


def test_xor_labels_follow_quadrants_without_noise():
    ds = make_dataset("xor", samples=500, noise=0.0)
    x = ds.raw_train
    assert np.all(np.abs(x) >= 0.3)
    assert np.array_equal(ds.y_train, (x[:, 0] * x[:, 1] >= 0).astype(float))


def test_circles_inner_disc_and_ring_without_noise():
    ds = make_dataset("circles", samples=500, noise=0.0)
    r = np.hypot(ds.raw_train[:, 0], ds.raw_train[:, 1])
    inner = ds.y_train == 1
    assert r[inner].max() <= 2.5 and r[~inner].min() >= 3.5 and r[~inner].max() <= 5.0


def test_gaussians_centers():
    ds = make_dataset("gaussians", samples=4000, test_fraction=0.0)
    mean1 = ds.raw_train[ds.y_train == 1].mean(axis=0)
    mean0 = ds.raw_train[ds.y_train == 0].mean(axis=0)
    assert np.allclose(mean1, [2, 2], atol=0.1) and np.allclose(mean0, [-2, -2], atol=0.1)
    var = ds.raw_train[ds.y_train == 1].var(axis=0)
    assert np.allclose(var, 0.5, atol=0.06)


def test_spiral_radius_grows_along_the_arm():
    ds = make_dataset("spiral", samples=200, test_fraction=0.0, noise=0.0)
    r = np.hypot(ds.raw_train[:, 0], ds.raw_train[:, 1])
    assert r.min() == 0.0 and r.max() < 5.0
    # both arms are the same curve rotated by π: class 0 points are -(class 1 points)
    arm1 = ds.raw_train[ds.y_train == 1]
    arm0 = ds.raw_train[ds.y_train == 0]
    key = lambda a: a[np.lexsort((a[:, 1], a[:, 0]))]  # noqa: E731
    assert np.allclose(key(arm1), key(-arm0), atol=1e-9)


def test_moons_shapes():
    ds = make_dataset("moons", samples=400, test_fraction=0.0, noise=0.0)
    upper = ds.raw_train[ds.y_train == 0] / 3.0 + [0.5, 0.25]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    lower = ds.raw_train[ds.y_train == 1] / 3.0 + [0.5, 0.25]
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)


def test_blobs_three_centers():
    ds = make_dataset("blobs", samples=3000, test_fraction=0.0)
    means = np.array([ds.raw_train[ds.y_train == k].mean(axis=0) for k in range(3)])
    assert np.allclose(np.hypot(means[:, 0], means[:, 1]), 4.0, atol=0.15)
    assert means[0, 1] > 3.5  # class 0 at the top


def test_regression_plane_formula():
    ds = make_dataset("regression_plane", samples=100, noise=0.0)
    assert np.allclose(ds.y_train, (ds.raw_train[:, 0] + ds.raw_train[:, 1]) / 10)


def test_regression_gaussians_formula():
    ds = make_dataset("regression_gaussians", samples=100, noise=0.0)
    assert np.array_equal(ds.y_train, bump_height(ds.raw_train))
    peaks = np.array([[-4, 2.5], [0, 2.5], [0, -2.5], [1, 2.5], [0, 0]])
    assert np.allclose(bump_height(peaks), [1, -1, 1, -0.5, 0])


def test_lecture_rows_exact():
    ds = make_dataset("lecture")
    assert ds.raw_train.tolist() == [[95, 4], [100, 5], [95, 2]]
    assert ds.x_train.tolist() == [[95, 4], [100, 5], [95, 2]]
    assert ds.y_train.tolist() == [1, 1, 0]
    assert ds.x_test.shape == (0, 2) and ds.y_test.shape == (0,) and ds.raw_test.shape == (0, 2)
    assert ds.task == "binary" and ds.num_classes == 2


def test_lecture_ignores_samples_noise_and_split():
    a = make_dataset("lecture", samples=50, noise=1.0, test_fraction=0.9, seed=5)
    assert a.x_train.tolist() == make_dataset("lecture").x_train.tolist()
    assert a.n_test == 0


def test_lecture_with_derived_features():
    ds = make_dataset("lecture", features=("x1", "x1·x2"))
    assert ds.x_train.tolist() == [[95, 380], [100, 500], [95, 190]]
    assert ds.x_test.shape == (0, 2)


def test_name_is_forgiving_about_case_and_dashes():
    assert make_dataset("Regression-Plane", samples=10).name == "regression_plane"


# --------------------------------------------------------------------------- split

@pytest.mark.parametrize(
    ("samples", "fraction", "n_test"),
    [(500, 0.5, 250), (500, 0.0, 0), (10, 0.9, 9), (2, 0.5, 1), (7, 0.3, 2), (100000, 0.1, 10000)],
)
def test_split_sizes(samples, fraction, n_test):
    ds = make_dataset("gaussians", samples=samples, test_fraction=fraction)
    assert ds.n_test == n_test and ds.n_train == samples - n_test


def test_split_partitions_the_same_points():
    a = make_dataset("xor", samples=100, test_fraction=0.0, seed=4)
    b = make_dataset("xor", samples=100, test_fraction=0.4, seed=4)
    rows = lambda *xs: sorted(map(tuple, np.concatenate(xs).tolist()))  # noqa: E731
    assert rows(a.raw_train) == rows(b.raw_train, b.raw_test)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"samples": 1}, "samples"), ({"samples": 100001}, "samples"), ({"samples": 2.5}, "samples"),
     ({"samples": True}, "samples"), ({"noise": -0.1}, "noise"), ({"noise": 1.5}, "noise"),
     ({"noise": math.nan}, "noise"), ({"test_fraction": 0.95}, "test fraction"),
     ({"test_fraction": -0.1}, "test fraction"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"),
     ({"samples": 2, "test_fraction": 0.9}, "no training samples")],
)
def test_bad_arguments(kwargs, fragment):
    with pytest.raises(NnvizError, match=fragment) as info:
        make_dataset("xor", **kwargs)
    assert "\n" not in str(info.value)


def test_unknown_dataset():
    with pytest.raises(NnvizError, match="unknown dataset 'nope'; choose from lecture, xor"):
        make_dataset("nope")


# --------------------------------------------------------------------------- features

def test_derive_features_by_hand():
    out = derive_features(np.array([[2.0, 3.0]]), FEATURE_NAMES)
    assert out.shape == (1, 7)
    assert out[0].tolist() == [2.0, 3.0, 4.0, 9.0, 6.0, math.sin(2.0), math.sin(3.0)]


def test_derive_features_order_and_subset():
    raw = np.array([[2.0, 3.0], [-1.0, 0.5]])
    out = derive_features(raw, ("x1·x2", "x2²"))
    assert out.tolist() == [[6.0, 9.0], [-0.5, 0.25]]


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("x1^2", "x1²"), ("X2**2", "x2²"), ("x1*x2", "x1·x2"), ("x1x2", "x1·x2"),
     ("sinx1", "sin(x1)"), ("sin_x2", "sin(x2)"), ("sin x1", "sin(x1)"), (" x1 ", "x1"),
     ("x1²", "x1²"), ("x2", "x2")],
)
def test_feature_aliases(alias, canonical):
    assert canonical_feature_name(alias) == canonical


def test_dataset_feature_names_are_canonical():
    ds = make_dataset("xor", samples=20, features=("x1", "x2", "x1^2", "x1*x2", "sinx2"))
    assert ds.feature_names == ("x1", "x2", "x1²", "x1·x2", "sin(x2)")
    assert ds.x_train.shape == (10, 5)
    assert np.array_equal(ds.x_train, derive_features(ds.raw_train, ds.feature_names))


def test_single_string_feature():
    assert normalize_features("x1^2") == ("x1²",)


@pytest.mark.parametrize(
    ("names", "fragment"),
    [(("x3",), "unknown feature 'x3'"), ((), "at least one"), (("x1", "x1"), "selected twice"),
     (("x1^2", "x1²"), "selected twice"), ((1,), "must be text")],
)
def test_bad_features(names, fragment):
    with pytest.raises(NnvizError, match=fragment):
        make_dataset("xor", samples=10, features=names)


def test_derive_features_needs_two_columns():
    with pytest.raises(NnvizError, match=r"shape \(m, 2\)"):
        derive_features(np.zeros((4, 3)), ("x1",))


def test_features_none_uses_raw_columns():
    ds = make_dataset("lecture", features=None)
    assert ds.feature_names == ("IQ", "study hours")
    assert ds.x_train.tolist() == ds.raw_train.tolist()


# --------------------------------------------------------------------------- standardization

@pytest.mark.parametrize("name", DATASET_NAMES)
def test_standardize_train_mean0_std1(name):
    ds = make_dataset(name, samples=300, noise=0.2, standardize=True,
                      features=("x1", "x2", "x1²", "x1·x2", "sin(x1)"))
    assert np.allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-10)
    assert np.allclose(ds.x_train.std(axis=0), 1.0)


def test_standardize_uses_train_statistics_for_test():
    ds = make_dataset("gaussians", samples=200, standardize=True)
    plain = make_dataset("gaussians", samples=200, standardize=False)
    mean, std = plain.x_train.mean(axis=0), plain.x_train.std(axis=0)
    assert np.allclose(ds.x_test, (plain.x_test - mean) / std)
    assert np.array_equal(ds.raw_test, plain.raw_test)


def test_zscore_zero_std_counts_as_one():
    mean, std = _zscore_params(np.array([[3.0, 1.0], [3.0, 2.0]]))
    assert mean.tolist() == [3.0, 1.5] and std.tolist() == [1.0, 0.5]


def test_manual_dataset_transform_is_identity():
    raw = np.array([[1.0, 5.0], [1.0, 7.0]])
    ds = Dataset("t", "regression", raw, np.zeros(2), raw[:0], np.zeros(0), ("a", "b"), 0,
                 raw, raw[:0])
    assert np.array_equal(ds.transform(raw), raw)


@pytest.mark.parametrize("name", DATASET_NAMES)
@pytest.mark.parametrize("standardize", (False, True))
def test_transform_reproduces_x(name, standardize):
    ds = make_dataset(name, samples=150, noise=0.3, standardize=standardize,
                      features=("x1", "x2", "x2²", "x1·x2", "sin(x1)", "sin(x2)"))
    assert ds.transform(ds.raw_train).tobytes() == ds.x_train.tobytes()
    assert ds.transform(ds.raw_test).tobytes() == ds.x_test.tobytes()


def test_transform_grid():
    ds = make_dataset("circles", samples=100, standardize=True, features=("x1²", "x2²"))
    xs = np.linspace(-6, 6, 5)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)
    out = ds.transform(grid)
    assert out.shape == (25, 2)
    assert np.allclose(out, (grid**2 - ds.shift) / ds.scale)


def test_transform_rejects_wrong_shape():
    ds = make_dataset("xor", samples=10)
    with pytest.raises(NnvizError, match=r"shape \(m, 2\)"):
        ds.transform(np.zeros((3, 3)))


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(DATASET_NAMES),
    samples=st.integers(2, 300),
    noise=st.floats(0, 1),
    fraction=st.floats(0, 0.5),
    seed=st.integers(0, 2**32),
    features=st.lists(st.sampled_from(FEATURE_NAMES), min_size=1, max_size=7, unique=True),
    standardize=st.booleans(),
)
def test_property_consistent_dataset(name, samples, noise, fraction, seed, features, standardize):
    ds = make_dataset(name, samples=samples, noise=noise, test_fraction=fraction, seed=seed,
                      features=features, standardize=standardize)
    d = len(features)
    assert ds.x_train.shape[1] == d and ds.x_test.shape[1] == d
    assert ds.n_train >= 1
    if name != "lecture":
        assert ds.n_train + ds.n_test == samples and ds.n_test == round(samples * fraction)
    assert np.all(np.isfinite(ds.x_train)) and np.all(np.isfinite(ds.x_test))
    assert np.array_equal(ds.transform(ds.raw_train), ds.x_train)


# --------------------------------------------------------------------------- targets

def test_targets_binary_one_output():
    ds = make_dataset("xor", samples=20)
    t = ds.targets("train", 1)
    assert t.shape == (10, 1) and t.dtype == np.float64
    assert np.array_equal(t[:, 0], ds.y_train)
    assert ds.targets("test", 1).shape == (10, 1)


def test_targets_binary_one_hot():
    ds = make_dataset("xor", samples=20)
    t = ds.targets("train", 2)
    assert t.shape == (10, 2)
    assert np.array_equal(t.argmax(axis=1), ds.y_train) and np.all(t.sum(axis=1) == 1)


def test_targets_multiclass_one_hot():
    ds = make_dataset("blobs", samples=30)
    t = ds.targets("test", 3)
    assert t.shape == (15, 3)
    assert set(map(tuple, t.tolist())) <= {(1, 0, 0), (0, 1, 0), (0, 0, 1)}
    assert np.array_equal(t.argmax(axis=1), ds.y_test)


def test_targets_regression():
    ds = make_dataset("regression_plane", samples=20)
    assert np.array_equal(ds.targets("train", 1)[:, 0], ds.y_train)


def test_targets_empty_test_part():
    assert make_dataset("lecture").targets("test", 2).shape == (0, 2)


@pytest.mark.parametrize(
    ("name", "n_outputs", "message"),
    [("xor", 3, "the network has 3 outputs but the dataset 'xor' has 2 classes; "
               "use 1 output (sigmoid) or 2 (softmax)"),
     ("blobs", 1, "the network has 1 output but the dataset 'blobs' has 3 classes; "
                  "use 3 outputs (softmax)"),
     ("blobs", 2, "the network has 2 outputs but the dataset 'blobs' has 3 classes"),
     ("regression_plane", 2, "the network has 2 outputs but the dataset 'regression_plane' "
                             "is a regression task; use 1 output")],
)
def test_targets_mismatch(name, n_outputs, message):
    ds = make_dataset(name, samples=20)
    with pytest.raises(NnvizError) as info:
        ds.targets("train", n_outputs)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_targets_bad_which():
    with pytest.raises(NnvizError, match="'train' or 'test'"):
        make_dataset("xor", samples=20).targets("validation", 1)


def test_manual_dataset_is_frozen_copy():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    ds = Dataset("m", "binary", x, np.array([0, 1]), x[:0], np.zeros(0), ("x1", "x2"), 2, x, x[:0])
    x[0, 0] = 99.0
    assert ds.x_train[0, 0] == 1.0 and ds.y_train.dtype == np.float64
    with pytest.raises(AttributeError):
        ds.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="inconsistent shapes"):
        Dataset("m", "binary", x, np.zeros(3), x[:0], np.zeros(0), ("x1", "x2"), 2, x, x[:0])
