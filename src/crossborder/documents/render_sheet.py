"""What a person reads on a rendered document, independent of HTML or PDF: a title, the document's own
number, labelled sections and item tables. Built from a schema-valid JSON document (ACDD, Form D) or
from the invoice context of `ubl_render`, so both renderers say the same thing with the same labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crossborder.core.money import Money
from crossborder.documents.issues import Issue

Row = tuple[str, str]


@dataclass(frozen=True)
class Section:
    heading: str
    rows: list[Row]


@dataclass(frozen=True)
class Table:
    heading: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Sheet:
    doc_type: str
    title: str
    number: str  # the document's own identifier (permit number, certificate reference, invoice number)
    note: str
    sections: list[Section]
    tables: list[Table]
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(i.severity == "fatal" for i in self.issues)


def money(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return str(Money(Decimal(value["amount"]), value["currency"]))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def acdd_sheet(doc: dict[str, Any], issues: list[Issue]) -> Sheet:
    agent = doc.get("agent")
    parties = [
        ("Exporter", f"{doc['exporter']['name']} ({doc['exporter']['identifier']})"),
        ("Consignee", f"{doc['consignee']['name']}, {doc['consignee']['address']}"),
        ("Agent", f"{agent['name']} ({agent['identifier']})" if isinstance(agent, dict) else "—"),
    ]
    shipment = [
        ("Exporting country", doc["exporting_country"]),
        ("Importing country", doc["importing_country"]),
        ("Departure date", doc["departure_date"]),
        ("Transport mode", doc["transport_mode"]),
        ("Port of discharge", doc["port_of_discharge"]),
        ("Issued at", _text(doc.get("issued_at")) or "—"),
        ("Declared total", money(doc.get("total_value")) or "—"),
    ]
    items = [
        [
            str(item["serial_number"]),
            item["hs_code"],
            _text(item.get("description")),
            f"{item['quantity']} {item['unit_of_measure']}",
            item["country_of_origin"],
            money(item.get("value")),
        ]
        for item in doc["items"]
    ]
    return Sheet(
        doc_type="acdd",
        title="ASEAN Customs Declaration Document (ACDD)",
        number=doc["permit_number"],
        note="Electronic subset of the export declaration, sent by the exporting member state's customs.",
        sections=[Section("Parties", parties), Section("Shipment", shipment)],
        tables=[Table("Items", ["No.", "HS code", "Description", "Quantity", "Origin", "Value"], items)],
        issues=issues,
    )


_FLAGS = {
    "third_country_invoicing": "Third-country invoicing",
    "back_to_back": "Back-to-back CO",
    "de_minimis": "De minimis",
    "accumulation": "Accumulation",
    "partial_cumulation": "Partial cumulation",
    "issued_retroactively": "Issued retroactively",
}


def _party(party: dict[str, Any]) -> str:
    return f"{party['name']}, {party['address']}, {party['country']}"


def form_d_sheet(doc: dict[str, Any], issues: list[Issue]) -> Sheet:
    transport, declared, certified = doc["transport"], doc["exporter_declaration"], doc["certification"]
    official = doc.get("official_use")
    flags = doc.get("flags") or {}
    ticked = [label for key, label in _FLAGS.items() if flags.get(key) is True]
    boxes = [
        Section("Box 1 — Exporter", [("Exporter", _party(doc["exporter"]))]),
        Section("Box 2 — Consignee", [("Consignee", _party(doc["consignee"]))]),
        Section(
            "Box 3 — Transport and route",
            [
                ("Departure date", transport["departure_date"]),
                ("Vessel / aircraft", _text(transport.get("vessel_or_aircraft")) or "—"),
                ("Port of discharge", transport["port_of_discharge"]),
            ],
        ),
        Section(
            "Box 4 — For official use",
            [
                ("Preference", official["preference"] if isinstance(official, dict) else "not yet decided"),
                ("Remarks", _text(official.get("remarks")) if isinstance(official, dict) else ""),
            ],
        ),
        Section(
            "Box 11 — Declaration by the exporter",
            [
                ("Place and date", f"{declared['place']}, {declared['date']}"),
                ("Signatory", declared["signatory"]),
                ("Goods produced in", doc["exporting_country"]),
                ("Importing country", doc["importing_country"]),
            ],
        ),
        Section(
            "Box 12 — Certification",
            [
                ("Issuing authority", certified["authority"]),
                ("Place and date", f"{certified['place']}, {certified['date']}"),
                ("Signatory", _text(certified.get("signatory")) or "—"),
            ],
        ),
        Section("Box 13 — Ticked", [("Ticked", ", ".join(ticked) or "none")]),
    ]
    items = [
        [
            str(item["item_number"]),
            _text(item.get("marks")),
            item["packages_and_description"],
            item["hs_code"],
            item["origin_criterion"],
            " ".join(
                x
                for x in (
                    f"{item['gross_weight_or_quantity']['value']} {item['gross_weight_or_quantity']['unit']}",
                    money(item.get("fob_value")),
                )
                if x
            ),
            "; ".join(f"{inv['number']} ({inv['date']})" for inv in item["invoices"]),
        ]
        for item in doc["items"]
    ]
    columns = [
        "5 Item",
        "6 Marks",
        "7 Packages, description",
        "7 HS code",
        "8 Criterion",
        "9 Weight / FOB",
        "10 Invoices",
    ]
    return Sheet(
        doc_type="form-d",
        title="ATIGA Certificate of Origin — Form D",
        number=doc["reference_number"],
        note=f"Issued in {doc['exporting_country']} for export to {doc['importing_country']}.",
        sections=boxes,
        tables=[Table("Boxes 5 to 10 — Goods", columns, items)],
        issues=issues,
    )


def _lines(party: dict[str, Any] | None) -> str:
    if not party:
        return "—"
    parts = [party.get("name"), *party.get("address", []), party.get("vat_id")]
    return ", ".join(str(p) for p in parts if p)


def invoice_sheet(ctx: dict[str, Any], issues: list[Issue]) -> Sheet:
    """From `ubl_render.invoice_context`: the same data as the HTML invoice, in PDF form."""
    totals = ctx.get("totals") or {}
    heading = [
        ("Issue date", _text(ctx.get("issue_date"))),
        ("Due date", _text(ctx.get("due_date")) or "—"),
        ("Currency", _text(ctx.get("currency"))),
        ("Buyer reference", _text(ctx.get("buyer_reference")) or "—"),
    ]
    total_rows = [
        (label, money(totals.get(key)))
        for key, label in (
            ("line_extension", "Sum of lines"),
            ("tax_exclusive", "Total without VAT"),
            ("vat", "VAT"),
            ("tax_inclusive", "Total with VAT"),
            ("payable", "Amount due"),
        )
        if totals.get(key)
    ]
    lines = [
        [
            _text(ln.get("id")),
            _text(ln.get("name")),
            f"{_text(ln.get('quantity'))} {_text(ln.get('unit'))}".strip(),
            _text(ln.get("price")),
            _text(ln.get("tax")),
            money(ln.get("net")),
        ]
        for ln in ctx.get("lines", [])
    ]
    return Sheet(
        doc_type="ubl-invoice",
        title=_text(ctx.get("kind")) or "Invoice",
        number=_text(ctx.get("id")),
        note="UBL 2.1 e-invoice (EN 16931).",
        sections=[
            Section("Invoice", heading),
            Section("Seller", [("Seller", _lines(ctx.get("seller")))]),
            Section("Buyer", [("Buyer", _lines(ctx.get("buyer")))]),
            Section("Totals", total_rows),
        ],
        tables=[Table("Lines", ["ID", "Item", "Quantity", "Price", "VAT", "Net"], lines)],
        issues=issues,
    )
