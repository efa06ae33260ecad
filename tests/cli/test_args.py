"""The commands' comma-separated value parsers (nnviz.commands.args)."""

from __future__ import annotations

import pytest

from nnviz.commands.args import float_list, int_list
from nnviz.engine.errors import NnvizError


def test_float_list():
    assert float_list("95,4") == [95.0, 4.0]
    assert float_list(" 1.5, -2 ,3e-2") == [1.5, -2.0, 0.03]
    with pytest.raises(NnvizError, match="comma-separated list of numbers"):
        float_list("1,,2")
    with pytest.raises(NnvizError, match="not a finite number"):
        float_list("1,nan")


def test_int_list():
    assert int_list("2,8,8,1", "--layers") == [2, 8, 8, 1]
    assert int_list("2, 8,", "--layers") == [2, 8]
    with pytest.raises(NnvizError, match="--layers must be whole numbers"):
        int_list("2,8.5,1", "--layers")
