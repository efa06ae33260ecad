"""Stop signals (engine.stop_signals): SIGTERM/SIGHUP/Ctrl+C become Stopped, held back inside
deferred_stops() (Qt code, locks) and raised as soon as the block ends."""

from __future__ import annotations

import os
import signal

import pytest

from nnviz.engine.stop_signals import Stopped, deferred_stops, stop_on_signals


@pytest.mark.parametrize("signum, status, said", [
    (signal.SIGTERM, 143, "stopped by SIGTERM"),
    (signal.SIGHUP, 129, "stopped by SIGHUP"),
    (signal.SIGINT, 130, "interrupted"),
])
def test_a_signal_becomes_stopped(signum, status, said):
    before = signal.getsignal(signum)
    with pytest.raises(Stopped) as stop, stop_on_signals():
        os.kill(os.getpid(), signum)  # the handler runs at the next bytecode
    assert isinstance(stop.value, KeyboardInterrupt)  # Ctrl+C's cleanup runs for it too
    assert (stop.value.exit_status, stop.value.description) == (status, said)
    assert signal.getsignal(signum) is before


def test_a_stop_inside_a_deferred_block_waits_for_its_end():
    reached = []
    with pytest.raises(Stopped), stop_on_signals():
        with deferred_stops():
            os.kill(os.getpid(), signal.SIGTERM)
            reached.append("rest of the block")  # not cut short
            os.kill(os.getpid(), signal.SIGTERM)  # a second signal is ignored while cleaning up
            reached.append("still here")
        reached.append("after the block")
    assert reached == ["rest of the block", "still here"]


def test_nested_deferred_blocks_raise_at_the_outermost_end():
    reached = []
    with pytest.raises(Stopped), stop_on_signals(), deferred_stops():
        with deferred_stops():
            os.kill(os.getpid(), signal.SIGHUP)
        reached.append("outer block goes on")
    assert reached == ["outer block goes on"]
