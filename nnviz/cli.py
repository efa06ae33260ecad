"""The ``nnviz`` command: the app, and headless ``trace`` and ``train``.

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

    open_ = sub.add_parser("open", help="open a model or a session file in the desktop app")
    open_.add_argument("model", metavar="FILE", help="model file (.json) or session file (.nnviz)")

    sub.add_parser("lessons", help="list the built-in lessons (id, steps, title)")
    lesson = sub.add_parser("lesson", help="open a lesson in the app, or --check it headless")
    lesson.add_argument("lesson", metavar="ID|FILE", help="a built-in lesson id (see nnviz lessons) or a .toml file")
    lesson.add_argument("--check", action="store_true",
                        help="play every step without a window and verify every expected value and answer")

    export = sub.add_parser("export", help="render a training run, a step's phases or a lesson to PNG/GIF/MP4/SVG")
    from nnviz.commands.export import add_arguments

    add_arguments(export)

    trace = sub.add_parser("trace", help="forward (and backward) pass of one sample, worked out step by step")
    trace.add_argument("model", help="model file (.json)")
    trace.add_argument("--input", required=True, help="the sample's input values, e.g. 95,4")
    trace.add_argument("--target", help="the target: one value per output, or a class index; adds the backward pass")
    trace.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    trace.add_argument("--check", action="store_true", help="also compare backprop with central differences")

    from nnviz.engine.activations import HIDDEN_ACTIVATIONS as ACTIVATION_NAMES
    from nnviz.engine.initializers import ALIASES, INITIALIZERS
    from nnviz.engine.losses import LOSSES
    from nnviz.engine.optimizers import OPTIMIZERS

    INIT_NAMES, LOSS_NAMES, OPTIMIZER_NAMES = (*INITIALIZERS, *ALIASES), tuple(LOSSES), tuple(OPTIMIZERS)

    train = sub.add_parser("train", help="train a network on a dataset, with a progress bar")
    train.add_argument("--dataset", default="spiral", help="a built-in dataset name (digits too), a CSV file or an MNIST-format IDX images file "
                       "(default spiral)")
    train.add_argument("--samples", type=int, default=500, help="number of samples (default 500)")
    train.add_argument("--noise", type=float, default=0.0, help="noise level 0..1 (default 0)")
    train.add_argument("--test-fraction", type=float, default=None,
                       help="fraction held out for testing (default 0.5; 0 for CSV files)")
    train.add_argument("--features", help="input features, e.g. x1,x2,x1^2,x1*x2,sin(x1) (default x1,x2)")
    train.add_argument("--standardize", action="store_true", help="z-score the features (train mean and std)")
    train.add_argument("--layers", default="2,8,8,1", help="units per layer, input first (default 2,8,8,1)")
    train.add_argument("--activation", default="tanh", choices=ACTIVATION_NAMES, metavar="NAME",
                       help=f"hidden activation: {', '.join(ACTIVATION_NAMES)} (default tanh)")
    train.add_argument("--output-activation", default="sigmoid", choices=(*ACTIVATION_NAMES, "softmax"),
                       metavar="NAME", help="output activation (default sigmoid)")
    train.add_argument("--loss", default="mse", choices=LOSS_NAMES, help="loss (default mse)")
    train.add_argument("--optimizer", default="sgd", choices=OPTIMIZER_NAMES, help="optimizer (default sgd)")
    train.add_argument("--lr", type=float, default=0.03, help="learning rate (default 0.03)")
    train.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default 10)")
    train.add_argument("--epochs", type=int, default=500, help="epochs (default 500)")
    train.add_argument("--init", default="xavier", choices=INIT_NAMES, metavar="NAME",
                       help=f"initializer: {', '.join(INIT_NAMES)} (default xavier)")
    train.add_argument("--l1", type=float, default=0.0, help="L1 regularization rate (default 0)")
    train.add_argument("--l2", type=float, default=0.0, help="L2 regularization rate (default 0)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--save", metavar="MODEL.json", help="save the trained model (atomically)")
    train.add_argument("--force", action="store_true", help="let --save replace an existing file")
    train.add_argument("--save-diverged", action="store_true",
                       help="with --save: save the model even if training diverged (it is not, by default)")
    train.add_argument("--json", action="store_true", help="print one JSON summary object")
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
            from nnviz.app.problem import session_problem
            from nnviz.engine.model_io import load_model
            from nnviz.engine.session import SUFFIX, load_session
            from nnviz.ui.app import run_app

            # a broken file is one line here, before any window; the window routes by suffix too
            if args.model.lower().endswith(SUFFIX):
                session_problem(load_session(args.model).problem, args.model)
            else:
                load_model(args.model)
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
