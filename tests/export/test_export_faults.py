"""Exports under faults: an encoder that fails or lies at the end, a real file-size limit
(RLIMIT_FSIZE, the "disk full" a process can cause without root), SIGTERM/SIGHUP and kill -9
mid-export, leftovers of dead processes; and the still formats (a real one-frame GIF,
exactly the asked size).

In every failure: one line on stderr (exit 2), no file under the target name, an older
file there kept as it was (also with --force), no temporary entry left behind.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from nnviz.cli import main
from nnviz.engine.errors import NnvizError
from nnviz.export import ffmpeg_pipe, writers
from nnviz.export.exporter import run_export, validate
from nnviz.export.scene import ExportScene
from nnviz.export.sources import ExportSpec

GOOD = b"a good older export\n"
TEMP = re.compile(r"^\..+\.tmp")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("NNVIZ_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    yield
    QApplication.processEvents()
    for w in QApplication.topLevelWidgets():
        if isinstance(w, ExportScene) and w.isVisible():
            w.close()


@pytest.fixture
def outdir(tmp_path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def make_spec(out: Path, **kwargs) -> ExportSpec:
    return ExportSpec(**{"out": out, "fmt": "mp4", "size": (160, 120), "fps": 10.0, "epochs": 1, "every": 10,
                         **kwargs})


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def wrap_ffmpeg(monkeypatch, script: str) -> None:
    """Run the real ffmpeg command inside ``sh -c script`` ("$@" is the command)."""
    real = ffmpeg_pipe.ffmpeg_command
    monkeypatch.setattr(ffmpeg_pipe, "ffmpeg_command", lambda *args: ["sh", "-c", script, "sh", *real(*args)])


def headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONWARNINGS"] = "error"
    return env


def final_line(stderr: str) -> str:
    """The last line of stderr after the progress bar ('\\r' updates); no traceback, no ffmpeg dump."""
    assert "Traceback" not in stderr
    assert "ffmpeg -" not in stderr and "FFMPEG" not in stderr and "@ 0x" not in stderr, stderr
    lines = [seg for seg in re.split(r"[\r\n]", stderr) if seg.strip()]
    return lines[-1]


# --------------------------------------------------------------------------- the encoder's result

@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_an_encoder_exit_status_fails_the_export_and_keeps_the_old_file(outdir, monkeypatch, fmt):
    """ffmpeg writes a whole file but exits 1 (as it does on a full disk): not published."""
    out = outdir / f"run.{fmt}"
    out.write_bytes(GOOD)
    wrap_ffmpeg(monkeypatch, '"$@"; exit 1')
    with pytest.raises(NnvizError, match=re.escape(f"{out}: the encoder failed: ffmpeg exit status 1")):
        run_export(make_spec(out, fmt=fmt, force=True))
    assert out.read_bytes() == GOOD
    assert names(outdir) == [out.name]


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_a_truncated_file_with_exit_status_0_is_refused(outdir, monkeypatch, fmt):
    out = outdir / f"run.{fmt}"
    out.write_bytes(GOOD)
    wrap_ffmpeg(monkeypatch, '"$@" || exit; for last; do :; done; truncate -s 3000 "$last"')
    with pytest.raises(NnvizError, match=f"incomplete {fmt.upper()} file"):
        run_export(make_spec(out, fmt=fmt, force=True))
    assert out.read_bytes() == GOOD
    assert names(outdir) == [out.name]


def test_an_encoder_error_is_one_line_and_the_details_go_to_the_log(outdir, monkeypatch, capfd, caplog):
    monkeypatch.setattr(writers, "encoder_arguments", lambda kind, pad: ["-vcodec", "no_such_codec", "-f", "mp4"])
    caplog.set_level(logging.INFO, logger="nnviz.export.ffmpeg_pipe")
    out = outdir / "run.mp4"
    code = main(["export", "--default", "--epochs", "1", "--every", "10", "--size", "160x120",
                 "--format", "mp4", "--out", str(out)])
    err = capfd.readouterr().err
    assert code == 2
    assert final_line(err) == f"nnviz export: {out}: the encoder failed: Unknown encoder 'no_such_codec'"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "no_such_codec" in logged and "-f rawvideo" in logged and "Unknown encoder" in logged
    assert names(outdir) == []


@pytest.mark.parametrize("fmt, extra", [("mp4", []), ("gif", []), ("svg", ["--still"]), ("png", ["--still"])])
def test_a_real_file_size_limit_is_one_line_and_keeps_the_old_file(outdir, fmt, extra):
    """RLIMIT_FSIZE in the export's process (inherited by ffmpeg): every write past 20 kB fails."""
    out = outdir / f"run.{fmt}"
    out.write_bytes(GOOD)
    script = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
        from nnviz.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    done = subprocess.run([sys.executable, "-c", script, "export", "--default", "--epochs", "3", "--every", "5",
                           "--size", "640x480", "--format", fmt, *extra, "--out", str(out), "--force"],
                          check=False, capture_output=True, text=True, timeout=300, env=headless_env())
    assert done.returncode == 2, done.stderr
    line = final_line(done.stderr)
    assert line.startswith(f"nnviz export: {out}: ")
    assert "File too large" in line or "File size limit exceeded" in line, line
    assert done.stdout == ""
    assert out.read_bytes() == GOOD
    assert names(outdir) == [out.name]


