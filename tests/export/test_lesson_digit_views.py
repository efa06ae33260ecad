"""An exported lesson on image data shows each step's view of the digit panel, as the window
does (``nnviz export --lesson reading-digits``)."""

from __future__ import annotations

from nnviz.app.lesson_view import lesson_view
from nnviz.export.exporter import make_scene
from nnviz.export.sources import ExportSpec, frames
from nnviz.lessons.catalog import find_lesson
from nnviz.lessons.player import LessonPlayer


def test_each_exported_step_shows_its_digit_view(qapp, tmp_path):
    lesson = find_lesson("reading-digits")
    spec = ExportSpec(out=tmp_path / "lesson", fmt="png", source="lesson", lesson=lesson, size=(640, 360),
                      hold=1.0, fps=1.0)  # one frame per step
    scene = make_scene(spec)
    try:
        shown = [(scene.views.digits.view, scene.views.digits.isVisibleTo(scene)) for _ in frames(spec, scene)]
    finally:
        scene.dispose()
    player = LessonPlayer(lesson)
    expected = [lesson_view(player, i).digit_view for i in range(len(lesson.steps))]
    assert [view for view, _ in shown] == expected
    assert {"weights", "confusion", "mistakes"} <= set(expected)
    assert all(visible for _, visible in shown)  # image data: the digit panel in the boundary plot's place
