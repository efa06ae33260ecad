"""Why Qt cannot open a window, in one or two lines and exit status 2, not Qt's abort.

When no platform plugin starts (a dead DISPLAY, a missing xcb library, an unknown
QT_QPA_PLATFORM), Qt prints several lines and calls qFatal, which aborts (SIGABRT, exit
134). ``guarded_start`` creates the QApplication with a message handler that holds back
Qt's messages meanwhile; on the fatal one it prints ``diagnose``'s lines and leaves with
exit status 2 (nothing is open yet, so nothing is lost); otherwise the held-back messages
are printed as Qt would have. A normal start pays one Python call per Qt message.

    diagnose('Could not find the Qt platform plugin "bogus" in ""', [], env)
    → 'nnviz: unknown Qt platform "bogus" (QT_QPA_PLATFORM); available: …, offscreen, …, xcb'
    missing_libraries(ldd_output) → ["libxcb-icccm.so.4", …];  debian_package(…) → "libxcb-icccm4"

The diagnosis reads what Qt said (the plugin named in its fatal message, a "could not
connect to display" warning) and, only then, ``ldd`` of the plugin file for libraries the
loader cannot find, named with their Debian/Ubuntu package.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["EXIT_NO_DISPLAY", "debian_package", "diagnose", "guarded_start", "missing_libraries",
           "missing_library_message"]

EXIT_NO_DISPLAY = 2
LDD_TIMEOUT = 10  # seconds; ldd only runs once the start has already failed
_PLUGIN_NAMED = re.compile(r'platform plugin "([^"]*)"')
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_SONAME = re.compile(r"^(lib.+?)\.so\.([0-9][0-9.]*)$")
#: Packages whose name does not follow the soname rule below.
_PACKAGES = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
             "libgobject-2.0.so.0": "libglib2.0-0"}


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package holding a shared library, by Debian's naming rule: name +
    major version, with a "-" between when the name ends in a digit (libxcb-icccm.so.4 →
    libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0), lower case."""
    if soname in _PACKAGES:
        return _PACKAGES[soname]
    m = _SONAME.match(soname)
    if m is None:
        return soname.lower()
    name, version = m.group(1), m.group(2).split(".")[0]
    return f"{name}{'-' if name[-1].isdigit() else ''}{version}".lower()


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as "not found", in order, each once."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def missing_library_message(platform: str, libraries: list[str]) -> str:
    """Two lines: which libraries the plugin lacks, and the command that installs them."""
    packages = " ".join(dict.fromkeys(debian_package(lib) for lib in libraries))
    return (f"nnviz: Qt's {platform} display plugin cannot load: missing {', '.join(libraries)}\n"
            f"nnviz: install them (Debian/Ubuntu): sudo apt install {packages}")


def plugin_files(plugin_dir: Path | None) -> dict[str, Path]:
    """{platform name: plugin file} in Qt's platforms folder (libqxcb.so → "xcb")."""
    if plugin_dir is None or not plugin_dir.is_dir():
        return {}
    out = {}
    for path in sorted(plugin_dir.iterdir()):
        m = re.match(r"^(?:lib)?q([\w-]+?)\.(?:so|dll|dylib)$", path.name)
        if m:
            out[m.group(1)] = path
    return out


def _ldd(path: Path) -> str:
    try:
        return subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=LDD_TIMEOUT,
                              check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def diagnose(fatal: str, warnings: list[str], env: Mapping[str, str], plugin_dir: Path | None = None,
             ldd: Callable[[Path], str] = _ldd) -> str:
    """One or two lines saying why Qt could not start: ``fatal`` and ``warnings`` are what Qt
    said (messages, in order), ``env`` the environment, ``plugin_dir`` Qt's platforms folder."""
    said = [*warnings, fatal]
    named = [m.group(1) for text in said for m in [_PLUGIN_NAMED.search(text)] if m]
    platform = named[-1] if named else env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0] or "xcb"
    plugins = plugin_files(plugin_dir)
    # "wayland" is served by libqwayland-egl.so / libqwayland-generic.so (Qt 6.8, 6.9)
    if plugins and not any(name == platform or name.startswith(platform + "-") for name in plugins):
        return (f'nnviz: unknown Qt platform "{platform}" (QT_QPA_PLATFORM); available: '
                f"{', '.join(plugins)}")
    for text in said:
        if "could not connect to display" in text:
            display = env.get("DISPLAY")
            where = f'"{display}" (DISPLAY): no X server there, or no permission' if display else "(DISPLAY unset)"
            return (f"nnviz: cannot open the X display {where}; 'nnviz train', 'trace', 'export' and "
                    "'lesson --check' need no display")
    if platform in plugins:
        libraries = missing_libraries(ldd(plugins[platform]))
        if libraries:
            return missing_library_message(platform, libraries)
    if platform == "wayland":
        where = env.get("WAYLAND_DISPLAY")
        return ("nnviz: cannot connect to the Wayland display "
                + (f'"{where}" (WAYLAND_DISPLAY)' if where else "(WAYLAND_DISPLAY unset)"))
    first = next((t.splitlines()[0] for t in said if t.strip() and "failed to start" not in t), fatal)
    return f'nnviz: Qt cannot start its "{platform}" display plugin: {first.strip()}'


def guarded_start(make_app: Callable[[], object]):
    """``make_app()`` (the QApplication constructor) under the handler described above."""
    from PySide6.QtCore import QLibraryInfo, QtMsgType, qInstallMessageHandler

    held: list[tuple[str, str]] = []  # (category, message)

    def handler(kind, context, message) -> None:
        if kind != QtMsgType.QtFatalMsg:
            held.append((context.category or "", message))
            return
        try:  # called from Qt's C++: nothing may escape
            plugin_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
            text = diagnose(message, [m for _, m in held], os.environ, plugin_dir)
        except Exception:  # noqa: BLE001 - the fatal message itself is still better than an abort
            text = f"nnviz: Qt cannot start: {message.strip().splitlines()[0] if message.strip() else message}"
        print(text, file=sys.stderr)
        sys.stderr.flush()
        os._exit(EXIT_NO_DISPLAY)  # Qt aborts once the handler returns: leave first

    previous = qInstallMessageHandler(handler)
    try:
        app = make_app()
    finally:
        qInstallMessageHandler(previous)
    for category, message in held:  # the start worked: Qt's messages as its default handler prints them
        print(f"{category}: {message}" if category not in ("", "default") else message, file=sys.stderr)
    return app
