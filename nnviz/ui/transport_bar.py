"""The transport bar under the network: Play's speed and the timeline scrubber.

Speed: a slider on app.pace's logarithmic scale (1 step/s … 1,000 steps/s, then "max"), the
chosen rate beside it and the rate achieved, measured from the snapshots shown (steps/s and
epochs/s). The position is kept in the settings ("play_speed").

Timeline: a slider over the controller's recorded frames; moving it shows that frame in
every view (``controller.show_frame``). The window's Play, Step and Step back go through here:

* Play on a past frame asks first, then continues from it (the recorded future is discarded;
  app.timeline.restore_frame says what is restored);
* Step (→) on a past frame shows the next recorded frame; on the latest one it trains;
* Step back (←) shows the previous recorded frame.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QMessageBox, QSizePolicy, QSlider, QWidget

from nnviz.app.pace import MAX_POSITION, RateMeter, achieved_text, epochs_text, rate_at, rate_text
from nnviz.draw.virtuals import qt_virtual
from nnviz.ui.controller import SessionController
from nnviz.ui.settings import Settings

SHOW_INTERVAL = 0.2  # seconds between updates of the bar while Play runs (it is read, not watched)
WIDEST = {"speed": "1,000 steps/s", "achieved": "12,345 steps/s · 2,469 epochs/s",
          "frame": "◀ step 1,234,567 · 10,000/10,000"}  # the labels' widths: numbers never make the bar jump


class FixedLabel(QLabel):
    """A label as wide as ``widest`` in its current font (it grows with presentation scale),
    whatever it shows: a changing number never makes the bar jump."""

    def __init__(self, name: str, widest: str):
        super().__init__()
        self.setObjectName(name)
        self.widest = widest
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    @qt_virtual("FixedLabel: sizeHint failed", fallback=QSize)
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.fontMetrics().horizontalAdvance(self.widest)), hint.height())

    @qt_virtual("FixedLabel: minimumSizeHint failed", fallback=QSize)
    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


def _slider(name: str, tip: str) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setObjectName(name)
    slider.setToolTip(tip)
    slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # ← and → stay the window's (step back, step)
    return slider


class TransportBar(QWidget):
    """Speed and timeline for ``controller``; the speed is read from and kept in ``settings``.

    ``rateShown`` carries the status bar's text each time the achieved rate is shown:
    "paused", "training…" (measuring) or the same epochs/s figure as the bar (one meter)."""

    rateShown = Signal(str)

    def __init__(self, controller: SessionController, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transport_bar")
        self.controller = controller
        self.settings = settings
        self.meter = RateMeter()
        self._filling = False
        self._shown_at = 0.0

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 2, 8, 2)
        grid.setVerticalSpacing(0)
        self.speed = _slider("play_speed", "Play's speed: 1 step/s (slow motion) … 1,000 steps/s, then as fast "
                                           "as it goes (logarithmic; a step is one mini-batch update)")
        self.speed.setRange(0, MAX_POSITION)
        self.speed.setPageStep(5)
        self.speed_label = FixedLabel("play_speed_label", WIDEST["speed"])
        self.achieved = FixedLabel("achieved_rate", WIDEST["achieved"])
        self.achieved.setText("paused")
        self.achieved.setToolTip("The rate Play reaches, measured from the snapshots shown")
        grid.addWidget(QLabel("Speed"), 0, 0)
        grid.addWidget(self.speed, 0, 1)
        grid.addWidget(self.speed_label, 0, 2)
        grid.addWidget(self.achieved, 0, 3)

        self.scrubber = _slider("timeline_scrubber", "The recorded run: drag back to see the network as it "
                                                     "was (← and → step through the frames)")
        self.frame_label = FixedLabel("timeline_label", WIDEST["frame"])
        grid.addWidget(QLabel("Timeline"), 1, 0)
        grid.addWidget(self.scrubber, 1, 1, 1, 2)
        grid.addWidget(self.frame_label, 1, 3)
        grid.setColumnStretch(1, 1)

        self.speed.setValue(settings.get("play_speed"))
        self._on_speed(self.speed.value())
        self.speed.valueChanged.connect(self._on_speed)
        self.scrubber.valueChanged.connect(self._on_scrub)
        controller.snapshotChanged.connect(self._on_snapshot)
        controller.runningChanged.connect(self._on_running)
        if controller.snapshot is not None:
            self._on_snapshot(controller.snapshot)

    # ---- speed --------------------------------------------------------------------------------

    def _on_speed(self, position: int) -> None:
        rate = rate_at(position)
        self.speed_label.setText(rate_text(rate))
        self.controller.set_speed(rate)
        self.settings.set("play_speed", position)
        self.meter.reset()

    def _on_running(self, running: bool) -> None:
        self.meter.reset()
        self.achieved.setText(achieved_text(None, 1) if running else "paused")
        self.rateShown.emit("training…" if running else "paused")
        if not running and self.controller.snapshot is not None:
            self._show_timeline(self.controller.snapshot)  # the frames of the last interval too

    # ---- timeline -----------------------------------------------------------------------------

    def _on_snapshot(self, snap) -> None:
        c = self.controller
        now = time.perf_counter()
        if c.running:
            self.meter.add(now, snap.step)
            if now - self._shown_at < SHOW_INTERVAL:
                return
            rate = self.meter.rate
            self.achieved.setText(achieved_text(rate, c.batches_per_epoch))
            self.rateShown.emit("training…" if rate is None else epochs_text(rate, c.batches_per_epoch))
        self._shown_at = now
        self._show_timeline(snap)

    def _show_timeline(self, snap) -> None:
        timeline = self.controller.timeline
        n, shown = len(timeline), timeline.shown
        self._filling = True
        try:
            self.scrubber.setRange(0, max(n - 1, 0))
            self.scrubber.setValue(shown)
        finally:
            self._filling = False
        past = "" if timeline.cursor is None else "◀ "  # a recorded frame, not the live state
        self.frame_label.setText(f"{past}step {snap.step:,} · {shown + 1:,}/{n:,}")
        self.frame_label.setToolTip(f"Frame {shown + 1:,} of the {n:,} recorded"
                                    + (" (a past one: Play asks before training on from it)" if past else ""))

    def _on_scrub(self, index: int) -> None:
        if not self._filling:
            self.controller.show_frame(index)

    # ---- the window's Play, Step and Step back -------------------------------------------------

    def play(self) -> None:
        """Play / pause; on a past frame, only once the user agreed to continue from it."""
        c = self.controller
        if c.running:
            c.pause()
        elif self.confirm_continue():
            c.play()

    def step(self) -> None:
        c = self.controller
        if c.timeline.cursor is not None:
            c.show_frame(c.timeline.cursor + 1)
        else:
            c.step()

    def step_back(self) -> None:
        c = self.controller
        c.show_frame(c.timeline.shown - 1)

    def confirm_continue(self) -> bool:
        """True when training may go on from the frame shown: at once when it is the latest;
        on a past frame once the user agreed to discard the frames after it (then continued)."""
        c = self.controller
        index = c.timeline.cursor
        if index is None:
            return True
        later = len(c.timeline) - index - 1
        snap = c.snapshot
        answer = QMessageBox.question(
            self.window(), "Continue from here?",
            f"Train on from step {snap.step:,} (epoch {snap.epoch})?\n\nThe {later:,} recorded "
            f"frame{'s' if later != 1 else ''} after it will be discarded; the optimizer starts afresh "
            "from this frame's weights.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        c.continue_from_frame()
        return True
