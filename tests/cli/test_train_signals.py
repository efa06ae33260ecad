"""``nnviz train`` stopped by SIGTERM, SIGHUP or Ctrl+C: one line naming the signal, exit
128 + signal, no traceback, and an existing --save file kept as it was (like export)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

SAID = {signal.SIGTERM: "stopped by SIGTERM", signal.SIGHUP: "stopped by SIGHUP", signal.SIGINT: "interrupted"}


def lines(stderr: str) -> list[str]:
    """stderr without tqdm's progress bar (redrawn with carriage returns)."""
    return [line for line in re.split(r"[\r\n]", stderr) if line.strip() and "epoch" not in line]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_train_says_so_in_one_line_and_keeps_the_saved_model(tmp_path, signum):
    model = tmp_path / "m.json"
    model.write_text('{"kept": true}')
    process = subprocess.Popen(
        [sys.executable, "-m", "nnviz", "train", "--epochs", "100000", "--save", str(model), "--force"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    seen = ""
    while "epoch" not in seen:  # the progress bar is drawn: training is under way
        seen += os.read(process.stderr.fileno(), 4096).decode()
        assert process.poll() is None, seen
    time.sleep(0.3)
    process.send_signal(signum)
    _, rest = process.communicate(timeout=60)
    stderr = seen + rest

    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert lines(stderr) == [f"nnviz train: {SAID[signum]}; {model} was not saved"]
    assert model.read_text() == '{"kept": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
