"""Every member state's rules from the reference data, before and after each change.
Values: test tariff and rates from engine_fixtures (round numbers); rules: the real data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crossborder.core.errors import ValidationFailed
from crossborder.customs.landed_cost import MissingRule, assess
from crossborder.customs.shipment import parse_shipment
from tests.customs.engine_fixtures import book, shipment

D = Decimal


def run(destination: str, on: date, value: str, **kw: object) -> dict[str, object]:
    parsed = parse_shipment(shipment(destination, on, value, **kw))  # type: ignore[arg-type]
    return assess(parsed, book(destination, on)).as_dict()


def totals(result: dict[str, object]) -> dict[str, D]:
    return {k: D(v) for k, v in result["totals"].items()}  # type: ignore[attr-defined]


# (case, destination, date, USD value, kwargs, expected duty, expected border tax, expected checkout tax)
CASES = [
    # Singapore: GST 7 % -> 8 % (2023) -> 9 % (2024); relief at S$400 for air/post; duty 10 % on the test tariff.
    ("SG GST 7% in 2022", "SG", date(2022, 12, 30), "400", {}, "50.00", "38.50", "0.00"),
    ("SG GST 8% in 2023", "SG", date(2023, 6, 1), "400", {}, "50.00", "44.00", "0.00"),
    ("SG GST 9% from 2024", "SG", date(2024, 1, 2), "400", {}, "50.00", "49.50", "0.00"),
    ("SG relief at S$400 by post", "SG", date(2024, 6, 3), "320", {}, "0.00", "0.00", "0.00"),
    ("SG no relief by sea", "SG", date(2024, 6, 3), "320", {"mode": "sea"}, "40.00", "39.60", "0.00"),
    (
        "SG OVR: registered vendor charges 9% at sale",
        "SG",
        date(2024, 6, 3),
        "200",
        {"registration": "M9-1"},
        "0.00",
        "0.00",
        "22.50",
    ),
    # Thailand: duty de minimis THB 1,500 until 2025-12-31, THB 1 from 2026; VAT relief ended 2024-07-05.
    ("TH duty relief at 1,500 in 2025", "TH", date(2025, 12, 30), "40", {}, "0.00", "84.00", "0.00"),
    ("TH duty from THB 1 in 2026", "TH", date(2026, 1, 2), "40", {}, "120.00", "92.40", "0.00"),
    ("TH VAT relief before 2024-07-05", "TH", date(2024, 7, 3), "40", {}, "0.00", "0.00", "0.00"),
    ("TH ATIGA 0% with origin claim", "TH", date(2026, 1, 2), "40", {"claim": True}, "0.00", "84.00", "0.00"),
    # Viet Nam: VND 1,000,000 relief until 2025-02-17; VAT 10 % -> 8 % from 2025-07-01 to 2026-12-31.
    ("VN relief before 2025-02-18", "VN", date(2025, 2, 17), "30", {"origin": "TH"}, "0", "0", "0"),
    ("VN charged from 2025-02-18 (VAT 10%)", "VN", date(2025, 2, 18), "30", {"origin": "TH"}, "75000", "82500", "0"),
    ("VN VAT 8% from 2025-07-01", "VN", date(2025, 7, 1), "30", {"origin": "TH"}, "75000", "66000", "0"),
    ("VN VAT back to 10% in 2027", "VN", date(2027, 1, 4), "30", {"origin": "TH"}, "75000", "82500", "0"),
    (
        "VN 8% not for excluded goods",
        "VN",
        date(2025, 7, 1),
        "30",
        {"origin": "TH", "tax_class": "excluded_from_reduction"},
        "75000",
        "82500",
        "0",
    ),
    # Indonesia: USD 3 duty relief; flat 7.5 % band to USD 1,500; VAT 11 % effective, 12 % luxury.
    ("ID under USD 3: no duty, VAT still due", "ID", date(2025, 6, 2), "2", {}, "0.00", "3520.00", "0.00"),
    ("ID flat 7.5% band", "ID", date(2025, 6, 2), "100", {}, "120000.00", "189200.00", "0.00"),
    ("ID luxury pays 12%", "ID", date(2025, 6, 2), "100", {"tax_class": "luxury"}, "120000.00", "206400.00", "0.00"),
    (
        "ID excluded textiles MFN before 2025-03-05",
        "ID",
        date(2025, 3, 4),
        "100",
        {"hs": "620520"},
        "320000.00",
        "211200.00",
        "0.00",
    ),
    (
        "ID excluded textiles fixed 25% after",
        "ID",
        date(2025, 3, 5),
        "100",
        {"hs": "620520"},
        "400000.00",
        "220000.00",
        "0.00",
    ),
    ("ID above USD 1,500: tariff", "ID", date(2025, 6, 2), "1600", {}, "2560000.00", "3097600.00", "0.00"),
    # Malaysia: RM500 relief (air/post); LVG 10 % at sale by registered sellers from 2024; SST 10 % from 2025-07.
    ("MY relief by post", "MY", date(2025, 8, 1), "100", {}, "0.00", "0.00", "0.00"),
    ("MY LVG registered seller", "MY", date(2025, 8, 1), "100", {"registration": "LRN-1"}, "0.00", "0.00", "40.00"),
    ("MY above RM500", "MY", date(2025, 8, 1), "200", {}, "80.00", "88.00", "0.00"),
    # Cambodia and the Philippines: FOB thresholds for duty and tax alike.
    ("KH under USD 50", "KH", date(2025, 6, 2), "50", {}, "0.00", "0.00", "0.00"),
    ("KH above USD 50", "KH", date(2025, 6, 2), "60", {}, "24000.00", "26400.00", "0.00"),
    ("PH under PHP 10,000", "PH", date(2025, 6, 2), "200", {}, "0.00", "0.00", "0.00"),
    # Brunei: no VAT; BND 400 duty relief only for air and post.
    ("BN no VAT, relief by air", "BN", date(2025, 6, 2), "300", {"mode": "air"}, "0.00", "0.00", "0.00"),
    ("BN duty by land", "BN", date(2025, 6, 2), "300", {"mode": "land"}, "37.50", "0.00", "0.00"),
]


@pytest.mark.parametrize(
    ("destination", "on", "value", "kw", "duty", "border", "checkout"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_country_rules(
    destination: str, on: date, value: str, kw: dict[str, object], duty: str, border: str, checkout: str
) -> None:
    result = run(destination, on, value, **kw)
    got = totals(result)
    assert (got["duty"], got["tax_at_border"], got["tax_at_checkout"]) == (D(duty), D(border), D(checkout))
    # Every rule used is explained with a source.
    assert all(step["fact"] is None or step["fact"]["source"] for step in result["trace"])  # type: ignore[index]


def test_every_member_state_is_assessable_today_or_names_its_gap() -> None:
    from crossborder.reference import get_registry

    for code in get_registry().member_states():
        try:
            result = run(code, date(2026, 1, 2), "80")
        except MissingRule as exc:
            assert exc.errors[0].path == "destination" and "needs" in exc.errors[0].rule
            continue
        assert D(result["totals"]["landed_cost"]) >= D(result["totals"]["goods"])  # type: ignore[index]


@pytest.mark.parametrize(("destination", "on"), [("TH", date(2026, 10, 1)), ("MY", date(2025, 6, 30))])
def test_a_rate_gap_is_an_error_not_a_guess(destination: str, on: date) -> None:
    with pytest.raises(MissingRule) as raised:
        run(destination, on, "400")
    assert "indirect_tax.standard_rate" in raised.value.errors[0].rule


def test_trace_names_tariff_line_and_rates_used() -> None:
    result = run("TH", date(2026, 1, 2), "40", hs="33049910")
    line = result["lines"][0]  # type: ignore[index]
    assert line["duty"]["tariff_line"]["hs_code"] == "33049910"
    assert result["conversions"][0]["rates"][0]["date"] == "2026-01-02"  # type: ignore[index]
    assert result["sample_data_used"] is True


def test_national_line_in_force_on_the_date() -> None:
    with pytest.raises(ValidationFailed) as raised:  # 33049910 starts in 2025: nothing to match before
        run("TH", date(2024, 6, 3), "100", hs="3304991000")
    assert "no tariff line" in raised.value.errors[0].rule
    after = run("TH", date(2025, 6, 2), "100", hs="3304991000")["lines"][0]  # type: ignore[index]
    assert after["duty"]["tariff_line"]["hs_code"] == "33049910"
    assert D(after["duty"]["rate_percent"]) == D(12)


def test_heading_not_specific_enough_names_the_national_lines() -> None:
    with pytest.raises(ValidationFailed) as raised:
        run("TH", date(2026, 1, 2), "40", hs="330499")
    assert raised.value.errors[0].path == "lines[0].hs_code"
    assert "33049900" in raised.value.errors[0].rule


def test_missing_exchange_rate_is_an_error() -> None:
    parsed = parse_shipment(shipment("TH", date(2026, 1, 2), "40", currency="EUR"))
    with pytest.raises(ValidationFailed) as raised:
        assess(parsed, book("TH", date(2026, 1, 2)))
    assert raised.value.errors[0].path == "lines[0].currency"


def test_ddp_moves_border_charges_to_checkout() -> None:
    dap = totals(run("TH", date(2026, 1, 2), "40"))
    ddp = totals(run("TH", date(2026, 1, 2), "40", incoterm="DDP"))
    assert dap["landed_cost"] == ddp["landed_cost"]
    assert ddp["payable_on_delivery"] == 0 and dap["payable_on_delivery"] == dap["duty"] + dap["tax_at_border"]


def test_an_unlisted_code_is_refused_even_under_the_de_minimis() -> None:
    with pytest.raises(ValidationFailed) as raised:
        run("SG", date(2024, 6, 3), "20", hs="999999")
    assert raised.value.errors[0].path == "lines[0].hs_code"
