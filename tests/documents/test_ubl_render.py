"""The HTML rendering shows the invoice's figures and escapes what the document says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from crossborder.documents.ubl_build import build_ubl
from crossborder.documents.ubl_model import Line, TaxCategory
from crossborder.documents.ubl_parse import parse_ubl
from crossborder.documents.ubl_render import invoice_context, render_html
from tests.documents.ubl_factories import draft

EXAMPLES = Path(__file__).parent / "examples"


def test_official_example_renders_totals_and_lines() -> None:
    inv, _ = parse_ubl((EXAMPLES / "Allowance-example.xml").read_bytes())
    assert inv is not None
    ctx = invoice_context(inv)
    assert ctx["totals"]["payable"] == {"amount": "6125.00", "currency": "EUR"}
    assert [v["category"] for v in ctx["vat_breakdown"]] == ["Standard rate 25 %", "Exempt from tax 0 %"]
    html = render_html(inv)
    assert "6125.00 EUR" in html and "Reason for tax exempt" in html and "item name" in html


def test_document_text_is_escaped() -> None:
    body = (
        Line(
            id="1",
            quantity=Decimal(1),
            unit_code="C62",
            name="<img src=x onerror=alert(1)>",
            price=Decimal(1),
            tax=TaxCategory("S", Decimal(9)),
        ),
    )
    inv, _ = parse_ubl(build_ubl(draft(body)))
    assert inv is not None
    html = render_html(inv)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Toko Kopi Jaya &lt;&amp; Sons&gt;" in html
