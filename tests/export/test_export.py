"""Tests for ``nnviz export``: every format written headless at small sizes and read back.

* in-process through ``run_export(ExportSpec(...))`` and ``nnviz.cli.main([...])``, and a
  few real subprocesses with no DISPLAY and no QT_QPA_PLATFORM (the command has to choose
  the offscreen platform itself);
* PNG sequences, GIF and MP4 are read back (frame count, size, fps, codec) and their first
  frame is compared with the scene rendered directly, and the canvas part of it with the
  app window's own canvas showing the same parameters (one drawing path);
* determinism (byte-identical PNG frames), safety (no overwrite without --force, a
  cancelled or failed export leaves nothing, not even a temporary file), bad input (one
  line on stderr, exit 2, no traceback).

Sizes are tiny and runs short (one epoch, a frame every 10 steps) so the file stays fast.
"""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

import imageio_ffmpeg  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.cli import main  # noqa: E402
from nnviz.engine.errors import NnvizError  # noqa: E402
from nnviz.export.exporter import ExportCancelled, make_scene, run_export  # noqa: E402
from nnviz.export.scene import ExportScene  # noqa: E402
from nnviz.export.sources import (  # noqa: E402
    ExportSpec,
    build_training,
    frame_count,
    frames,
    lesson_frames_per_step,
)

REPO = Path(__file__).resolve().parents[2]
SMALL = (160, 120)
ODD = (161, 121)
SVG_NS = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, qapp):
    """Own settings file; QT_QPA_PLATFORM restored after the CLI sets it; no scene left open."""
    monkeypatch.setenv("NNVIZ_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    yield
    QApplication.processEvents()
    open_scenes = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportScene) and w.isVisible()]
    for w in open_scenes:
        w.close()
    assert not open_scenes, "an export left its scene open"


@pytest.fixture
def outdir(tmp_path) -> Path:
    """An empty folder for the exports, so its listing shows any leftover."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def scenes():
    """Scenes a test builds itself (to render a reference frame); closed afterwards."""
    made: list[ExportScene] = []
    yield made
    for scene in made:
        scene.dispose()
    QApplication.processEvents()


# --------------------------------------------------------------------------- helpers

def make_spec(out: Path, **kwargs) -> ExportSpec:
    """A small, short export: the default problem, one epoch, a frame every 10 steps."""
    base = dict(out=out, fmt="png", size=SMALL, fps=10.0, epochs=1, every=10)
    base.update(kwargs)
    return ExportSpec(**base)


def first_frame(spec: ExportSpec, scenes: list) -> tuple[ExportScene, QImage]:
    """The scene an export builds, at the first frame of its source, and that frame rendered."""
    scene = make_scene(spec)
    scenes.append(scene)
    source = frames(spec, scene)
    next(source)
    return scene, scene.render_frame()


def bgra(image: QImage) -> np.ndarray:
    """(H, W, 4) uint8 BGRA copy of any QImage (straight, not premultiplied, alpha)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    return rows[:, : 4 * w].reshape(h, w, 4).copy()


def rgb(image: QImage) -> np.ndarray:
    return bgra(image)[:, :, 2::-1].astype(np.int16)


def leftovers(folder: Path) -> list[str]:
    """Temporary entries an export may create beside its target (.NAME.xxxx.tmp…, probes)."""
    return sorted(p.name for p in folder.iterdir()
                  if re.match(r"^\..+\.tmp", p.name) or p.name.startswith(".nnviz-probe."))


def png_frames(folder: Path) -> list[Path]:
    return sorted(folder.glob("frame_*.png"))


