"""e-Form D: random valid certificates validate; single mutations break exactly the targeted rule;
the box 8 criterion parser round-trips."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.documents.forms_form_d import OriginCriterion, parse_criterion
from crossborder.documents.validate import report
from tests.documents.form_strategies import criteria, dumps, form_d_documents, relaxed

EXAMPLE = Path(__file__).parent / "examples" / "form-d-example.json"


def _rules(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["rule"], e["path"]) for e in report("form-d", dumps(doc))["errors"]]


def test_the_example_is_valid() -> None:
    assert report("form-d", EXAMPLE.read_bytes()) == {"document_type": "form-d", "valid": True, "errors": []}


@relaxed
@given(form_d_documents())
def test_random_valid_certificates_validate(doc: dict[str, Any]) -> None:
    assert _rules(doc) == []


@relaxed
@given(form_d_documents(), st.sampled_from(["XX", "RVC", "CTH+", "40", "wo", "CTSH + ", "PC", "0%", "101%", "CC 40%"]))
def test_an_unknown_criterion_breaks_only_the_origin_rule(doc: dict[str, Any], bad: str) -> None:
    doc["items"][0]["origin_criterion"] = bad
    assert _rules(doc) == [("FORMD-ORIGIN-01", "/items/0/origin_criterion")]


@relaxed
@given(form_d_documents(), st.integers(min_value=1, max_value=39), st.sampled_from(["{}%", "RVC {}%"]))
def test_a_regional_value_content_below_40_percent_is_refused(doc: dict[str, Any], pct: int, form: str) -> None:
    doc["items"][0]["origin_criterion"] = form.format(pct)
    assert _rules(doc) == [("FORMD-ORIGIN-02", "/items/0/origin_criterion")]


@relaxed
@given(form_d_documents(), st.text(max_size=12).filter(lambda s: not re.fullmatch(r"[0-9]{6,10}", s)))
def test_a_malformed_hs_code_breaks_only_the_hs_rule(doc: dict[str, Any], bad: str) -> None:
    doc["items"][-1]["hs_code"] = bad
    assert _rules(doc) == [("FORMD-HS-01", f"/items/{len(doc['items']) - 1}/hs_code")]


@relaxed
@given(form_d_documents(), st.integers(min_value=1, max_value=3))
def test_a_declaration_dated_after_its_certification_is_refused(doc: dict[str, Any], days: int) -> None:
    certified = date.fromisoformat(doc["certification"]["date"])
    doc["exporter_declaration"]["date"] = (certified + timedelta(days=days)).isoformat()
    assert _rules(doc) == [("FORMD-DATE-02", "/exporter_declaration/date")]


@relaxed
@given(form_d_documents(), st.integers(min_value=1, max_value=400))
def test_certification_more_than_a_year_after_departure_is_refused(doc: dict[str, Any], late: int) -> None:
    departure = date.fromisoformat(doc["transport"]["departure_date"])
    certified = (
        departure.replace(year=departure.year + 1)
        if (departure.month, departure.day) != (2, 29)
        else (date(departure.year + 1, 2, 28))
    )
    doc["certification"]["date"] = (certified + timedelta(days=late)).isoformat()
    doc["exporter_declaration"]["date"] = doc["certification"]["date"]
    assert _rules(doc) == [("FORMD-DATE-01", "/certification/date")]


def test_exactly_one_year_after_departure_is_still_allowed() -> None:
    doc = json.loads(EXAMPLE.read_bytes())
    doc["certification"]["date"] = "2027-04-10"
    assert _rules(doc) == []


@relaxed
@given(form_d_documents().filter(lambda d: len(d["items"]) > 1))
def test_a_repeated_item_number_is_named(doc: dict[str, Any]) -> None:
    doc["items"][1]["item_number"] = doc["items"][0]["item_number"]
    assert _rules(doc) == [("FORMD-ITEM-01", "/items/1/item_number")]


@relaxed
@given(criteria)
def test_every_written_criterion_parses_and_prints_back(text: str) -> None:
    parsed = parse_criterion(text)
    assert isinstance(parsed, OriginCriterion)
    assert parse_criterion(str(parsed)) == parsed


@relaxed
@given(st.text(max_size=16))
def test_the_criterion_parser_answers_anything(text: str) -> None:
    parsed = parse_criterion(text)
    assert isinstance(parsed, (OriginCriterion, str))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WO", OriginCriterion("code", "WO")),
        ("40%", OriginCriterion("rvc", "RVC", Decimal(40))),
        ("RVC 45.5%", OriginCriterion("rvc", "RVC", Decimal("45.5"))),
        ("CTSH + 35%", OriginCriterion("combined", "CTSH", Decimal(35))),
        ("PC 25%", OriginCriterion("partial_cumulation", "PC", Decimal(25))),
    ],
)
def test_criteria_as_written_on_the_form(text: str, expected: OriginCriterion) -> None:
    assert parse_criterion(text) == expected
