"""The Decimal percentile behind the release-time and resolution-time KPIs: within the data, monotonic,
exact on hand-computed cases, and equal to the redress dashboard's (percentile_cont) definition."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.monitoring.kpi_platform_common import percentile, share
from crossborder.redress.dashboard import percentile as dashboard_percentile

VALUES = st.lists(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False), min_size=1, max_size=60)
FRACTIONS = st.decimals(min_value=0, max_value=1, places=3)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        (["10", "30", "90", "120", "240"], "0.5", "90"),
        (["10", "30", "90", "120", "240"], "0.9", "192"),  # rank 3.6: 120 + 0.6 x 120
        (["10", "30", "90", "120"], "0.5", "60"),  # between 30 and 90
        (["7"], "0.9", "7"),
        (["1", "2"], "0", "1"),
        (["1", "2"], "1", "2"),
    ],
)
def test_hand_computed(values: list[str], fraction: str, expected: str) -> None:
    assert percentile([Decimal(v) for v in values], Decimal(fraction)) == Decimal(expected)


def test_nothing_to_measure_is_none_and_fractions_are_checked() -> None:
    assert percentile([], Decimal("0.5")) is None
    with pytest.raises(ValueError):
        percentile([Decimal(1)], Decimal("1.5"))


@given(VALUES, FRACTIONS, FRACTIONS)
def test_within_the_data_and_monotonic(values: list[Decimal], a: Decimal, b: Decimal) -> None:
    ordered = sorted(values)
    low, high = sorted((a, b))
    p_low, p_high = percentile(ordered, low), percentile(ordered, high)
    assert p_low is not None and p_high is not None
    assert ordered[0] <= p_low <= p_high <= ordered[-1]


@given(VALUES, FRACTIONS)
def test_agrees_with_the_dashboard_definition(values: list[Decimal], fraction: Decimal) -> None:
    ordered = sorted(values)
    exact = percentile(ordered, fraction)
    approximate = dashboard_percentile([float(v) for v in ordered], float(fraction))
    assert exact is not None and approximate is not None
    assert abs(float(exact) - approximate) <= 1e-6 * max(1.0, abs(approximate))


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_share_is_a_percentage_to_two_decimals(part: int, extra: int) -> None:
    whole = part + extra
    value = share(part, whole)
    assert Decimal(0) <= value <= Decimal(100) and value == value.quantize(Decimal("0.01"))
    assert abs(value - Decimal(100) * part / whole) <= Decimal("0.005")
