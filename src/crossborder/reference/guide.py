"""Country guides for MSMEs (Work Programme 15.3): the snapshot of a member state's
parameters grouped into the sections a merchant reads, and the comparison of all states.
Presentation-neutral: the API returns it as JSON, the pages render it."""

from __future__ import annotations

from datetime import date
from typing import Any

from crossborder.reference.service import get_registry

# Sections in reading order: a parameter belongs to the first section whose prefix it starts with.
SECTIONS: list[tuple[str, str]] = [
    ("taxes", "indirect_tax."),
    ("thresholds", "de_minimis."),
    ("regimes", "special_regimes"),
    ("trade", "trade_facilitation."),
    ("laws", "laws."),
    ("international", "international."),
    ("payments", "payments."),
]

# The facts the comparison page puts side by side, one row each.
COMPARE_ROWS: list[str] = [
    "indirect_tax.standard_rate",
    "de_minimis.customs_duty",
    "de_minimis.indirect_tax",
    "special_regimes",
    "trade_facilitation.national_single_window",
    "trade_facilitation.aeo_programme",
    "laws.e_commerce",
    "laws.consumer_protection",
    "laws.personal_data_protection",
    "payments.national_qr",
]


def section_of(name: str) -> str:
    for section, prefix in SECTIONS:
        if name.startswith(prefix):
            return section
    return "other"


def guide(code: str, on: date) -> dict[str, Any]:
    snapshot = get_registry().country(code).snapshot(on)
    sections: dict[str, dict[str, Any]] = {s: {} for s, _ in SECTIONS}
    for name, entry in snapshot["parameters"].items():
        sections.setdefault(section_of(name), {})[name] = entry
    return {
        **{k: v for k, v in snapshot.items() if k != "parameters"},
        "sections": {k: v for k, v in sections.items() if v},
    }


def compare(on: date) -> dict[str, Any]:
    registry = get_registry()
    registry.check_date(on)
    countries = []
    for code in registry.member_states():
        snapshot = registry.country(code).snapshot(on)
        countries.append(
            {
                "code": code,
                "name": snapshot["name"],
                "currency": snapshot["currency"]["code"],
                "facts": {row: snapshot["parameters"].get(row) for row in COMPARE_ROWS},
            }
        )
    return {"on": on.isoformat(), "rows": COMPARE_ROWS, "countries": countries}
