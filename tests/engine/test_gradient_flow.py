"""Gradient flow: per-layer mean |∂L/∂W|, and the vanishing gradient of a deep sigmoid net."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.gradient_flow import DEEP_LAYERS, flow_ratio, gradient_flow_run, layer_gradient_norms


@pytest.fixture(scope="module")
def circles():
    return make_dataset("circles", samples=500, noise=0.1, test_fraction=0.5, seed=0)


@pytest.fixture(scope="module")
def deep_runs(circles):
    return {act: gradient_flow_run(DEEP_LAYERS, act, circles, epochs=30, seed=0) for act in ("sigmoid", "relu")}


def test_layer_norms_are_mean_absolute_gradients():
    grads = [np.array([[1.0, -3.0]]), np.array([[0.5], [-0.5], [2.0]]), np.zeros((1, 3))]
    np.testing.assert_allclose(layer_gradient_norms(grads), [2.0, 1.0, 0.0])
    assert layer_gradient_norms(grads).dtype == np.float64


def test_a_run_records_one_row_per_epoch(deep_runs):
    norms = deep_runs["sigmoid"]
    assert norms.shape == (30, len(DEEP_LAYERS) - 1)
    assert np.isfinite(norms).all() and (norms > 0).all()


def test_deep_sigmoid_gradients_vanish_but_relu_ones_do_not(deep_runs):
    sigmoid, relu = flow_ratio(deep_runs["sigmoid"]), flow_ratio(deep_runs["relu"])
    assert sigmoid < 1e-2
    assert relu > 1e-2
    # with the sigmoid each layer back is smaller than the one after it
    assert (np.diff(np.median(deep_runs["sigmoid"], axis=0)) > 0).all()


def test_the_same_seed_gives_the_same_run(circles, deep_runs):
    again = gradient_flow_run(DEEP_LAYERS, "sigmoid", circles, epochs=30, seed=0)
    np.testing.assert_array_equal(again, deep_runs["sigmoid"])


def test_records_every_k_steps(circles):
    # 250 training samples, batch 10: 25 steps per epoch, 2 epochs = 50 steps
    norms = gradient_flow_run([2, 4, 1], "tanh", circles, epochs=2, every=20)
    assert norms.shape == (2, 2)


def test_multiclass_and_regression_data_get_a_matching_output():
    blobs = make_dataset("blobs", samples=90, seed=0)
    assert gradient_flow_run([2, 5, 3], "relu", blobs, epochs=2).shape == (2, 2)
    plane = make_dataset("regression_plane", samples=60, seed=0)
    assert gradient_flow_run([2, 5, 1], "tanh", plane, epochs=2).shape == (2, 2)


def test_flow_ratio_is_the_median_first_over_last():
    norms = np.array([[1e-4, 1.0, 1.0], [2e-4, 0.5, 1.0], [0.0, 0.0, 0.0]])
    assert flow_ratio(norms) == pytest.approx(1.5e-4)  # the 0/0 row is left out


def test_bad_arguments_are_user_errors(circles):
    with pytest.raises(NnvizError):
        gradient_flow_run([3, 4, 1], "relu", circles, epochs=1)
    with pytest.raises(NnvizError):
        gradient_flow_run([2, 4, 1], "relu", circles, epochs=0)
