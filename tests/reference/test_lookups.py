"""The public lookups: country codes, dates, value_on / items_on / history / snapshot, and a new
member state added as data only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from crossborder.core.errors import NotFound, ValidationFailed
from crossborder.reference import ReferenceRegistry, get_registry, load_registry, reset_registry_cache, service
from crossborder.reference.snapshot import jsonable

FICTITIOUS_STATE = """\
# A fictitious member state, to show that a country is a file and nothing more.
code: XA
name: Atlantis (test fixture)
m49: "999"
identity:
  source: "https://example.org/xa"
  as_of: "2026-01-01"
  confidence: low
  note: "test fixture, not a real state"
currency:
  code: XAA
  numeric: "999"
  minor_units: 2
  name: Test Crown
  source: "https://example.org/xa"
  as_of: "2026-01-01"
  confidence: high
parameters:
  indirect_tax.standard_rate:
    description: Standard rate of the general indirect tax on imports
    unit: percent
    values:
      - {from: null, to: 2026-06-30, value: 5, source: "https://example.org/xa/vat", as_of: "2026", confidence: high}
      - {from: 2026-07-01, to: null, value: 7.5, source: "https://example.org/xa/vat", as_of: "2026", confidence: high}
  de_minimis.customs_duty:
    description: Duty de minimis
    unit: threshold
    values:
      - from: 2020-01-01
        to: null
        value: {amount: "100.50", currency: XAA, valuation_basis: CIF, per: consignment}
        source: "https://example.org/xa/customs"
        as_of: "2026"
        confidence: medium
  laws.e_commerce:
    description: E-commerce laws
    items:
      - name: E-Commerce Act
        from: 2027-01-01
        in_force: false
        source: "https://example.org/xa/law"
        as_of: "2026"
        confidence: high
