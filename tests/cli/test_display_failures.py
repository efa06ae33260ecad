"""A display Qt cannot use (an unknown QT_QPA_PLATFORM, a dead DISPLAY, a plugin whose
libraries are missing) ends in one or two lines on stderr and exit 2, for `nnviz`,
`nnviz open` and `nnviz lesson`: never Qt's multi-line text and SIGABRT (exit 134)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz.ui.display_check import (
    debian_package, diagnose, missing_libraries, missing_library_message, plugin_files,
)

MODEL = {"format": "nnviz-model", "version": 1, "layers": [2, 1], "activations": ["sigmoid"],
         "loss": "mse", "weights": [[[0.5, -0.5]]], "biases": [[0.1]]}
COMMANDS = {"app": [], "open": ["open", "model.json"], "lesson": ["lesson", "perceptron"]}


def free_display() -> str:
    """An X display number no server here listens on (no socket, no lock file)."""
    for n in range(90, 1000):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise AssertionError("every X display from :90 to :999 is taken")


DEAD_DISPLAY = free_display()


def nnviz(args, tmp_path, **env_changes) -> subprocess.CompletedProcess:
    """``python -m nnviz ARGS`` with no display variables but ``env_changes``."""
    (tmp_path / "model.json").write_text(json.dumps(MODEL))
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(env_changes, NNVIZ_SETTINGS=str(tmp_path / "settings.ini"))
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path, check=False)


def assert_short_failure(done: subprocess.CompletedProcess) -> list[str]:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert 1 <= len(lines) <= 2, done.stderr
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
    assert all(line.startswith("nnviz") for line in lines), done.stderr
    return lines


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_platform_is_one_line_naming_the_ones_there_are(command, tmp_path):
    lines = assert_short_failure(nnviz(COMMANDS[command], tmp_path, QT_QPA_PLATFORM="bogus"))
    assert lines == [lines[0]] and 'unknown Qt platform "bogus"' in lines[0]
    assert "offscreen" in lines[0] and "xcb" in lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_dead_x_display_is_one_line(command, tmp_path):
    lines = assert_short_failure(nnviz(COMMANDS[command], tmp_path, DISPLAY=DEAD_DISPLAY))
    assert lines == [lines[0]] and f'cannot open the X display "{DEAD_DISPLAY}"' in lines[0]


def test_a_good_platform_still_starts(tmp_path):
    """The guard changes nothing when Qt starts: the offscreen app opens (its loop replaced)."""
    code = ("import sys\nfrom PySide6.QtWidgets import QApplication\n"
            "QApplication.exec = staticmethod(lambda: print('started', QApplication.platformName()) or 0)\n"
            "from nnviz.cli import main\nsys.exit(main([]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["started", "offscreen"]


# ----------------------------------------------------------------------------- the diagnosis

LDD_BARE_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffc1a5f2000)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0a1c400000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0a1c3d0000)
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
"""


def test_ldd_output_becomes_the_missing_libraries_and_their_packages():
    libs = missing_libraries(LDD_BARE_DEBIAN)
    assert libs == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0", "libxcb-cursor.so.0"]
    assert [debian_package(lib) for lib in libs] == ["libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0",
                                                      "libxcb-cursor0"]
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libGL.so.1") == "libgl1"
    assert debian_package("libglib-2.0.so.0") == "libglib2.0-0"
    text = missing_library_message("xcb", libs)
    assert text.splitlines() == [
        ("nnviz: Qt's xcb display plugin cannot load: missing libxcb-icccm.so.4, libxcb-keysyms.so.1, "
         "libxkbcommon-x11.so.0, libxcb-cursor.so.0"),
        ("nnviz: install them (Debian/Ubuntu): sudo apt install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 "
         "libxcb-cursor0"),
    ]
    assert missing_libraries("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.fixture
def plugin_dir(tmp_path):
    folder = tmp_path / "platforms"
    folder.mkdir()
    for name in ("libqxcb.so", "libqoffscreen.so", "libqwayland.so"):
        (folder / name).write_bytes(b"")
    return folder


QT_XCB_FAILED = [  # what Qt 6 says before its fatal message when the xcb plugin does not load
    "From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.",
    'Could not load the Qt platform plugin "xcb" in "" even though it was found.',
]
QT_FATAL = "This application failed to start because no Qt platform plugin could be initialized."


def test_missing_xcb_libraries_are_named_with_the_install_command(plugin_dir):
    looked = []
    text = diagnose(QT_FATAL, QT_XCB_FAILED, {"DISPLAY": ":0"}, plugin_dir,
                    ldd=lambda path: looked.append(path.name) or LDD_BARE_DEBIAN)
    assert looked == ["libqxcb.so"]
    assert text == missing_library_message("xcb", missing_libraries(LDD_BARE_DEBIAN))


def test_a_dead_display_is_not_blamed_on_libraries(plugin_dir):
    said = ["could not connect to display :9", *QT_XCB_FAILED]
    text = diagnose(QT_FATAL, said, {"DISPLAY": ":9"}, plugin_dir, ldd=lambda path: LDD_BARE_DEBIAN)
    assert text.startswith('nnviz: cannot open the X display ":9"') and "\n" not in text


def test_an_unknown_platform_and_an_unexplained_failure(plugin_dir):
    text = diagnose('Could not find the Qt platform plugin "bogus" in ""', [], {"QT_QPA_PLATFORM": "bogus"},
                    plugin_dir)
    assert text == 'nnviz: unknown Qt platform "bogus" (QT_QPA_PLATFORM); available: offscreen, wayland, xcb'
    text = diagnose(QT_FATAL, QT_XCB_FAILED, {"DISPLAY": ":0"}, plugin_dir, ldd=lambda path: "")
    assert text.startswith('nnviz: Qt cannot start its "xcb" display plugin: From 6.5.0')
    text = diagnose(QT_FATAL, ['Could not load the Qt platform plugin "wayland" in ""'], {}, plugin_dir,
                    ldd=lambda path: "")
    assert text == "nnviz: cannot connect to the Wayland display (WAYLAND_DISPLAY unset)"


def test_wayland_served_by_a_hyphenated_plugin_is_not_unknown(tmp_path):
    """Qt 6.8/6.9 ship libqwayland-egl.so and libqwayland-generic.so, no libqwayland.so."""
    folder = tmp_path / "platforms"
    folder.mkdir()
    for name in ("libqxcb.so", "libqwayland-egl.so", "libqwayland-generic.so"):
        (folder / name).write_bytes(b"")
    assert list(plugin_files(folder)) == ["wayland-egl", "wayland-generic", "xcb"]
    text = diagnose(QT_FATAL, ['Could not load the Qt platform plugin "wayland" in ""'],
                    {"QT_QPA_PLATFORM": "wayland;xcb"}, folder, ldd=lambda path: "")
    assert text == "nnviz: cannot connect to the Wayland display (WAYLAND_DISPLAY unset)"
