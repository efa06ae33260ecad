"""The README's MP4 example gives a clip worth watching: 10–20 s in which the decision
boundary visibly forms, and the README says what --every and --fps do."""

from __future__ import annotations

import shlex
from pathlib import Path

from nnviz.cli import build_parser
from nnviz.commands.export import build_spec
from nnviz.export.sources import build_training, frame_count

README = Path(__file__).resolve().parents[1] / "README.md"


def export_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Export")
    return text[start:text.index("\n## ", start + 1)]


def mp4_example():
    """The spec of the README's training-run MP4 example and the duration its comment states."""
    line = next(l for l in export_section().splitlines()
                if l.startswith("nnviz export --default") and "--format mp4" in l)
    command, _, comment = line.partition("#")
    return build_spec(build_parser().parse_args(shlex.split(command)[1:])), comment.strip()


def test_the_mp4_example_lasts_10_to_20_seconds_as_its_comment_says():
    spec, comment = mp4_example()
    frames = frame_count(spec)  # the frames the exporter writes: the start, then one per `every` steps
    seconds = frames / spec.fps
    assert 10 <= seconds <= 20, (frames, spec.fps)
    assert comment == f"{seconds:.1f} s"


def test_the_boundary_forms_during_the_clip_not_before_or_after():
    """Training accuracy at each frame: chance at the start, ≥ 95 % at the end, and 90 % is
    first reached in the middle of the clip (between 20 % and 80 % of it)."""
    spec, _ = mp4_example()
    trainer = build_training(spec)
    accuracy = [trainer.snapshot().train_accuracy]
    for _ in range(spec.epochs * trainer.batches_per_epoch // spec.every):
        for _ in range(spec.every):
            trainer.step_batch()
        accuracy.append(trainer.snapshot().train_accuracy)
    assert accuracy[0] < 0.7 and accuracy[-1] >= 0.95
    first = next(i for i, a in enumerate(accuracy) if a >= 0.9)
    assert 0.2 <= first / len(accuracy) <= 0.8


def test_the_readme_says_what_every_and_fps_do():
    section = export_section()
    assert "`--every`" in section and "optimizer steps" in section
    assert "`--fps`" in section and "frames per second" in section
