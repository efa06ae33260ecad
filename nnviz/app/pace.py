"""Play speed: a logarithmic scale of step rates, a pacer that keeps training to one, and
a meter of the rate achieved.

The scale is a slider's: position p = 0 … TOP maps to

    r(p) = MIN_RATE · 10^(p / PER_DECADE)  steps/s          (1, 1.26, 1.58, … 10, … 100, … 1,000)

and one more position, MAX_POSITION = TOP + 1, means "as fast as the machine goes" (None).
A step is one optimizer update (one mini-batch); epochs/s = steps/s ÷ batches per epoch.
The rate achieved is measured in one place (a RateMeter, fed with the snapshots shown) and
written by ``achieved_text`` / ``epochs_text``: the transport bar and the status bar show
the same figure.

The pacer decides how many steps are due: step n (0-based, counted from ``start``) is due
at t₀ + n / r, so the worker trains k = ⌊(t − t₀)·r⌋ + 1 − done steps per display frame at
high rates (k ≈ r / 60) and sleeps between single steps at low ones. A stall (a slow frame,
a busy GUI) is forgiven, not caught up in a burst: at most MAX_LAG seconds of steps are owed.
"""

from __future__ import annotations

import math
from collections import deque

from nnviz.app.numbers import number

MIN_RATE = 1.0  # steps/s at position 0
PER_DECADE = 10  # slider positions per factor of 10
DECADES = 3  # 1 … 1,000 steps/s
TOP = PER_DECADE * DECADES  # the position of MIN_RATE · 10^DECADES
MAX_POSITION = TOP + 1  # "max": no pacing at all
MAX_LAG = 0.25  # seconds of steps the pacer may owe after a stall
DISPLAY_INTERVAL = 1 / 60  # seconds of training between snapshots while the GUI keeps up
FRAME_AIM = 1 / 34  # a slow GUI takes training time until frames come this often (13 % above 30/s: frames vary) …
TRAINING_SHARE = 0.25  # … but training keeps at least this share of the time
GUI_SMOOTHING = 8  # frames over which the GUI's part of a frame is averaged


def rate_at(position: int) -> float | None:
    """Steps per second at slider ``position`` (0 … MAX_POSITION); None = max (unpaced)."""
    if not 0 <= position <= MAX_POSITION:
        raise ValueError(f"a speed position is 0 … {MAX_POSITION}, not {position}")
    if position == MAX_POSITION:
        return None
    return MIN_RATE * 10 ** (position / PER_DECADE)


def position_of(rate: float | None) -> int:
    """The slider position nearest to ``rate`` steps/s (None → MAX_POSITION); the inverse of rate_at."""
    if rate is None:
        return MAX_POSITION
    if not rate > 0:
        raise ValueError(f"a speed is a positive number of steps per second, not {rate}")
    return min(TOP, max(0, round(PER_DECADE * math.log10(rate / MIN_RATE))))


def rate_text(rate: float | None) -> str:
    """'max', or the rate with about two significant digits: '1 step/s', '2.5 steps/s', '160 steps/s'."""
    if rate is None:
        return "max"
    shown = f"{rate:.2g}" if rate < 10 else f"{rate:,.0f}"
    return f"{shown} step/s" if shown == "1" else f"{shown} steps/s"


def rate_figure(value: float) -> str:
    """A measured rate as both bars write it: '1,234' from 10 up, else two significant digits ('0.04')."""
    return number(value, ",.0f") if value >= 10 else number(value, ".2g")


def epochs_text(steps_per_second: float, batches_per_epoch: int) -> str:
    """'3.9 epochs/s': epochs/s = steps/s ÷ batches per epoch."""
    return f"{rate_figure(steps_per_second / max(batches_per_epoch, 1))} epochs/s"


def achieved_text(steps_per_second: float | None, batches_per_epoch: int) -> str:
    """'98 steps/s · 3.9 epochs/s'; 'measuring…' before two snapshots (``RateMeter.rate`` None)."""
    if steps_per_second is None:
        return "measuring…"
    return f"{rate_figure(steps_per_second)} steps/s · {epochs_text(steps_per_second, batches_per_epoch)}"


