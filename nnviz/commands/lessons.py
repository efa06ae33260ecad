"""``nnviz lessons`` (the built-in lessons) and ``nnviz lesson ID|FILE --check``."""

from __future__ import annotations

import sys

from nnviz.lessons.catalog import builtin_files, find_lesson
from nnviz.lessons.model import load_lesson_file
from nnviz.lessons.player import LessonPlayer


def run_list(args) -> int:
    lessons = [load_lesson_file(p) for p in builtin_files()]
    width = max((len(lesson.id) for lesson in lessons), default=2)
    print(f"{'id':{width}}  steps  title")
    for lesson in lessons:
        print(f"{lesson.id:{width}}  {len(lesson.steps):5}  {lesson.title}")
    return 0


def run_check(args) -> int:
    """Play every step headless; exit 0, or 2 naming the first step whose numbers are wrong."""
    lesson = find_lesson(args.lesson)
    failures = LessonPlayer(lesson).check()
    if failures:
        print(f"nnviz lesson: {failures[0]}", file=sys.stderr)
        return 2
    print(f"{lesson.id}: all {len(lesson.steps)} steps checked, every expected value and answer holds")
    return 0


def run_lesson(args) -> int:
    if args.check:
        return run_check(args)
    lesson = find_lesson(args.lesson)  # a broken file is one line here, before any window
    LessonPlayer(lesson).check()
    from nnviz.ui.app import run_app

    return run_app(lesson=lesson)
