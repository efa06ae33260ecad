"""Cold start to a painted window, as the ``nnviz`` command does it.

    python benchmarks/startup.py            # one start, prints seconds to the first canvas paint
    python benchmarks/startup.py --runs 7   # median of several fresh processes

Each run is a new Python process that imports nnviz the way the ``nnviz`` entry point
does, builds the main window, shows it, and exits at the first paint of the network
canvas; the time is measured from process start (the parent's clock around the child).
Target: ≤ 0.8 s on the reference machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import sys
from nnviz.cli import build_parser
build_parser().parse_args([])
from PySide6.QtWidgets import QApplication
from nnviz.ui.main_window import MainWindow
from nnviz.draw.canvas import NetworkCanvas
app = QApplication(sys.argv[:1])
original = NetworkCanvas.paintEvent
def paint_then_quit(self, event):
    original(self, event)
    app.exit(0)
NetworkCanvas.paintEvent = paint_then_quit
window = MainWindow()
window.show()
app.exec()
"""


def one_run(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        env["NNVIZ_SETTINGS"] = os.path.join(tmp, "settings.ini")
        one_run(env)  # warm the file cache, as a second launch of the day would be
        times = [one_run(env) for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"cold start to painted window: median {median:.3f} s (min {min(times):.3f}, max {max(times):.3f}, "
          f"{args.runs} runs; target ≤ 0.8 s: {'ok' if median <= 0.8 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
