"""One computation at a time off the GUI thread, the latest asked for winning.

A view that must run a long NumPy computation on a frozen copy of the state (a forward
pass over 60,000 images takes ~1 s) hands it to a LatestJob instead of stalling the
frames: ``submit(token, *args)`` runs ``fn(*args)`` in a daemon thread; a submit while one
runs waits, a newer one replacing it (only the latest state matters); ``done(token,
result)`` is then called on the GUI thread. ``cancel()`` drops the waiting call and makes
the running one's result ignored (the state it was of is gone). Pass copies: nobody else
may touch the arguments meanwhile.

The thread touches no Qt object: the GUI thread looks for the result with a timer while a
call runs, so a view closed meanwhile (its timer gone with it) simply never hears back.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)
POLL_MS = 10  # how often the GUI thread looks for a finished result


class LatestJob(QObject):
    """Runs ``fn`` off the GUI thread, one call at a time; ``done(token, result)`` on the GUI thread."""

    def __init__(self, fn, done, parent: QObject | None = None):
        super().__init__(parent)
        self._fn, self._done = fn, done
        self._running: tuple | None = None  # (thread, generation, token, outcome list) of the call in progress
        self._waiting: tuple | None = None  # (generation, token, args) asked for meanwhile
        self._generation = 0  # cancel() makes earlier calls' results stale
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._look)

    @property
    def busy(self) -> bool:
        """A call is running or waiting."""
        return self._running is not None or self._waiting is not None

    def submit(self, token, *args) -> None:
        self._waiting = (self._generation, token, args)
        if self._running is None:
            self._start_waiting()

    def cancel(self) -> None:
        self._waiting = None
        self._generation += 1

    def wait(self, seconds: float | None = None) -> None:
        """Block until the running call has ended, then deliver it (tests, shutdown)."""
        if self._running is not None:
            self._running[0].join(seconds)
            self._look()

    def _start_waiting(self) -> None:
        generation, token, args = self._waiting
        self._waiting = None
        outcome: list = []  # the thread appends its result: list.append is atomic

        def work() -> None:
            try:
                outcome.append(self._fn(*args))
            except Exception:  # noqa: BLE001 - a thread's error would print a traceback; the next call tries again
                log.exception("background computation failed")

        thread = threading.Thread(target=work, name="nnviz-view-job", daemon=True)
        self._running = (thread, generation, token, outcome)
        thread.start()
        self._poll.start()

    def _look(self) -> None:
        if self._running is None or self._running[0].is_alive():
            return
        _, generation, token, outcome = self._running
        self._running = None
        self._poll.stop()
        if outcome and generation == self._generation:
            self._done(token, outcome[0])
        if self._waiting is not None:
            self._start_waiting()
