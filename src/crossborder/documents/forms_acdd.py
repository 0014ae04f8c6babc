"""ASEAN Customs Declaration Document (ACDD): JSON Schema plus our business rules, registered as
document type "acdd". Rule ids are ours and stable; FORMS.md says what each checks and why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossborder.documents import forms_json as fj
from crossborder.documents.issues import Issue
from crossborder.documents.validate import register

DOC_TYPE = "acdd"
SCHEMA = "acdd.schema.json"

RULES: dict[str, str] = {
    "ACDD-HS-01": "each item's HS code is 6 to 10 digits",
    "ACDD-TOTAL-01": "when a total value is declared, every item has a value and their sum equals the total",
    "ACDD-CURRENCY-01": "item values are in the currency of the declared total",
    "ACDD-DATE-01": "issued_at is given in UTC (offset Z or +00:00)",
    "ACDD-ITEM-01": "item serial numbers are unique",
    "ACDD-COUNTRY-01": "exporting and importing countries are different ASEAN member states",
}


def _hs(doc: dict[str, Any]) -> list[Issue]:
    found = (
        fj.hs_issue("ACDD-HS-01", item.get("hs_code"), fj.pointer("items", i, "hs_code"))
        for i, item in fj.objects(doc, "items")
        if "hs_code" in item
    )
    return [issue for issue in found if issue is not None]


def _totals(doc: dict[str, Any]) -> list[Issue]:
    total = doc.get("total_value")
    if not isinstance(total, dict):
        return []
    declared, currency = fj.as_decimal(total.get("amount")), total.get("currency")
    issues, summed, complete = [], Decimal(0), True
    for i, item in fj.objects(doc, "items"):
        value = item.get("value")
        if not isinstance(value, dict):
            complete = False
            issues.append(
                Issue(
                    "ACDD-TOTAL-01",
                    fj.pointer("items", i, "value"),
                    "a total value is declared, so every item needs a value; this one has none",
                )
            )
            continue
        amount = fj.as_decimal(value.get("amount"))
        if amount is None:
            complete = False  # malformed: the schema reports it
            continue
        if isinstance(currency, str) and value.get("currency") != currency:
            complete = False
            issues.append(
                Issue(
                    "ACDD-CURRENCY-01",
                    fj.pointer("items", i, "value", "currency"),
                    f"must be the total's currency {currency!r}, found {value.get('currency')!r}",
                )
            )
            continue
        summed += amount
    if complete and declared is not None and summed != declared:
        issues.append(
            Issue(
                "ACDD-TOTAL-01",
                fj.pointer("total_value", "amount"),
                f"the sum of the item values is {summed} {currency} but the declared total is {declared} {currency}",
            )
        )
    return issues


def _issued_at(doc: dict[str, Any]) -> list[Issue]:
    value = doc.get("issued_at")
    if not isinstance(value, str) or not fj.is_rfc3339(value):
        return []  # absent, or malformed (the schema's format check reports that)
    if value.upper().endswith(("Z", "+00:00")):
        return []
    return [
        Issue(
            "ACDD-DATE-01",
            fj.pointer("issued_at"),
            f"instants are exchanged in UTC: write it with 'Z' or '+00:00', found {value!r}",
        )
    ]


def _serials(doc: dict[str, Any]) -> list[Issue]:
    seen: dict[int, int] = {}
    issues = []
    for i, item in fj.objects(doc, "items"):
        number = item.get("serial_number")
        if not isinstance(number, int) or isinstance(number, bool):
            continue
        if number in seen:
            issues.append(
                Issue(
                    "ACDD-ITEM-01",
                    fj.pointer("items", i, "serial_number"),
                    f"serial number {number} is already used by item {seen[number]}",
                )
            )
        else:
            seen[number] = i
    return issues


def business_issues(doc: dict[str, Any]) -> list[Issue]:
    """Our rules over a parsed document; each tolerates members the schema refuses (it skips them)."""
    return [*_hs(doc), *_totals(doc), *_issued_at(doc), *_serials(doc), *fj.country_issues("ACDD-COUNTRY-01", doc)]


def validate_acdd(payload: bytes) -> list[Issue]:
    doc, issues = fj.parse(payload)
    if doc is None:
        return issues
    return [*fj.schema_issues(SCHEMA, doc), *business_issues(doc)]


register(DOC_TYPE, validate_acdd)
