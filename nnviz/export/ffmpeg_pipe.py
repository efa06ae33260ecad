"""One ffmpeg process that encodes raw frames from a pipe into a file, and reports honestly.

    pipe = FfmpegPipe(["-vcodec", "libx264", …], "out.tmp.mp4", size=(1280, 720), fps=30)
    pipe.write(bgra_bytes)   # width × height × 4 bytes per frame
    pipe.finish()            # waits; NnvizError with ffmpeg's own last line unless it exited 0
    pipe.kill()              # on cancel or error: the process is gone before this returns

The ffmpeg is the one bundled with imageio-ffmpeg, started here rather than through its
``write_frames`` generator because that generator ignores ffmpeg's exit status (a full
disk gave a broken file and no error) and lets ffmpeg print to the terminal. Here:

- ffmpeg's messages go to an unnamed temporary file; on failure the full command and
  output are logged (logger ``nnviz.export.ffmpeg_pipe``) and the user sees one line;
- a nonzero exit status (or death by a signal) is an error, never a finished file;
- on Linux ffmpeg gets SIGKILL when nnviz dies (prctl PR_SET_PDEATHSIG), so a killed
  export does not leave an encoder writing on; it runs in its own process group, so a
  Ctrl+C in the terminal reaches nnviz only, which then stops it (``kill``).
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from fractions import Fraction

from nnviz.engine.errors import NnvizError

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent():
    """A preexec_fn for Linux: SIGKILL this child when the parent dies; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork: the child only calls it
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:
        os.setpgrp()  # Ctrl+C in the terminal reaches nnviz only; nnviz then stops ffmpeg
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return in_child


def ffmpeg_command(output_args: list[str], path: str, size: tuple[int, int], fps: float) -> list[str]:
    """ffmpeg reading raw BGRA frames of ``size`` from stdin at ``fps``, writing ``path``."""
    import imageio_ffmpeg

    rate = str(Fraction(fps).limit_denominator())
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error",
            "-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{size[0]}x{size[1]}", "-pix_fmt", "bgra",
            "-r", rate, "-i", "-", "-an", *output_args, path]


class FfmpegPipe:
    """A running ffmpeg writing ``path``; ``label`` (the user's name for the output) names it in messages."""

    def __init__(self, output_args: list[str], path: str, size: tuple[int, int], fps: float, label: str):
        self.label = label
        self.path = path
        try:
            self.command = ffmpeg_command(output_args, path, size, fps)
        except RuntimeError as exc:  # imageio-ffmpeg found no ffmpeg binary
            raise NnvizError(f"{label}: no encoder: {exc}") from None
        self._messages = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as ffmpeg; unlinked at once
        preexec = _die_with_parent()
        try:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                            stderr=self._messages,
                                            preexec_fn=preexec)  # noqa: PLW1509 - two async-signal-safe calls
        except OSError as exc:
            self._messages.close()
            raise NnvizError(f"{label}: cannot start the encoder ffmpeg ({exc.strerror or exc})") from None

    def write(self, frame) -> None:
        """Send one frame; OSError (a broken pipe) when ffmpeg has stopped."""
        self.process.stdin.write(frame)

    def finish(self) -> None:
        """Close the input, wait for ffmpeg, and raise NnvizError unless it exited with 0."""
        try:
            self.process.stdin.close()
        except OSError:
            pass  # it stopped early: its exit status and messages say why
        status = self.process.wait()
        output = self._read_messages()
        if status != 0:
            log.info("ffmpeg failed (%s)\ncommand: %s\noutput:\n%s", _describe(status),
                     shlex.join(self.command), output)
            cause = _first_line(output).replace(self.path, self.label) or _describe(status)
            raise NnvizError(f"{self.label}: the encoder failed: {cause}")

    def kill(self) -> None:
        """Stop ffmpeg now (cancel, error, Ctrl+C, SIGTERM); safe to call more than once."""
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait()
        self._messages.close()

    def _read_messages(self) -> str:
        self._messages.seek(0)
        text = self._messages.read().decode("utf-8", "replace")
        self._messages.close()
        return text


def _describe(status: int) -> str:
    if status < 0:  # e.g. SIGXFSZ: "File size limit exceeded"
        return f"ffmpeg was stopped: {signal.strsignal(-status) or f'signal {-status}'}"
    return f"ffmpeg exit status {status}"


def _first_line(output: str) -> str:
    """ffmpeg's first message (the cause; later ones are consequences), without its
    "[out#0/mp4 @ 0x…]" source tag."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if first.startswith("[") and "] " in first:
        first = first.split("] ", 1)[1]
    return first
