"""Frame time of every history view after a short and a long run: it must not grow.

    python benchmarks/long_run.py                  # after 10³ and 10⁶ steps, about 2 minutes
    python benchmarks/long_run.py --steps 1000 100000 --frames 30   # quicker, rough

A frame is what Play does per snapshot shown: the view's update with one more step, then a
full paint of the widget and its children (``grab()``, offscreen, 640×420; ``repaint()``
would skip pyqtgraph's views). Each figure is the median over
``--frames`` frames, in milliseconds. The views:

- loss curves: ``HistoryBuffer.add`` + ``LossPlot.set_history(*buffer.freeze())``;
- gradient flow: ``GradientFlowPanel.set_snapshot`` (norms of a 2-8-8-8-1 network's
  gradient, four curves, noisy as mini-batch gradients are) + paint;
- dead neurons: ``DeadNeuronPanel.set_snapshot`` (a check on 100 training inputs; the count
  steps up now and then) + paint;
- timeline: ``Timeline.record`` + the scrubber (a QSlider's range and value) + paint.

To reach 10⁶ steps in seconds, the steps up to the measured ones are fed to each view's
history object straight (``panel.record.add`` with the row ``set_snapshot`` would add,
``HistoryBuffer.add``, ``Timeline.record``): the same state the public path leaves, without
computing a million gradient norms. The stored point counts are printed too: bounded by
engine.thinning.HISTORY_POINTS (4,096) and the timeline's capacity.

Before engine.thinning (issue 15, item 2) the gradient-flow panel kept every snapshot and
redrew all of them: 1.1 million points after 5 minutes of Play, and the app stopped
responding.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QSlider  # noqa: E402

from nnviz.app.history import HistoryBuffer  # noqa: E402
from nnviz.app.problem import Problem  # noqa: E402
from nnviz.app.timeline import Timeline, capacity_for  # noqa: E402
from nnviz.draw.plots.loss import LossPlot  # noqa: E402
from nnviz.engine.gradient_flow import layer_gradient_norms  # noqa: E402
from nnviz.engine.trainer import Trainer  # noqa: E402
from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel  # noqa: E402
from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel  # noqa: E402

SIZE = (640, 420)
PROBLEM = Problem(samples=200, hidden=(8, 8, 8), activation="relu", init="he")
BATCHES = 10  # batches per epoch of the synthetic run


def base_snapshot():
    data = PROBLEM.make_dataset()
    net = PROBLEM.make_network(data)
    trainer = Trainer(net, data, PROBLEM.train, seed=PROBLEM.seed)
    trainer.step_batch()
    return net, data, trainer.snapshot()


def at(snap, step: int):
    return replace(snap, step=step, epoch=step // BATCHES, batch=step % BATCHES, train_loss=1.0 / (1 + step))


def shown(widget):
    widget.resize(*SIZE)
    widget.show()
    QApplication.processEvents()
    return widget


def median_ms(frame, start: int, frames: int) -> float:
    times = []
    for i in range(frames):
        t = time.perf_counter()
        frame(start + i)
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


class LossView:
    name = "loss curves"

    def __init__(self, snap):
        self.snap, self.buffer, self.plot = snap, HistoryBuffer(), shown(LossPlot())

    def fill(self, upto: int, start: int) -> None:
        for step in range(start, upto):
            self.buffer.add(SimpleNamespace(epoch=step // BATCHES, batch=step % BATCHES, train_loss=1 / (1 + step),
                                            test_loss=1.1 / (1 + step), train_accuracy=0.5, test_accuracy=0.5),
                            BATCHES)

    def frame(self, step: int) -> None:
        self.fill(step + 1, step)
        h = self.buffer.freeze()
        self.plot.set_history(h.epoch, h.train_loss, h.test_loss, 100 * h.train_acc, 100 * h.test_acc)
        self.plot.grab()

    def stored(self) -> int:
        return len(self.buffer)


class FlowView:
    name = "gradient flow"

    def __init__(self, snap):
        self.snap, self.panel = snap, shown(GradientFlowPanel())
        norms = layer_gradient_norms(snap.grad_weights)
        # mini-batch gradients are noisy: each step's norms within a factor of 3 of the first's
        self.rows = norms * 10.0 ** np.random.default_rng(0).uniform(-0.5, 0.5, (1024, len(norms)))

    def fill(self, upto: int, start: int) -> None:
        if start <= 1:
            self.panel.set_snapshot(at(self.snap, 1), redraw=False)
            start = 2
        for step in range(start, upto):
            self.panel.record.add(step, self.rows[step % 1024])

    def frame(self, step: int) -> None:
        self.panel.set_snapshot(at(self.snap, step))
        self.panel.grab()

    def stored(self) -> int:
        return len(self.panel.record)


class DeadView:
    name = "dead neurons"

    def __init__(self, snap, net, data):
        self.snap, self.panel = snap, shown(DeadNeuronPanel())
        self.panel.set_snapshot(at(snap, 0), net, data)

    def fill(self, upto: int, start: int) -> None:
        for step in range(max(start, 1), upto):  # a neuron dies now and then: long plateaus
            self.panel.record.add(step, min(step // 200_000, 4))

    def frame(self, step: int) -> None:
        self.panel.set_snapshot(at(self.snap, step))
        self.panel.grab()

    def stored(self) -> int:
        return len(self.panel.record)


class TimelineView:
    name = "timeline"

    def __init__(self, snap, net):
        self.snap, self.timeline = snap, Timeline(capacity_for(net.size))
        self.scrubber = shown(QSlider(Qt.Orientation.Horizontal))

    def fill(self, upto: int, start: int) -> None:
        for step in range(start, upto):
            self.timeline.record(at(self.snap, step))

    def frame(self, step: int) -> None:
        self.timeline.record(at(self.snap, step))
        self.scrubber.setRange(0, len(self.timeline) - 1)
        self.scrubber.setValue(self.timeline.shown)
        self.scrubber.grab()

    def stored(self) -> int:
        return len(self.timeline)


def quiet_offscreen_notes() -> None:
    """Drop the offscreen platform's note about size hints (one per window shown)."""
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(lambda kind, context, message: None if "propagateSizeHints" in message
                           else print(message))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    quiet_offscreen_notes()
    QApplication.instance() or QApplication([])
    net, data, snap = base_snapshot()
    views = [LossView(snap), FlowView(snap), DeadView(snap, net, data), TimelineView(snap, net)]
    print(f"{'view':<15}" + "".join(f"{f'after {n:,} steps':>30}" for n in args.steps))
    results = {v.name: [] for v in views}
    for view in views:
        done = 0
        for steps in args.steps:
            view.fill(steps, done)
            ms = median_ms(view.frame, steps, args.frames)
            done = steps + args.frames
            results[view.name].append(f"{ms:7.2f} ms/frame, {view.stored():5,} kept")
        print(f"{view.name:<15}" + "".join(f"{r:>30}" for r in results[view.name]), flush=True)


if __name__ == "__main__":
    main()
