"""Dead ReLU neurons: the list, checked against z directly, and the tracker's history."""

from __future__ import annotations

import numpy as np
import pytest

import nnviz.engine.dead_neurons as dn
from nnviz.engine.dead_neurons import DeadNeuronTracker, checks_anything, dead_neurons, inactive_neurons
from nnviz.engine.network import Network


def relu_net(seed=0, shift=-1.5):
    rng = np.random.default_rng(seed)
    net = Network([2, 8, 6, 5, 1], ["relu", "relu", "tanh", "sigmoid"], "bce")
    net.initialize("he", rng)
    for l in range(3):
        net.biases[l][:] = rng.normal(shift, 1.0, net.layers[l + 1])  # many neurons never fire
    x = rng.normal(size=(200, 2))
    return net, x


def direct_check(net, x, name="relu"):
    """(layer from 1, neuron from 0) with z ≤ 0 for every sample, by a plain forward pass."""
    out, a = [], x
    for l, (w, b, act) in enumerate(zip(net.weights, net.biases, net.activations), start=1):
        z = a @ w.T + b
        if act.name == name:
            out += [(l, k) for k in range(z.shape[1]) if (z[:, k] <= 0).all()]
        a = act.forward(z)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_the_dead_list_equals_a_direct_check_on_z(seed):
    net, x = relu_net(seed)
    dead = dead_neurons(net, x)
    assert dead == direct_check(net, x)
    assert all(l in (1, 2) for l, _ in dead)  # the tanh and sigmoid layers are never checked
    assert seed != 0 or dead  # the fixture really has dead neurons


def test_a_bias_of_minus_100_kills_a_neuron():
    net, x = relu_net(0, shift=10.0)  # every neuron fires for some input
    assert dead_neurons(net, x) == []
    net.biases[1][3] = -100.0
    assert dead_neurons(net, x) == [(2, 3)]
    net.biases[1][3] = 100.0
    assert dead_neurons(net, x) == []


def test_leaky_relu_neurons_are_inactive_not_dead():
    net = Network([2, 3, 1], ["leaky_relu", "sigmoid"], "bce")
    net.set_layer(0, np.ones((3, 2)), [0.0, -100.0, 0.0])
    x = np.random.default_rng(0).normal(size=(50, 2))
    assert dead_neurons(net, x) == []
    assert inactive_neurons(net, x) == [(1, 1)]


def test_a_relu_output_layer_is_checked_too():
    net = Network([1, 2], ["relu"], "mse")
    net.set_layer(0, [[1.0], [1.0]], [-100.0, 0.0])
    assert dead_neurons(net, np.array([[0.5], [1.0]])) == [(1, 0)]


def test_large_inputs_are_checked_in_chunks(monkeypatch):
    net, x = relu_net(1)
    expected = dead_neurons(net, x)
    monkeypatch.setattr(dn, "CHUNK", 7)
    assert dead_neurons(net, x) == expected
    zmax = dn.max_preactivations(net, x)
    assert [m.shape for m in zmax] == [(8,), (6,), (5,), (1,)]


def test_no_data_and_no_relu_mean_no_dead_neurons():
    net, x = relu_net(0)
    assert dead_neurons(net, np.zeros((0, 2))) == []
    tanh = Network([2, 3, 1], ["tanh", "sigmoid"], "bce")
    tanh.set_layer(0, np.zeros((3, 2)), -100.0)
    assert dead_neurons(tanh, x) == []


def test_the_tracker_records_when_each_neuron_died_and_revived():
    t = DeadNeuronTracker()
    t.update([], step=0, epoch=0)
    t.update([(2, 3)], step=100, epoch=2)
    t.update([(2, 3), (1, 0)], step=150, epoch=3)
    assert t.records[(2, 3)].since_step == 100 and t.records[(2, 3)].since_epoch == 2
    assert t.records[(1, 0)].since_step == 150
    assert t.dead == [(1, 0), (2, 3)]
    events = t.update([(1, 0)], step=200, epoch=4)  # (2, 3) revives
    assert [(e.neuron, e.kind, e.step) for e in events] == [((2, 3), "revived", 200)]
    assert t.revived[(2, 3)] == (200, 4)
    t.update([(1, 0), (2, 3)], step=300, epoch=6)  # and dies again
    rec = t.records[(2, 3)]
    assert (rec.since_step, rec.first_step, rec.first_epoch) == (300, 100, 2)
    assert t.records[(1, 0)].since_step == 150  # still dead: unchanged
    assert [e.kind for e in t.events] == ["died", "died", "revived", "died"]


