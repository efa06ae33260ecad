"""Frame writers: PNG sequence, animated GIF and MP4 (H.264, yuv420p).

Each writer takes QImages of one size, one at a time, and writes to a temporary name
beside the target; ``close()`` renames it into place, ``abort()`` removes it, so a
cancelled or failed export never leaves anything under the target name.

Video frames go to the ffmpeg bundled with imageio-ffmpeg as raw BGRA bytes through a
pipe (no temporary PNGs); ffmpeg encodes in its own process while the next frame renders.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import tempfile
from pathlib import Path

from PySide6.QtGui import QImage

from nnviz.engine.errors import NnvizError

FORMATS = ("png", "gif", "mp4")
QUEUED_FRAMES = 4  # frames waiting for the encoder at most (memory: 4 × 3.7 MB at 720p)


def qimage_bgra(image: QImage) -> memoryview:
    """The pixels of a 32-bit QImage as tightly packed BGRA bytes (little-endian ARGB32).

    Opaque premultiplied frames are passed as they are: for alpha = 255 premultiplied and
    straight ARGB are the same bytes, so no conversion pass is needed.
    """
    if image.format() not in (QImage.Format.Format_ARGB32, QImage.Format.Format_ARGB32_Premultiplied):
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if image.bytesPerLine() != 4 * image.width():
        raise NnvizError("internal: a frame with padded rows")  # ARGB32 rows are never padded
    return memoryview(image.constBits())[: image.sizeInBytes()]


def publish(tmp, target) -> None:
    """Give a finished temporary file (or folder) the usual permissions and its real name.

    mkstemp/mkdtemp create private (0600/0700) entries; an export is an ordinary file.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, (0o777 if os.path.isdir(tmp) else 0o666) & ~umask)
    try:
        os.replace(tmp, target)
    except OSError as exc:  # e.g. --force with a file export whose target is a folder
        shutil.rmtree(tmp, ignore_errors=True) if os.path.isdir(tmp) else os.unlink(tmp)
        raise NnvizError(f"{target}: cannot replace it ({exc.strerror or exc})") from None


class FrameWriter:
    """Base: writes to ``tmp`` and moves it to ``target`` on close."""

    def __init__(self, target: Path, size: tuple[int, int], fps: float):
        self.target = Path(target)
        self.size = size
        self.fps = fps
        self.frames = 0

    def write(self, image: QImage) -> None:
        if (image.width(), image.height()) != self.size:
            raise NnvizError(f"frame {self.frames + 1} is {image.width()}×{image.height()}, not {self.size[0]}×{self.size[1]}")
        self._write(image)
        self.frames += 1

    def _write(self, image: QImage) -> None:
        raise NotImplementedError

    def close(self) -> Path:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class PngSequenceWriter(FrameWriter):
    """frame_00001.png, frame_00002.png … in a folder, built under a temporary name."""

    def __init__(self, target: Path, size, fps, transparent: bool = False):
        super().__init__(target, size, fps)
        self.transparent = transparent
        parent = self.target.parent if str(self.target.parent) else Path(".")
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=parent))

    def _write(self, image: QImage) -> None:
        path = self.tmp / f"frame_{self.frames + 1:05d}.png"
        if not image.save(str(path), "PNG"):
            raise NnvizError(f"{self.target}: cannot write {path.name} (is the disk full?)")

    def close(self) -> Path:
        if self.target.exists():  # only when asked to replace it (checked before the export)
            shutil.rmtree(self.target) if self.target.is_dir() else self.target.unlink()
        publish(self.tmp, self.target)
        return self.target

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


class FfmpegWriter(FrameWriter):
    """GIF or MP4 through imageio-ffmpeg's ffmpeg, frames piped as raw BGRA."""

    def __init__(self, target: Path, size, fps, kind: str, pad_color: str = "white"):
        super().__init__(target, size, fps)
        import imageio_ffmpeg

        suffix = "." + kind
        parent = self.target.parent if str(self.target.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp" + suffix, dir=parent)
        os.close(fd)
        self.tmp = Path(tmp)
        # yuv420p needs even sizes: pad odd ones by one pixel rather than scale
        pad = f"pad=ceil(iw/2)*2:ceil(ih/2)*2:color={pad_color}"
        if kind == "mp4":
            options = dict(codec="libx264", pix_fmt_out="yuv420p", quality=None,
                           output_params=["-vf", pad, "-preset", "veryfast", "-crf", "20",
                                          "-movflags", "+faststart", "-f", "mp4"])
        else:
            options = dict(codec="gif", pix_fmt_out="pal8", quality=None,
                           output_params=["-filter_complex", "split[a][b];[a]palettegen=stats_mode=diff[p];"
                                          "[b][p]paletteuse=dither=bayer:bayer_scale=3", "-loop", "0", "-f", "gif"])
        self._gen = imageio_ffmpeg.write_frames(str(self.tmp), size, pix_fmt_in="bgra", fps=fps,
                                                macro_block_size=1, ffmpeg_log_level="error", **options)
        self._gen.send(None)
        # frames are piped from a thread, so the next frame renders while ffmpeg takes this one
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._pipe, name="nnviz-encoder", daemon=True)
        self._thread.start()

    def _pipe(self) -> None:
        while (image := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._gen.send(qimage_bgra(image))
                except (OSError, RuntimeError, StopIteration) as exc:
                    self._error = exc

    def _write(self, image: QImage) -> None:
        if self._error is not None:
            raise NnvizError(f"{self.target}: the encoder stopped ({self._error})")
        self._queue.put(image)

    def _finish_thread(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def close(self) -> Path:
        self._finish_thread()
        try:
            if self._error is not None:
                raise RuntimeError(self._error)
            self._gen.close()
        except (OSError, RuntimeError) as exc:
            self.abort()
            raise NnvizError(f"{self.target}: the encoder failed ({exc})") from None
        publish(self.tmp, self.target)
        return self.target

    def abort(self) -> None:
        if self._thread.is_alive():
            self._finish_thread()
        try:
            self._gen.close()
        except (OSError, RuntimeError):
            pass
        self.tmp.unlink(missing_ok=True)


def make_writer(fmt: str, target: Path, size: tuple[int, int], fps: float, transparent: bool = False,
                background: str = "white") -> FrameWriter:
    if fmt == "png":
        return PngSequenceWriter(target, size, fps, transparent)
    if fmt in ("gif", "mp4"):
        return FfmpegWriter(target, size, fps, fmt, pad_color=background)
    raise NnvizError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}, svg")
