"""``nnviz export``: the app's views rendered headless into PNG frames, GIF, MP4 or stills."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tqdm import tqdm

from nnviz.commands.args import hold_seconds
from nnviz.engine.errors import NnvizError
from nnviz.engine.stop_signals import Stopped, stop_on_signals


def add_arguments(parser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--lesson", metavar="ID|FILE", help="export a lesson, every step held --hold seconds")
    source.add_argument("--model", metavar="MODEL.json", help="train a model file and export the run")
    source.add_argument("--default", action="store_true", help="train the app's default problem and export the run")
    parser.add_argument("--dataset", help="the dataset to train on (default: the app's default, circles)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs to train (default 10)")
    parser.add_argument("--every", type=int, default=10, help="optimizer steps per frame (default 10)")
    parser.add_argument("--phases", action="store_true",
                        help="export the forward, backward and update phases of one step instead of a run")
    parser.add_argument("--format", required=True, choices=("png", "gif", "mp4", "svg"),
                        help="png (a folder of frames), gif, mp4 (H.264), or svg (a still)")
    parser.add_argument("--still", action="store_true", help="one picture of the final state (png, gif or svg)")
    parser.add_argument("--view", default=None, choices=("canvas", "boundary", "loss", "activation", "full"),
                        help="what a still shows (default canvas)")
    parser.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT, or 480p, 720p, 1080p (default 1280x720)")
    parser.add_argument("--fps", type=float, default=None, help="frames per second (default 30, or the preset's)")
    parser.add_argument("--layout", default="full", choices=("canvas", "full"),
                        help="the canvas alone, or the canvas with the plots (default full)")
    parser.add_argument("--hold", type=hold_seconds, default=3.0, help="seconds per lesson step (default 3)")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--transparent", action="store_true", help="transparent background (png only)")
    parser.add_argument("--out", required=True, help="the file (gif, mp4, png still, svg) or folder (png frames) to write")
    parser.add_argument("--force", action="store_true", help="replace an existing output")


def build_spec(args):
    from nnviz.export.exporter import SIZE_PRESETS, parse_size
    from nnviz.export.sources import ExportSpec

    size = parse_size(args.size)
    fps = args.fps if args.fps is not None else float(SIZE_PRESETS.get(args.size, (0, 0, 30))[2])
    lesson = None
    if args.lesson:
        from nnviz.lessons.catalog import find_lesson
        from nnviz.lessons.player import LessonPlayer

        lesson = find_lesson(args.lesson)
        problems = LessonPlayer(lesson).check()
        if problems:
            raise NnvizError(problems[0])
    source = "lesson" if args.lesson else "model" if args.model else "default"
    still = args.still or args.format == "svg"
    return ExportSpec(out=Path(args.out), fmt=args.format, source=source, model=args.model, lesson=lesson,
                      dataset=args.dataset, epochs=args.epochs, every=args.every, phases=args.phases,
                      hold=args.hold, size=size, fps=fps, layout=args.layout,
                      view=args.view or ("full" if args.layout == "full" and not still else "canvas"),
                      still=still, theme=args.theme, transparent=args.transparent, force=args.force)


def run_export_command(args) -> int:
    """Export; Ctrl+C, SIGTERM and SIGHUP stop it alike: nothing written, nothing replaced."""
    with stop_on_signals():
        try:
            return _export(args)
        except Stopped as stop:
            print(f"nnviz export: {stop.description}; nothing was written", file=sys.stderr)
            return stop.exit_status


def _export(args) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless: no display needed, none used
    from PySide6.QtWidgets import QApplication

    from nnviz.export.exporter import run_export, validate
    from nnviz.export.sources import frame_count

    spec = build_spec(args)
    validate(spec)
    frame_count(spec)  # builds the run: a broken model or dataset is one line, before the progress bar
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - widgets need one
    with tqdm(total=None, file=sys.stderr, unit="frame", dynamic_ncols=True, mininterval=0.2) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        path = run_export(spec, progress)
    print(path)
    return 0