def read_video(path: Path) -> tuple[dict, list[np.ndarray]]:
    """imageio-ffmpeg's metadata and every decoded frame as (H, W, 3) RGB.

    read_frames does not close its pipes when ffmpeg has already exited by the time the
    generator finishes (imageio-ffmpeg 0.6), which is a ResourceWarning (an error here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        reader = imageio_ffmpeg.read_frames(str(path))
        meta = next(reader)
        w, h = meta["size"]
        decoded = [np.frombuffer(buf, np.uint8).reshape(h, w, 3).astype(np.int16) for buf in reader]
        del reader
        gc.collect()
    return meta, decoded


def ffmpeg_stream_line(path: Path) -> str:
    """The 'Stream #0:0: Video: …' line of ``ffmpeg -i path`` (codec, pixel format, size, fps)."""
    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            capture_output=True, text=True, timeout=30)
    lines = [line for line in result.stderr.splitlines() if "Stream #" in line and "Video:" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``nnviz argv`` in-process."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    """stderr of a failed command: exactly one line, no traceback, no progress-bar residue."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "\r" not in lines[0], f"progress-bar residue on stderr: {err!r}"
    assert lines[0].startswith("nnviz export: "), err
    return lines[0]


def headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONWARNINGS"] = "error"
    return env


def run_subprocess(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnviz", "export", *args], capture_output=True, text=True,
                          timeout=120, env=headless_env(), cwd=cwd)


def default_args(out: Path, *extra: str) -> list[str]:
    return ["export", "--default", "--epochs", "1", "--every", "10", "--size", "160x120", "--fps", "10",
            "--out", str(out), *extra]


# --------------------------------------------------------------------------- PNG sequence

def test_png_sequence_frames_sizes_and_first_frame(outdir, scenes):
    spec = make_spec(outdir / "frames")
    calls = []
    path = run_export(spec, progress=lambda done, total: calls.append((done, total)))

    assert path == spec.out and path.is_dir()
    files = png_frames(path)
    n = frame_count(spec)
    assert n == 1 + 3  # 25 batches of 10 per epoch, a frame every 10 steps: 0, 10, 20, 25
    assert [f.name for f in files] == [f"frame_{i:05d}.png" for i in range(1, n + 1)]
    assert sorted(p.name for p in path.iterdir()) == [f.name for f in files]  # nothing else in it
    assert calls == [(i, n) for i in range(1, n + 1)]
    images = [QImage(str(f)) for f in files]
    assert all((im.width(), im.height()) == SMALL for im in images)
    assert leftovers(outdir) == []

    _, reference = first_frame(spec, scenes)
    assert np.array_equal(bgra(images[0]), bgra(reference))
    assert not np.array_equal(bgra(images[0]), bgra(images[-1]))  # it trains: the frames change


def test_first_frame_canvas_equals_the_app_windows_canvas(outdir, scenes, qtbot):
    """Export and window draw the canvas through the same code: same parameters, same size,
    same pixels. Here at a size where the canvas is not clipped (it has a minimum size)."""
    from nnviz.ui.main_window import MainWindow

    spec = make_spec(outdir / "frames", size=(640, 360), every=1000)  # 2 frames: start and end of epoch
    run_export(spec)
    exported = QImage(str(png_frames(spec.out)[0]))

    scene, reference = first_frame(spec, scenes)
    assert np.array_equal(bgra(exported), bgra(reference))
    geometry = scene.canvas.geometry()
    assert scene.rect().contains(geometry)
    canvas_in_frame = exported.copy(geometry)
    assert np.array_equal(bgra(canvas_in_frame), bgra(scene.canvas.grab().toImage()))

    window = MainWindow()
    qtbot.addWidget(window)
    try:
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        trainer = build_training(spec)
        assert tuple(window.controller.network.layers) == tuple(trainer.network.layers)
        window.views.show_params(trainer.snapshot().params)
        window.canvas.setFixedSize(geometry.size())
        QApplication.processEvents()
        assert window.canvas.size() == geometry.size()
        app_canvas = window.canvas.grab().toImage()
        assert np.array_equal(bgra(app_canvas), bgra(canvas_in_frame))
    finally:
        window.controller.shutdown()
        window.close()


