"""Exported frames are pinned: a training run, the phases of one step and two lesson steps,
rendered at 480×270 and compared with PNGs made before the app model and the drawing path
moved to nnviz/app and nnviz/draw (tests/export/golden/).

Tolerance: text is rasterized by the platform's font engine, which can move an
antialiased glyph edge by a shade between Qt builds; so a frame passes when at most 0.5 %
of its pixels differ by more than 48 (of 255) in any channel. A moved node, edge, plot
or colour changes far more pixels than that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QImage  # noqa: E402

from nnviz.export.exporter import make_scene  # noqa: E402
from nnviz.export.sources import ExportSpec, frames  # noqa: E402
from nnviz.lessons.catalog import builtin_files  # noqa: E402
from nnviz.lessons.model import load_lesson_file  # noqa: E402

GOLDEN = Path(__file__).with_name("golden")
SIZE = (480, 270)
CHANNEL_TOLERANCE = 48
PIXEL_FRACTION = 0.005


def _lesson(word: str):
    return next(load_lesson_file(p) for p in builtin_files() if word in p.name)


CASES = {
    "run": (lambda: ExportSpec(out=Path("x.png"), fmt="png", size=SIZE, fps=10.0, epochs=2, every=10), (0, 5)),
    "phases": (lambda: ExportSpec(out=Path("x.png"), fmt="png", size=SIZE, fps=10.0, phases=True,
                                  phase_seconds=0.5), (2, 7, 14)),
    "lesson": (lambda: ExportSpec(out=Path("x.png"), fmt="png", size=SIZE, fps=2.0, source="lesson",
                                  lesson=_lesson("perceptron"), hold=1.0), (6, 9)),
    "backprop_dark": (lambda: ExportSpec(out=Path("x.png"), fmt="png", size=SIZE, fps=2.0, source="lesson",
                                         lesson=_lesson("backprop"), hold=1.0, theme="dark"), (5, 8)),
}


def _rgba(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, :4 * w].reshape(h, w, 4).copy()


def _rendered(spec: ExportSpec, picks) -> dict[int, np.ndarray]:
    scene = make_scene(spec)
    out = {}
    try:
        for i, _ in enumerate(frames(spec, scene)):
            if i in picks:
                out[i] = _rgba(scene.render_frame())
            if i >= max(picks):
                break
    finally:
        scene.dispose()
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_exported_frames_match_the_golden_images(qapp, name):
    make_spec, picks = CASES[name]
    for i, frame in _rendered(make_spec(), picks).items():
        golden = _rgba(QImage(str(GOLDEN / f"{name}_{i:03d}.png")))
        assert golden.shape == frame.shape, f"{name} frame {i}: size {frame.shape} ≠ {golden.shape}"
        far = np.abs(frame.astype(int) - golden.astype(int)).max(axis=2) > CHANNEL_TOLERANCE
        assert far.mean() <= PIXEL_FRACTION, (
            f"{name} frame {i}: {far.mean():.2%} of the pixels differ (at most {PIXEL_FRACTION:.1%})")
