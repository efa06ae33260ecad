"""One number writer (app.numbers.number): a value that reads as zero is "0", never "-0"."""

from __future__ import annotations

import pytest

from nnviz.app.numbers import number


@pytest.mark.parametrize(("value", "spec", "text"), [
    (-0.0, ".3g", "0"), (-0.0, ".4g", "0"), (-1e-9, ".3f", "0"), (-0.0004, ".3f", "0"), (0.0004, ".3f", "0"),
    (-0.0, ",.0f", "0"), (-0.4, ",.0f", "0"), (-0.0264, ".3g", "-0.0264"), (1234.5, ",.0f", "1,234"),
    (3.2e-07, ".4g", "3.2e-07"), (-3.2e-07, ".4g", "-3.2e-07"), (float("nan"), ".3g", "nan"),
])
def test_a_value_that_reads_as_zero_is_written_0(value, spec, text):
    assert number(value, spec) == text
