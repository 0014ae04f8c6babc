"""Properties of normalisation and aggregation that hold for any values."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.monitoring.index_engine import aggregate, compute, quantise
from tests.monitoring.test_index_helpers import STATES, config, data, definition, indicator, sub

VALUES = st.lists(st.decimals(min_value=-1000, max_value=1000, places=2), min_size=3, max_size=3)
ONE = config(definition([sub("S", [indicator("I1")])]))
THREE = config(definition([sub("S", [indicator("I1"), indicator("I2", "lower"), indicator("I3")])]))


def _index(values: list[Decimal], cfg=ONE) -> list[Decimal | None]:  # type: ignore[no-untyped-def]
    rows = [("2020", s, "I1", str(v)) for s, v in zip(STATES, values, strict=True)]
    found = compute(cfg, data(cfg, rows)).cycles[0]
    return [s.index for s in found.states]


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_min_max_scores_stay_within_0_and_100(values: list[Decimal]) -> None:
    assert all(v is not None and Decimal(0) <= v <= Decimal(100) for v in _index(values))


@settings(max_examples=60, deadline=None)
@given(VALUES, st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2))
def test_scaling_an_indicator_by_a_positive_constant_changes_no_min_max_score(values: list[Decimal],
                                                                              k: Decimal) -> None:  # fmt: skip
    assert _index(values) == _index([v * k for v in values])


@settings(max_examples=40, deadline=None)
@given(st.lists(VALUES, min_size=3, max_size=3))
def test_equal_weights_arithmetic_is_the_mean_of_the_scores(columns: list[list[Decimal]]) -> None:
    rows = [("2020", s, code, str(col[n])) for code, col in zip(("I1", "I2", "I3"), columns, strict=True)
            for n, s in enumerate(STATES)]  # fmt: skip
    result = compute(THREE, data(THREE, rows)).cycles[0]
    singles = []
    for code, direction in (("I1", "higher"), ("I2", "lower"), ("I3", "higher")):
        cfg = config(definition([sub("S", [indicator(code, direction)])]))
        singles.append(compute(cfg, data(cfg, [r for r in rows if r[2] == code])).cycles[0].states)
    for n, state in enumerate(result.states):
        mean = sum(Decimal(str(one[n].index)) for one in singles) / 3
        assert state.index is not None and abs(state.index - mean) <= Decimal("0.01")  # per-score rounding


@given(st.lists(st.tuples(st.floats(0.01, 10), st.floats(1, 100)), min_size=1, max_size=12))
def test_geometric_is_never_above_arithmetic(pairs: list[tuple[float, float]]) -> None:
    geometric, arithmetic = aggregate(pairs, "geometric", 1.0), aggregate(pairs, "arithmetic", 1.0)
    assert geometric is not None and arithmetic is not None
    assert quantise(geometric, Decimal("0.000001")) <= quantise(arithmetic, Decimal("0.000001"))
