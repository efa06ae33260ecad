"""The rate Play achieves is measured once (the transport bar's meter) and written once
(app.pace): the status bar shows the same epochs/s figure as the transport bar, at every
update, and "paused" with it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("pytestqt")

from nnviz.app.pace import achieved_text, epochs_text


def epochs_figure(text: str) -> str:
    return re.search(r"([\d.,]+) epochs/s", text).group(1)


def test_the_status_bar_and_the_transport_bar_show_the_same_epochs_per_second(window, qtbot):
    bar, status = window.transport, window.status_label
    assert status.text() == bar.achieved.text() == "paused"
    shown = []
    bar.speed.setValue(10)  # 10 steps/s, about 0.4 epochs/s on the default problem
    bar.rateShown.connect(lambda text: shown.append((bar.achieved.text(), text)))
    window.actions_["play"].trigger()
    qtbot.waitUntil(lambda: any("epochs/s" in s for _, s in shown), timeout=8000)
    window.actions_["play"].trigger()
    assert status.text() == bar.achieved.text() == "paused"
    measured = [(a, s) for a, s in shown if "epochs/s" in s]
    assert measured
    for achieved, status_text in measured:
        assert epochs_figure(achieved) == epochs_figure(status_text), (achieved, status_text)
        assert status_text == f"{epochs_figure(achieved)} epochs/s"


def test_one_writer_for_both_bars():
    assert achieved_text(98.0, 25) == "98 steps/s · " + epochs_text(98.0, 25) == "98 steps/s · 3.9 epochs/s"
    assert epochs_text(12_345.0, 5) == "2,469 epochs/s"
    assert epochs_text(0.0, 5) == "0 epochs/s"
