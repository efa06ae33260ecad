"""Failures found by the issue-15 fault campaign, each one line on stderr and exit 2.

A path longer than the file system allows (ENAMETOOLONG) makes pathlib's is_file() /
is_dir() / exists() raise OSError on Python 3.11, in every command's up-front checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.cli import main

LONG = "a" * 300  # NAME_MAX is 255 on Linux file systems


def run(argv, capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["train", "--epochs", "1", "--samples", "20", "--save", "{tmp}/" + LONG + ".json"],
    ["train", "--epochs", "1", "--samples", "20", "--dataset", "{tmp}/" + LONG],
    ["lesson", "--check", LONG],
    ["export", "--default", "--format", "svg", "--out", "{tmp}/" + LONG + ".svg"],
    ["export", "--lesson", LONG, "--format", "svg", "--out", "{tmp}/o.svg"],
])
def test_a_file_name_too_long_is_one_line(tmp_path, capsys, argv):
    before = sorted(tmp_path.iterdir())
    code, err = run([a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "File name too long" in err and LONG in err, err
    assert sorted(tmp_path.iterdir()) == before  # nothing written


# ---- a session whose history holds losses of ±1e308 (finite, so the file is valid)

def test_loss_plot_fits_losses_near_the_float_limit(qtbot):
    """hi − lo = 2e308 overflows to inf; pyqtgraph raised "Cannot set range [-inf, inf]"
    from inside the main window's build_plots when such a session was opened."""
    pytest.importorskip("pytestqt")
    from nnviz.draw.plots import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 350)
    plot.show()
    qtbot.waitExposed(plot)
    epochs = np.array([1.0, 2.0, 3.0])
    plot.set_history(epochs, np.array([0.5, 1e308, 0.25]), np.array([0.5, -1e308, 0.25]))
    (x0, x1), (y0, y1) = plot.loss_plot.viewRange()
    assert np.isfinite([x0, x1, y0, y1]).all()
    assert y0 < -1e300 and y1 > 1e300  # the whole range is still shown
    assert x0 <= 1.0 and x1 >= 3.0


# ---- a lesson file nested thousands of levels deep: tomllib recursed until RecursionError

def test_lesson_check_of_a_deeply_nested_toml_is_one_line(tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text('id = "t"\ntitle = "T"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    code, err = run(["lesson", "--check", str(path)], capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "deep.toml: not valid TOML" in err and "nested too deeply" in err, err


def test_ctrl_c_while_the_commands_are_imported_is_one_line(monkeypatch, capsys):
    """The parser imports the commands (a second or so under load): Ctrl+C then used to end in
    an import-time traceback."""
    import nnviz.cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(nnviz.cli, "build_parser", interrupted)
    assert nnviz.cli.main(["train"]) == 130
    assert capsys.readouterr().err == "nnviz: interrupted\n"
