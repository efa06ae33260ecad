"""Start the desktop app: Qt is imported here, not at ``nnviz`` start-up."""

from __future__ import annotations

import os
import sys

#: The freedesktop id of the app: the name of its .desktop and AppStream files (see packaging/).
DESKTOP_ID = "io.github.nnviz.nnviz"

NO_DISPLAY = ("nnviz: no display available (DISPLAY/WAYLAND_DISPLAY unset); the headless commands "
              "'nnviz train', 'trace', 'export', 'lessons' and 'lesson --check' work without one")


def display_available() -> bool:
    """False when the platform Qt would use is a display server (xcb, wayland: the default)
    and neither DISPLAY nor WAYLAND_DISPLAY is set. Any other QT_QPA_PLATFORM is Qt's to try
    (offscreen and the like need no display; an unknown name is explained by display_check)."""
    names = [p.split(":")[0] for p in os.environ.get("QT_QPA_PLATFORM", "").split(";") if p]
    if names and not all(n.startswith(("xcb", "wayland")) for n in names):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def close_on_signals(app) -> list[int]:
    """SIGTERM, SIGHUP and Ctrl+C close the windows as Quit does (the session autosaved, a clean
    exit for the next start) after one line on stderr; the list gets the signal received.

    Python runs a handler only between bytecodes, which an idle Qt loop never reaches: the
    signal's byte on a wakeup socket wakes it (a QSocketNotifier), and the handler runs then.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    from nnviz.engine.stop_signals import STOP_SIGNALS, Stopped

    received: list[int] = []
    wake_read, wake_write = socket.socketpair()
    for end in (wake_read, wake_write):
        end.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno())
    notifier = QSocketNotifier(wake_read.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: wake_read.recv(64))
    app.setProperty("nnviz_wakeup", (wake_read, wake_write))  # kept open while the app lives

    def stop(signum, _frame) -> None:
        if received:
            return  # the windows are closing already
        received.append(signum)
        print(f"nnviz: {Stopped(signum).description}; closing as Quit does", file=sys.stderr)
        QTimer.singleShot(0, app.closeAllWindows)  # from the loop: also a window built after this

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    return received


def share_the_gil_with_the_gui() -> None:
    """The GUI thread shares the GIL with the trainer and a background evaluation: it gets it
    back quickly (a 1 ms switch interval instead of 5 ms)."""
    sys.setswitchinterval(0.001)


def run_app(model_path: str | None = None, lesson=None) -> int:
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from nnviz import __version__
    from nnviz.paths import resource
    from nnviz.ui.display_check import guarded_start
    from nnviz.ui.main_window import MainWindow

    share_the_gil_with_the_gui()
    # argv[0] names the window class (WM_CLASS): "nnviz", also under `python -m nnviz`
    # a display Qt cannot use is one or two lines and exit 2, not Qt's abort (ui.display_check)
    app = QApplication.instance() or guarded_start(lambda: QApplication(["nnviz"]))
    app.setApplicationName("nnviz")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("nnviz")
    app.setDesktopFileName(DESKTOP_ID)  # Wayland app id; matches packaging/io.github.nnviz.nnviz.desktop
    app.setWindowIcon(QIcon(str(resource("icons", "nnviz.svg"))))
    app.setStyle("Fusion")  # one look on every platform, and a dark palette that works
    stopped_by = close_on_signals(app)
    window = MainWindow(model_path=model_path)
    window.show()
    if lesson is not None:
        window.lessons.open(lesson)
    status = app.exec()
    return 128 + stopped_by[0] if stopped_by else status  # the shell's convention, as the CLI's
