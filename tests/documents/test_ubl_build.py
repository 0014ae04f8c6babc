"""Built invoices are valid by construction and survive build -> parse unchanged."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.documents.ubl_build import build_ubl, compute
from crossborder.documents.ubl_model import AllowanceCharge, Invoice, Line, TaxCategory
from crossborder.documents.ubl_parse import parse_ubl
from crossborder.documents.ubl_validate import validate_ubl
from tests.documents.ubl_factories import document_charges, draft, lines


@settings(max_examples=60, deadline=None)
@given(lines(), document_charges())
def test_built_invoices_validate_and_round_trip(body: tuple[Line, ...], charges: tuple[AllowanceCharge, ...]) -> None:
    invoice = compute(draft(body, allowances_charges=charges))
    xml = build_ubl(invoice)
    assert validate_ubl(xml) == []
    parsed, issues = parse_ubl(xml)
    assert issues == []
    assert parsed == invoice
    assert compute(invoice) == invoice  # computing is idempotent
    assert build_ubl(parsed) == xml  # and so is the serialisation


def test_vat_breakdown_per_category_and_rate_with_line_rounding() -> None:
    body = (
        Line(
            id="1",
            quantity=Decimal(3),
            unit_code="C62",
            name="a",
            price=Decimal("0.333"),
            tax=TaxCategory("S", Decimal(9)),
        ),
        Line(
            id="2",
            quantity=Decimal(1),
            unit_code="C62",
            name="b",
            price=Decimal("10.005"),
            tax=TaxCategory("S", Decimal("9.00")),
        ),
        Line(
            id="3", quantity=Decimal(2), unit_code="C62", name="c", price=Decimal(5), tax=TaxCategory("Z", Decimal(0))
        ),
    )
    inv = compute(draft(body))
    assert [ln.line_extension for ln in inv.lines] == [Decimal("1.00"), Decimal("10.01"), Decimal("10.00")]
    vat = inv.vat_total
    assert vat is not None
    # 9 and 9.00 are one rate: one breakdown group each for S 9 % and Z
    assert [(s.category.code, s.taxable, s.tax) for s in vat.subtotals] == [
        ("S", Decimal("11.01"), Decimal("0.99")),
        ("Z", Decimal("10.00"), Decimal("0.00")),
    ]
    assert inv.totals is not None
    assert (inv.totals.line_extension, inv.totals.tax_inclusive, inv.totals.payable) == (
        Decimal("21.01"),
        Decimal("22.00"),
        Decimal("22.00"),
    )


def test_built_xml_escapes_text() -> None:
    body = (
        Line(
            id="1",
            quantity=Decimal(1),
            unit_code="C62",
            name="<script>&",
            price=Decimal(1),
            tax=TaxCategory("S", Decimal(9)),
        ),
    )
    xml = build_ubl(draft(body))
    assert b"&lt;script&gt;&amp;" in xml
    parsed, _ = parse_ubl(xml)
    assert parsed is not None and parsed.lines[0].name == "<script>&"


@given(st.decimals(Decimal(-5), Decimal(5), places=2).filter(lambda d: d != 0))
def test_tampering_a_built_total_is_caught(delta: Decimal) -> None:
    body = (
        Line(
            id="1",
            quantity=Decimal(2),
            unit_code="C62",
            name="x",
            price=Decimal("12.34"),
            tax=TaxCategory("S", Decimal(9)),
        ),
    )
    inv = compute(draft(body))
    assert inv.totals is not None and inv.totals.payable is not None
    bad = replace(inv, totals=replace(inv.totals, payable=inv.totals.payable + delta))
    assert {i.rule for i in validate_ubl(build_ubl_raw(bad))} == {"BR-CO-16"}


def build_ubl_raw(invoice: Invoice) -> bytes:
    """Serialise without recomputing, to plant a fault."""
    from lxml import etree

    from crossborder.documents.ubl_build import to_xml

    return etree.tostring(to_xml(invoice), xml_declaration=True, encoding="UTF-8")
