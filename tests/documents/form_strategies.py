"""Hypothesis strategies for valid ACDD and e-Form D documents (as dicts, amounts as strings)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

MEMBERS = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]

# Any printable text, including Thai and Vietnamese: names and addresses are free text.
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
ident = st.from_regex(r"[A-Z0-9][A-Z0-9/.-]{0,20}", fullmatch=True)
hs_codes = st.from_regex(r"[0-9]{6,10}", fullmatch=True)
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@st.composite
def countries(draw: st.DrawFn) -> tuple[str, str]:
    exporting = draw(st.sampled_from(MEMBERS))
    importing = draw(st.sampled_from([m for m in MEMBERS if m != exporting]))
    return exporting, importing


@st.composite
def acdd_documents(draw: st.DrawFn) -> dict[str, Any]:
    exporting, importing = draw(countries())
    currency = draw(st.sampled_from(["SGD", "USD", "THB", "VND"]))
    values = draw(st.lists(amounts, min_size=1, max_size=5))
    items = [
        {
            "serial_number": n,
            "hs_code": draw(hs_codes),
            "quantity": str(draw(quantities)),
            "unit_of_measure": draw(st.sampled_from(["PCE", "KGM", "SET"])),
            "country_of_origin": draw(st.sampled_from([*MEMBERS, "CN", "JP"])),
            "description": draw(text),
            "value": {"amount": str(v), "currency": currency},
        }
        for n, v in enumerate(values, start=1)
    ]
    doc: dict[str, Any] = {
        "document_type": "acdd",
        "permit_number": draw(ident),
        "issued_at": draw(st.sampled_from(["2026-03-02T08:15:00Z", "2026-03-02T08:15:00.5+00:00"])),
        "exporting_country": exporting,
        "importing_country": importing,
        "exporter": {"identifier": draw(ident), "name": draw(text)},
        "consignee": {"name": draw(text), "address": draw(text)},
        "departure_date": draw(days).isoformat(),
        "transport_mode": draw(st.sampled_from(["air", "sea", "road", "post"])),
        "port_of_discharge": draw(text),
        "items": items,
        "total_value": {"amount": str(sum(values, Decimal(0))), "currency": currency},
    }
    if draw(st.booleans()):
        doc["agent"] = {"identifier": draw(ident), "name": draw(text)}
    return doc


criteria = st.one_of(
    st.sampled_from(["WO", "CC", "CTH", "CTSH", "SP"]),
    st.integers(min_value=40, max_value=100).map(lambda p: f"{p}%"),
    st.integers(min_value=40, max_value=100).map(lambda p: f"RVC {p}%"),
    st.tuples(st.sampled_from(["CC", "CTH", "CTSH"]), st.integers(1, 100)).map(lambda t: f"{t[0]} + {t[1]}%"),
    st.integers(min_value=1, max_value=100).map(lambda p: f"PC {p}%"),
)


@st.composite
def form_d_documents(draw: st.DrawFn) -> dict[str, Any]:
    exporting, importing = draw(countries())
    departure = draw(days)
    certified = departure + timedelta(days=draw(st.integers(-30, 365)))
    declared = certified - timedelta(days=draw(st.integers(0, 10)))
    count = draw(st.integers(1, 4))
    items = [
        {
            "item_number": n,
            "marks": draw(text),
            "packages_and_description": draw(text),
            "hs_code": draw(hs_codes),
            "origin_criterion": draw(criteria),
            "gross_weight_or_quantity": {"value": str(draw(quantities)), "unit": "KGM"},
            "fob_value": {"amount": str(draw(amounts)), "currency": "USD"},
            "invoices": [{"number": draw(ident), "date": (departure - timedelta(days=2)).isoformat()}],
        }
        for n in range(1, count + 1)
    ]
    party = {"name": draw(text), "address": draw(text)}
    return {
        "document_type": "form-d",
        "reference_number": draw(ident),
        "exporting_country": exporting,
        "importing_country": importing,
        "exporter": {**party, "country": exporting},
        "consignee": {"name": draw(text), "address": draw(text), "country": importing},
        "transport": {"departure_date": departure.isoformat(), "port_of_discharge": draw(text)},
        "items": items,
        "exporter_declaration": {"place": draw(text), "date": declared.isoformat(), "signatory": draw(text)},
        "certification": {"authority": draw(text), "place": draw(text), "date": certified.isoformat()},
        "flags": {"issued_retroactively": draw(st.booleans()), "de_minimis": draw(st.booleans())},
    }


# No deadline: a first example pays for loading the schemas and reference data, and timings are not behaviour.
relaxed = settings(deadline=None, max_examples=40)
