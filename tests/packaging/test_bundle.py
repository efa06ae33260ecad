"""The PyInstaller bundle: packaging/build.sh builds it, and the bundled program runs.

Slow (about half a minute with the build venv in place, a few minutes for the first build,
which makes build/venv and downloads PyInstaller and the dependencies), so a plain
``python -m pytest`` leaves it out (see conftest.py); run it with
``python -m pytest -m slow tests/packaging``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import nnviz

ROOT = Path(__file__).resolve().parents[2]


def headless_env() -> dict[str, str]:
    """No display at all, and nothing that would pick Qt's platform for the program."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


@pytest.mark.slow
@pytest.mark.timeout(3600)  # the build alone may take 3000 s (its own limit below)
def test_build_the_bundle_and_run_it(tmp_path):
    dist = tmp_path / "dist"
    # from another directory: build.sh finds the checkout by its own location
    done = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh"), str(dist)], capture_output=True,
                          text=True, timeout=3000, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-5000:]
    bundle = dist / "nnviz"
    assert done.stdout.strip().splitlines()[-1] == str(bundle)
    program = bundle / "nnviz"
    assert program.is_file() and os.access(program, os.X_OK)
    internal = bundle / "_internal"
    assert (internal / "resources" / "icons" / "nnviz.svg").is_file()
    assert (internal / "resources" / "lessons").is_dir()
    assert list((internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg*"))

    version = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=120,
                             env=headless_env(), cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"nnviz {nnviz.__version__}"

    out = tmp_path / "x.png"
    export = subprocess.run([str(program), "export", "--default", "--epochs", "1", "--every", "50",
                             "--format", "png", "--still", "--size", "320x200", "--out", str(out)],
                            capture_output=True, text=True, timeout=300, env=headless_env(), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert export.stdout.strip() == str(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # GIF goes through the bundled ffmpeg
    gif = tmp_path / "x.gif"
    export = subprocess.run([str(program), "export", "--default", "--epochs", "1", "--every", "50",
                             "--format", "gif", "--size", "320x200", "--out", str(gif)],
                            capture_output=True, text=True, timeout=300, env=headless_env(), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert gif.read_bytes()[:6] in (b"GIF87a", b"GIF89a")
