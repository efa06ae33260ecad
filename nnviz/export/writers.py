"""Frame writers: PNG sequence, animated GIF and MP4 (H.264, yuv420p).

Each writer takes QImages of one size, one at a time, and writes to a temporary entry
beside the target (engine.atomic_files.StagedFile); ``close()`` checks the result and only
then renames it into place, ``abort()`` removes it, so a cancelled or failed export (a
full disk, an encoder error, Ctrl+C, SIGTERM) never leaves anything under the target name
and never replaces a file that was there.

PNG frames are encoded in memory and written with every write checked (QImage.save to a
file ignores a failed flush). Video frames go to ffmpeg as raw BGRA bytes through a pipe
(export.ffmpeg_pipe); ffmpeg encodes in its own process while the next frame renders, and
its exit status and the file's structure (an MP4's moov box, a GIF's trailer) are checked.
"""

from __future__ import annotations

import queue
import struct
import threading
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from nnviz.engine.atomic_files import StagedFile, reason, write_file
from nnviz.engine.errors import NnvizError
from nnviz.engine.stop_signals import deferred_stops
from nnviz.export.ffmpeg_pipe import FfmpegPipe

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


def png_bytes(image: QImage, label) -> bytes:
    """The image as PNG file bytes, encoded in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise NnvizError(f"{label}: cannot encode the image as PNG")
    buffer.close()
    return bytes(data.data())


def incomplete(path: Path, kind: str) -> str | None:
    """Why a file ffmpeg reported as written is not whole (empty; a GIF without its trailer
    byte; an MP4 whose boxes do not end exactly at the end of the file, or without the moov
    box a player needs), or None."""
    with open(path, "rb") as f:
        data_end = f.seek(0, 2)
        if data_end == 0:
            return "the encoder wrote nothing"
        if kind == "gif":
            f.seek(-1, 2)
            whole = f.read(1) == b";"
        else:
            kinds = _mp4_boxes(f, data_end)
            whole = kinds is not None and b"moov" in kinds
    return None if whole else f"the encoder wrote an incomplete {kind.upper()} file"


def _mp4_boxes(f, data_end: int) -> list[bytes] | None:
    """The types of an MP4's top-level boxes (32-bit size and type; size 1: a 64-bit size
    follows; 0: to the end), or None when they do not tile the file exactly (truncated)."""
    kinds, offset = [], 0
    while offset < data_end:
        f.seek(offset)
        head = f.read(16)
        if len(head) < 8:
            return None
        size, kind = struct.unpack(">I4s", head[:8])
        if size == 1 and len(head) == 16:
            size = struct.unpack(">Q", head[8:])[0]
        elif size == 0:
            size = data_end - offset
        if size < 8 or offset + size > data_end:
            return None
        kinds.append(kind)
        offset += size
    return kinds


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
        self.staged = StagedFile(self.target, is_folder=True)

    def _write(self, image: QImage) -> None:
        name = f"frame_{self.frames + 1:05d}.png"
        try:
            write_file(self.staged.path / name, png_bytes(image, self.target))
        except OSError as exc:
            raise NnvizError(f"{self.target}: cannot write {name} ({reason(exc)})") from None

    def close(self) -> Path:
        return self.staged.commit()

    def abort(self) -> None:
        self.staged.discard()


def encoder_arguments(kind: str, pad_color: str) -> list[str]:
    """ffmpeg output options: H.264 yuv420p MP4, or a GIF with a palette made for the whole run."""
    if kind == "mp4":
        pad = f"pad=ceil(iw/2)*2:ceil(ih/2)*2:color={pad_color}"  # yuv420p needs even sizes: pad, never scale
        return ["-vcodec", "libx264", "-pix_fmt", "yuv420p", "-vf", pad, "-preset", "veryfast", "-crf", "20",
                "-movflags", "+faststart", "-f", "mp4"]
    return ["-vcodec", "gif", "-pix_fmt", "pal8",
            "-filter_complex", "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3",
            "-loop", "0", "-f", "gif"]


class FfmpegWriter(FrameWriter):
    """GIF or MP4 through the ffmpeg of imageio-ffmpeg, frames piped as raw BGRA."""

    def __init__(self, target: Path, size, fps, kind: str, pad_color: str = "white"):
        super().__init__(target, size, fps)
        self.kind = kind
        self.staged = StagedFile(self.target, suffix="." + kind)
        try:
            self.encoder = FfmpegPipe(encoder_arguments(kind, pad_color), str(self.staged.path), size, fps,
                                      label=str(self.target))
        except BaseException:
            self.staged.discard()
            raise
        # frames are piped from a thread, so the next frame renders while ffmpeg takes this one
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._pipe, name="nnviz-encoder", daemon=True)
        self._thread.start()

    def _pipe(self) -> None:
        while (image := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.encoder.write(qimage_bgra(image))
                except Exception as exc:  # noqa: BLE001 - ffmpeg stopped (closed pipe), or a bad frame:
                    self._error = exc  # kept for _write/close; the thread must live on, or put() blocks

    def _write(self, image: QImage) -> None:
        if self._error is not None:  # ffmpeg stopped early: its own message says why
            self._finish_thread()
            self.encoder.finish()
            raise NnvizError(f"{self.target}: the encoder stopped ({self._error})")
        with deferred_stops():  # a stop raised inside put() could leave the queue's lock held
            self._queue.put(image)

    def _finish_thread(self) -> None:
        with deferred_stops():  # the same for put() and join(): the frames in flight are few
            if self._thread.is_alive():
                self._queue.put(None)
                self._thread.join()

    def close(self) -> Path:
        """Wait for ffmpeg; only a clean exit and a whole file are renamed into place."""
        try:
            self._finish_thread()
            self.encoder.finish()
            if self._error is not None:
                raise NnvizError(f"{self.target}: the encoder stopped ({self._error})")
            problem = incomplete(self.staged.path, self.kind)
            if problem is not None:
                raise NnvizError(f"{self.target}: {problem}")
        except BaseException:
            self.abort()
            raise
        return self.staged.commit()

    def abort(self) -> None:
        self.encoder.kill()  # first: a thread blocked on a full pipe is released
        self._finish_thread()
        self.staged.discard()


def make_writer(fmt: str, target: Path, size: tuple[int, int], fps: float, transparent: bool = False,
                background: str = "white") -> FrameWriter:
    if fmt == "png":
        return PngSequenceWriter(target, size, fps, transparent)
    if fmt in ("gif", "mp4"):
        return FfmpegWriter(target, size, fps, fmt, pad_color=background)
    raise NnvizError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}, svg")
