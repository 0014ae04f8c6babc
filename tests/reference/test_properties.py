"""Properties of dated series: one value in force at a time, and value_on agrees with a
brute-force scan, for the packaged data and for generated series."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.core.errors import ReferenceDataError
from crossborder.reference import CountryReference, ReferenceRegistry, SeriesParameter, load_registry
from crossborder.reference.loader import load_parameter

from .conftest import DATA_DIR

_REGISTRY = load_registry(DATA_DIR)
START, END = _REGISTRY.coverage
SERIES = [
    (code, name)
    for code in _REGISTRY.member_states()
    for name, p in _REGISTRY.country(code).parameters.items()
    if isinstance(p, SeriesParameter)
]

days_in_coverage = st.dates(min_value=START, max_value=END)


@settings(max_examples=300, deadline=None)
@given(on=days_in_coverage, which=st.sampled_from(SERIES))
def test_at_most_one_value_in_force_and_value_on_agrees(on: date, which: tuple[str, str]) -> None:
    code, name = which
    country = _REGISTRY.country(code)
    in_force = [v for v in country.history(name) if (v.from_ or date.min) <= on <= (v.to or date.max)]
    assert len(in_force) <= 1
    assert country.value_on(name, on) == (in_force[0] if in_force else None)


@settings(max_examples=100, deadline=None)
@given(on=days_in_coverage, code=st.sampled_from(_REGISTRY.member_states()))
def test_snapshot_agrees_with_value_on(on: date, code: str) -> None:
    country = _REGISTRY.country(code)
    snapshot = country.snapshot(on)
    for name, entry in snapshot["parameters"].items():
        if entry["kind"] != "series":
            continue
        value = country.value_on(name, on)
        assert ("gap" in entry) == (value is None)
        assert (name in snapshot["gaps"]) == (value is None)


# Generated series: random ranges, possibly overlapping, possibly open at either end.
_offsets = st.integers(min_value=0, max_value=400)


@st.composite
def _ranges(draw: Any) -> list[tuple[date | None, date | None]]:
    base = date(2020, 1, 1)
    out: list[tuple[date | None, date | None]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        start = draw(st.one_of(st.none(), _offsets.map(lambda d: base + timedelta(days=d))))
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=200)))
        end = None if length is None else (start or base) + timedelta(days=length)
        out.append((start, end))
    return out


def _overlap(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    return max(a[0] or date.min, b[0] or date.min) <= min(a[1] or date.max, b[1] or date.max)


@settings(max_examples=200, deadline=None)
@given(ranges=_ranges(), probe=st.integers(min_value=-30, max_value=700))
def test_loader_accepts_exactly_the_non_overlapping_series(
    registry: ReferenceRegistry, ranges: list[tuple[date | None, date | None]], probe: int
) -> None:
    raw = {
        "description": "generated",
        "unit": "percent",
        "values": [
            {"from": a, "to": b, "value": i, "source": "https://example.org", "as_of": "2026", "confidence": "high"}
            for i, (a, b) in enumerate(ranges)
        ],
    }
    overlapping = any(_overlap(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1 :])
    if overlapping:
        with pytest.raises(ReferenceDataError):
            load_parameter("generated.rate", raw)
        return
    parameter = load_parameter("generated.rate", raw)
    sg = registry.country("SG")
    country = CountryReference(
        code="SG",
        name=sg.name,
        m49=sg.m49,
        identity=sg.identity,
        currency=sg.currency,
        parameters={"generated.rate": parameter},
        coverage=registry.coverage,
    )
    on = date(2020, 1, 1) + timedelta(days=probe)
    expected = [i for i, (a, b) in enumerate(ranges) if (a or date.min) <= on <= (b or date.max)]
    found = country.value_on("generated.rate", on)
    assert (found is None and expected == []) or (found is not None and [int(found.value)] == expected)  # type: ignore[arg-type]
    assert ("gap" in country.snapshot(on)["parameters"]["generated.rate"]) == (found is None)
