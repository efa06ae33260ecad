"""Network: the lecture example, hand-computed backprop, gradient checks, traces, validation."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.engine.activations import HIDDEN_ACTIVATIONS
from nnviz.engine.errors import NnvizError
from nnviz.engine.gradcheck import gradient_check, numeric_gradient
from nnviz.engine.network import MAX_LAYERS, MAX_UNITS, Network, validate_architecture

# (output activation, loss) pairs every hidden activation is checked with
OUTPUTS = [
    ("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "ce"),
    ("linear", "mse"), ("softmax", "mse"), ("tanh", "mse"),
]
SHAPES = [[1, 1], [3, 1], [2, 3, 2], [4, 5, 6, 3]]


def targets(rng: np.random.Generator, out_act: str, loss: str, batch: int, k: int) -> np.ndarray:
    if out_act == "softmax":
        return np.eye(k)[rng.integers(0, k, batch)]
    if loss == "bce":
        return (rng.random((batch, k)) > 0.5).astype(float)
    if out_act == "sigmoid":
        return rng.random((batch, k))
    if out_act == "tanh":
        return rng.uniform(-1, 1, (batch, k))
    return rng.normal(size=(batch, k))


def random_network(layers, hidden: str, out_act: str, loss: str, seed: int) -> Network:
    rng = np.random.default_rng(seed)
    net = Network(layers, [hidden] * (len(layers) - 2) + [out_act], loss)
    net.initialize("normal", rng, 0.8)
    for b in net.biases:  # non-zero biases: ReLU kinks are not hit exactly
        b[...] = rng.uniform(0.1, 0.6, b.shape) * rng.choice([-1.0, 1.0], b.shape)
    return net


def lecture_net() -> Network:
    net = Network([2, 1], ["sigmoid"], "mse")
    net.set_layer(0, [[0.01, 0.02]], [0.001])
    return net


# ---- the lecture's worked example ----------------------------------------------------------------

def test_lecture_example_first_row():
    net = lecture_net()
    tr = net.trace([[95.0, 4.0]])
    z = tr.layers[0].z[0, 0]
    a = tr.prediction[0, 0]
    assert abs(z - 1.031) < 1e-12  # 0.01·95 + 0.02·4 + 0.001
    assert round(a, 3) == 0.737
    assert a == pytest.approx(1 / (1 + math.exp(-1.031)), abs=1e-15)
    assert a == pytest.approx(0.7371097207553646, abs=1e-15)
    assert int(a > 0.5) == 1  # class 1
    np.testing.assert_array_equal(net.predict([[95.0, 4.0]]), [[a]])


def test_lecture_example_other_rows():
    net = lecture_net()
    tr = net.trace([[100.0, 5.0], [95.0, 2.0]])
    z = tr.layers[0].z[:, 0]
    a = tr.prediction[:, 0]
    assert abs(z[0] - 1.101) < 1e-12  # 1.00 + 0.10 + 0.001
    assert abs(z[1] - 0.991) < 1e-12  # 0.95 + 0.04 + 0.001
    assert round(a[0], 3) == 0.750  # σ(1.101) = 0.75045
    assert round(a[1], 3) == 0.729  # σ(0.991) = 0.72929
    assert a[0] == pytest.approx(0.750447428579585, abs=1e-15)
    assert a[1] == pytest.approx(0.7292853958178974, abs=1e-15)
    assert (a > 0.5).all()


def test_lecture_example_loss():
    net = lecture_net()
    x = [[95.0, 4.0], [100.0, 5.0], [95.0, 2.0]]
    y = [1.0, 1.0, 0.0]
    a = [0.7371097207553646, 0.750447428579585, 0.7292853958178974]
    expected = np.mean([0.5 * (ai - yi) ** 2 for ai, yi in zip(a, y)])
    assert net.loss_value(x, y) == pytest.approx(expected, rel=1e-13)


# ---- hand-computed backpropagation, 2-2-1 -------------------------------------------------------

def test_hand_backprop_relu_linear():
    """x = (1, 2), y = 1.
    z1 = W1 x + b1 = (0.5 − 0.5 + 0.1, 0.1 − 0.6 − 0.2) = (0.1, −0.7);  a1 = relu = (0.1, 0)
    z2 = 2·0.1 − 1·0 + 0.3 = 0.5 = ŷ;  L = ½(0.5 − 1)² = 0.125
    δ2 = ŷ − y = −0.5;  ∂L/∂W2 = δ2·a1 = (−0.05, 0);  ∂L/∂b2 = −0.5
    δ1 = W2ᵀδ2 ⊙ relu'(z1) = (−1, 0.5) ⊙ (1, 0) = (−1, 0)
    ∂L/∂W1 = δ1 ⊗ x = [[−1, −2], [0, 0]];  ∂L/∂b1 = (−1, 0)
    """
    net = Network([2, 2, 1], ["relu", "linear"], "mse")
    net.set_layer(0, [[0.5, -0.25], [0.1, -0.3]], [0.1, -0.2])
    net.set_layer(1, [[2.0, -1.0]], [0.3])
    tr = net.trace([[1.0, 2.0]], [[1.0]])
    h, o = tr.layers
    np.testing.assert_allclose(h.z, [[0.1, -0.7]], atol=1e-15)
    np.testing.assert_allclose(h.a, [[0.1, 0.0]], atol=1e-15)
    np.testing.assert_allclose(o.z, [[0.5]], atol=1e-15)
    assert tr.loss == pytest.approx(0.125, abs=1e-15)
    np.testing.assert_allclose(o.delta, [[-0.5]], atol=1e-15)
    np.testing.assert_allclose(o.grad_w, [[-0.05, 0.0]], atol=1e-15)
    np.testing.assert_allclose(o.grad_b, [-0.5], atol=1e-15)
    np.testing.assert_allclose(h.delta, [[-1.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(h.grad_w, [[-1.0, -2.0], [0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(h.grad_b, [-1.0, 0.0], atol=1e-15)


def test_hand_backprop_sigmoid_sigmoid_mse():
    """Matt Mazur's step-by-step example cut to one output (target 0.01):
    x = (0.05, 0.10), W1 = [[.15, .20], [.25, .30]], b1 = .35, W2 = [[.40, .45]], b2 = .60.
    net_h = (0.3775, 0.3925), out_h = (0.593269992, 0.596884378)
    net_o = 1.105905967, out_o = 0.751365070, E = ½(out_o − 0.01)² = 0.274811083
    δ_o = (out_o − t)·out_o(1 − out_o) = 0.138498562
    ∂E/∂W2 = δ_o·out_h = (0.082167041, 0.082667628), ∂E/∂b2 = 0.138498562
    δ_h = δ_o·W2 ⊙ out_h(1 − out_h) = (0.013367920, 0.014996075)
    ∂E/∂W1 = δ_h ⊗ x = [[0.000668396, 0.001336792], [0.000749804, 0.001499608]]
    """
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], "mse")
    net.set_layer(0, [[0.15, 0.20], [0.25, 0.30]], [0.35, 0.35])
    net.set_layer(1, [[0.40, 0.45]], [0.60])
    tr = net.trace([[0.05, 0.10]], [[0.01]])
    h, o = tr.layers
    tol = 1e-9
    np.testing.assert_allclose(h.z, [[0.3775, 0.3925]], atol=1e-15)
    np.testing.assert_allclose(h.a, [[0.593269992, 0.596884378]], atol=tol)
    np.testing.assert_allclose(o.z, [[1.105905967]], atol=tol)
    np.testing.assert_allclose(o.a, [[0.751365070]], atol=tol)
    assert tr.loss == pytest.approx(0.274811083, abs=tol)
    np.testing.assert_allclose(o.delta, [[0.138498562]], atol=tol)
    np.testing.assert_allclose(o.grad_w, [[0.082167041, 0.082667628]], atol=tol)
    np.testing.assert_allclose(o.grad_b, [0.138498562], atol=tol)
    np.testing.assert_allclose(h.delta, [[0.013367920, 0.014996075]], atol=tol)
    np.testing.assert_allclose(h.grad_w, [[0.000668396, 0.001336792], [0.000749804, 0.001499608]], atol=tol)
    np.testing.assert_allclose(h.grad_b, [0.013367920, 0.014996075], atol=tol)
    # one SGD step with η = 0.5 gives Mazur's new w5 = 0.35891648
    w = net.params - 0.5 * net.loss_and_grads([[0.05, 0.10]], [[0.01]])[1]
    assert Network([2, 2, 1], ["sigmoid", "sigmoid"], "mse", w).weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)


# ---- gradient checks -------------------------------------------------------------------------------

CASES = []
for shape in SHAPES:
    for out_act, loss in OUTPUTS:
        if out_act == "softmax" and shape[-1] < 2:
            continue
        hiddens = HIDDEN_ACTIVATIONS if len(shape) > 2 else ("none",)
        for hidden in hiddens:
            CASES.append((tuple(shape), hidden, out_act, loss))


def test_gradient_check_cases_cover_everything():
    assert {c[1] for c in CASES} >= set(HIDDEN_ACTIVATIONS)
    assert {(c[2], c[3]) for c in CASES} == set(OUTPUTS)
    assert {c[0] for c in CASES} == {tuple(s) for s in SHAPES}
    assert len(HIDDEN_ACTIVATIONS) == 9


@pytest.mark.parametrize("shape, hidden, out_act, loss", CASES)
def test_backprop_matches_central_differences(shape, hidden, out_act, loss):
    seed = zlib.crc32(repr((shape, hidden, out_act, loss)).encode())
    net = random_network(list(shape), hidden, out_act, loss, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.normal(size=(4, shape[0]))
    y = targets(rng, out_act, loss, 4, shape[-1])
    params_before = net.params.copy()
    check = gradient_check(net, x, y)
    assert check.max_relative_error < 1e-6, (check.max_relative_error, check.analytic, check.numeric)
    assert check.passed(1e-6)
    assert np.abs(check.analytic).max() > 1e-6  # not trivially zero
    np.testing.assert_array_equal(net.params, params_before)  # left unchanged


@settings(max_examples=25, deadline=None, derandomize=True)  # reproducible examples
@given(
    layers=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    hidden=st.sampled_from(HIDDEN_ACTIVATIONS),
    output=st.sampled_from(OUTPUTS),
    batch=st.integers(1, 6),
    seed=st.integers(0, 2**31),
)
def test_backprop_matches_central_differences_random(layers, hidden, output, batch, seed):
    out_act, loss = output
    if out_act == "softmax" and layers[-1] < 2:
        layers = layers[:-1] + [2]
    net = random_network(layers, hidden, out_act, loss, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.normal(size=(batch, layers[0]))
    y = targets(rng, out_act, loss, batch, layers[-1])
    check = gradient_check(net, x, y)
    assert check.max_relative_error < 1e-6


def test_gradient_check_defaults_accept_tiny_gradient_components():
    """A correct network whose gradient has components near 1e-7: central differences carry
    round-off of about ε·L/h, so a relative error needs a floor well above that."""
    net = Network([2, 8, 8, 1], ["sigmoid", "sigmoid", "sigmoid"], "bce")
    net.initialize("xavier", np.random.default_rng(17))
    x = np.random.default_rng(117).normal(size=(1, 2))
    check = gradient_check(net, x, [[1.0]])
    assert np.abs(check.analytic).min() < 1e-6  # there are tiny components
    assert check.max_absolute_error < 1e-9
    assert check.max_relative_error < 1e-6
    assert check.passed()


def test_gradient_check_detects_a_wrong_gradient():
    net = random_network([2, 3, 1], "tanh", "sigmoid", "mse", 0)
    x = np.array([[0.3, -0.2], [1.0, 0.5]])
    y = np.array([[1.0], [0.0]])
    good = gradient_check(net, x, y)
    assert good.passed()
    numeric = numeric_gradient(net, x, y)
    wrong = good.analytic.copy()
    wrong[0] *= 1.01
    rel = np.abs(wrong - numeric) / np.maximum(np.abs(wrong) + np.abs(numeric), 1e-8)
    assert rel.max() > 1e-3


# ---- traces ------------------------------------------------------------------------------------------

def test_trace_shapes():
    net = random_network([4, 5, 6, 3], "tanh", "softmax", "ce", 1)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7, 4))
    y = np.eye(3)[rng.integers(0, 3, 7)]
    tr = net.trace(x, y)
    assert tr.x.shape == (7, 4) and tr.y.shape == (7, 3)
    assert len(tr.layers) == 3
    for lt, n_in, n_out in zip(tr.layers, (4, 5, 6), (5, 6, 3)):
        assert lt.z.shape == (7, n_out)
        assert lt.a.shape == (7, n_out)
        assert lt.delta.shape == (7, n_out)
        assert lt.grad_w.shape == (n_out, n_in)
        assert lt.grad_b.shape == (n_out,)
        for arr in (lt.z, lt.a, lt.delta, lt.grad_w, lt.grad_b):
            assert not arr.flags.writeable
    assert tr.prediction.shape == (7, 3)
    np.testing.assert_allclose(tr.prediction.sum(axis=1), 1.0, rtol=1e-14)
    assert isinstance(tr.loss, float)


def test_trace_without_targets():
    net = random_network([2, 3, 1], "relu", "sigmoid", "bce", 3)
    tr = net.trace([0.5, -1.0])  # a single sample as a 1-D array
    assert tr.y is None and tr.loss is None
    assert all(lt.delta is None and lt.grad_w is None and lt.grad_b is None for lt in tr.layers)
    assert tr.x.shape == (1, 2)
    np.testing.assert_array_equal(tr.prediction, net.predict([[0.5, -1.0]]))
    # hidden activations agree with hidden_outputs
    for lt, a in zip(tr.layers, net.hidden_outputs([[0.5, -1.0]])):
        np.testing.assert_array_equal(lt.a, a)


def test_trace_leaves_grads_unchanged_and_matches_loss_and_grads():
    net = random_network([3, 4, 2], "elu", "softmax", "ce", 4)
    net.grads[...] = np.arange(net.size, dtype=float)
    before = net.grads.copy()
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 3))
    y = np.eye(2)[rng.integers(0, 2, 5)]
    tr = net.trace(x, y)
    np.testing.assert_array_equal(net.grads, before)
    loss, grads = net.loss_and_grads(x, y)
    np.testing.assert_array_equal(net.grads, before)
    assert tr.loss == loss
    flat = np.concatenate([np.vstack([lt.grad_w.T, lt.grad_b[None, :]]).ravel() for lt in tr.layers])
    np.testing.assert_array_equal(flat, grads)
    # the same numbers through the layer views
    net.grads[...] = grads
    for l, lt in enumerate(tr.layers):
        np.testing.assert_array_equal(net.grad_weights[l], lt.grad_w)
        np.testing.assert_array_equal(net.grad_biases[l], lt.grad_b)


def test_trace_delta_is_mean_loss_derivative():
    """δ in the trace is ∂(mean loss)/∂z: the output δ is (ŷ − y)/B for a fused pair."""
    net = random_network([2, 3, 1], "tanh", "sigmoid", "bce", 6)
    x = np.array([[0.1, 0.2], [0.3, -0.4], [-1.0, 0.5]])
    y = np.array([[1.0], [0.0], [1.0]])
    tr = net.trace(x, y)
    np.testing.assert_allclose(tr.layers[-1].delta, (tr.prediction - y) / 3, rtol=1e-14)


def test_batch_gradient_is_mean_of_per_sample_gradients():
    for hidden, out_act, loss in (("tanh", "sigmoid", "bce"), ("relu", "softmax", "ce"), ("gelu", "linear", "mse")):
        net = random_network([3, 4, 2], hidden, out_act, loss, 8)
        rng = np.random.default_rng(9)
        x = rng.normal(size=(6, 3))
        y = targets(rng, out_act, loss, 6, 2)
        batch = net.trace(x, y)
        singles = [net.trace(x[i:i + 1], y[i:i + 1]) for i in range(6)]
        for l in range(2):
            np.testing.assert_allclose(batch.layers[l].grad_w,
                                       np.mean([s.layers[l].grad_w for s in singles], axis=0), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(batch.layers[l].grad_b,
                                       np.mean([s.layers[l].grad_b for s in singles], axis=0), rtol=1e-12, atol=1e-15)
        assert batch.loss == pytest.approx(np.mean([s.loss for s in singles]), rel=1e-13)


def test_input_and_target_shape_errors():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    with pytest.raises(NnvizError, match="takes 2 input values"):
        net.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(NnvizError, match="1 outputs"):
        net.trace([[1.0, 2.0]], [[1.0, 0.0]])
    with pytest.raises(NnvizError, match="expected 13 parameters"):
        net.set_params(np.zeros(12))


# ---- architecture validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("layers, acts, loss, message", [
    ([2, 3, 2], ["softmax", "softmax"], "ce", "softmax can only be used on the output layer, not on layer 1"),
    ([2, 0, 1], ["tanh", "sigmoid"], "mse", "layer 1 must have 1 to"),
    ([0, 1], ["sigmoid"], "mse", "layer 0 must have 1 to"),
    ([2, MAX_UNITS + 1], ["linear"], "mse", f"1 to {MAX_UNITS} units"),
    ([2, 2.5], ["linear"], "mse", "layer 1 must have"),
    ([2, True], ["linear"], "mse", "layer 1 must have"),
    ([2, 3, 1], ["sigmoid"], "mse", "2 activations needed"),
    ([2, 3, 1], ["tanh", "tanh", "sigmoid"], "mse", "2 activations needed"),
    ([2, 1], ["softmax"], "mse", "softmax output layer needs at least 2 units"),
    ([2, 3], ["sigmoid"], "ce", "loss 'ce' needs a softmax output layer"),
    ([2, 3], ["tanh"], "bce", "loss 'bce' needs a sigmoid output layer"),
    ([2], [], "mse", "needs an input and an output layer"),
    ([2] * (MAX_LAYERS + 1), ["tanh"] * MAX_LAYERS, "mse", f"at most {MAX_LAYERS} layers"),
    ([2, 1], ["sigmoidal"], "mse", "unknown activation"),
    ([2, 1], ["sigmoid"], "mae", "unknown loss"),
])
def test_architecture_errors(layers, acts, loss, message):
    with pytest.raises(NnvizError, match=message):
        validate_architecture(layers, acts, loss)
    with pytest.raises(NnvizError, match=message):
        Network(layers, acts, loss)


def test_valid_architectures():
    validate_architecture([1, 1], ["linear"], "mse")
    validate_architecture([2, 2], ["softmax"], "ce")
    validate_architecture([784, 128, 64, 10], ["relu", "relu", "softmax"], "ce")
    net = Network([3, 4, 2], ["tanh", "softmax"], "ce")
    assert net.n_layers == 2
    assert net.size == (3 + 1) * 4 + (4 + 1) * 2
    assert net.describe() == "3-4-2 (tanh, softmax; loss ce)"


# ---- parameter views ------------------------------------------------------------------------------------

def test_weight_and_bias_views_share_memory_with_params():
    net = Network([3, 4, 2], ["tanh", "sigmoid"], "mse")
    assert [w.shape for w in net.weights] == [(4, 3), (2, 4)]
    assert [b.shape for b in net.biases] == [(4,), (2,)]
    for view in (*net.weights, *net.biases):
        assert np.shares_memory(view, net.params)
    for view in (*net.grad_weights, *net.grad_biases):
        assert np.shares_memory(view, net.grads)
    net.weights[1][1, 2] = 7.5
    net.biases[0][3] = -2.0
    assert np.count_nonzero(net.params) == 2
    # layer 0 block: rows 0..2 are Wᵀ, row 3 is b → b[3] at flat 3·4 + 3; layer 1 starts at 16
    assert net.params[15] == -2.0
    assert net.params[16 + 2 * 2 + 1] == 7.5
    net.params[...] = 1.0
    assert (net.weights[0] == 1.0).all() and (net.biases[1] == 1.0).all()
    net.set_params(np.arange(net.size, dtype=float))
    np.testing.assert_array_equal(net.weights[0], np.arange(12.0).reshape(3, 4).T)
    np.testing.assert_array_equal(net.biases[0], [12.0, 13.0, 14.0, 15.0])
    # the weight mask marks weights with 1 and biases with 0
    assert net.weight_mask.sum() == 3 * 4 + 4 * 2
    mask = Network([3, 4, 2], ["tanh", "sigmoid"], "mse", net.weight_mask)
    assert (mask.biases[0] == 0).all() and (mask.weights[1] == 1).all()


def test_copy_is_independent():
    net = random_network([2, 3, 1], "tanh", "sigmoid", "mse", 11)
    twin = net.copy()
    np.testing.assert_array_equal(twin.params, net.params)
    twin.weights[0][0, 0] += 1.0
    assert twin.params[0] != net.params[0]


def test_initialize_sets_biases_to_zero_and_is_seeded():
    a = Network([3, 5, 2], ["relu", "linear"], "mse")
    b = Network([3, 5, 2], ["relu", "linear"], "mse")
    a.params[...] = 9.0
    a.initialize("he", np.random.default_rng(3))
    b.initialize("he", np.random.default_rng(3))
    np.testing.assert_array_equal(a.params, b.params)
    assert all((bias == 0).all() for bias in a.biases)
    assert np.count_nonzero(a.weights[0]) == 15


def test_large_network_forward():
    net = Network([784, 128, 64, 10], ["relu", "relu", "softmax"], "ce")
    net.initialize("he", np.random.default_rng(0))
    x = np.random.default_rng(1).random((32, 784))
    out = net.predict(x)
    assert out.shape == (32, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-12)
    assert net.size == 785 * 128 + 129 * 64 + 65 * 10
    loss, grads = net.loss_and_grads(x, np.eye(10)[np.arange(32) % 10])
    assert grads.shape == (net.size,) and np.isfinite(grads).all() and loss > 0


def test_predict_in_chunks_equals_one_pass():
    net = random_network([2, 3, 1], "tanh", "sigmoid", "bce", 12)
    x = np.random.default_rng(0).normal(size=(5000, 2))
    tr = net.trace(x)
    np.testing.assert_array_equal(net.predict(x), tr.prediction)
