"""``nnviz train --save PATH``: a PATH that cannot be written is refused before the first
training step (one line, exit 2); a save that fails at the end (a real file-size limit)
keeps the older file and leaves no temporary file."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from nnviz.cli import main
from nnviz.engine.trainer import Trainer

OLD = b"an older model\n"


@pytest.fixture
def no_training(monkeypatch):
    """Records any training step: a refused --save must come before the first one."""
    steps = []
    monkeypatch.setattr(Trainer, "train_epochs", lambda self, n: steps.append(n) or True)
    return steps


def refused(argv: list[str], capsys) -> str:
    code = main(["train", "--dataset", "xor", "--epochs", "5", "--layers", "2,3,1", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_an_unwritable_folder_is_refused_before_training(capsys, no_training):
    """/proc takes no new files, also for root (who may write into a chmod 555 folder)."""
    with pytest.raises(OSError):  # the premise, checked the way nnviz checks it
        tempfile.mkstemp(dir="/proc")
    line = refused(["--save", "/proc/m.json"], capsys)
    assert line.startswith("nnviz train: --save /proc/m.json: cannot write in /proc (")
    assert no_training == []


def test_a_read_only_mount_is_refused_before_training(tmp_path, capsys, no_training, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    line = refused(["--save", str(tmp_path / "m.json")], capsys)
    assert line == f"nnviz train: --save {tmp_path / 'm.json'}: cannot write in {tmp_path} (Read-only file system)"
    assert no_training == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make, needle", [
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: None, "does not exist"),
])
def test_a_folder_or_a_missing_folder_is_refused_before_training(tmp_path, capsys, no_training, make, needle):
    target = tmp_path / "m.json"
    make(target)
    save = target if needle == "is a folder" else tmp_path / "missing" / "m.json"
    assert needle in refused(["--save", str(save), "--force"], capsys)
    assert no_training == []


def test_a_save_past_a_real_file_size_limit_keeps_the_old_model(tmp_path):
    target = tmp_path / "m.json"
    target.write_bytes(OLD)
    script = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (500, 500))
        from nnviz.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    done = subprocess.run([sys.executable, "-c", script, "train", "--dataset", "xor", "--epochs", "3",
                           "--layers", "2,8,1", "--save", str(target), "--force"],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    last = done.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert last == f"nnviz train: {target}: cannot write it (File too large)"
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["m.json"]
