from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.core.money import Money, to_decimal

decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False, places=4
)


@given(decimals)
def test_decimal_text_round_trips_exactly(value: Decimal) -> None:
    assert to_decimal(str(value)) == value


@given(decimals, st.integers(min_value=0, max_value=3))
def test_rounding_to_minor_units_moves_at_most_half_a_unit(value: Decimal, minor: int) -> None:
    rounded = Money(value, "MYR").rounded(minor).amount
    assert abs(rounded - value) <= Decimal(1).scaleb(-minor) / 2
    assert -rounded.as_tuple().exponent <= minor  # type: ignore[operator]


@pytest.mark.parametrize("bad", [0.1, "abc", None, True, "NaN", "Infinity", [1]])
def test_non_decimal_input_is_refused(bad: object) -> None:
    with pytest.raises(ValidationFailed):
        to_decimal(bad, path="lines[0].unit_value")


def test_currencies_never_mix() -> None:
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(Decimal(1), "MYR") + Money(Decimal(1), "SGD")
