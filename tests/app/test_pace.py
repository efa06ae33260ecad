"""Play speed as numbers: the logarithmic slider scale, the pacer's schedule, the rate meter."""

from __future__ import annotations

import math

import pytest

from nnviz.app.pace import (
    DISPLAY_INTERVAL, MAX_LAG, MAX_POSITION, SLOWEST_FRAME, TRAINING_SHARE, Pacer, RateMeter, position_of, rate_at,
    rate_text, training_slice,
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


def test_a_slow_gui_takes_training_time_until_frames_come_every_thirtieth_of_a_second():
    assert training_slice(0.005) == DISPLAY_INTERVAL  # a quick GUI: a snapshot per 1/60 s of training
    assert training_slice(0.020) == pytest.approx(1 / 30 - 0.020)  # 20 ms to show: 13.3 ms to train
    assert 0.020 + training_slice(0.020) == pytest.approx(SLOWEST_FRAME)
    slow = 0.060  # slower than 1/30 s alone: training keeps its quarter of the time
    assert training_slice(slow) / (slow + training_slice(slow)) == pytest.approx(TRAINING_SHARE)
