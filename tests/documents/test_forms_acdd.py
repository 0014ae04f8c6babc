"""ACDD: random valid documents validate; each single mutation breaks exactly the rule it targets."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from crossborder.documents.validate import report
from tests.documents.form_strategies import acdd_documents, dumps, relaxed

EXAMPLE = Path(__file__).parent / "examples" / "acdd-example.json"


def _rules(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["rule"], e["path"]) for e in report("acdd", dumps(doc))["errors"]]


def test_the_example_is_valid() -> None:
    assert report("acdd", EXAMPLE.read_bytes()) == {"document_type": "acdd", "valid": True, "errors": []}


@relaxed
@given(acdd_documents())
def test_random_valid_documents_validate(doc: dict[str, Any]) -> None:
    assert _rules(doc) == []


@relaxed
@given(acdd_documents(), st.sampled_from(["0.01", "-0.01", "1"]))
def test_a_wrong_total_breaks_only_the_total_rule(doc: dict[str, Any], delta: str) -> None:
    declared = Decimal(doc["total_value"]["amount"]) + Decimal(delta)
    if declared < 0:
        declared = Decimal("1.00") + Decimal(doc["total_value"]["amount"])
    doc["total_value"]["amount"] = str(declared)
    assert _rules(doc) == [("ACDD-TOTAL-01", "/total_value/amount")]


@relaxed
@given(acdd_documents())
def test_an_item_without_value_under_a_declared_total_is_named(doc: dict[str, Any]) -> None:
    del doc["items"][-1]["value"]
    assert _rules(doc) == [("ACDD-TOTAL-01", f"/items/{len(doc['items']) - 1}/value")]


@relaxed
@given(acdd_documents(), st.text(max_size=12).filter(lambda s: not re.fullmatch(r"[0-9]{6,10}", s)))
def test_a_malformed_hs_code_breaks_only_the_hs_rule(doc: dict[str, Any], bad: str) -> None:
    doc["items"][0]["hs_code"] = bad
    assert _rules(doc) == [("ACDD-HS-01", "/items/0/hs_code")]


@relaxed
@given(acdd_documents())
def test_an_item_in_another_currency_is_named(doc: dict[str, Any]) -> None:
    doc["items"][0]["value"]["currency"] = "EUR"
    assert _rules(doc) == [("ACDD-CURRENCY-01", "/items/0/value/currency")]


@relaxed
@given(acdd_documents(), st.sampled_from(["2026-03-02T15:15:00+07:00", "2026-03-02T01:15:00-06:00"]))
def test_an_instant_outside_utc_breaks_the_date_rule(doc: dict[str, Any], instant: str) -> None:
    doc["issued_at"] = instant
    assert _rules(doc) == [("ACDD-DATE-01", "/issued_at")]


@relaxed
@given(acdd_documents())
def test_a_naive_instant_is_a_format_error(doc: dict[str, Any]) -> None:
    doc["issued_at"] = "2026-03-02T08:15:00"
    assert _rules(doc) == [("JSON-SCHEMA:format", "/issued_at")]


@relaxed
@given(acdd_documents().filter(lambda d: len(d["items"]) > 1))
def test_a_repeated_serial_number_is_named(doc: dict[str, Any]) -> None:
    doc["items"][1]["serial_number"] = doc["items"][0]["serial_number"]
    assert _rules(doc) == [("ACDD-ITEM-01", "/items/1/serial_number")]


@relaxed
@given(acdd_documents())
def test_same_or_non_member_countries_are_refused(doc: dict[str, Any]) -> None:
    twin = copy.deepcopy(doc)
    twin["importing_country"] = twin["exporting_country"]
    assert _rules(twin) == [("ACDD-COUNTRY-01", "/importing_country")]
    doc["exporting_country"] = "FR"
    assert _rules(doc) == [("ACDD-COUNTRY-01", "/exporting_country")]


def test_schema_errors_name_the_json_pointer_and_keyword() -> None:
    doc = json.loads(EXAMPLE.read_bytes())
    doc["items"][1]["quantity"] = 12.5  # a JSON number: amounts and quantities are strings, never floats
    del doc["consignee"]["address"]
    doc["colour"] = "red"
    found = report("acdd", dumps(doc))
    assert found["valid"] is False
    assert [(e["rule"], e["path"]) for e in found["errors"]] == [
        ("JSON-SCHEMA:additionalProperties", "/colour"),
        ("JSON-SCHEMA:required", "/consignee/address"),
        ("JSON-SCHEMA:type", "/items/1/quantity"),
    ]


def test_not_json_and_duplicate_keys_are_syntax_errors() -> None:
    assert report("acdd", b"\xff\xfe")["errors"][0]["rule"] == "JSON-SYNTAX"
    broken = report("acdd", b'{"document_type": "acdd",')["errors"]
    assert broken[0]["rule"] == "JSON-SYNTAX" and "line 1" in broken[0]["message"]
    twice = report("acdd", b'{"permit_number": "A", "permit_number": "B"}')["errors"]
    assert twice == [
        {
            "rule": "JSON-SYNTAX",
            "path": "",
            "severity": "fatal",
            "message": "duplicate key 'permit_number': each key may appear once per object",
        }
    ]
    assert report("acdd", b"[]")["errors"][0]["message"].startswith("expected a JSON object")


@relaxed
@given(st.binary(max_size=200))
def test_junk_never_crashes_and_is_never_valid(junk: bytes) -> None:
    assert report("acdd", junk)["valid"] is False
