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


def test_sums_are_written_with_minus_signs_and_negative_factors_in_parentheses():
    from nnviz.app.numbers import factor, signed_sum

    assert signed_sum(["0.001", "-0.95", "0.08"]) == "0.001 − 0.95 + 0.08"
    assert signed_sum(["-1", "-2"]) == "-1 − 2"  # the first keeps its sign
    assert signed_sum([f"-0.87·{factor('0.5')}", f"1.1·{factor('-1')}"]) == "-0.87·0.5 + 1.1·(-1)"
