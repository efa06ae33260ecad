"""The app stopped by SIGTERM (log-out, `kill`), SIGHUP (its terminal closed) or Ctrl+C: it
closes as Quit does, so the session is autosaved and the next start is a clean one (no
crash-recovery question), with one line on stderr and the shell's exit status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

SAID = {signal.SIGTERM: "stopped by SIGTERM", signal.SIGHUP: "stopped by SIGHUP", signal.SIGINT: "interrupted"}


@pytest.mark.parametrize("signum", list(SAID))
def test_a_signal_closes_the_app_as_quit_does(tmp_path, signum):
    settings = tmp_path / "settings.ini"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_SETTINGS=str(settings))
    process = subprocess.Popen([sys.executable, "-m", "nnviz"], cwd=tmp_path, env=env, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 60
    while not (settings.is_file() and "clean_exit=false" in settings.read_text()):  # the window is up
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)

    said = [line for line in stderr.splitlines() if line.startswith("nnviz")]
    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert said == [f"nnviz: {SAID[signum]}; closing as Quit does"]
    assert (tmp_path / "autosave.nnviz").is_file()
    assert "clean_exit=true" in settings.read_text()