def test_the_tracker_starts_afresh_when_training_restarts():
    t = DeadNeuronTracker()
    t.update([(1, 1)], step=500, epoch=10)
    t.update([(1, 1)], step=3, epoch=0)  # a lower step: a reset
    assert t.records[(1, 1)].since_step == 3 and t.records[(1, 1)].first_step == 3
    assert len(t.events) == 1


def test_the_tracker_observes_a_network():
    net, x = relu_net(0)
    t = DeadNeuronTracker()
    t.observe(net, x, step=7, epoch=1)
    assert t.dead == sorted(direct_check(net, x))
    assert all(r.since_step == 7 for r in t.records.values())


def test_the_tracker_as_it_stood_at_an_earlier_step():
    t = DeadNeuronTracker()
    t.update([(2, 3)], step=100, epoch=2)
    t.update([], step=200, epoch=4)  # (2, 3) revives
    t.update([(2, 3), (1, 0)], step=300, epoch=6)
    then = t.as_of(150)
    assert then.dead == [(2, 3)] and then.records[(2, 3)].since_step == 100 and then.revived == {}
    assert t.as_of(250).dead == [] and t.as_of(250).revived == {(2, 3): (200, 4)}
    assert t.dead == [(1, 0), (2, 3)] and len(t.events) == 4  # looking back changes nothing


def test_going_back_to_an_earlier_step_forgets_only_what_came_after():
    t = DeadNeuronTracker()
    t.update([(2, 3)], step=100, epoch=2)
    t.update([(2, 3), (1, 0)], step=300, epoch=6)
    t.update([(2, 3)], step=150, epoch=3)  # training on from step 150 (an undo, a scrubbed frame)
    assert t.records[(2, 3)].since_step == 100 and t.dead == [(2, 3)]
    assert [(e.neuron, e.step) for e in t.events] == [((2, 3), 100)]


def test_the_event_log_stays_bounded_however_often_neurons_flip():
    from nnviz.engine.dead_neurons import MAX_EVENTS

    t = DeadNeuronTracker()
    for step in range(3 * MAX_EVENTS):
        t.update([(1, 0)] if step % 2 else [], step=step, epoch=0)
    assert MAX_EVENTS <= len(t.events) <= 2 * MAX_EVENTS
    assert t.events[-1].step == 3 * MAX_EVENTS - 1 and t.records[(1, 0)].first_step == 1


def test_a_death_older_than_the_kept_events_survives_going_back():
    """A neuron dead since step 0 while another flips every step: its death leaves the
    event log, but going back a step or asking for an earlier step still knows it."""
    from nnviz.engine.dead_neurons import MAX_EVENTS

    t = DeadNeuronTracker()
    steps = 2 * MAX_EVENTS + 10
    for step in range(steps):
        t.update([(1, 0)] + ([(1, 1)] if step % 2 else []), step, 0)
    assert all(e.neuron == (1, 1) for e in t.events)  # (1, 0)'s death was trimmed away
    t.update([(1, 0)], steps - 2, 0)  # one step back: replayed from the folded base
    assert t.records[(1, 0)].since_step == 0
    past = t.as_of(steps - 21)  # an odd step: (1, 1) was dead then too
    assert past.records[(1, 0)].since_step == 0 and (1, 1) in past.records


@pytest.mark.parametrize("hidden, output, expected", [
    ("relu", "sigmoid", True), ("leaky_relu", "sigmoid", True), ("relu", "relu", True),
    ("tanh", "sigmoid", False), ("sigmoid", "softmax", False),
])
def test_checks_anything_says_whether_a_check_can_find_a_neuron(hidden, output, expected):
    net = Network([2, 4, 3], [hidden, output], "mse")
    net.initialize("xavier", np.random.default_rng(0))
    net.params[...] = -np.abs(net.params)  # every z ≤ 0 on positive inputs: all (leaky) ReLU neurons found
    x = np.abs(np.random.default_rng(1).normal(size=(20, 2)))
    found = dead_neurons(net, x) + inactive_neurons(net, x)
    assert checks_anything(net) is expected and bool(found) is expected
    assert checks_anything(Network([2, 4, 3], ["tanh", "relu"], "mse"))  # an output layer is checked too