def test_a_png_frame_that_cannot_be_written_fails_the_export(outdir, monkeypatch):
    """QImage.save(path) ignores a failed flush; frames are written with every write checked."""
    import errno

    real, calls = os.close, []

    def close_fails_for_the_third_frame(fd):
        real(fd)
        calls.append(fd)
        if len(calls) == 4:  # the staging folder's probe, then frames 1, 2, 3
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "close", close_fails_for_the_third_frame)
    with pytest.raises(NnvizError, match=r"frame_0000\d.png \(No space left on device\)"):
        run_export(make_spec(outdir / "frames", fmt="png"))
    monkeypatch.undo()
    assert names(outdir) == []


# --------------------------------------------------------------------------- stills

@pytest.mark.parametrize("view", ["canvas", "boundary", "full"])
@pytest.mark.parametrize("fmt", ["png", "gif"])
def test_a_still_has_exactly_the_asked_size_and_format(outdir, view, fmt):
    out = outdir / f"still.{fmt}"
    run_export(make_spec(out, fmt=fmt, still=True, view=view, size=(320, 240)))
    head = out.read_bytes()[:6]
    assert head == (b"GIF89a" if fmt == "gif" else b"\x89PNG\r\n")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (320, 240)
    assert names(outdir) == [out.name]


def test_an_svg_still_of_the_canvas_has_the_asked_size(outdir):
    out = outdir / "net.svg"
    run_export(make_spec(out, fmt="svg", still=True, view="canvas", size=(320, 240)))
    assert 'viewBox="0 0 320 240"' in out.read_text()


def test_a_still_mp4_is_refused(outdir):
    with pytest.raises(NnvizError, match="a still is a picture"):
        run_export(make_spec(outdir / "still.mp4", fmt="mp4", still=True))
    assert names(outdir) == []


@pytest.mark.parametrize(("fmt", "still"), [("gif", False), ("mp4", False), ("svg", True), ("png", True)])
def test_a_file_export_onto_a_folder_is_refused_before_rendering(outdir, fmt, still):
    """--force may replace an earlier PNG sequence's folder, never turn a folder into a file:
    refused up front, not after the whole run has been rendered."""
    folder = outdir / f"clip.{fmt}"
    folder.mkdir()
    (folder / "frame_00000.png").write_bytes(b"kept")
    with pytest.raises(NnvizError, match="is a folder; name a file"):
        validate(make_spec(folder, fmt=fmt, still=still, force=True))
    assert (folder / "frame_00000.png").read_bytes() == b"kept"


# --------------------------------------------------------------------------- kills

def children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def encoders(pid: int) -> list[int]:
    """The running ffmpeg encoders among ``pid``'s children (not e.g. a short ``ffmpeg -version``)."""
    found = []
    for child in children(pid):
        try:
            if b"rawvideo" in Path(f"/proc/{child}/cmdline").read_bytes() and running(child):
                found.append(child)
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for(condition, what: str, limit: float = 120.0):
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def start_long_export(outdir: Path, fmt: str, out: Path, *extra: str) -> subprocess.Popen:
    """An export of thousands of frames, stopped once it is under way (its temporary entry exists)."""
    process = subprocess.Popen([sys.executable, "-m", "nnviz", "export", "--default", "--epochs", "500",
                                "--every", "1", "--size", "160x120", "--format", fmt, "--out", str(out), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=headless_env())

    def under_way() -> bool:
        assert process.poll() is None, process.communicate()
        temps = [p for p in outdir.iterdir() if TEMP.match(p.name) and "probe" not in p.name]
        if not temps:
            return False
        if fmt == "png":
            return len(list(temps[0].glob("frame_*.png"))) >= 3
        return bool(encoders(process.pid))  # ffmpeg takes frames

    wait_for(under_way, "the export to start")
    return process


@pytest.mark.parametrize("signum, fmt, said", [
    (signal.SIGTERM, "mp4", "stopped by SIGTERM"),
    (signal.SIGHUP, "gif", "stopped by SIGHUP"),
    (signal.SIGTERM, "png", "stopped by SIGTERM"),
    (signal.SIGINT, "mp4", "interrupted"),  # Ctrl+C (to nnviz alone: ffmpeg has its own process group)
])
def test_sigterm_sighup_and_ctrl_c_clean_up_alike(outdir, signum, fmt, said):
    out = outdir / ("frames" if fmt == "png" else f"run.{fmt}")
    if fmt != "png":
        out.write_bytes(GOOD)
    process = start_long_export(outdir, fmt, out, "--force")
    ffmpegs = encoders(process.pid)
    assert ffmpegs or fmt == "png"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 128 + signum
    assert final_line(stderr) == f"nnviz export: {said}; nothing was written"
    assert names(outdir) == ([] if fmt == "png" else [out.name])
    if fmt != "png":
        assert out.read_bytes() == GOOD
    assert not [pid for pid in ffmpegs if running(pid)], "ffmpeg outlived the export"


def test_after_kill_9_ffmpeg_dies_and_the_next_export_sweeps_the_leftover(outdir):
    process = start_long_export(outdir, "gif", outdir / "run.gif")
    ffmpegs = encoders(process.pid)
    assert ffmpegs
    process.kill()
    process.communicate(timeout=60)
    wait_for(lambda: not any(running(pid) for pid in ffmpegs), "ffmpeg to die with its parent", 30)
    leftovers = [name for name in names(outdir) if TEMP.match(name)]
    assert leftovers and all(f".{process.pid}." in name for name in leftovers)  # the pid is in the name

    run_export(make_spec(outdir / "next.png", fmt="png", still=True))
    assert names(outdir) == ["next.png"]
