"""The ViewSet's data plot: a 1-input problem gets the 1-D line (x against the target and
the network's prediction) in a window-like set of views and in an export scene alike; a
phase of a batch rings its chosen sample there, with its target and loss."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6 import QtCore  # noqa: E402

from nnviz.app.problem import NetworkShape, Problem  # noqa: E402
from nnviz.app.stepping import Stepper  # noqa: E402
from nnviz.draw.canvas import NetworkCanvas  # noqa: E402
from nnviz.draw.plots import ActivationPlot, BoundaryPlot, LossPlot  # noqa: E402
from nnviz.draw.views import ViewSet  # noqa: E402
from nnviz.engine.trainer import Trainer  # noqa: E402
from nnviz.export.exporter import make_scene  # noqa: E402
from nnviz.export.sources import ExportSpec, frames  # noqa: E402
from nnviz.lessons.catalog import builtin_files  # noqa: E402
from nnviz.lessons.model import load_lesson_file  # noqa: E402

ONE_INPUT = Problem(dataset="gaussians", samples=80, features=("x1",), hidden=(3,))
TWO_INPUTS = Problem(samples=100)


@pytest.fixture
def views(qtbot):
    canvas, plots = NetworkCanvas(), (BoundaryPlot(), LossPlot(), ActivationPlot())
    for widget in (canvas, *plots):
        qtbot.addWidget(widget)
        widget.resize(500, 350)
        widget.show()
    v = ViewSet(canvas)
    v.set_plots(*plots)
    return v


def shown(views, problem):
    data = problem.make_dataset()
    net = problem.make_network(data)
    views.set_problem(NetworkShape.of(net), data)
    views.show_params(net.params.copy())
    QtCore.QCoreApplication.processEvents()
    return data, net


def test_a_one_input_problem_shows_x_against_target_and_prediction(views):
    data, net = shown(views, ONE_INPUT)
    plot = views.boundary
    assert plot.isVisible() and plot.showing_line()
    line = plot.line
    train, test = line.point_items()
    np.testing.assert_array_equal(train.getData()[0], data.x_train[:, 0])
    np.testing.assert_array_equal(train.getData()[1], data.y_train)
    np.testing.assert_array_equal(test.getData()[0], data.x_test[:, 0])
    [(xs, y_hat)] = line.prediction()
    np.testing.assert_allclose(y_hat, net.predict(xs[:, None])[:, 0], rtol=1e-12)  # the network's output
    x = np.concatenate([data.x_train[:, 0], data.x_test[:, 0]])
    assert xs[0] < x.min() and xs[-1] > x.max()  # over the whole x range
    (x0, x1), (y0, y1) = line.plot.viewRange()
    assert (x0, x1) == pytest.approx((xs[0], xs[-1]))
    assert y0 < 0.0 and y1 > 1.0 and y1 - y0 < 1.5  # targets 0 and 1, ŷ in between
    assert line.plot.getAxis("bottom").labelText == "x₁"

    shown(views, TWO_INPUTS)  # a 2-input problem gets the plane back
    assert not views.boundary.showing_line() and views.boundary.isVisible()


def test_a_phase_rings_its_chosen_sample(views):
    data, net = shown(views, TWO_INPUTS)
    stepper = Stepper(Trainer(net, data, TWO_INPUTS.train, seed=0), "phase")
    view = stepper.step().phase
    views.show_phase(view, animate=False)
    for i in (0, 4):
        stepper.select_sample(i)
        views.show_phase(stepper.phase, animate=False)
        point, text = views.boundary.marker()
        row = int(np.flatnonzero((data.x_train == view.trace.x[i]).all(axis=1))[0])
        np.testing.assert_array_equal(point, data.raw_train[row])
        y = int(view.trace.y[i, 0])
        assert text == f"◯ sample {i + 1} of 10: target {y}, loss {stepper.phase.sample_loss:.3g}"
    assert views.canvas.phase is stepper.phase and views.canvas.phase_progress == 1.0
    views.show_phase(None)
    assert views.boundary.marker() == (None, "")


def test_only_a_followed_sample_is_ringed_not_a_plain_mini_batch_step(views):
    """The ring belongs to phase (and sample) stepping: a mini-batch step shows its update
    of the whole batch and rings nothing, nor does an epoch step (no phase at all)."""
    data, net = shown(views, TWO_INPUTS)
    trainer = Trainer(net, data, TWO_INPUTS.train, seed=0)
    for granularity, ringed in (("phase", True), ("sample", True), ("batch", False), ("epoch", False)):
        stepper = Stepper(trainer, granularity)
        view = stepper.step().phase
        views.show_phase(view, animate=False)
        point, text = views.boundary.marker()
        assert (point is not None) == ringed and bool(text) == ringed, (granularity, text)
    stepper = Stepper(trainer, "batch")
    views.show_phase(stepper.step().phase, animate=False)
    assert views.canvas.phase.phase == "update"  # the batch's update is still drawn, old → new


def test_a_one_input_phase_rings_the_sample_at_its_input_and_target(views):
    data, net = shown(views, ONE_INPUT)
    stepper = Stepper(Trainer(net, data, ONE_INPUT.train, seed=0), "phase")
    stepper.step()
    stepper.select_sample(2)
    views.show_phase(stepper.phase, animate=False)
    point, text = views.boundary.line.marker()
    trace = stepper.phase.trace
    np.testing.assert_array_equal(point, [trace.x[2, 0], trace.y[2, 0]])
    assert text.startswith("◯ sample 3 of 10: target")


def test_the_export_draws_a_one_input_lesson_with_the_line_plot(qapp):
    lesson = next(load_lesson_file(p) for p in builtin_files() if "backprop" in p.name)
    spec = ExportSpec(out=Path("x.png"), fmt="png", size=(960, 540), fps=2.0, source="lesson", lesson=lesson, hold=1.0)
    scene = make_scene(spec)
    try:
        for i, _ in enumerate(frames(spec, scene)):
            if i >= 2:
                break
        views = scene.views
        assert views.network.layers[0] == 1 and views.boundary.showing_line()
        [(xs, y_hat)] = views.boundary.line.prediction()
        np.testing.assert_allclose(y_hat, views.network.predict(xs[:, None])[:, 0], rtol=1e-12)
        assert views.boundary.line.plot.getAxis("left").labelText == "target, ŷ"
    finally:
        scene.dispose()
