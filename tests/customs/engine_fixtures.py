"""Rule books for the pure engine tests: the real reference data, with a test tariff and test
exchange rates (round numbers, so expected amounts can be worked out by hand)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from crossborder.customs.fx import FxTable, Rate
from crossborder.customs.rulebook import RuleBook, build_rulebook
from crossborder.customs.tariff import TariffEntry, TariffIndex

# 1 USD in each currency (test values, not market rates).
USD_RATES = {
    "BND": "1.25",
    "KHR": "4000",
    "IDR": "16000",
    "LAK": "20000",
    "MYR": "4",
    "MMK": "2000",
    "PHP": "50",
    "SGD": "1.25",
    "THB": "30",
    "VND": "25000",
    "XDR": "0.75",
}
TEST_SOURCE = "urn:crossborder:test-data"


def fx_for(days: list[date]) -> FxTable:
    rates = [
        Rate(day, "USD", code, Decimal(value), TEST_SOURCE, True) for day in days for code, value in USD_RATES.items()
    ]
    return FxTable(rates, max_age_days=7)


def tariff_for(destination: str) -> TariffIndex:
    start = date(2000, 1, 1)
    return TariffIndex(
        destination,
        [
            TariffEntry(destination, "950300", "Toys", Decimal(10), Decimal(0), start, TEST_SOURCE, True),
            TariffEntry(
                destination, "620520", "Men's cotton shirts", Decimal(20), Decimal(5), start, TEST_SOURCE, True
            ),
            TariffEntry(destination, "851713", "Smartphones", Decimal(0), None, start, TEST_SOURCE, True),
            TariffEntry(
                destination, "33049900", "Beauty preparations", Decimal(15), Decimal(0), start, TEST_SOURCE, True
            ),
            TariffEntry(
                destination,
                "33049910",
                "Beauty preparations, other",
                Decimal(12),
                Decimal(0),
                date(2025, 1, 1),
                TEST_SOURCE,
                True,
            ),
        ],
    )


def book(destination: str, on: date) -> RuleBook:
    return build_rulebook(destination, on, tariff_for(destination), fx_for([on - timedelta(days=1), on]))


def shipment(
    destination: str,
    on: date,
    value: str,
    *,
    hs: str = "950300",
    currency: str = "USD",
    origin: str = "VN",
    mode: str = "post",
    claim: bool = False,
    registration: str | None = None,
    shipping: str = "0",
    insurance: str = "0",
    quantity: int = 1,
    tax_class: str = "standard",
    incoterm: str = "DAP",
) -> dict[str, object]:
    raw: dict[str, object] = {
        "origin": origin if origin != destination else "TH",
        "destination": destination,
        "date": on.isoformat(),
        "incoterm": incoterm,
        "transport_mode": mode,
        "shipping": shipping,
        "insurance": insurance,
        "charges_currency": currency,
        "lines": [
            {
                "id": "1",
                "hs_code": hs,
                "description": "goods",
                "quantity": quantity,
                "unit_value": value,
                "currency": currency,
                "origin_claim": claim,
                "tax_class": tax_class,
            }
        ],
    }
    if registration:
        raw["seller_registration"] = registration
    return raw
