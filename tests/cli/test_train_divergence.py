"""``nnviz train`` on a run that blows up without NaN: one line naming the likely cause, exit 1
(as for a NaN divergence), and no model saved unless --save-diverged asks for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from nnviz.cli import main
from nnviz.engine.model_io import load_model

SPIRAL = ["train", "--dataset", "spiral", "--epochs", "50"]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def last_line(err: str) -> str:
    """The line after the progress bar."""
    line = err.strip().splitlines()[-1]
    assert line.startswith("nnviz train: training diverged at step "), line
    return line


def test_huge_learning_rate_stops_and_saves_nothing(tmp_path, capsys):
    target = tmp_path / "m.json"
    code, out, err = run([*SPIRAL, "--lr", "1e6", "--save", str(target)], capsys)
    assert code == 1 and out == ""
    line = last_line(err)
    assert "the learning rate (1e+06) is probably too high" in line
    assert "--save-diverged" in line and str(target) in line
    assert list(tmp_path.iterdir()) == []


def test_save_diverged_saves_the_finite_model(tmp_path, capsys):
    target = tmp_path / "m.json"
    code, _, err = run([*SPIRAL, "--lr", "1e6", "--save", str(target), "--save-diverged"], capsys)
    assert code == 1
    assert f"saved the diverged model to {target}" in last_line(err)
    params = load_model(target).params
    assert np.isfinite(params).all() and np.abs(params).max() > 1e3


def test_huge_l2_blames_l2(tmp_path, capsys):
    target = tmp_path / "m.json"
    code, _, err = run([*SPIRAL, "--l2", "1e300", "--save", str(target), "--save-diverged"], capsys)
    assert code == 1
    line = last_line(err)
    assert "the L2 rate (1e+300) is probably too high" in line and "learning rate" not in line
    assert "NaN" in line and "not saved" in line  # NaN weights are never saved, even when asked
    assert list(tmp_path.iterdir()) == []


def test_a_normal_run_does_not_trigger(tmp_path, capsys):
    target = tmp_path / "m.json"
    code, out, err = run([*SPIRAL, "--save", str(target), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["epochs"] == 50
    assert "diverged" not in err
    assert target.exists()


def test_save_diverged_needs_save(capsys):
    code, out, err = run([*SPIRAL, "--save-diverged"], capsys)
    assert code == 2 and out == ""
    assert err.endswith("--save-diverged needs --save MODEL.json\n") and len(err.splitlines()) == 1


def test_subprocess_exit_status_and_one_line(tmp_path):
    target = tmp_path / "m.json"
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    result = subprocess.run([sys.executable, "-m", "nnviz", *SPIRAL, "--lr", "1e6", "--save", str(target)],
                            check=False, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert "learning rate (1e+06)" in last_line(result.stderr)
    assert not target.exists()
