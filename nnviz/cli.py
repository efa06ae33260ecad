"""The ``nnviz`` command: the app, and headless ``trace``, ``train``, ``export`` and ``convert``.

Qt is imported only inside the function that opens the app, so ``nnviz --help``,
``--version`` and the headless commands stay fast and work with no display.
Bad input is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys

from nnviz import __version__

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line (and exit 2) instead of usage + message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Python < 3.13 takes "--input -1,2" for an option "-1,2"; any "-<digit>" is a value.
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nnviz",
        description="See how a neural network learns. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    open_ = sub.add_parser("open", help="open a model, session, lesson or MNIST-format data file in the desktop app")
    open_.add_argument("model", metavar="FILE", help="model file (.json or .onnx), session file (.nnviz), "
                       "lesson file (.toml) or MNIST-format data (e.g. train-images-idx3-ubyte.gz)")

    sub.add_parser("lessons", help="list the built-in lessons (id, steps, title)")
    lesson = sub.add_parser("lesson", help="open a lesson in the app, or --check it headless")
    lesson.add_argument("lesson", metavar="ID|FILE", help="a built-in lesson id (see nnviz lessons) or a .toml file")
    lesson.add_argument("--check", action="store_true",
                        help="play every step without a window and verify every expected value and answer")

    export = sub.add_parser("export", help="render a training run, a step's phases or a lesson to PNG/GIF/MP4/SVG")
    from nnviz.commands.export import add_arguments as add_export_arguments

    add_export_arguments(export)

    trace = sub.add_parser("trace", help="forward (and backward) pass of one sample, worked out step by step")
    trace.add_argument("model", help="model file (.json or .onnx)")
    trace.add_argument("--input", required=True, help="the sample's input values, e.g. 95,4")
    trace.add_argument("--target", help="the target: one value per output, or a class index; adds the backward pass")
    trace.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    trace.add_argument("--check", action="store_true", help="also compare backprop with central differences")

    train = sub.add_parser("train", help="train a network on a dataset, with a progress bar")
    from nnviz.commands.train import add_arguments as add_train_arguments

    add_train_arguments(train)

    convert = sub.add_parser("convert", help="convert a model file between JSON and ONNX (by the suffixes)")
    from nnviz.commands.convert import add_arguments as add_convert_arguments

    add_convert_arguments(convert)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # imports the commands: a second or so on a busy machine
    except KeyboardInterrupt:  # Ctrl+C right at the start: nothing has been done yet
        print("nnviz: interrupted", file=sys.stderr)
        return 130
    if args.command is None:
        from nnviz.ui.app import run_app

        return run_app()
    from nnviz.engine.errors import NnvizError

    try:
        if args.command == "open":
            from nnviz.app.opening import check_openable
            from nnviz.ui.app import run_app

            check_openable(args.model)  # a broken file is one line here, before any window
            return run_app(args.model)
        if args.command in ("lessons", "lesson"):
            from nnviz.commands.lessons import run_lesson, run_list

            return run_list(args) if args.command == "lessons" else run_lesson(args)
        if args.command == "export":
            from nnviz.commands.export import run_export_command

            return run_export_command(args)
        if args.command == "trace":
            from nnviz.commands.trace import run_trace

            return run_trace(args)
        if args.command == "convert":
            from nnviz.commands.convert import run_convert

            return run_convert(args)
        from nnviz.commands.train import run_train

        return run_train(args)
    except NnvizError as exc:
        print(f"nnviz {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a path the OS refuses in an up-front check, e.g. a name too long for is_file()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"nnviz {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"nnviz {args.command}: interrupted", file=sys.stderr)
        return 130