class Pacer:
    """Keeps steps to ``rate`` per second from ``start`` (a ``time.perf_counter()`` value)."""

    def __init__(self, rate: float, start: float):
        if not rate > 0:
            raise ValueError(f"a pace is a positive number of steps per second, not {rate}")
        self.rate = rate
        self.start = start
        self.done = 0  # steps taken since start

    def due(self, now: float) -> int:
        """Steps owed at ``now`` (0 when the next one is not due yet), never more than MAX_LAG's worth."""
        owed = math.floor((now - self.start) * self.rate) + 1 - self.done
        cap = max(1, math.ceil(MAX_LAG * self.rate))
        if owed > cap:  # a stall: forget the debt, go on from now
            self.start = now - (self.done + cap - 1) / self.rate
            owed = cap
        return max(0, owed)

    def wait(self, now: float) -> float:
        """Seconds until the next step is due (0 if it is due already)."""
        return max(0.0, self.start + self.done / self.rate - now)

    def took(self, steps: int) -> None:
        self.done += steps


class RateMeter:
    """Steps per second as the snapshots show them: (s_last − s_first) / (t_last − t_first) over
    the points of the last ``window`` seconds (plus the one just before, so that slow rates of
    one step a second still span a whole window)."""

    def __init__(self, window: float = 2.0):
        self.window = window
        self._points: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._points.clear()

    def add(self, t: float, step: int) -> None:
        """A snapshot of optimizer step ``step`` shown at time ``t`` (a step back starts over)."""
        points = self._points
        if points and (step < points[-1][1] or t < points[-1][0]):
            points.clear()
        points.append((t, step))
        while len(points) > 2 and points[1][0] <= t - self.window:
            points.popleft()

    @property
    def rate(self) -> float | None:
        """Steps per second, or None before two snapshots at different times."""
        if len(self._points) < 2:
            return None
        (t0, s0), (t1, s1) = self._points[0], self._points[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else None


class SliceClock:
    """When the worker, training as fast as it can, stops for a snapshot.

    A frame runs from one resumption of training to the next: the slice t the clock planned,
    and g, everything else (the snapshot made, handed over and shown by the GUI while the
    worker waits, and whatever made the training run past t: a long step, a busy core). g
    varies from frame to frame (one that also redraws the plots costs 2–3× one that paints
    the network only), so the slice follows its running mean:

        ḡ ← ḡ + (min(g, 2ḡ + FRAME_AIM) − ḡ) / GUI_SMOOTHING     (a stall of seconds counts as a slow frame)
        t = max(min(DISPLAY_INTERVAL, FRAME_AIM − ḡ), ḡ · s / (1 − s))      s = TRAINING_SHARE

    and frames come every FRAME_AIM on average while the GUI allows it: a quick GUI
    (ḡ ≤ 1/60 s) gets a snapshot every 1/60 s of training, a slower one the time it needs,
    until training is down to its share. Steps do not divide t: the slice ends at the step
    boundary nearest to t (it stops when one more step, as long as the last, would end over
    half a step late).

        clock.resume(now); … after each step: clock.ready(now) → stop?; … clock.resume(later)
    """

    def __init__(self):
        self.gui = 0.0  # ḡ, seconds
        self.planned = DISPLAY_INTERVAL  # t of the frame under way
        self._resumed: float | None = None  # when training last resumed
        self._last = 0.0  # when the last step ended (or training resumed)

    @property
    def slice(self) -> float:
        """t for the next frame, seconds to train before its snapshot."""
        share = TRAINING_SHARE / (1.0 - TRAINING_SHARE)
        return max(min(DISPLAY_INTERVAL, FRAME_AIM - self.gui), self.gui * share)

    def resume(self, now: float) -> None:
        """Training resumes at ``now``: the frame since the last resumption, less its planned slice, was g."""
        if self._resumed is not None:
            g = min(max(now - self._resumed - self.planned, 0.0), 2.0 * self.gui + FRAME_AIM)  # a stall: not a slow GUI
            self.gui += (g - self.gui) / GUI_SMOOTHING
        self.planned = self.slice
        self._resumed = self._last = now

    def ready(self, now: float) -> bool:
        """Asked after every step at ``now``: is it time for a snapshot?"""
        step, self._last = now - self._last, now
        return now - self._resumed + step / 2 >= self.planned
