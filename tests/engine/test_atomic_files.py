"""Atomic writes (engine.atomic_files): a failing write, fsync or close anywhere leaves the old
file as it was and no temporary entry; a real file-size limit (RLIMIT_FSIZE: EFBIG, the
"disk full" a process can cause without root) too; a dead process's leftovers are swept."""

from __future__ import annotations

import errno
import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from nnviz.engine.atomic_files import TEMP_NAME, StagedFile, sweep_stale, write_atomic
from nnviz.engine.datasets import make_dataset
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.engine.session import load_session, save_session
from nnviz.engine.trainer import TrainConfig, Trainer

OLD = b"the good old content\n"


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def old_file(tmp_path) -> Path:
    path = tmp_path / "model.json"
    path.write_bytes(OLD)
    return path


def failing_once(monkeypatch, name: str, code: int = errno.ENOSPC, after_real: bool = False, nth: int = 1):
    """Make os.<name> raise OSError(code) on its ``nth`` call (after doing the real work if asked)."""
    real = getattr(os, name)
    calls = []

    def fake(*args):
        calls.append(args)
        if len(calls) == nth:
            if after_real:
                real(*args)
            raise OSError(code, os.strerror(code))
        return real(*args)

    monkeypatch.setattr(os, name, fake)
    return calls


@pytest.mark.parametrize("name, code, after_real, nth", [
    ("write", errno.ENOSPC, False, 1),   # the disk is full
    ("fsync", errno.ENOSPC, False, 1),   # delayed allocation: the full disk shows only at fsync
    ("fsync", errno.EIO, False, 1),
    ("close", errno.EDQUOT, True, 2),    # NFS reports a full quota when the written file is closed
])
def test_a_failing_write_keeps_the_old_file(old_file, monkeypatch, name, code, after_real, nth):
    calls = failing_once(monkeypatch, name, code, after_real, nth)
    with pytest.raises(NnvizError, match=f"model.json: cannot write it \\({os.strerror(code)}\\)"):
        write_atomic(old_file, "new content " * 1000)
    monkeypatch.undo()
    assert calls, f"os.{name} was never called"
    assert old_file.read_bytes() == OLD
    assert os.listdir(old_file.parent) == ["model.json"]


def test_a_write_that_makes_no_progress_is_a_full_disk(old_file, monkeypatch):
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(NnvizError, match="No space left on device"):
        write_atomic(old_file, b"x" * 10)
    monkeypatch.undo()
    assert old_file.read_bytes() == OLD
    assert os.listdir(old_file.parent) == ["model.json"]


def test_short_writes_are_completed(tmp_path, monkeypatch):
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    data = bytes(range(256)) * 40
    write_atomic(tmp_path / "f.bin", data)
    monkeypatch.undo()
    assert (tmp_path / "f.bin").read_bytes() == data


def test_real_file_size_limit_keeps_the_old_file(old_file):
    """RLIMIT_FSIZE makes write() fail with EFBIG past the limit: a real out-of-space write."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from nnviz.engine.atomic_files import write_atomic
        from nnviz.engine.errors import NnvizError
        try:
            write_atomic({str(old_file)!r}, "y" * 100_000)
        except NnvizError as exc:
            print(exc)
            sys.exit(2)
    """)
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stdout.strip() == f"{old_file}: cannot write it (File too large)"
    assert old_file.read_bytes() == OLD
    assert os.listdir(old_file.parent) == ["model.json"]


def test_session_save_on_a_full_disk_keeps_the_old_session(tmp_path, monkeypatch):
    data = make_dataset("xor", samples=40, seed=0)
    network = Network([2, 3, 1], ["tanh", "sigmoid"], "mse")
    network.initialize("xavier", np.random.default_rng(0))
    trainer = Trainer(network, data, TrainConfig(learning_rate=0.1, batch_size=8), seed=0)
    path = tmp_path / "run.nnviz"
    save_session(path, trainer)
    before = path.read_bytes()
    trainer.train_epochs(3)
    failing_once(monkeypatch, "write")
    with pytest.raises(NnvizError, match="run.nnviz: cannot write it"):
        save_session(path, trainer)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert json.loads(gzip.decompress(before))  # still a whole session file
    assert load_session(path).trainer.step == 0
    assert os.listdir(tmp_path) == ["run.nnviz"]


# --------------------------------------------------------------------------- temporary names

def test_temporary_names_carry_the_pid(tmp_path):
    staged = StagedFile(tmp_path / "run.mp4", suffix=".mp4")
    match = TEMP_NAME.match(staged.path.name)
    assert match and match["name"] == "run.mp4" and int(match["pid"]) == os.getpid()
    assert staged.path.name.endswith(".tmp.mp4")
    staged.discard()
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_dead_processes_are_swept_by_the_next_write(tmp_path):
    dead, alive = dead_pid(), os.getppid()
    stale_file = tmp_path / f".m.json.{dead}.abcd1234.tmp"
    stale_video = tmp_path / f".run.mp4.{dead}.x_9y8z7w.tmp.mp4"
    stale_frames = tmp_path / f".frames.{dead}.q1w2e3r4.tmp"
    stale_file.write_bytes(b"x" * 1000)
    stale_video.write_bytes(b"half a video")
    stale_frames.mkdir()
    (stale_frames / "frame_00001.png").write_bytes(b"png")
    live = tmp_path / f".m.json.{alive}.abcd1234.tmp"     # another nnviz, still writing
    live.write_bytes(b"in progress")
    others = [tmp_path / ".m.json.abcd1234.tmp",           # no pid: not ours to judge
              tmp_path / f".hidden.{dead}.tmp",              # not our pattern
              tmp_path / "notes.txt"]
    for path in others:
        path.write_text("mine")

    write_atomic(tmp_path / "m.json", "{}")

    remaining = sorted(p.name for p in tmp_path.iterdir())
    assert remaining == sorted(["m.json", live.name, *(p.name for p in others)])


def test_sweep_reports_what_it_removed(tmp_path):
    dead = dead_pid()
    (tmp_path / f".a.{dead}.abcdefgh.tmp").write_text("x")
    assert sweep_stale(tmp_path) == [f".a.{dead}.abcdefgh.tmp"]
    assert sweep_stale(tmp_path) == []


# --------------------------------------------------------------------------- folders

def test_a_staged_folder_replaces_an_old_one_whole(tmp_path):
    target = tmp_path / "frames"
    target.mkdir()
    (target / "frame_00001.png").write_text("old")
    (target / "frame_00002.png").write_text("old")
    with StagedFile(target, is_folder=True) as tmp:
        (tmp / "frame_00001.png").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["frame_00001.png"]
    assert (target / "frame_00001.png").read_text() == "new"
    assert os.listdir(tmp_path) == ["frames"]


def test_a_folder_that_cannot_take_the_name_puts_the_old_one_back(tmp_path, monkeypatch):
    target = tmp_path / "frames"
    target.mkdir()
    (target / "frame_00001.png").write_text("old")
    staged = StagedFile(target, is_folder=True)
    (staged.path / "frame_00001.png").write_text("new")
    real, calls = os.replace, []

    def second_replace_fails(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO), src, None, dst)
        return real(src, dst)

    monkeypatch.setattr(os, "replace", second_replace_fails)
    with pytest.raises(NnvizError, match="frames: cannot write it"):
        staged.commit()
    monkeypatch.undo()
    assert (target / "frame_00001.png").read_text() == "old"
    assert os.listdir(tmp_path) == ["frames"]
