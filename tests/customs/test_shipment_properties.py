"""Property-based tests of the input parser and the calculator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.customs.landed_cost import assess
from crossborder.customs.shipment import parse_shipment
from crossborder.customs.tariff import normalise_hs
from tests.customs.engine_fixtures import book, shipment

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
destinations = st.sampled_from(["SG", "TH", "VN", "ID", "KH", "PH", "BN"])
ON = date(2026, 1, 2)


@given(st.text(max_size=14))
def test_hs_parser_accepts_only_6_to_10_digits(raw: str) -> None:
    try:
        code = normalise_hs(raw)
    except ValidationFailed as exc:
        assert exc.errors[0].path == "hs_code"
        return
    assert code.isdigit() and 6 <= len(code) <= 10


@given(
    st.dictionaries(
        st.sampled_from(["origin", "destination", "date", "lines", "incoterm", "shipping", "x"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=5), st.floats(), st.lists(st.integers())),
    )
)
def test_parser_never_crashes_on_junk(raw: dict[str, object]) -> None:
    try:
        parse_shipment(raw)
    except ValidationFailed as exc:
        assert exc.errors and all(e.path and e.rule for e in exc.errors)


@settings(max_examples=60, deadline=None)
@given(destinations, amounts, amounts)
def test_more_value_never_costs_less(destination: str, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    books = book(destination, ON)
    cost = [
        Decimal(assess(parse_shipment(shipment(destination, ON, str(v))), books).as_dict()["totals"]["landed_cost"])
        for v in (low, high)
    ]
    assert cost[0] <= cost[1]


@settings(max_examples=60, deadline=None)
@given(destinations, amounts)
def test_totals_add_up_and_are_rounded(destination: str, value: Decimal) -> None:
    result = assess(parse_shipment(shipment(destination, ON, str(value), shipping="3.5")), book(destination, ON))
    t = {k: Decimal(v) for k, v in result.as_dict()["totals"].items()}
    assert (
        t["landed_cost"]
        == t["goods"] + t["shipping"] + t["insurance"] + t["duty"] + t["tax_at_border"] + t["tax_at_checkout"]
    )
    assert t["payable_at_checkout"] + t["payable_on_delivery"] == t["landed_cost"]
    minor = 0 if destination in ("VN",) else 2
    assert all(-v.as_tuple().exponent <= minor for v in t.values())  # type: ignore[operator]
