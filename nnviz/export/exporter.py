"""Run an export: check the target, build the scene, render every frame, write, rename.

Nothing is written under the target name until the export has finished; a cancelled or
failed export removes its temporary file, and an existing file is replaced only with
``force`` (the dialog asks first).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nnviz.draw.theme import theme_named
from nnviz.engine.atomic_files import folder_of, probe_folder, write_atomic
from nnviz.engine.errors import NnvizError
from nnviz.engine.stop_signals import deferred_stops
from nnviz.export.scene import LAYOUTS, VIEWS, ExportScene
from nnviz.export.sources import ExportSpec, frame_count, frames
from nnviz.export.writers import FORMATS, make_writer, png_bytes

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
    if spec.still and spec.fmt == "mp4":
        raise NnvizError("a still is a picture: choose --format png, gif or svg (mp4 is for a run)")
    check_target(spec.out, spec.force, frames_folder=spec.fmt == "png" and not spec.still)


def check_target(out: Path, force: bool, frames_folder: bool = False) -> None:
    """Refuse, before anything is rendered, a target that cannot be written or replaced.
    ``frames_folder``: the export is a PNG sequence, which --force may write over an earlier one."""
    out = Path(out)
    folder = folder_of(out)
    if folder.exists() and not folder.is_dir():
        raise NnvizError(f"{out}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise NnvizError(f"{out}: the folder {folder} does not exist")
    if out.is_dir() and not frames_folder:
        raise NnvizError(f"{out}: is a folder; name a file to write")
    try:
        others = out.is_dir() and force and any(not p.name.startswith("frame_") for p in out.iterdir())
    except OSError as exc:
        raise NnvizError(f"{out}: cannot look into it ({exc.strerror or exc})") from None
    if others:
        raise NnvizError(f"{out}: is a folder with other files in it; --force only replaces an earlier export")
    if out.exists() and not force:
        raise NnvizError(f"{out}: exists already; add --force to replace it")
    probe_folder(folder, str(out))


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
                raise ExportCancelled()
    except StopIteration as finished:
        return finished.value
    finally:
        steps.close()  # cancel, Ctrl+C, SIGTERM in a callback: the writer removes what it had written


def iter_export(spec: ExportSpec):
    """The export one frame at a time: yields (frames done, total) and returns the path.

    A GUI drives it from a timer so it stays responsive; closing the generator (cancel)
    or an error removes everything written so far.
    """
    validate(spec)
    with deferred_stops():
        scene = make_scene(spec)
    try:
        if spec.still or spec.fmt == "svg":
            path = _write_still(spec, scene)
            yield 1, 1
            return path
        total = frame_count(spec)
        writer = None
        try:
            with deferred_stops():  # a stop while ffmpeg starts would orphan it
                writer = make_writer(spec.fmt, Path(spec.out), spec.size, spec.fps, spec.transparent,
                                     background=theme_named(spec.theme).background.replace("#", "0x"))
            for done, image in enumerate(_rendered(spec, scene), start=1):
                writer.write(image)
                yield done, total
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        return writer.close()
    finally:
        with deferred_stops():
            scene.dispose()


def _rendered(spec: ExportSpec, scene: ExportScene):
    """Each frame of the source, rendered. The scene's Qt code runs with a stop signal held
    back (it must not raise inside a Qt virtual); a stop is raised between frames."""
    source = frames(spec, scene)
    while True:
        with deferred_stops():
            if next(source, _END) is _END:
                return
            image = scene.render_frame()
        yield image


_END = object()


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
    """The last frame of the source as one PNG or a one-frame GIF, or an SVG of one view,
    at exactly ``spec.size``."""
    source = frames(spec, scene)
    while True:  # run to the final state, a stop signal held back while Qt code runs
        with deferred_stops():
            if next(source, _END) is _END:
                break
    out = Path(spec.out)
    with deferred_stops():
        widget = scene.view_widget(spec.view)
        if widget is not scene:  # one view alone fills the picture: no caption below it
            scene.set_caption("")
            scene.layout().activate()
        if spec.fmt == "svg":
            svg = svg_bytes(widget, out)
        else:
            image = scene.render_frame()  # the view fills the scene: the view at the full size
    if spec.fmt == "svg":
        write_atomic(out, svg)
        return out
    if spec.fmt == "gif":
        writer = None
        try:
            with deferred_stops():
                writer = make_writer("gif", out, spec.size, spec.fps)
            writer.write(image)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        return writer.close()
    write_atomic(out, png_bytes(image, out))
    return out


def svg_bytes(widget, label) -> bytes:
    """``widget`` painted into an SVG document, in memory."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle("nnviz")
    painter = QPainter(generator)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        ended = painter.end()
    buffer.close()
    svg = bytes(data.data())
    if not ended or b"</svg>" not in svg:
        raise NnvizError(f"{label}: cannot draw the SVG picture")
    return svg
