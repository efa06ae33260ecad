"""The desktop entry and the AppStream metainfo file (packaging/).

Their structure is checked here in Python, always. The real validators,
``desktop-file-validate`` (Debian: desktop-file-utils) and ``appstreamcli validate``
(Debian: appstream), run too wherever they are installed.
"""

from __future__ import annotations

import configparser
import datetime
import re
import shlex
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nnviz
from nnviz.ui.app import DESKTOP_ID

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / f"{DESKTOP_ID}.desktop"
METAINFO = PACKAGING / f"{DESKTOP_ID}.metainfo.xml"
INSTALL = PACKAGING / "install-desktop.sh"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def entry_points() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["scripts"]


def read_desktop(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def desktop_file_validate(path: Path) -> None:
    """Run desktop-file-validate when it is installed: no errors (hints are fine)."""
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        return  # the structural checks above it still ran; CI installs desktop-file-utils for this
    done = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "error:" not in output, output


def appstream_validate(path: Path) -> None:
    """Run appstreamcli validate (offline) when it is installed: no errors, no warnings."""
    tool = shutil.which("appstreamcli")
    if tool is None:
        return  # the structural checks above it still ran; CI installs appstream for this
    done = subprocess.run([tool, "validate", "--no-net", "--pedantic", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_desktop_entry():
    entry = read_desktop(DESKTOP)
    for key in ("Type", "Name", "GenericName", "Comment", "Exec", "Icon", "Categories", "Keywords",
                "StartupWMClass", "Terminal"):
        assert entry.get(key), f"{DESKTOP.name} has no {key}"
    assert entry["Type"] == "Application"
    assert entry["Name"] == "nnviz"
    assert entry["GenericName"] == "Neural network visualizer"
    assert entry["Terminal"] == "false"
    # the command is the project's entry point
    command = shlex.split(entry["Exec"])
    assert command[0] in entry_points() and entry_points()[command[0]] == "nnviz.cli:main"
    # no field codes: "nnviz FILE" is not a command line nnviz takes (it wants "nnviz open FILE")
    assert not [arg for arg in command[1:] if arg.startswith("%")], entry["Exec"]
    # Qt's X11 WM_CLASS is the application name (nnviz/ui/app.py); on Wayland the app id is
    # the desktop file name, set by app.setDesktopFileName(DESKTOP_ID)
    assert entry["StartupWMClass"] == "nnviz"
    # the icon: the theme name install-desktop.sh installs the PNGs and the SVG under
    assert entry["Icon"] == DESKTOP_ID
    categories = entry["Categories"].split(";")
    assert categories[-1] == "" and {"Education", "Science", "ComputerScience"} <= set(categories)
    assert entry["Keywords"].endswith(";") and "neural network" in entry["Keywords"].split(";")
    desktop_file_validate(DESKTOP)


def test_icons_exist_for_every_theme_size():
    assert (ROOT / "resources" / "icons" / "nnviz.svg").is_file()
    for size in SIZES:
        assert (ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "nnviz.png").is_file()


def test_metainfo():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"

    def text(path: str) -> str:
        element = root.find(path)
        assert element is not None and (element.text or "").strip(), f"{METAINFO.name} has no {path}"
        return element.text.strip()

    assert text("id") == DESKTOP_ID == METAINFO.name.removesuffix(".metainfo.xml")
    assert text("metadata_license") == "CC0-1.0"
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert text("project_license") == tomllib.load(f)["project"]["license"]["text"] == "MIT"
    assert text("name") == "nnviz"
    assert text("summary")
    assert root.findall("description/p"), "the description needs at least one paragraph"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert text("provides/binary") in entry_points()
    assert root.find("url[@type='homepage']") is not None
    assert root.find("content_rating") is not None
    # AppStream wants a web URL for a screenshot, not a path in the repository
    images = [image.text for image in root.findall("screenshots/screenshot/image")]
    assert images and all(re.match(r"https://\S+\.png$", image) for image in images)
    assert all(image.endswith("/docs/screenshot.png") for image in images)
    assert (ROOT / "docs" / "screenshot.png").is_file()
    releases = root.findall("releases/release")
    assert releases, "no release"
    assert releases[0].get("version") == nnviz.__version__, "the newest release is not this version"
    datetime.date.fromisoformat(releases[0].get("date"))
    appstream_validate(METAINFO)


def test_install_desktop_for_a_user_and_uninstall(tmp_path):
    data = tmp_path / "share"
    done = subprocess.run(["bash", str(INSTALL), "--exec", "nnviz", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    installed = data / "applications" / DESKTOP.name
    entry = read_desktop(installed)
    assert entry == read_desktop(DESKTOP)  # --exec nnviz: the entry as it is
    icon = entry["Icon"]
    for size in SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{icon}.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{icon}.svg").is_file()
    desktop_file_validate(installed)

    done = subprocess.run(["bash", str(INSTALL), "--uninstall", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    left = [path for path in data.rglob("*") if path.is_file() and DESKTOP_ID in path.name]
    assert not left


@pytest.mark.parametrize("folder", ["bin", "my apps"])
def test_install_desktop_names_a_program_by_its_absolute_path(tmp_path, folder):
    program = tmp_path / folder / "nnviz"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    data = tmp_path / "share"
    env = {"PATH": f"{program.parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(INSTALL), "--data-dir", str(data)], capture_output=True, text=True,
                          timeout=60, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    installed = data / "applications" / DESKTOP.name
    assert shlex.split(read_desktop(installed)["Exec"]) == [str(program)]
    desktop_file_validate(installed)

    done = subprocess.run(["bash", str(INSTALL), "--data-dir", str(data)], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 2 and "not on PATH" in done.stderr