def test_transparent_png_has_transparent_corners(outdir):
    """--transparent: nothing is painted behind the network (the canvas layout; plots stay opaque)."""
    spec = make_spec(outdir / "frames", transparent=True, layout="canvas")
    run_export(spec)
    pixels = bgra(QImage(str(png_frames(spec.out)[0])))
    assert pixels.shape[:2] == (SMALL[1], SMALL[0])
    corners = pixels[[0, 0, -1, -1], [0, -1, 0, -1], 3]
    assert list(corners) == [0, 0, 0, 0]
    assert pixels[..., 3].max() == 255  # the network itself is drawn opaque


# --------------------------------------------------------------------------- GIF and MP4

def test_gif_reads_back_with_size_fps_and_frames(outdir, scenes):
    spec = make_spec(outdir / "run.gif", fmt="gif")
    assert run_export(spec) == spec.out
    meta, decoded = read_video(spec.out)
    assert meta["size"] == SMALL
    assert meta["fps"] == pytest.approx(10.0)
    assert len(decoded) == frame_count(spec)
    assert "gif" in ffmpeg_stream_line(spec.out)
    _, reference = first_frame(spec, scenes)
    assert np.abs(decoded[0] - rgb(reference)).mean() < 6  # 256-colour palette, dithered
    assert leftovers(outdir) == []


def test_mp4_is_h264_yuv420p_and_pads_odd_sizes(outdir, scenes):
    spec = make_spec(outdir / "run.mp4", fmt="mp4", size=ODD)
    assert run_export(spec) == spec.out
    meta, decoded = read_video(spec.out)
    assert meta["size"] == (162, 122)  # yuv420p needs even sizes: padded by one pixel
    assert meta["fps"] == pytest.approx(10.0)
    assert meta["codec"] == "h264"
    assert meta["pix_fmt"].startswith("yuv420p")
    stream = ffmpeg_stream_line(spec.out)
    assert "h264" in stream and "yuv420p" in stream and "162x122" in stream
    assert len(decoded) == frame_count(spec)
    _, reference = first_frame(spec, scenes)
    picture = decoded[0][: ODD[1], : ODD[0]]  # the padding is outside the picture
    assert np.abs(picture - rgb(reference)).mean() < 4  # lossy (crf 20, chroma subsampled)
    assert leftovers(outdir) == []


# --------------------------------------------------------------------------- stills

@pytest.mark.parametrize("view", ["canvas", "loss"])
def test_svg_still_is_svg_xml(outdir, view):
    spec = make_spec(outdir / f"{view}.svg", fmt="svg", still=True, view=view, size=(320, 240))
    assert run_export(spec) == spec.out
    root = ET.parse(spec.out).getroot()
    assert root.tag == f"{SVG_NS}svg"
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and 0 < w <= 320 and 0 < h <= 240
    if view == "canvas":  # the canvas alone fills the width (a caption line is below it)
        assert w == 320
    assert len(list(root.iter())) > 10  # something was drawn
    assert leftovers(outdir) == []


@pytest.mark.parametrize("view", ["canvas", "boundary", "loss", "full"])
def test_png_still_views(outdir, view):
    spec = make_spec(outdir / f"{view}.png", still=True, view=view, size=(320, 240))
    assert run_export(spec) == spec.out
    image = QImage(str(spec.out))
    assert not image.isNull()
    if view == "full":
        assert (image.width(), image.height()) == (320, 240)
    else:  # one view: the size that view has in the scene
        assert 0 < image.width() <= 320 and 0 < image.height() <= 240
        if view == "canvas":
            assert image.width() == 320
    assert leftovers(outdir) == []


def test_full_still_is_the_last_frame_of_the_run(outdir):
    """A still shows the final state, drawn exactly like the last frame of the sequence.

    At 854×480 (the 480p preset): where the plot column is squeezed to its minimum
    (below ~800 px wide), pyqtgraph re-fits an axis during the first paint, so the first
    render of a plot and a second one differ by a few pixels."""
    spec = make_spec(outdir / "frames", size=(854, 480))
    run_export(spec)
    still = run_export(replace(spec, out=outdir / "still.png", still=True, view="full"))
    assert np.array_equal(bgra(QImage(str(still))), bgra(QImage(str(png_frames(spec.out)[-1]))))


# --------------------------------------------------------------------------- determinism

