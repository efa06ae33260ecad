"""Redraw speed of the network canvas: update + paint at 1280×720, frames per second.

    python benchmarks/redraw.py [--frames 120]

For each architecture a trainer-like sequence of snapshots (weights drifting each frame)
is pushed into a NetworkCanvas (set_snapshot, then a synchronous repaint) and the
median frame time over several rounds is reported. [2,8,8,1] is also measured as the
whole main window (canvas + plots + thumbnails) since that is what a user sees.
Targets: ≥ 60 fps [2,8,8,1]; ≥ 45 fps [16,64,64,64,4]; ≥ 30 fps [784,128,64,10]
(strongest edges).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.engine.network import Network  # noqa: E402
from nnviz.draw.canvas import NetworkCanvas  # noqa: E402

TARGETS = {(2, 8, 8, 1): 60, (16, 64, 64, 64, 4): 45, (784, 128, 64, 10): 30}


def fake_snapshots(layers, frames, rng):
    acts = ["tanh"] * (len(layers) - 2) + ["sigmoid"]
    net = Network(layers, acts, "mse")
    net.initialize("xavier", rng)
    for i in range(frames):
        net.params += rng.normal(0, 0.01, net.size)
        yield SimpleNamespace(weights=[w.copy() for w in net.weights], biases=[b.copy() for b in net.biases],
                              grad_weights=[w * 0.01 for w in net.weights], step=i + 1, layers=tuple(layers))


def canvas_fps(layers, frames: int, rounds: int = 5) -> float:
    canvas = NetworkCanvas()
    canvas.resize(1280, 720)
    canvas.show()
    QApplication.processEvents()
    canvas.set_architecture(layers, ["tanh"] * (len(layers) - 2) + ["sigmoid"], [f"x{i + 1}" for i in range(layers[0])])
    rng = np.random.default_rng(0)
    times = []
    for _ in range(rounds):
        snaps = list(fake_snapshots(layers, frames, rng))
        start = time.perf_counter()
        for snap in snaps:
            canvas.set_snapshot(snap)
            canvas.repaint()
        times.append((time.perf_counter() - start) / frames)
    canvas.close()
    return 1.0 / statistics.median(times)


def window_fps(frames: int, rounds: int = 5) -> float:
    from dataclasses import replace

    from nnviz.ui.main_window import MainWindow

    window = MainWindow()
    window.controller.set_problem(replace(window.controller.problem, dataset="spiral", hidden=(8, 8)))
    window.resize(1280, 720)
    window.show()
    QApplication.processEvents()
    trainer = window.controller.trainer
    times = []
    for _ in range(rounds):
        snaps = []
        for _ in range(frames):
            trainer.train_epochs(1)
            snaps.append(trainer.snapshot())
        start = time.perf_counter()
        for snap in snaps:
            window._plots_shown_at = 0.0  # every frame updates the plots too (the worst case)
            window._on_snapshot(snap)
            window.repaint()
        times.append((time.perf_counter() - start) / frames)
    window.controller.shutdown()
    window.close()
    return 1.0 / statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    # settings (and the autosave beside them) go to a temporary folder, never into the repository
    os.environ.setdefault("NNVIZ_SETTINGS", os.path.join(tempfile.mkdtemp(prefix="nnviz-bench-"), "settings.ini"))
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841
    print(f"{'what':34} {'fps':>8} {'target':>8}")
    for layers, target in TARGETS.items():
        fps = canvas_fps(list(layers), args.frames)
        print(f"{'canvas ' + '-'.join(map(str, layers)):34} {fps:8.1f} {target:>8} {'ok' if fps >= target else 'MISSED'}")
    fps = window_fps(max(args.frames // 2, 10))
    print(f"{'whole window 2-8-8-1 (all plots)':34} {fps:8.1f} {60:>8} {'ok' if fps >= 60 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
