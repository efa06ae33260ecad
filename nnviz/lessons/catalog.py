"""The built-in lessons (resources/lessons/*.toml, in file-name order) and lookup by id or file."""

from __future__ import annotations

from pathlib import Path

from nnviz.lessons.model import Lesson, LessonError, load_lesson_file
from nnviz.paths import resource


def builtin_files() -> list[Path]:
    return sorted(resource("lessons").glob("*.toml"))


def builtin_lessons() -> list[Lesson]:
    return [load_lesson_file(path) for path in builtin_files()]


def find_lesson(name: str) -> Lesson:
    """A built-in lesson by id (or by its file's stem), or any lesson file by path."""
    path = Path(name)
    if path.suffix.lower() == ".toml" or path.is_file():
        return load_lesson_file(path)
    for lesson_path in builtin_files():
        lesson = load_lesson_file(lesson_path)
        if name in (lesson.id, lesson_path.stem):
            return lesson
    ids = ", ".join(load_lesson_file(p).id for p in builtin_files())
    raise LessonError(f"no built-in lesson {name!r} (built-in: {ids}); or give a .toml file")