def test_png_sequence_is_byte_identical_run_to_run(outdir):
    a = run_export(make_spec(outdir / "a"))
    b = run_export(make_spec(outdir / "b"))
    files_a, files_b = png_frames(a), png_frames(b)
    assert [f.name for f in files_a] == [f.name for f in files_b] and files_a
    for fa, fb in zip(files_a, files_b):
        assert fa.read_bytes() == fb.read_bytes(), fa.name


def test_phase_frames_are_deterministic_too(outdir):
    a = run_export(make_spec(outdir / "a", phases=True, fps=4))
    b = run_export(make_spec(outdir / "b", phases=True, fps=4))
    assert [f.read_bytes() for f in png_frames(a)] == [f.read_bytes() for f in png_frames(b)]


# --------------------------------------------------------------------------- safety

@pytest.mark.parametrize("fmt, name", [("mp4", "run.mp4"), ("png", "frames")])
def test_existing_target_needs_force(outdir, fmt, name):
    out = outdir / name
    if fmt == "png":
        out.mkdir()
        (out / "keep.txt").write_text("old")
    else:
        out.write_bytes(b"old")
    spec = make_spec(out, fmt=fmt, every=100)
    with pytest.raises(NnvizError, match="--force"):
        run_export(spec)
    assert (out / "keep.txt").read_text() == "old" if fmt == "png" else out.read_bytes() == b"old"
    assert leftovers(outdir) == []

    if fmt == "png":  # --force replaces an earlier export, never a folder of other files
        with pytest.raises(NnvizError, match="other files"):
            run_export(replace(spec, force=True))
        assert (out / "keep.txt").read_text() == "old"
        (out / "keep.txt").unlink()
        (out / "frame_00001.png").write_bytes(b"an earlier export")
    assert run_export(replace(spec, force=True)) == out
    if fmt == "png":
        assert len(png_frames(out)) == frame_count(spec)
    else:
        assert len(read_video(out)[1]) == frame_count(spec)
    assert leftovers(outdir) == []


@pytest.mark.parametrize("fmt, name", [("png", "frames"), ("gif", "run.gif"), ("mp4", "run.mp4")])
def test_cancel_leaves_nothing(outdir, fmt, name):
    spec = make_spec(outdir / name, fmt=fmt, every=2)  # 14 frames
    done = []
    with pytest.raises(ExportCancelled):
        run_export(spec, progress=lambda d, t: done.append(d), cancelled=lambda: len(done) >= 2)
    assert done == [1, 2]
    assert list(outdir.iterdir()) == []


def test_cancel_keeps_the_file_it_would_have_replaced(outdir):
    out = outdir / "run.mp4"
    out.write_bytes(b"old")
    with pytest.raises(ExportCancelled):
        run_export(make_spec(out, fmt="mp4", force=True), cancelled=lambda: True)
    assert out.read_bytes() == b"old"
    assert leftovers(outdir) == []


@pytest.mark.parametrize("fmt, name", [("png", "frames"), ("mp4", "run.mp4")])
def test_failing_render_leaves_nothing(outdir, monkeypatch, fmt, name):
    original = ExportScene.render_frame
    rendered = []

    def render_then_fail(self):
        if len(rendered) == 2:
            raise RuntimeError("render failed")
        rendered.append(1)
        return original(self)

    monkeypatch.setattr(ExportScene, "render_frame", render_then_fail)
    with pytest.raises(RuntimeError, match="render failed"):
        run_export(make_spec(outdir / name, fmt=fmt, every=2))
    assert list(outdir.iterdir()) == []


def test_full_disk_is_one_clear_error_and_leaves_nothing(outdir, monkeypatch):
    import errno

    written = []

    def write_until_full(fd, data):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(1)
        return original(fd, data)

    original = os.write
    monkeypatch.setattr(os, "write", write_until_full)
    with pytest.raises(NnvizError, match="frame_00003.png.*No space left on device"):
        run_export(make_spec(outdir / "frames"))
    assert list(outdir.iterdir()) == []


