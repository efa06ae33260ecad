"""What the window keeps between runs: the problem, the geometry and docks, the look.

Values come from the typed Settings table (ui.settings), so a broken settings file never
stops the start: a stored problem that no longer builds is dropped with a logged warning.
"""

from __future__ import annotations

import logging

from nnviz.app.problem import Problem
from nnviz.engine.errors import NnvizError
from nnviz.ui.settings import Settings

log = logging.getLogger(__name__)


def stored_problem(settings: Settings) -> Problem:
    """The problem of the last run, or the default one when it is missing or broken."""
    data = settings.get("problem")
    if not data:
        return Problem()
    try:
        problem = Problem.from_dict(data)
        problem.make_network(problem.make_dataset())  # validates the whole thing
        return problem
    except (NnvizError, TypeError, ValueError) as exc:
        log.warning("settings: dropped the stored problem (%s)", exc)
        return Problem()


def restore_view_settings(window) -> None:
    """Geometry, docks, theme, presentation scale, toggles, animation speed and Step's unit."""
    s = window.settings
    if s.get("geometry"):
        window.restoreGeometry(s.get("geometry"))
    if s.get("window_state"):
        window.restoreState(s.get("window_state"))
    actions = window.actions_
    actions["dark"].setChecked(s.get("theme") == "dark")
    window.apply_theme(s.get("theme"))
    actions["presentation"].setChecked(s.get("presentation"))
    actions["all_edges"].setChecked(s.get("all_edges"))
    actions["log_scale"].setChecked(s.get("log_scale"))
    window.controls.speed.setValue(s.get("animation_ms"))
    window.canvas.set_animation_speed(s.get("animation_ms"))
    window.controller.set_granularity(s.get("granularity"))


def save_view_settings(window) -> None:
    s = window.settings
    actions = window.actions_
    s.set("geometry", bytes(window.saveGeometry().data()))
    s.set("window_state", bytes(window.saveState().data()))
    s.set("theme", window.theme.name)
    s.set("presentation", actions["presentation"].isChecked())
    s.set("all_edges", actions["all_edges"].isChecked())
    s.set("log_scale", actions["log_scale"].isChecked())
    s.set("animation_ms", window.controls.speed.value())
    s.set("granularity", window.controller.granularity)
    s.set("problem", window.controller.problem.to_dict())
    s.sync()
