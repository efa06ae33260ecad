"""Run an export: check the target, build the scene, render every frame, write, rename.

Nothing is written under the target name until the export has finished; a cancelled or
failed export removes its temporary file, and an existing file is replaced only with
``force`` (the dialog asks first).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from nnviz.engine.errors import NnvizError
from nnviz.export.scene import LAYOUTS, VIEWS, ExportScene
from nnviz.export.sources import ExportSpec, frame_count, frames
from nnviz.export.writers import FORMATS, make_writer, publish
from nnviz.draw.theme import theme_named

SIZE_PRESETS = {"480p": (854, 480, 15), "720p": (1280, 720, 30), "1080p": (1920, 1080, 60)}
MIN_SIZE, MAX_SIZE = 64, 4096


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' (or a preset name: 480p, 720p, 1080p) → (1280, 720)."""
    if text in SIZE_PRESETS:
        return SIZE_PRESETS[text][:2]
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise NnvizError(f"size {text!r}: give WIDTHxHEIGHT, e.g. 1280x720, or one of {', '.join(SIZE_PRESETS)}") from None
    return w, h


def validate(spec: ExportSpec) -> None:
    """Every problem with the request, before any work: one clear message."""
    w, h = spec.size
    if not (MIN_SIZE <= w <= MAX_SIZE and MIN_SIZE <= h <= MAX_SIZE):
        raise NnvizError(f"size {w}x{h}: width and height must be between {MIN_SIZE} and {MAX_SIZE}")
    if spec.fmt not in (*FORMATS, "svg"):
        raise NnvizError(f"format {spec.fmt!r}: choose one of png, gif, mp4, svg")
    if not 1 <= spec.fps <= 120:
        raise NnvizError("fps must be between 1 and 120")
    if spec.layout not in LAYOUTS:
        raise NnvizError(f"layout {spec.layout!r}: choose canvas or full")
    if spec.view not in VIEWS:
        raise NnvizError(f"view {spec.view!r}: choose one of {', '.join(VIEWS)}")
    if spec.epochs < 1 or spec.every < 1:
        raise NnvizError("epochs and every must be whole numbers ≥ 1")
    if spec.hold <= 0 or spec.phase_seconds <= 0:
        raise NnvizError("hold and phase times must be positive")
    if spec.transparent and spec.fmt in ("gif", "mp4"):
        raise NnvizError("a transparent background needs --format png")
    check_target(spec.out, spec.force)


def check_target(out: Path, force: bool) -> None:
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise NnvizError(f"{out}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise NnvizError(f"{out}: the folder {folder} does not exist")
    if out.is_dir() and force and any(not p.name.startswith("frame_") for p in out.iterdir()):
        raise NnvizError(f"{out}: is a folder with other files in it; --force only replaces an earlier export")
    if out.exists() and not force:
        raise NnvizError(f"{out}: exists already; add --force to replace it")
    try:
        fd, probe = tempfile.mkstemp(prefix=".nnviz-probe.", dir=folder)
    except OSError as exc:
        raise NnvizError(f"{out}: cannot write in {folder} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def run_export(spec: ExportSpec, progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:
    """Render and write; ``progress(done, total)`` after each frame; ``cancelled()`` polled."""
    steps = iter_export(spec)
    try:
        while True:
            done, total = next(steps)
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled():
                steps.close()  # the writer removes what it had written
                raise ExportCancelled()
    except StopIteration as finished:
        return finished.value


def iter_export(spec: ExportSpec):
    """The export one frame at a time: yields (frames done, total) and returns the path.

    A GUI drives it from a timer so it stays responsive; closing the generator (cancel)
    or an error removes everything written so far.
    """
    validate(spec)
    scene = make_scene(spec)
    try:
        if spec.still or spec.fmt == "svg":
            path = _write_still(spec, scene)
            yield 1, 1
            return path
        total = frame_count(spec)
        writer = make_writer(spec.fmt, Path(spec.out), spec.size, spec.fps, spec.transparent,
                             background=theme_named(spec.theme).background.replace("#", "0x"))
        try:
            done = 0
            for _ in frames(spec, scene):
                writer.write(scene.render_frame())
                done += 1
                yield done, total
        except BaseException:
            writer.abort()
            raise
        return writer.close()
    finally:
        scene.dispose()



def preview(spec: ExportSpec):
    """The first frame the export would write (a QImage), for the dialog's preview."""
    scene = make_scene(spec)
    try:
        next(iter(frames(spec, scene)), None)
        return scene.render_frame()
    finally:
        scene.dispose()



def make_scene(spec: ExportSpec) -> ExportScene:
    return ExportScene(spec.size, spec.layout if spec.view == "full" or not spec.still else spec.view,
                       spec.theme, lesson_text=spec.source == "lesson" and spec.layout == "full",
                       transparent=spec.transparent)


def _write_still(spec: ExportSpec, scene: ExportScene) -> Path:
    """The last frame of the source as one PNG, or an SVG of one view."""
    for _ in frames(spec, scene):  # run to the final state
        pass
    out = Path(spec.out)
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        if spec.fmt == "svg":
            _render_svg(scene.view_widget(spec.view), tmp, spec.size)
        else:
            widget = scene.view_widget(spec.view)
            image = scene.render_frame() if widget is scene else widget.grab().toImage()
            if not image.save(tmp, "PNG"):
                raise NnvizError(f"{out}: cannot write the image (is the disk full?)")
        publish(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _render_svg(widget, path: str, size: tuple[int, int]) -> None:
    from PySide6.QtCore import QPoint, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle("nnviz")
    painter = QPainter(generator)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
