"""``nnviz convert IN OUT``: a model file from JSON to ONNX or back, the suffixes saying which.

    nnviz convert model.json model.onnx      # float32 weights, runs in onnxruntime
    nnviz convert model.onnx model.json      # the weights exactly (float32 values are float64 values)

Both sides go through engine.model_io, so IN is checked as when it is opened, and OUT is
written atomically; an existing OUT is replaced only with --force.
"""

from __future__ import annotations

from pathlib import Path

from nnviz.commands.train import check_save_target
from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model, save_model

SUFFIXES = (".json", ".onnx")


def add_arguments(parser) -> None:
    parser.add_argument("source", metavar="IN", help="the model file to read (.json or .onnx)")
    parser.add_argument("target", metavar="OUT", help="the model file to write (.json or .onnx)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")


def run_convert(args) -> int:
    for path in (args.source, args.target):
        if Path(path).suffix.lower() not in SUFFIXES:
            raise NnvizError(f"{path}: nnviz converts model files ending in .json or .onnx")
    check_save_target(args.target, args.force, label="")
    save_model(load_model(args.source), args.target)
    print(f"wrote {args.target}")
    return 0
