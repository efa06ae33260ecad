"""A lesson starts from its own problem only (issue 12, item 1): nothing of the free session
(its network, dead-neuron marks, chain-rule paths, plots, instrument docks) shows at any
step, and leaving the lesson brings the session back exactly as it was."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QInputDialog

from nnviz.app.problem import Problem
from nnviz.engine.train_config import TrainConfig
from nnviz.lessons.catalog import find_lesson
from nnviz.ui.main_window import MainWindow

#: ReLU with a learning rate this large kills neurons within three epochs (as on the spiral at η = 10).
DYING = Problem(samples=100, hidden=(6, 6), activation="relu", init="he",
                train=TrainConfig(learning_rate=3.0, batch_size=10))


def kill_neurons(qtbot, w) -> tuple:
    """Train the free session until the dead-neuron panel marks neurons on the canvas."""
    w.controller.set_problem(DYING)
    w.controller.set_granularity("epoch")
    for _ in range(3):
        w.controller.step()
    qtbot.waitUntil(lambda: len(w.canvas.dead) > 0, timeout=5000)
    return w.canvas.dead


def every_step(w):
    """Walk the open lesson: each step with its question open, then answered."""
    panel = w.lesson_panel
    for i, step in enumerate(w.lessons.lesson.steps):
        w.lessons.show_step(i)
        yield i, step
        if not panel.answered:
            panel.reveal()
            yield i, step


def assert_only_the_lesson(w, lesson_id: str, i: int, step) -> None:
    state = w.lessons.player.state(i)
    where = (lesson_id, i + 1)
    assert w.canvas.dead == (), where
    assert w.canvas.highlight == step.highlight.zero_based(), where
    assert not any(d.isVisible() for d in w.docks.docks.values()), where
    if state.network is None:
        assert not w.canvas.isVisible() and w.lessons.no_network.isVisible(), where
        assert w.activation_layer.count() == 0, where  # no session layers to pick from
    else:
        assert w.canvas.layers == state.network.layers, where
        assert w.activation_layer.count() == len(state.network.layers) - 1, where


def test_dead_marks_chain_paths_and_docks_stay_out_of_lessons_and_come_back(qtbot, window, monkeypatch):
    w = window
    asked = []
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: asked.append(a) or (0.0, False))
    w.canvas.set_animation_speed(0)
    dead = kill_neurons(qtbot, w)
    w.docks.show_panel("dead_neurons")
    chain = w.docks.panels["chain_rule"]
    chain.set_show_paths(True)
    w.docks.show_panel("chain_rule")
    chain.inspect(1, 0, 0)  # paths from the second layer's first weight to the loss
    highlight = w.canvas.highlight
    assert highlight != ((), (), ())
    weights = [m.copy() for m in w.canvas.weights]
    w._on_diverged("the loss became NaN")  # the session's warning banner
    for lesson_id in ("perceptron", "backprop"):
        assert w.lessons.open(find_lesson(lesson_id))
        assert not w.banner.isVisible()
        assert not any(w.docks.actions[k].isEnabled() for k in w.docks.actions)  # Ctrl+1…6 off
        for i, step in every_step(w):
            assert_only_the_lesson(w, lesson_id, i, step)
        w.canvas.weightInspected.emit(0, 0, 0)  # right-click "Inspect ∂L/∂w" on a lesson's edge
        assert not w.docks.docks["chain_rule"].isVisible()
        w.canvas.weightClicked.emit(0, 0, 1)  # a click on a lesson's edge: no dialog editing the session
        assert asked == []
        w.lessons.leave()
        # the free session exactly as it was: network, marks, paths, docks (chain rule in front)
        assert w.canvas.isVisible() and w.canvas.layers == w.controller.network.layers
        assert all(np.array_equal(a, b) for a, b in zip(w.canvas.weights, weights))
        assert w.canvas.dead == dead and w.canvas.highlight == highlight
        assert not w.docks.docks["dead_neurons"].isHidden() and not w.docks.docks["chain_rule"].isHidden()
        assert w.docks.in_front("chain_rule") and not w.docks.in_front("dead_neurons")
        assert all(action.isEnabled() for action in w.docks.actions.values())
        assert w.loss_plot.isVisible() and w.activation_plot.isVisible() and w.boundary_plot.isVisible()
        assert w.banner.isVisible() and w.activation_layer.count() == len(w.controller.network.layers) - 1


def test_a_lesson_opened_before_the_docks_exist_still_shows_no_marks(qtbot, tmp_path):
    """`nnviz lesson perceptron` after a session with dead neurons: the lesson opens before
    the plots and docks are built (right after the first paint), and the docks' dead-neuron
    panel, fed by the restored session, must not mark the lesson's network."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.controller.set_problem(DYING)
    w.controller.set_granularity("epoch")
    for _ in range(3):
        w.controller.step()
    assert w.lessons.open(find_lesson("perceptron"))
    w.lessons.show_step(1)  # the perceptron
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.plots_ready, timeout=10000)
    qtbot.wait(300)  # the dead-neuron panel checks its first snapshot on a timer
    assert w.docks.panels["dead_neurons"].dead  # the session does have dead neurons
    assert w.canvas.dead == () and w.canvas.layers == (2, 1)
    assert not any(d.isVisible() for d in w.docks.docks.values())
    w.lessons.leave()
    qtbot.waitUntil(lambda: len(w.canvas.dead) > 0, timeout=5000)  # back in the session: its marks
    w.controller.shutdown()
    w.close()