@pytest.mark.parametrize("fmt, name", [("mp4", "run.mp4"), ("svg", "net.svg")])
def test_forced_file_over_a_folder_is_one_clear_error(outdir, fmt, name):
    """--force with a file format whose target is a folder: an NnvizError, not an OSError
    traceback, and no temporary file left behind; the folder is untouched."""
    out = outdir / name
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(NnvizError, match=re.escape(str(out))):
        run_export(make_spec(out, fmt=fmt, still=fmt == "svg", every=100, force=True))
    assert (out / "keep.txt").read_text() == "mine"
    assert leftovers(outdir) == []


@pytest.mark.parametrize("change, message", [
    (dict(size=(10, 10)), "between 64 and 4096"),
    (dict(size=(5000, 100)), "between 64 and 4096"),
    (dict(fps=0), "fps"),
    (dict(fmt="mp4", transparent=True), "transparent"),
    (dict(fmt="webm"), "format"),
    (dict(epochs=0), "epochs"),
    (dict(every=0), "every"),
    (dict(hold=0), "hold"),
    (dict(view="nope"), "view"),
])
def test_bad_spec_is_rejected_before_any_work(outdir, change, message):
    with pytest.raises(NnvizError, match=message):
        run_export(make_spec(outdir / "out", **change))
    assert list(outdir.iterdir()) == []


def test_missing_folder_and_a_file_as_folder(outdir):
    with pytest.raises(NnvizError, match="does not exist"):
        run_export(make_spec(outdir / "missing" / "run.mp4", fmt="mp4"))
    blocker = outdir / "a_file"
    blocker.write_text("x")
    with pytest.raises(NnvizError, match="a_file"):
        run_export(make_spec(blocker / "run.mp4", fmt="mp4"))
    assert sorted(p.name for p in outdir.iterdir()) == ["a_file"]


