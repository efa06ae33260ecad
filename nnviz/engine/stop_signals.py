"""SIGTERM, SIGHUP and Ctrl+C stop a headless command the same way, so the same cleanup runs.

    with stop_on_signals():
        with deferred_stops():    # Qt code: a stop waits until the block ends
            render_a_frame()
        write_the_frame()         # elsewhere a stop raises Stopped at once
    # ``except Stopped as stop``: say so, exit with stop.exit_status (128 + the signal)

Stopped is a KeyboardInterrupt, so every ``except BaseException`` / ``finally`` that cleans
up after Ctrl+C (temporary files and folders removed, ffmpeg stopped) runs unchanged.

An exception must not cross a Qt virtual (paintEvent, sizeHint, …: Python code that Qt
calls from C++): a signal arriving while one runs would raise there. Inside
``deferred_stops()`` the signal is only recorded, and Stopped is raised when the block
ends. A second signal while the cleanup runs is ignored, not allowed to cut it short.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by ``signum``."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # the shell's convention for "ended by this signal"

    @property
    def description(self) -> str:
        return "interrupted" if self.signum == signal.SIGINT else f"stopped by {signal.Signals(self.signum).name}"


class _Stops:
    deferring = 0  # depth of deferred_stops() blocks
    pending: int | None = None  # a signal that arrived inside one


def _stop(signum, _frame) -> None:
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)  # let the cleanup finish
    if _Stops.deferring:
        _Stops.pending = signum
        return
    raise Stopped(signum)


@contextmanager
def stop_on_signals():
    """Turn SIGINT, SIGTERM and SIGHUP into Stopped for the duration (main thread only;
    elsewhere signals cannot be caught and this does nothing)."""
    previous = {}
    for s in STOP_SIGNALS:
        try:
            previous[s] = signal.signal(s, _stop)
        except ValueError:  # not the main thread
            break
    _Stops.pending = None
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def deferred_stops():
    """Hold a stop back while Qt code runs; raise it (Stopped) as soon as the block ends."""
    _Stops.deferring += 1
    try:
        yield
    finally:
        _Stops.deferring -= 1
        if not _Stops.deferring and _Stops.pending is not None:
            signum, _Stops.pending = _Stops.pending, None
            raise Stopped(signum)
