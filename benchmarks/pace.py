"""Play speed: the step rate reached at each setting of the speed slider, in the real window.

    python benchmarks/pace.py [--seconds 3]

The main window (1280×720, offscreen unless a display is set) plays the default problem
(circles, 2-4-4-1, batch 10: 25 steps an epoch) at 1, 10, 100 and 1,000 steps/s and at
"max", set through the transport bar's slider as a user would; steps come from the trainer,
frames from the window's counter of snapshots shown. Target: within 10 % of each setting.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

POSITIONS = (0, 10, 20, 30, 31)  # 1, 10, 100, 1,000 steps/s and max


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NNVIZ_SETTINGS"] = os.path.join(tmp, "settings.ini")
        app = QApplication(sys.argv[:1])
        from nnviz.app.pace import rate_at, rate_text
        from nnviz.ui.main_window import MainWindow

        window = MainWindow()
        window.resize(1280, 720)
        window.show()
        window.build_plots()
        c = window.controller
        print(f"playing {c.network.layers}, {c.batches_per_epoch} steps an epoch, {args.seconds:g} s each:")
        for position in POSITIONS:
            window.transport.speed.setValue(position)
            c.reset()
            app.processEvents()
            step0, frames0, t0 = c.trainer.step, window.frames_painted, time.perf_counter()
            c.play()
            QTimer.singleShot(int(args.seconds * 1000), app.quit)
            app.exec()
            c.pause()
            elapsed = time.perf_counter() - t0
            steps = (c.trainer.step - step0) / elapsed
            target = rate_at(position)
            verdict = "" if target is None else ("  ok" if abs(steps - target) <= 0.1 * target else "  MISSED")
            print(f"  {rate_text(target):>14}: {steps:9,.1f} steps/s, {steps / c.batches_per_epoch:8,.1f} epochs/s, "
                  f"{(window.frames_painted - frames0) / elapsed:5.1f} frames/s{verdict}")
        window.close()
        del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