def test_unwritable_folder(outdir, monkeypatch):
    """A folder we may not write in (simulated: root ignores permission bits) is one clear message."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(NnvizError, match="cannot write in"):
        run_export(make_spec(outdir / "run.mp4", fmt="mp4"))
    assert list(outdir.iterdir()) == []


def test_broken_model_file(outdir, tmp_path):
    model = tmp_path / "broken.json"
    model.write_text("{not json")
    with pytest.raises(NnvizError, match="broken.json"):
        run_export(make_spec(outdir / "run.mp4", fmt="mp4", source="model", model=str(model)))
    assert list(outdir.iterdir()) == []


# --------------------------------------------------------------------------- the command, in-process

def test_cli_png_sequence_prints_the_path(outdir, capsys):
    out = outdir / "frames"
    code, stdout, stderr = run_cli(default_args(out, "--format", "png"), capsys)
    assert code == 0, stderr
    assert stdout.splitlines() == [str(out)]
    assert "frame" in stderr and "100%" in stderr  # the progress bar
    assert len(png_frames(out)) == frame_count(make_spec(out))
    assert leftovers(outdir) == []


def test_cli_lesson_every_step_held(outdir, capsys):
    from nnviz.lessons.catalog import find_lesson

    out = outdir / "lesson"
    code, stdout, stderr = run_cli(["export", "--lesson", "perceptron", "--hold", "0.2", "--fps", "5",
                                    "--format", "png", "--size", "200x150", "--out", str(out)], capsys)
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    steps = len(find_lesson("perceptron").steps)
    per_step = lesson_frames_per_step(make_spec(out, hold=0.2, fps=5.0))
    assert per_step == round(0.2 * 5)
    files = png_frames(out)
    assert len(files) == steps * per_step
    assert all((QImage(str(f)).width(), QImage(str(f)).height()) == (200, 150) for f in files)


def test_cli_phases_frame_count(outdir, capsys):
    out = outdir / "phases"
    code, stdout, stderr = run_cli(default_args(out, "--phases", "--fps", "5", "--format", "png"), capsys)
    assert code == 0, stderr
    files = png_frames(out)
    phase_seconds = ExportSpec(out=out).phase_seconds
    assert len(files) == 3 * round(phase_seconds * 5)
    pixels = [bgra(QImage(str(f))) for f in files]
    assert not np.array_equal(pixels[0], pixels[5])  # forward, then backward: the picture changes


def test_cli_still_svg(outdir, capsys):
    out = outdir / "net.svg"
    code, stdout, stderr = run_cli(default_args(out, "--format", "svg"), capsys)
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    assert ET.parse(out).getroot().tag == f"{SVG_NS}svg"


@pytest.mark.parametrize("args, message", [
    (["--default", "--format", "png", "--size", "12x"], "size '12x'"),
    (["--default", "--format", "png", "--size", "10x10"], "between 64 and 4096"),
    (["--default", "--format", "mp4", "--fps", "0"], "fps"),
    (["--default", "--format", "mp4", "--transparent"], "transparent"),
    (["--lesson", "no-such-lesson", "--format", "png"], "no-such-lesson"),
    (["--default", "--format", "webm"], "invalid choice"),
    (["--default", "--model", "m.json", "--format", "png"], "not allowed"),
])
def test_cli_bad_input_is_one_line_exit_2(outdir, capsys, args, message):
    code, stdout, stderr = run_cli(["export", *args, "--out", str(outdir / "out")], capsys)
    assert code == 2
    assert message in error_line(stderr)
    assert stdout == ""
    assert list(outdir.iterdir()) == []


def test_cli_broken_model_is_one_line(outdir, tmp_path, capsys):
    model = tmp_path / "broken.json"
    model.write_text("{not json")
    code, stdout, stderr = run_cli(["export", "--model", str(model), "--format", "png", "--size", "160x120",
                                    "--out", str(outdir / "out")], capsys)
    assert code == 2
    assert "broken.json" in error_line(stderr)
    assert list(outdir.iterdir()) == []


def test_cli_bad_paths(outdir, capsys):
    blocker = outdir / "a_file"
    blocker.write_text("x")
    for out, message in [(outdir / "missing" / "run.mp4", "does not exist"), (blocker / "run.mp4", "a_file")]:
        code, _, stderr = run_cli(default_args(out, "--format", "mp4"), capsys)
        assert code == 2
        assert message in error_line(stderr)
    existing = outdir / "old.mp4"
    existing.write_bytes(b"old")
    code, _, stderr = run_cli(default_args(existing, "--format", "mp4"), capsys)
    assert code == 2 and "--force" in error_line(stderr)
    assert existing.read_bytes() == b"old"
    assert sorted(p.name for p in outdir.iterdir()) == ["a_file", "old.mp4"]


# --------------------------------------------------------------------------- the command, headless subprocess

def test_subprocess_mp4_headless(outdir):
    """No DISPLAY, no QT_QPA_PLATFORM: the command picks offscreen itself; the path on
    stdout, the progress bar on stderr."""
    result = run_subprocess("--default", "--epochs", "1", "--every", "10", "--format", "mp4",
                            "--size", "160x120", "--fps", "10", "--out", "run.mp4", cwd=outdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "run.mp4\n"
    assert "100%" in result.stderr and "Traceback" not in result.stderr
    meta, decoded = read_video(outdir / "run.mp4")
    assert meta["size"] == SMALL and len(decoded) == frame_count(make_spec(outdir / "run.mp4"))
    assert leftovers(outdir) == []


def test_subprocess_png_frames_match_in_process(outdir):
    """The headless command writes the very same bytes as an in-process export."""
    result = run_subprocess("--default", "--epochs", "1", "--every", "10", "--format", "png",
                            "--size", "160x120", "--fps", "10", "--out", "frames", cwd=outdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "frames\n"
    mine = run_export(make_spec(outdir / "mine"))
    assert [f.read_bytes() for f in png_frames(outdir / "frames")] == [f.read_bytes() for f in png_frames(mine)]


def test_subprocess_bad_input(outdir):
    result = run_subprocess("--default", "--format", "mp4", "--size", "12x", "--out", "run.mp4", cwd=outdir)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "size '12x'" in error_line(result.stderr)
    assert list(outdir.iterdir()) == []
