"""The numbers behind the digit panel (nnviz.app.image_views, nnviz.app.digit_results): weight
images are the weight rows reshaped, confusion matrices count every image once and agree with
the trainer's accuracy, mistakes are where truth and prediction differ, raw pixels undo the z-score."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.digit_results import DigitResults
from nnviz.app.image_views import (
    confusion_matrix,
    misclassified,
    mistake_part,
    predicted_classes,
    predictions,
    raw_pixels,
    summarize,
    summary_problem,
    weight_images,
    weight_scale,
)
from nnviz.engine.datasets import make_dataset
from nnviz.engine.network import Network
from nnviz.engine.trainer import TrainConfig, Trainer, accuracy


@pytest.fixture(scope="module")
def digits():
    return make_dataset("digits", test_fraction=0.5, seed=1, standardize=True)


@pytest.fixture(scope="module")
def trained(digits):
    """A 64-32-10 network after 2 epochs (~90 % right: mistakes in every part) and its trainer."""
    network = Network([64, 32, 10], ["tanh", "softmax"], "ce")
    network.initialize("xavier", np.random.default_rng(0))
    trainer = Trainer(network, digits, TrainConfig(learning_rate=0.1, batch_size=32), seed=0)
    trainer.train_epochs(2)
    return network, trainer


@pytest.mark.parametrize("shape", [(8, 8), (28, 28)])
def test_weight_images_are_the_weight_rows_reshaped(shape):
    rows, cols = shape
    weights = np.random.default_rng(0).normal(size=(12, rows * cols))
    images = weight_images(weights, shape)
    assert images.shape == (12, rows, cols)
    for k in range(12):
        assert np.array_equal(images[k], weights[k].reshape(rows, cols))
    # pixel (r, c) of neuron k is the weight from input r·cols + c
    assert images[5, 2, 3] == weights[5, 2 * cols + 3] and images[11, rows - 1, 0] == weights[11, (rows - 1) * cols]


def test_weight_images_refuse_rows_of_another_size():
    with pytest.raises(ValueError, match="8×8"):
        weight_images(np.zeros((4, 63)), (8, 8))


def test_weight_scale_is_the_largest_magnitude_of_the_layer():
    w = np.array([[0.1, -0.7], [0.5, 0.2]])
    assert weight_scale(w) == 0.7
    assert weight_scale(np.zeros((3, 4))) == 1.0
    assert weight_scale(np.array([[np.nan, np.inf, -0.25]])) == 0.25  # a diverged weight does not blow the scale


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    true = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    m = confusion_matrix(true, pred, 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert m.sum() == 6 and np.trace(m) == 4
    with pytest.raises(ValueError, match="0 … 2"):
        confusion_matrix(np.array([3]), np.array([0]), 3)


def test_confusion_matrices_sum_to_the_set_sizes_and_agree_with_the_trainer(digits, trained):
    network, trainer = trained
    summary = summarize(network, digits)
    _, _, train_acc, test_acc = trainer.evaluate()
    assert summary.train.confusion.sum() == digits.n_train == 899
    assert summary.test.confusion.sum() == digits.n_test == 898
    assert summary.train.confusion.shape == summary.test.confusion.shape == (10, 10)
    assert np.trace(summary.train.confusion) / digits.n_train == train_acc  # exactly the trainer's number
    assert np.trace(summary.test.confusion) / digits.n_test == test_acc
    assert summary.test.accuracy == test_acc and 0.5 < test_acc < 1.0  # trained, with mistakes to show
    # rows are the true classes: each row sums to that class's count
    assert np.array_equal(summary.test.confusion.sum(axis=1), np.bincount(digits.y_test.astype(int), minlength=10))


def test_mistakes_are_where_truth_and_prediction_differ(digits, trained):
    network, _ = trained
    summary = summarize(network, digits)
    for part, x, y in (("train", digits.x_train, digits.y_train), ("test", digits.x_test, digits.y_test)):
        results = summary.part(part)
        predicted = predictions(network, x)
        assert np.array_equal(results.predicted, predicted)
        assert np.array_equal(results.mistakes, np.flatnonzero(y.astype(int) != predicted))
        assert len(results.mistakes) == results.n - np.trace(results.confusion) > 0
    assert np.array_equal(summary.test_mistakes, misclassified(digits.y_test, predictions(network, digits.x_test)))
    assert np.all(np.diff(summary.test_mistakes) > 0)  # in data order


def test_one_sigmoid_output_predicts_as_the_trainer_counts():
    outputs = np.array([[0.2], [0.5], [0.51], [0.9]])
    labels = np.array([0, 1, 1, 1])
    assert predicted_classes(outputs).tolist() == [0, 0, 1, 1]  # ŷ > 0.5, as trainer.accuracy
    assert np.mean(predicted_classes(outputs) == labels) == accuracy(outputs, labels)


def test_raw_pixels_undo_the_standardization(digits):
    for i in (0, 17, digits.n_test - 1):
        image = raw_pixels(digits, digits.x_test[i])
        assert image.shape == (8, 8)
        assert np.allclose(image, digits.raw_test[i].reshape(8, 8), rtol=0, atol=1e-12)
    plain = make_dataset("digits", test_fraction=0.5, seed=1)
    assert np.array_equal(raw_pixels(plain, plain.x_test[3]), plain.x_test[3].reshape(8, 8))
    # an edited input beyond the data's range is clipped to intensities
    assert raw_pixels(plain, np.full(64, 3.0)).max() == 1.0 and raw_pixels(plain, -np.ones(64)).min() == 0.0


def test_a_mismatched_network_is_named_not_summarized(digits):
    wide = Network([63, 10], ["softmax"], "ce")
    assert "63 inputs" in summary_problem(wide, digits)
    three = Network([64, 3], ["softmax"], "ce")
    assert summary_problem(three, digits) == "the network has 3 outputs for 10 classes"
    with pytest.raises(ValueError, match="3 outputs"):
        summarize(three, digits)


def test_mistakes_come_from_the_training_part_without_test_data():
    assert mistake_part(make_dataset("digits", test_fraction=0.0)) == "train"
    assert mistake_part(make_dataset("digits", test_fraction=0.2)) == "test"


def test_results_are_computed_once_per_network_from_a_copy(digits, trained):
    network, _ = trained
    results = DigitResults()
    results.set_dataset(digits)
    assert results.problem == "no network yet"
    results.set_network(network)
    assert not results.is_current("test")  # nothing computed until asked
    first = results.results("test")
    assert results.results("test") is first and results.is_current("test") and not results.is_current("train")
    changed = network.copy()
    changed.weights[-1][...] = 0.0
    changed.biases[-1][...] = 0.0  # every output equal: argmax says class 0 for all
    results.set_network(changed)
    changed.weights[-1][...] = 1.0  # the caller's network changes after the call: the copy does not
    assert results.cached("test") is first and not results.is_current("test")
    again = results.results("test")
    assert np.all(again.predicted == 0) and again.right == np.sum(digits.y_test == 0)
    assert results.due_in("test", 1.0) == 0.0 and results.due_in("train", 0.25) == 0.0
