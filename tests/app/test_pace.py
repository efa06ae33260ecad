"""Play speed as numbers: the logarithmic slider scale, the pacer's schedule, the rate meter."""

from __future__ import annotations

import math

import pytest

from nnviz.app.pace import (
    DISPLAY_INTERVAL, FRAME_AIM, MAX_LAG, MAX_POSITION, TRAINING_SHARE, Pacer, RateMeter, SliceClock, position_of,
    rate_at, rate_text,
)


def test_the_scale_is_logarithmic_from_one_to_a_thousand_then_max():
    assert [rate_at(p) for p in (0, 10, 20, 30)] == pytest.approx([1.0, 10.0, 100.0, 1000.0])
    assert rate_at(MAX_POSITION) is None and MAX_POSITION == 31
    assert rate_at(5) == pytest.approx(math.sqrt(10))
    assert rate_at(15) == pytest.approx(10 * math.sqrt(10))
    ratios = [rate_at(p + 1) / rate_at(p) for p in range(30)]
    assert ratios == pytest.approx([10 ** 0.1] * 30)  # equal steps in log(rate)


def test_position_of_inverts_rate_at():
    for p in range(MAX_POSITION + 1):
        assert position_of(rate_at(p)) == p
    assert position_of(3.0) == 5  # 10·log10(3) = 4.77
    assert position_of(0.1) == 0 and position_of(1e6) == 30
    for bad in (-1, MAX_POSITION + 1):
        with pytest.raises(ValueError):
            rate_at(bad)
    with pytest.raises(ValueError):
        position_of(0.0)


def test_rate_text():
    assert [rate_text(r) for r in (1.0, 2.5, 10 ** 0.9, 12.6, 1000.0, None)] == [
        "1 step/s", "2.5 steps/s", "7.9 steps/s", "13 steps/s", "1,000 steps/s", "max"]


def test_pacer_spaces_single_steps_at_a_slow_rate():
    pacer = Pacer(4.0, start=10.0)  # one step every 0.25 s, the first at once
    assert pacer.due(10.0) == 1
    pacer.took(1)
    assert pacer.due(10.1) == 0 and pacer.wait(10.1) == pytest.approx(0.15)
    assert pacer.due(10.26) == 1
    pacer.took(1)
    assert pacer.due(10.4) == 0 and pacer.wait(10.4) == pytest.approx(0.1)


def test_pacer_gives_several_steps_a_frame_at_a_high_rate_and_forgives_a_stall():
    pacer = Pacer(600.0, start=0.0)
    assert pacer.due(0.0) == 1
    pacer.took(1)
    assert pacer.due(1 / 60 + 1e-9) == 10  # ≈ rate / 60 steps per display frame
    pacer.took(10)
    owed = pacer.due(5.0)  # a 5-s stall: at most MAX_LAG's worth, not 3,000 steps
    assert owed == math.ceil(MAX_LAG * 600) == 150
    pacer.took(owed)
    assert pacer.due(5.0) == 0  # the schedule goes on from the stall
    assert pacer.due(5.0 + 1 / 600 + 1e-9) == 1
    with pytest.raises(ValueError):
        Pacer(0.0, 0.0)


def test_rate_meter_measures_steps_per_second_over_its_window():
    meter = RateMeter(window=2.0)
    assert meter.rate is None
    for k in range(11):  # 60 frames/s would be the same; here 10 snapshots a second of 25 steps each
        meter.add(k / 10, 25 * k)
    assert meter.rate == pytest.approx(250.0)

    slow = RateMeter(window=2.0)
    for t in range(6):  # one step a second: the window still spans two whole seconds
        slow.add(float(t), t)
    assert slow.rate == pytest.approx(1.0)
    slow.add(6.0, 3)  # a step back (a reset, a recorded frame) starts over
    assert slow.rate is None
    slow.reset()
    assert slow.rate is None


def run_frames(clock: SliceClock, gui_times, step: float) -> list[tuple[float, float]]:
    """(training time, whole frame) of each frame: steps of ``step`` s until the clock says
    stop, then the GUI's part of ``g`` s while the worker waits."""
    now, frames = 0.0, []
    clock.resume(now)
    for g in gui_times:
        start = now
        now += step
        while not clock.ready(now):
            now += step
        trained = now - start
        now += g
        clock.resume(now)
        frames.append((trained, now - start))
    return frames


def test_a_quick_gui_gets_a_snapshot_every_sixtieth_of_a_second_of_training():
    frames = run_frames(SliceClock(), [0.004] * 40, step=0.001)
    assert all(trained == pytest.approx(DISPLAY_INTERVAL, abs=0.0006) for trained, _ in frames[5:])


def test_frames_come_every_frame_aim_on_average_when_the_gui_varies():
    """Every fifth frame also redraws the plots (35 ms instead of 12): the slices follow the mean."""
    gui = [0.035 if i % 5 == 0 else 0.012 for i in range(400)]
    frames = run_frames(SliceClock(), gui, step=0.0007)
    mean = sum(whole for _, whole in frames[50:]) / len(frames[50:])
    assert mean == pytest.approx(FRAME_AIM, rel=0.02)
    assert FRAME_AIM < 1 / 30  # a margin below the 30 frames/s promised


def test_a_slow_gui_leaves_training_its_share():
    frames = run_frames(SliceClock(), [0.060] * 200, step=0.0005)
    trained = sum(t for t, _ in frames[50:]) / sum(whole for _, whole in frames[50:])
    assert trained == pytest.approx(TRAINING_SHARE, rel=0.03)


def test_the_slice_ends_at_the_step_boundary_nearest_its_length():
    """Steps of 4 ms into a slice of 1/60 s: four steps (16 ms, 0.7 ms short), not five (20 ms, 3.3 ms over)."""
    frames = run_frames(SliceClock(), [0.001] * 10, step=0.004)
    assert all(trained == pytest.approx(0.016) for trained, _ in frames)
    long_steps = run_frames(SliceClock(), [0.001] * 5, step=0.030)  # a step longer than the slice: one per frame
    assert all(trained == pytest.approx(0.030) for trained, _ in long_steps)


def test_time_that_training_runs_over_counts_against_the_next_slices():
    """A busy core makes the steps run long: frames stay near FRAME_AIM (less training each)."""
    clock = SliceClock()
    gui = [0.010] * 300
    frames = run_frames(clock, gui, step=0.0005)
    # the same GUI, but every slice runs 6 ms past what the clock planned
    now, wholes = sum(whole for _, whole in frames), []
    for g in gui:
        start = now
        now += 0.0005
        while not clock.ready(now):
            now += 0.0005
        now += 0.006 + g
        clock.resume(now)
        wholes.append(now - start)
    assert sum(wholes[100:]) / 200 == pytest.approx(FRAME_AIM, rel=0.03)
    assert frames[-1][1] == pytest.approx(DISPLAY_INTERVAL + 0.010, abs=0.0006)


def test_one_stall_is_not_taken_for_a_slow_gui():
    """A 1 s stall (a dialog, a swapped-out process) among 12 ms frames: at most two frames after
    it come slower than 1/25 s (without the cap on g, five did: 0.24 s)."""
    gui = [0.012] * 60 + [1.0] + [0.012] * 60
    frames = run_frames(SliceClock(), gui, step=0.0007)
    slow = [whole for _, whole in frames[61:] if whole > 1 / 25]
    assert len(slow) <= 2
