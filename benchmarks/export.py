"""Export speed: a 1280×720 MP4 of a training run, frames per second end to end.

    python benchmarks/export.py                      # ~150 frames, 3 runs, about 40 s
    python benchmarks/export.py --frames 300 --runs 5
    python benchmarks/export.py --quick              # 60 frames, 1 run, no preset table
    python benchmarks/export.py --presets ultrafast,veryfast,medium

What ``nnviz export`` does for a training run, in-process: ``run_export`` of
[2,8,8,1] (tanh, sigmoid output) on the spiral at batch size 10, the full layout (network
canvas + decision boundary + loss + activation plots), 1280×720 at 30 fps, H.264 yuv420p,
a frame every 5 optimizer steps. The time covers everything: building the scene, training,
updating the views, painting, piping raw BGRA to ffmpeg, encoding, the final rename.
Target: ≥ 30 frames/s end to end on 2 cores (the median of ``--runs`` runs).

It also reports the two halves on their own, to show how much they overlap:

* render only: the same frames (training + view updates + ``ExportScene.render_frame``),
  with nothing written;
* encode only: pre-rendered frames piped through ``FfmpegWriter`` (the real writer: same
  thread, queue and ffmpeg options), so no rendering at all; once the same frame N times
  (x264 skips almost everything: an upper bound), once the run's first 30 real frames
  cycled to N (what the encoder really faces).

End to end is close to the slower half when the encoder thread and ffmpeg run while the
next frame renders; close to the sum of 1/fps when they do not.

``--presets`` times encode-only (and the file size) for other x264 presets. The product
always uses ``-preset veryfast``; the benchmark swaps the value by wrapping
``imageio_ffmpeg.write_frames`` for the duration of one measurement (nothing in nnviz
changes).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 720)
FPS = 30.0
EVERY = 5  # optimizer steps per frame
TARGET = 30.0
DISTINCT = 30  # real frames kept in memory for encode-only (30 × 3.7 MB)


def make_spec(out: Path, frames: int):
    from nnviz.engine.trainer import TrainConfig
    from nnviz.export.sources import ExportSpec
    from nnviz.app.problem import Problem

    problem = Problem(dataset="spiral", hidden=(8, 8), activation="tanh", output_activation="sigmoid",
                      loss="mse", train=TrainConfig(learning_rate=0.03, batch_size=10))
    batches_per_epoch = math.ceil(problem.samples * (1 - problem.test_fraction) / problem.train.batch_size)
    epochs = max(1, round((frames - 1) * EVERY / batches_per_epoch))
    return ExportSpec(out=out, fmt="mp4", source="problem", problem=problem, epochs=epochs, every=EVERY,
                      size=SIZE, fps=FPS, layout="full", force=True)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def x264_preset(preset: str):
    """Run FfmpegWriter with another ``-preset`` (benchmark only: wraps write_frames)."""
    import imageio_ffmpeg

    original = imageio_ffmpeg.write_frames

    def write_frames(*args, output_params=None, **kwargs):
        params = list(output_params or [])
        if "-preset" in params:
            params[params.index("-preset") + 1] = preset
        return original(*args, output_params=params, **kwargs)

    imageio_ffmpeg.write_frames = write_frames
    try:
        yield
    finally:
        imageio_ffmpeg.write_frames = original


def end_to_end(spec) -> tuple[float, int]:
    """(seconds, frames) of one run_export, as the command runs it."""
    from nnviz.export.exporter import run_export
    from nnviz.export.sources import frame_count

    total = frame_count(spec)
    done = []
    start = time.perf_counter()
    run_export(spec, progress=lambda d, t: done.append(d))
    seconds = time.perf_counter() - start
    QApplication.processEvents()  # let the finished scene be deleted
    assert done and done[-1] == total, (done[-1:], total)
    return seconds, total


def render_only(spec) -> tuple[float, float, int]:
    """(seconds updating: training + views, seconds painting, frames), nothing written."""
    from nnviz.export.exporter import make_scene
    from nnviz.export.sources import frames

    scene = make_scene(spec)
    update = paint = 0.0
    n = 0
    try:
        source = iter(frames(spec, scene))
        while True:
            t0 = time.perf_counter()
            if next(source, StopIteration) is StopIteration:
                update += time.perf_counter() - t0
                break
            t1 = time.perf_counter()
            scene.render_frame()
            t2 = time.perf_counter()
            update += t1 - t0
            paint += t2 - t1
            n += 1
    finally:
        scene.close()
        scene.deleteLater()
        QApplication.processEvents()
    return update, paint, n


def rendered_frames(spec, count: int) -> list:
    """The first ``count`` frames of the run, rendered (QImages of 3.7 MB each at 720p)."""
    from nnviz.export.exporter import make_scene
    from nnviz.export.sources import frames

    scene = make_scene(spec)
    images = []
    try:
        for _ in frames(spec, scene):
            images.append(scene.render_frame())
            if len(images) == count:
                break
        return images
    finally:
        scene.close()
        scene.deleteLater()
        QApplication.processEvents()


def encode_only(images: list, n: int, out: Path) -> tuple[float, int]:
    """(seconds, bytes) to pipe n frames, cycling through ``images``, through the real MP4 writer."""
    from nnviz.export.writers import FfmpegWriter

    out.unlink(missing_ok=True)
    start = time.perf_counter()
    writer = FfmpegWriter(out, SIZE, FPS, "mp4")
    try:
        for i in range(n):
            writer.write(images[i % len(images)])
    except BaseException:
        writer.abort()
        raise
    writer.close()
    seconds = time.perf_counter() - start
    size = out.stat().st_size
    out.unlink()
    return seconds, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=151, help="about this many frames per run (default 151)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; medians (default 3)")
    parser.add_argument("--presets", default="ultrafast,superfast,veryfast,faster,medium",
                        help="x264 presets for the encode-only table ('' for none)")
    parser.add_argument("--quick", action="store_true", help="60 frames, 1 run, no preset table")
    args = parser.parse_args()
    if args.quick:
        args.frames, args.runs, args.presets = 60, 1, ""

    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NNVIZ_SETTINGS"] = os.path.join(tmp, "settings.ini")
        app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841
        spec = make_spec(Path(tmp) / "run.mp4", args.frames)
        end_to_end(make_spec(Path(tmp) / "warm.mp4", 10))  # imports, fonts, pyqtgraph, ffmpeg binary

        runs = [end_to_end(spec) for _ in range(args.runs)]
        n = runs[0][1]
        e2e = statistics.median(n / s for s, _ in runs)
        size = spec.out.stat().st_size

        renders = [render_only(spec) for _ in range(args.runs)]
        render_fps = statistics.median(n / (u + p) for u, p, _ in renders)
        update_ms = statistics.median(1000 * u / n for u, _, _ in renders)
        paint_ms = statistics.median(1000 * p / n for _, p, _ in renders)

        real = rendered_frames(spec, DISTINCT)
        still = real[len(real) // 2:][:1]
        encode_fps = statistics.median(n / encode_only(still, n, Path(tmp) / "e.mp4")[0] for _ in range(args.runs))
        real_fps = statistics.median(n / encode_only(real, n, Path(tmp) / "e.mp4")[0] for _ in range(args.runs))

        print(f"export benchmark: [2,8,8,1] on the spiral, full layout, {SIZE[0]}×{SIZE[1]} MP4 (H.264 yuv420p, "
              f"-preset veryfast -crf 20) at {FPS:g} fps, {n} frames ({spec.epochs} epochs, a frame every "
              f"{EVERY} steps); {cpu_count()} CPUs; ffmpeg {imageio_ffmpeg.get_ffmpeg_version()}; "
              f"medians of {args.runs} run(s)")
        ok = "ok" if e2e >= TARGET else "MISSED"
        print(f"  end to end (run_export)    {e2e:7.1f} frames/s   target ≥ {TARGET:g}: {ok}"
              f"   [{', '.join(f'{n / s:.1f}' for s, _ in runs)}]  file {size / 1024:.0f} KiB")
        print(f"  render only                {render_fps:7.1f} frames/s   (train + views {update_ms:.1f} ms, "
              f"paint {paint_ms:.1f} ms per frame)")
        print(f"  encode only, one frame     {encode_fps:7.1f} frames/s   (the same frame piped {n} times)")
        print(f"  encode only, real frames   {real_fps:7.1f} frames/s   (the run's first {len(real)} frames, "
              f"cycled to {n})")
        serial = 1 / (1 / render_fps + 1 / real_fps)
        print(f"  overlap: render then encode one after the other would give {serial:.1f} frames/s; "
              f"the slower half alone {min(render_fps, real_fps):.1f} frames/s")

        presets = [p for p in args.presets.split(",") if p]
        if presets:
            print(f"  x264 presets, encode only of the real frames ({n}; nnviz uses veryfast):")
            for preset in presets:
                with x264_preset(preset):
                    results = [encode_only(real, n, Path(tmp) / f"{preset}.mp4") for _ in range(args.runs)]
                fps = statistics.median(n / s for s, _ in results)
                kib = results[0][1] / 1024
                print(f"    {preset:10} {fps:7.1f} frames/s   {kib:7.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
