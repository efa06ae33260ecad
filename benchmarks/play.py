"""Training while the window repaints: epochs per second and frames per second, one run.

    python benchmarks/play.py [--seconds 5] [--repeats 3] [--images]

The real main window (1280×720, offscreen unless a display is set) trains [2,8,8,1]
(tanh, sigmoid output) on the spiral at batch size 10 with Play, exactly as a user
would; epochs come from the trainer, frames from the window's own counter of
snapshots shown. Targets: ≥ 500 epochs/s and ≥ 30 fps in the same run.

--images (issue 13): the window trains 784-128-64-10 (tanh, softmax, ce, batch 64) on
10,000 random 28×28 images imported as MNIST-format files (5,000 to train), the canvas
drawing the input as an image and the weights as thumbnails, the digit panel's weights
view live. Target: ≥ 30 fps (the epochs/s figure is reported, without a target).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.ui.app import share_the_gil_with_the_gui  # noqa: E402


def write_random_idx(folder: str, n: int = 10_000, side: int = 28) -> str:
    """n random side×side images with random digits as an MNIST-format pair; the images file's path."""
    import numpy as np

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    path = os.path.join(folder, "bench-images-idx3-ubyte")
    with open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + side.to_bytes(4, "big") * 2 + images.tobytes())
    with open(os.path.join(folder, "bench-labels-idx1-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + labels.tobytes())
    return path


def one_run(seconds: float, images: str | None = None) -> tuple[float, float]:
    from nnviz.engine.trainer import TrainConfig
    from nnviz.ui.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    window.build_plots()
    if images:
        window.controller.import_idx(images)
        problem = replace(window.controller.problem, hidden=(128, 64), activation="tanh",
                          output_activation="softmax", loss="ce", train=TrainConfig(learning_rate=0.1, batch_size=64))
    else:
        problem = replace(window.controller.problem, dataset="spiral", hidden=(8, 8), activation="tanh",
                          output_activation="sigmoid", loss="mse",
                          train=TrainConfig(learning_rate=0.03, batch_size=10))
    window.controller.set_problem(problem)
    app.processEvents()
    epoch0, frames0 = window.controller.trainer.epoch, window.frames_painted
    window.controller.play()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    window.controller.pause()
    epochs = window.controller.trainer.epoch - epoch0
    frames = window.frames_painted - frames0
    window.close()
    return epochs / seconds, frames / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--images", action="store_true", help="784-128-64-10 on 10,000 random 28×28 images")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NNVIZ_SETTINGS"] = os.path.join(tmp, "settings.ini")
        app = QApplication(sys.argv[:1])  # noqa: F841
        share_the_gil_with_the_gui()  # as the app does at start
        images = write_random_idx(tmp) if args.images else None
        runs = [one_run(args.seconds, images) for _ in range(args.repeats)]
    eps = statistics.median(r[0] for r in runs)
    fps = statistics.median(r[1] for r in runs)
    what = ("[784,128,64,10] batch 64 on 5,000 random 28×28 images" if args.images
            else "[2,8,8,1] batch 10 on the spiral")
    print(f"training {what} while the window repaints ({args.repeats} runs of {args.seconds:g} s, medians):")
    if args.images:
        print(f"  {eps:,.2f} epochs/s")
    else:
        print(f"  {eps:,.0f} epochs/s (target ≥ 500: {'ok' if eps >= 500 else 'MISSED'})")
    print(f"  {fps:.1f} frames/s (target ≥ 30: {'ok' if fps >= 30 else 'MISSED'})")
    print("  runs: " + ", ".join(f"{e:,.0f} ep/s @ {f:.1f} fps" for e, f in runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
