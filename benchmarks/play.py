"""Training while the window repaints: epochs per second and frames per second, one run.

    python benchmarks/play.py [--seconds 5] [--repeats 3]

The real main window (1280×720, offscreen unless a display is set) trains [2,8,8,1]
(tanh, sigmoid output) on the spiral at batch size 10 with Play, exactly as a user
would; epochs come from the trainer, frames from the window's own counter of
snapshots shown. Targets: ≥ 500 epochs/s and ≥ 30 fps in the same run.
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


def one_run(seconds: float) -> tuple[float, float]:
    from nnviz.engine.trainer import TrainConfig
    from nnviz.ui.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    window.build_plots()
    problem = replace(window.controller.problem, dataset="spiral", hidden=(8, 8), activation="tanh",
                      output_activation="sigmoid", loss="mse", train=TrainConfig(learning_rate=0.03, batch_size=10))
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NNVIZ_SETTINGS"] = os.path.join(tmp, "settings.ini")
        app = QApplication(sys.argv[:1])  # noqa: F841
        runs = [one_run(args.seconds) for _ in range(args.repeats)]
    eps = statistics.median(r[0] for r in runs)
    fps = statistics.median(r[1] for r in runs)
    print(f"training [2,8,8,1] batch 10 on the spiral while the window repaints "
          f"({args.repeats} runs of {args.seconds:g} s, medians):")
    print(f"  {eps:,.0f} epochs/s (target ≥ 500: {'ok' if eps >= 500 else 'MISSED'})")
    print(f"  {fps:.1f} frames/s (target ≥ 30: {'ok' if fps >= 30 else 'MISSED'})")
    print("  runs: " + ", ".join(f"{e:,.0f} ep/s @ {f:.1f} fps" for e, f in runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
