"""ATIGA Form D (e-Form D): JSON Schema plus our business rules, registered as document type "form-d".
The ATIGA parameters (criterion codes, minimum RVC, retroactive limit) are data in
schemas/form_d.rules.json, each with its source; FORMS.md lists the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from crossborder.documents import forms_json as fj
from crossborder.documents.issues import Issue
from crossborder.documents.validate import register

DOC_TYPE = "form-d"
SCHEMA = "form_d.schema.json"

RULES: dict[str, str] = {
    "FORMD-HS-01": "each item's HS code (box 7) is 6 to 10 digits",
    "FORMD-ORIGIN-01": "each origin criterion (box 8) is one of the ATIGA criteria, written as on the form",
    "FORMD-ORIGIN-02": "a regional value content criterion alone is at least the ATIGA minimum (40%)",
    "FORMD-DATE-01": "the certification date (box 12) is at most 1 year after the departure date (box 3)",
    "FORMD-DATE-02": "the exporter's declaration (box 11) is not dated after its certification (box 12)",
    "FORMD-ITEM-01": "item numbers (box 5) are unique",
    "FORMD-COUNTRY-01": "exporting and importing countries are different ASEAN member states",
}

_PERCENT = r"(?P<pct>[0-9]{1,3}(?:\.[0-9]{1,2})?)\s*%"

Kind = Literal["code", "rvc", "combined", "partial_cumulation"]


@dataclass(frozen=True)
class OriginCriterion:
    """Box 8, understood: WO/CC/CTH/CTSH/SP alone, an RVC percentage, a change of tariff classification
    plus a percentage ('CTSH + 35%'), or partial cumulation ('PC 25%')."""

    kind: Kind
    code: str  # "RVC" for a percentage alone, "PC" for partial cumulation
    percent: Decimal | None = None

    def __str__(self) -> str:
        pct = f"{self.percent}%" if self.percent is not None else ""
        return {"code": self.code, "rvc": pct, "combined": f"{self.code} + {pct}", "partial_cumulation": f"PC {pct}"}[
            self.kind
        ]


@cache
def parameters() -> dict[str, Any]:
    return fj.schema("form_d.rules.json")


@cache
def _patterns() -> dict[Kind, re.Pattern[str]]:
    criteria = parameters()["origin_criteria"]
    codes = "|".join(re.escape(c) for c in sorted(criteria["codes"], key=len, reverse=True))
    ctc = "|".join(re.escape(c) for c in sorted(criteria["change_of_tariff_codes"], key=len, reverse=True))
    pc = re.escape(criteria["partial_cumulation_code"])
    return {
        "code": re.compile(rf"(?P<code>{codes})"),
        "rvc": re.compile(rf"(?:RVC\s*)?{_PERCENT}"),
        "combined": re.compile(rf"(?P<code>{ctc})\s*\+\s*{_PERCENT}"),
        "partial_cumulation": re.compile(rf"{pc}\s*{_PERCENT}"),
    }


def parse_criterion(text: str) -> OriginCriterion | str:
    """The criterion, or why it is not one (a message for FORMD-ORIGIN-01)."""
    for kind, pattern in _patterns().items():
        found = pattern.fullmatch(text.strip())
        if found is None:
            continue
        groups = found.groupdict()
        percent = Decimal(groups["pct"]) if groups.get("pct") else None
        if percent is not None and not Decimal(0) < percent <= Decimal(100):
            return f"a percentage must be above 0 and at most 100, found {text!r}"
        pc_code = parameters()["origin_criteria"]["partial_cumulation_code"]
        code = groups.get("code") or ("RVC" if kind == "rvc" else pc_code)
        return OriginCriterion(kind, code, percent)
    codes = ", ".join(parameters()["origin_criteria"]["codes"])
    return (
        f"expected one of {codes}, a percentage such as '40%', a change of tariff classification with a "
        f"percentage such as 'CTSH + 35%', or 'PC 25%'; found {text!r}"
    )


def _item_issues(doc: dict[str, Any]) -> list[Issue]:
    minimum = Decimal(parameters()["minimum_rvc_percent"]["value"])
    issues: list[Issue] = []
    seen: dict[int, int] = {}
    for i, item in fj.objects(doc, "items"):
        if "hs_code" in item:
            bad_hs = fj.hs_issue("FORMD-HS-01", item.get("hs_code"), fj.pointer("items", i, "hs_code"))
            issues.extend([bad_hs] if bad_hs else [])
        text = item.get("origin_criterion")
        if isinstance(text, str):
            where = fj.pointer("items", i, "origin_criterion")
            parsed = parse_criterion(text)
            if isinstance(parsed, str):
                issues.append(Issue("FORMD-ORIGIN-01", where, parsed))
            elif parsed.kind == "rvc" and parsed.percent is not None and parsed.percent < minimum:
                issues.append(
                    Issue(
                        "FORMD-ORIGIN-02",
                        where,
                        f"a regional value content criterion alone needs at least {minimum}% under ATIGA, "
                        f"found {parsed.percent}%",
                    )
                )
        number = item.get("item_number")
        if isinstance(number, int) and not isinstance(number, bool):
            if number in seen:
                issues.append(
                    Issue(
                        "FORMD-ITEM-01",
                        fj.pointer("items", i, "item_number"),
                        f"item number {number} is already used by item {seen[number]}",
                    )
                )
            else:
                seen.setdefault(number, i)
    return issues


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the limit is the 28th, never a day more than the years allow
        return day.replace(year=day.year + years, day=28)


def _member_date(doc: dict[str, Any], box: str, key: str) -> date | None:
    part = doc.get(box)
    return fj.as_date(part.get(key)) if isinstance(part, dict) else None


def _date_issues(doc: dict[str, Any]) -> list[Issue]:
    issues = []
    departure = _member_date(doc, "transport", "departure_date")
    certified = _member_date(doc, "certification", "date")
    declared = _member_date(doc, "exporter_declaration", "date")
    years = int(parameters()["retroactive_issue_limit_years"]["value"])
    if departure is not None and certified is not None and certified > _years_after(departure, years):
        issues.append(
            Issue(
                "FORMD-DATE-01",
                fj.pointer("certification", "date"),
                f"certified on {certified}, more than {years} year(s) after the departure on {departure}: "
                f"ATIGA allows retroactive issue up to {years} year(s) after shipment",
            )
        )
    if declared is not None and certified is not None and declared > certified:
        issues.append(
            Issue(
                "FORMD-DATE-02",
                fj.pointer("exporter_declaration", "date"),
                f"the exporter's declaration is dated {declared}, after its certification on {certified}",
            )
        )
    return issues


def business_issues(doc: dict[str, Any]) -> list[Issue]:
    return [*_item_issues(doc), *_date_issues(doc), *fj.country_issues("FORMD-COUNTRY-01", doc)]


def validate_form_d(payload: bytes) -> list[Issue]:
    doc, issues = fj.parse(payload)
    if doc is None:
        return issues
    return [*fj.schema_issues(SCHEMA, doc), *business_issues(doc)]


register(DOC_TYPE, validate_form_d)
