"""The packaged data: every member state loads, every fact carries its provenance, and the
values before and after each change recorded in the source are what the source says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crossborder.reference import ReferenceRegistry, SeriesParameter, Threshold
from crossborder.reference.scenarios import Scenario, load_scenarios, run_scenario

from .conftest import DATA_DIR

MEMBERS = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]
EVERY_COUNTRY = [
    "indirect_tax.standard_rate",
    "indirect_tax.applies_at_import",
    "de_minimis.customs_duty",
    "de_minimis.indirect_tax",
    "special_regimes",
    "laws.electronic_transactions",
    "laws.electronic_signatures",
    "laws.personal_data_protection",
    "laws.consumer_protection",
    "laws.e_commerce",
    "laws.cybersecurity",
    "international.uncitral_mlec",
    "international.uncitral_mles",
    "international.uncitral_mletr",
    "international.un_ecc",
    "international.escap_fa_pt",
    "trade_facilitation.national_single_window",
    "trade_facilitation.aeo_programme",
    "payments.national_qr",
    "payments.qr_linkages",
    "payments.regional_payment_connectivity",
]


def test_the_ten_member_states_load(registry: ReferenceRegistry) -> None:
    assert registry.member_states() == MEMBERS
    assert registry.coverage == (date(2000, 1, 1), date(2035, 12, 31))


@pytest.mark.parametrize("code", MEMBERS)
def test_every_country_has_every_parameter(registry: ReferenceRegistry, code: str) -> None:
    country = registry.country(code)
    assert set(EVERY_COUNTRY) <= set(country.parameters)
    assert country.currency.code.isalpha() and len(country.currency.code) == 3


@pytest.mark.parametrize("code", MEMBERS)
def test_every_fact_has_a_source_and_as_of(registry: ReferenceRegistry, code: str) -> None:
    country = registry.country(code)
    facts: list[Any] = [country.identity, country.currency]
    for name, parameter in country.parameters.items():
        facts.extend(country.history(name) if isinstance(parameter, SeriesParameter) else country.items(name))
    for fact in facts:
        assert fact.source.startswith(("http://", "https://"))
        assert fact.as_of
        assert fact.confidence in ("high", "medium", "low")
        if fact.confidence == "low":
            assert fact.note


def test_no_amount_is_a_float(registry: ReferenceRegistry) -> None:
    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, Threshold) and value.amount is not None:
            assert isinstance(value.amount, Decimal)

    for code in registry.member_states():
        for value in registry.country(code).snapshot(date(2025, 6, 1))["parameters"].values():
            walk(value)
    sdr = registry.regional.facts["sdr_usd_rate"].attributes
    assert sdr["usd_per_sdr"] == Decimal("1.369503")


def _value(registry: ReferenceRegistry, code: str, name: str, on: str) -> Any:
    found = registry.country(code).value_on(name, date.fromisoformat(on))
    if found is None:
        return "GAP"
    if isinstance(found.value, Threshold):
        return found.value.amount
    return found.value


@pytest.mark.parametrize(
    ("code", "name", "on", "expected"),
    [
        # Singapore GST 7 -> 8 -> 9
        ("SG", "indirect_tax.standard_rate", "2022-12-31", Decimal(7)),
        ("SG", "indirect_tax.standard_rate", "2023-01-01", Decimal(8)),
        ("SG", "indirect_tax.standard_rate", "2023-12-31", Decimal(8)),
        ("SG", "indirect_tax.standard_rate", "2024-01-01", Decimal(9)),
        # Thailand duty de minimis THB 1,500 -> THB 1
        ("TH", "de_minimis.customs_duty", "2018-07-30", "GAP"),
        ("TH", "de_minimis.customs_duty", "2018-07-31", Decimal(1500)),
        ("TH", "de_minimis.customs_duty", "2025-12-31", Decimal(1500)),
        ("TH", "de_minimis.customs_duty", "2026-01-01", Decimal(1)),
        # Thailand VAT exemption removed on 5 Jul 2024
        ("TH", "de_minimis.indirect_tax", "2024-07-04", Decimal(1500)),
        ("TH", "de_minimis.indirect_tax", "2024-07-05", Decimal(1)),
        # Thailand 7 % confirmed only to 30 Sep 2026: after that a gap, never an assumption
        ("TH", "indirect_tax.standard_rate", "2026-09-30", Decimal(7)),
        ("TH", "indirect_tax.standard_rate", "2026-10-01", "GAP"),
        ("TH", "indirect_tax.standard_rate", "2026-11-22", "GAP"),
        ("TH", "indirect_tax.statutory_rate", "2026-11-22", Decimal(10)),
        # Viet Nam de minimis VND 1,000,000 removed on 18 Feb 2025
        ("VN", "de_minimis.customs_duty", "2025-02-17", Decimal(1000000)),
        ("VN", "de_minimis.customs_duty", "2025-02-18", None),
        ("VN", "de_minimis.indirect_tax", "2025-02-17", Decimal(1000000)),
        ("VN", "de_minimis.indirect_tax", "2025-02-18", None),
        # Viet Nam temporary 8 %
        ("VN", "indirect_tax.temporary_reduced_rate", "2025-06-30", "GAP"),
        ("VN", "indirect_tax.temporary_reduced_rate", "2025-07-01", Decimal(8)),
        ("VN", "indirect_tax.temporary_reduced_rate", "2026-12-31", Decimal(8)),
        ("VN", "indirect_tax.temporary_reduced_rate", "2027-01-01", "GAP"),
        ("VN", "indirect_tax.standard_rate", "2026-06-01", Decimal(10)),
        # Indonesia 12 % statutory, 11 % effective on non-luxury goods
        ("ID", "indirect_tax.standard_rate", "2024-12-31", "GAP"),
        ("ID", "indirect_tax.standard_rate", "2025-01-01", Decimal(12)),
        ("ID", "indirect_tax.effective_rate_non_luxury", "2025-01-01", Decimal(11)),
        # Lao PDR 7 -> 10
        ("LA", "indirect_tax.standard_rate", "2024-04-30", Decimal(7)),
        ("LA", "indirect_tax.standard_rate", "2024-05-01", Decimal(10)),
        # Myanmar: the annual law ended 31 Mar 2026 and the next one was not found
        ("MM", "indirect_tax.standard_rate", "2026-03-31", Decimal(5)),
        ("MM", "indirect_tax.standard_rate", "2026-04-01", "GAP"),
        # Brunei has no VAT: a null value (with a note), not a gap
        ("BN", "indirect_tax.standard_rate", "2025-06-01", None),
        ("BN", "indirect_tax.applies_at_import", "2025-06-01", False),
        ("MY", "de_minimis.customs_duty", "2025-06-01", Decimal(500)),
        ("PH", "de_minimis.customs_duty", "2025-06-01", Decimal(10000)),
        ("KH", "de_minimis.customs_duty", "2025-06-01", Decimal(50)),
    ],
)
def test_values_before_and_after_each_change(
    registry: ReferenceRegistry, code: str, name: str, on: str, expected: Any
) -> None:
    assert _value(registry, code, name, on) == expected


def test_thai_gap_is_explicit_in_the_snapshot(registry: ReferenceRegistry) -> None:
    entry = registry.country("TH").snapshot(date(2026, 11, 22))["parameters"]["indirect_tax.standard_rate"]
    assert entry["value"] is None
    assert "2026-09-30" in entry["gap"]
    assert entry["last_known"]["value"] == "7"


def test_value_is_carried_with_its_provenance(registry: ReferenceRegistry) -> None:
    duty = registry.country("TH").value_on("de_minimis.customs_duty", date(2026, 1, 1))
    assert duty is not None
    assert duty.legal_basis and "219/2568" in duty.legal_basis
    assert duty.source == "https://regfollower.com/thailand-revises-duty-exemption-rules-for-low-value-goods"
    assert len(duty.other_sources) == 2
    assert duty.as_of == "2025-12-11"
    assert isinstance(duty.value, Threshold)
    assert duty.value.currency == "THB" and duty.value.valuation_basis == "CIF" and duty.value.per == "consignment"


def test_special_regimes_keep_rates_and_registration_thresholds(registry: ReferenceRegistry) -> None:
    (lvg,) = registry.country("MY").items_on("special_regimes", date(2025, 1, 1))
    assert lvg.rate_percent == Decimal(10)
    assert lvg.threshold is not None and lvg.threshold.amount == Decimal(500)
    assert lvg.threshold.valuation_basis == "sale_price"
    assert [(lim.amount, lim.currency) for lim in lvg.limits] == [(Decimal(500000), "MYR")]
    drafts = registry.country("VN").items_on("special_regimes", date(2025, 6, 1))
    assert [d.in_force for d in drafts] == [False]


def test_series_values_are_sorted_and_disjoint(registry: ReferenceRegistry) -> None:
    for code in registry.member_states():
        for parameter in registry.country(code).parameters.values():
            if isinstance(parameter, SeriesParameter):
                for earlier, later in zip(parameter.values, parameter.values[1:], strict=False):
                    assert earlier.to is not None and later.from_ is not None and earlier.to < later.from_


def _scenarios() -> list[Any]:
    return [pytest.param(file, s, id=f"{file.stem}: {s.name}") for file, s in load_scenarios(DATA_DIR)]


@pytest.mark.parametrize(("file", "scenario"), _scenarios())
def test_scenario(registry: ReferenceRegistry, file: Path, scenario: Scenario) -> None:
    result = run_scenario(registry, scenario, file)
    assert result.passed, result.message


def test_every_country_has_scenarios() -> None:
    assert {file.stem for file, _ in load_scenarios(DATA_DIR)} == set(MEMBERS)