"""


def test_country_codes_are_case_insensitive(registry: ReferenceRegistry) -> None:
    assert registry.country("sg").code == "SG"


def test_unknown_code_is_not_found_and_lists_known_codes(registry: ReferenceRegistry) -> None:
    with pytest.raises(NotFound) as caught:
        registry.country("XX")
    (error,) = caught.value.errors
    assert error.path == "code" and error.value == "XX"
    assert "BN" in error.rule and "VN" in error.rule


@pytest.mark.parametrize("code", ["SGP", "S", "", "1A", "S G"])
def test_malformed_code_is_invalid(registry: ReferenceRegistry, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        registry.country(code)
    assert caught.value.errors[0].path == "code"


def test_dates_outside_coverage_are_refused(registry: ReferenceRegistry) -> None:
    assert registry.check_date(date(2000, 1, 1)) == date(2000, 1, 1)
    assert registry.check_date(date(2035, 12, 31)) == date(2035, 12, 31)
    with pytest.raises(ValidationFailed) as caught:
        registry.check_date(date(1999, 12, 31), path="shipment.date")
    assert caught.value.errors[0].path == "shipment.date"
    with pytest.raises(ValidationFailed):
        registry.country("SG").value_on("indirect_tax.standard_rate", date(2036, 1, 1))
    with pytest.raises(ValidationFailed):
        registry.country("SG").snapshot(date(1990, 1, 1))


def test_unknown_parameter_and_wrong_kind(registry: ReferenceRegistry) -> None:
    sg = registry.country("SG")
    with pytest.raises(NotFound) as caught:
        sg.value_on("indirect_tax.standard_rat", date(2025, 1, 1))
    assert caught.value.errors[0].path == "parameter"
    assert "indirect_tax.standard_rate" in caught.value.errors[0].rule
    with pytest.raises(ValidationFailed):
        sg.value_on("laws.consumer_protection", date(2025, 1, 1))
    with pytest.raises(ValidationFailed):
        sg.items_on("indirect_tax.standard_rate", date(2025, 1, 1))


def test_history_lists_every_value_oldest_first(registry: ReferenceRegistry) -> None:
    rates = [v.value for v in registry.country("SG").series("indirect_tax.standard_rate").values]
    assert [str(r) for r in rates] == ["7", "8", "9"]
    assert [str(v.to) for v in registry.country("SG").history("indirect_tax.standard_rate")] == [
        "2022-12-31",
        "2023-12-31",
        "None",
    ]
    assert len(registry.country("VN").history("laws.e_commerce")) == 2
    assert registry.country("VN").items("laws.e_commerce") == registry.country("VN").history("laws.e_commerce")
    with pytest.raises(ValidationFailed):
        registry.country("VN").items("indirect_tax.standard_rate")


def test_history_renders_as_json(registry: ReferenceRegistry) -> None:
    th = registry.country("TH")
    duty = jsonable(th.history("de_minimis.customs_duty"))
    assert [(d["effective_from"], d["value"]["amount"]) for d in duty] == [("2018-07-31", "1500"), ("2026-01-01", "1")]
    laws = jsonable(th.history("laws.e_commerce"))
    assert laws[0]["effective_from"] == "2023-08-21" and laws[0]["details"] == {"year": 2022}
    assert "in_force_on_date" not in laws[0]


def test_items_on_follows_their_dates(registry: ReferenceRegistry) -> None:
    vn = registry.country("VN")
    names = [i.name for i in vn.items_on("laws.e_commerce", date(2026, 11, 22))]
    assert names == ["Law on E-Commerce"]
    (law,) = vn.items_on("laws.e_commerce", date(2026, 11, 22))
    assert law.in_force is False  # the status recorded on as_of ...
    assert law.in_force_on(date(2026, 11, 22)) is True  # ... but its dates decide


def test_snapshot_is_json_ready_with_provenance(registry: ReferenceRegistry) -> None:
    snapshot = registry.country("SG").snapshot(date(2025, 6, 1))
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["on"] == "2025-06-01" and snapshot["code"] == "SG"
    gst = snapshot["parameters"]["indirect_tax.standard_rate"]
    assert gst["value"] == "9" and gst["effective_from"] == "2024-01-01" and gst["effective_to"] is None
    for key in ("source", "other_sources", "as_of", "confidence", "note", "legal_basis"):
        assert key in gst
    duty = snapshot["parameters"]["de_minimis.customs_duty"]["value"]
    assert duty == {"amount": "400", "currency": "SGD", "valuation_basis": "CIF", "per": "consignment"}
    assert snapshot["gaps"] == []


def test_snapshot_shows_upcoming_changes(registry: ReferenceRegistry) -> None:
    vn = registry.country("VN").snapshot(date(2026, 1, 1))["parameters"]
    assert [u["name"] for u in vn["laws.e_commerce"]["upcoming"]] == ["Law on E-Commerce"]
    th = registry.country("TH").snapshot(date(2025, 12, 31))["parameters"]["de_minimis.customs_duty"]
    assert th["next_change"] == {
        "value": {"amount": "1", "currency": "THB", "valuation_basis": "CIF", "per": "consignment"},
        "effective_from": "2026-01-01",
    }


def test_snapshot_is_a_fresh_dict_each_time(registry: ReferenceRegistry) -> None:
    th = registry.country("TH")
    first = th.snapshot(date(2026, 11, 22))
    first["parameters"].clear()
    second = th.snapshot(date(2026, 11, 23))
    assert second["parameters"] and second["on"] == "2026-11-23"
    assert json.loads(th.snapshot_json(date(2026, 11, 23))) == second


def test_registry_is_cached_and_resettable() -> None:
    first = get_registry()
    assert get_registry() is first
    reset_registry_cache()
    assert get_registry() is not first


def test_service_helpers(registry: ReferenceRegistry) -> None:
    assert service.member_states() == registry.member_states()
    assert service.snapshot("SG", date(2025, 6, 1))["parameters"]["indirect_tax.standard_rate"]["value"] == "9"
    found = service.value_on("TH", "indirect_tax.standard_rate", date(2026, 11, 22))
    assert found is None
    assert service.items_on("VN", "laws.e_commerce", date(2026, 7, 1))[0].name == "Law on E-Commerce"


def test_an_eleventh_member_state_is_a_data_change(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (data_copy / "countries" / "XA.yaml").write_text(FICTITIOUS_STATE)
    registry = load_registry(data_copy)
    assert registry.member_states() == ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN", "XA"]
    xa = registry.country("XA")
    snapshot = xa.snapshot(date(2026, 7, 1))
    assert snapshot["parameters"]["indirect_tax.standard_rate"]["value"] == "7.5"
    assert snapshot["parameters"]["de_minimis.customs_duty"]["value"]["amount"] == "100.50"
    assert snapshot["parameters"]["laws.e_commerce"]["items"] == []
    assert xa.snapshot(date(2019, 1, 1))["gaps"] == ["de_minimis.customs_duty"]
    # The configured folder is what the running platform uses.
    monkeypatch.setenv("CROSSBORDER_REFERENCE_DIR", str(data_copy))
    from crossborder.core.settings import get_settings

    get_settings.cache_clear()
    reset_registry_cache()
    assert "XA" in service.member_states()