def test_a_fresh_windows_first_perceptron_step_shows_no_outside_network(window):
    """Step 1 has only the three students: their points in the data plot, no network."""
    w = window
    assert w.lessons.open(find_lesson("perceptron"))
    w.lessons.show_step(0)
    assert not w.canvas.isVisible()
    assert w.lessons.no_network.isVisible() and "No network" in w.lessons.no_network.text()
    assert w.canvas.value_labels() == {} and w.canvas.dead == ()
    assert w.boundary_plot.isVisible() and w.boundary_plot.field_image().image is None
    train, test = w.boundary_plot.point_items()
    assert len(train.data) + len(test.data) == 3  # the three students, not the session's 500 points
    assert not w.loss_plot.isVisible() and not w.activation_plot.isVisible()
    w.lessons.show_step(1)
    assert w.canvas.isVisible() and not w.lessons.no_network.isVisible() and w.canvas.layers == (2, 1)
    w.lessons.show_step(0)
    w.lessons.leave()
    assert w.canvas.isVisible() and w.canvas.layers == w.controller.network.layers
    assert not w.lessons.no_network.isVisible()


def test_leaving_restores_a_phase_stepped_to(qtbot, window):
    w = window
    w.canvas.set_animation_speed(0)
    w.controls.granularity.setCurrentIndex(w.controls.granularity.findData("phase"))  # "Step does: one phase"
    w.controller.step()  # forward
    phase = w.canvas.phase
    assert phase is not None and phase.phase == "forward"
    assert w.lessons.open(find_lesson("perceptron"))
    w.lessons.leave()
    assert w.canvas.phase is w.controller.phase and w.canvas.phase.phase == "forward"


@pytest.mark.parametrize("lesson_id", ["multilayer", "vanishing"])
def test_steps_without_a_network_show_nothing_of_the_session(window, lesson_id):
    w = window
    w.controller.set_problem(replace(Problem(), hidden=(8, 8)))
    assert w.lessons.open(find_lesson(lesson_id))
    for i, step in every_step(w):
        assert_only_the_lesson(w, lesson_id, i, step)
    w.lessons.leave()


def test_closing_in_a_lesson_remembers_the_sessions_docks(qtbot, make_window):
    w = make_window()
    w.docks.show_panel("gradient_flow")
    assert w.lessons.open(find_lesson("perceptron"))
    assert w.docks.docks["gradient_flow"].isHidden()
    w.close()  # saves the window's layout: the free session's, with the panel open
    again = make_window()
    assert not again.docks.docks["gradient_flow"].isHidden() and again.lessons.lesson is None
