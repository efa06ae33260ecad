"""History views over a long run and on the timeline: the gradient-flow and dead-neuron
charts keep and plot a bounded number of points however long the run (engine.thinning),
still showing the latest value, and show the run up to a frame the timeline is scrubbed
back to (the later points come back when it goes live, and go when training goes on)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from nnviz.app.problem import Problem  # noqa: E402
from nnviz.engine.gradient_flow import layer_gradient_norms  # noqa: E402
from nnviz.engine.thinning import HISTORY_POINTS  # noqa: E402
from nnviz.engine.trainer import Trainer  # noqa: E402
from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel  # noqa: E402
from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel  # noqa: E402

SMALL = Problem(samples=100, hidden=(3, 3), activation="relu", init="he")
MILLION = 1_000_000
LONG = 100_000  # (the engine's and the gradient flow's tests take a million)


def first_snapshots(problem, steps):
    data = problem.make_dataset()
    net = problem.make_network(data)
    trainer = Trainer(net, data, problem.train, seed=problem.seed)
    out = [trainer.snapshot()]
    for _ in range(steps):
        trainer.step_batch()
        out.append(trainer.snapshot())
    return net, data, out


def plotted(curve) -> tuple[int, int]:
    """(points given to the curve, points it draws after clipping and downsampling, as of its
    last paint)."""
    return len(curve.getOriginalDataset()[0]), len(curve.getData()[0])


@pytest.fixture
def shown(qtbot):
    def show(widget):
        qtbot.addWidget(widget)
        widget.resize(640, 420)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return show


def test_gradient_flow_over_many_snapshots_keeps_and_plots_a_bounded_number(shown):
    _, _, snaps = first_snapshots(SMALL, 1)
    panel = shown(GradientFlowPanel())
    for step in range(1, 3 * HISTORY_POINTS + 2):  # through the public update: thinned twice
        panel.set_snapshot(replace(snaps[1], step=step), redraw=False)
    panel.redraw()
    steps, _ = panel.history()
    assert HISTORY_POINTS // 2 <= len(steps) <= HISTORY_POINTS
    assert steps[0] == 1 and steps[-1] == 3 * HISTORY_POINTS + 1


def test_a_million_steps_of_gradient_flow_stay_bounded_and_show_the_last_value(shown):
    _, _, snaps = first_snapshots(SMALL, 2)
    panel = shown(GradientFlowPanel())
    panel.set_snapshot(snaps[1])
    rng = np.random.default_rng(0)
    rows = 10.0 ** rng.uniform(-4, 0, size=(1024, 3))
    for step in range(2, MILLION):  # a million snapshots' rows, straight into the panel's history
        panel.record.add(step, rows[step % 1024])
    last = replace(snaps[2], step=MILLION)
    panel.set_snapshot(last)
    panel.grab()  # a real paint of the chart
    assert len(panel.record) <= HISTORY_POINTS
    curves = [c for c in panel.live.curves if c.isVisible()]
    assert len(curves) == 3
    expected = layer_gradient_norms(last.grad_weights)
    pixels = panel.live.plot.vb.width()
    for curve, value in zip(curves, expected):
        given, drawn = plotted(curve)
        assert given <= HISTORY_POINTS and drawn <= 4 * pixels  # a min and a max per bin of ⌊points / pixels⌋
        x, y = curve.getOriginalDataset()
        assert x[-1] == MILLION and y[-1] == pytest.approx(value)
    assert "Layer 1 gets" in panel.caption.text()


def test_a_long_run_of_dead_neuron_counts_stay_bounded_and_show_the_last_count(shown):
    net, data, snaps = first_snapshots(SMALL, 1)
    panel = shown(DeadNeuronPanel())
    panel.set_snapshot(snaps[0], net, data)
    for step in range(1, LONG):  # counts of a long run, straight into the panel's history
        panel.record.add(step, step % 3)
    panel.set_snapshot(replace(snaps[1], step=LONG))
    panel.grab()
    steps, counts = panel.history()
    assert len(panel.record) <= HISTORY_POINTS and len(steps) <= HISTORY_POINTS
    assert steps[-1] == LONG and counts[-1] == len(panel.dead)
    given, drawn = plotted(panel.curve)
    assert given <= HISTORY_POINTS and drawn <= 4 * panel.plot.vb.width()


# ----------------------------------------------------------------------------- the timeline


def test_scrubbing_back_shows_the_charts_up_to_that_frame_and_live_again(qtbot, make_controller, shown):
    c = make_controller(SMALL)
    flow = shown(GradientFlowPanel(c))
    dead = shown(DeadNeuronPanel(c))
    for _ in range(6):
        c.step()
    assert flow.history()[0].tolist() == [1, 2, 3, 4, 5, 6]
    assert dead.history()[0].tolist() == [0, 1, 2, 3, 4, 5, 6]

    c.show_frame(3)  # the timeline scrubbed back to step 3
    steps, norms = flow.history()
    assert steps.tolist() == [1, 2, 3]
    np.testing.assert_allclose(norms[-1], layer_gradient_norms(c.timeline[3].grad_weights))
    x, _ = flow.live.curves[0].getOriginalDataset()
    assert x.tolist() == [1, 2, 3]
    assert dead.history()[0].tolist() == [0, 1, 2, 3]

    c.show_frame(len(c.timeline) - 1)  # live again: the whole run
    assert flow.history()[0].tolist() == [1, 2, 3, 4, 5, 6]
    assert dead.history()[0].tolist() == [0, 1, 2, 3, 4, 5, 6]

    c.show_frame(2)
    c.continue_from_frame()  # training goes on from step 2: the later points go
    c.step()
    assert flow.history()[0].tolist() == [1, 2, 3]
    assert dead.history()[0].tolist() == [0, 1, 2, 3]


def test_a_scrubbed_frame_lists_the_dead_neurons_as_they_were_then(qtbot, make_controller, shown):
    c = make_controller(SMALL)
    dead = shown(DeadNeuronPanel(c))
    c.step()
    c.step()
    assert (1, 0) not in dead.dead
    c.set_weight(0, 0, c.network.layers[0], -100.0)  # hidden neuron (1, 0): a bias far below any z
    c.step()
    assert (1, 0) in dead.dead and dead.tracker.records[(1, 0)].since_step == 2
    c.show_frame(1)  # before it died
    assert (1, 0) not in dead.dead
    assert not any(line.startswith("✗  layer 1, neuron 1: dead") for line in dead.entries())
    assert dead.tracker.records[(1, 0)].since_step == 2  # looking back forgets nothing
    c.show_frame(len(c.timeline) - 1)
    assert (1, 0) in dead.dead
    assert "✗  layer 1, neuron 1: dead since epoch 0 (step 2)" in dead.entries()
