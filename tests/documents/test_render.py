"""HTML and PDF renderings of the three document types: they carry the document's number, escape
untrusted text, render every member state's script, and refuse structurally broken documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossborder.core.errors import ValidationFailed
from crossborder.documents import render
from crossborder.documents.render_pdf import FontMissing
from tests.documents.pdf_fonts import needs_fonts

EXAMPLES = Path(__file__).parent / "examples"
CASES = [
    ("acdd", "acdd-example.json", "SG-EP-2026-000123"),
    ("form-d", "form-d-example.json", "TH-2026-D-004512"),
    ("ubl-invoice", "base-example.xml", "Snippet1"),
]


def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_bytes())  # type: ignore[no-any-return]


@pytest.mark.parametrize(("doc_type", "name", "number"), CASES)
def test_html_names_the_document(doc_type: str, name: str, number: str) -> None:
    html = render.render_html(doc_type, (EXAMPLES / name).read_bytes())
    assert html.startswith("<!doctype html>") and number in html


@needs_fonts
@pytest.mark.parametrize(("doc_type", "name", "number"), CASES)
def test_pdf_is_a_pdf_holding_the_document_number(doc_type: str, name: str, number: str) -> None:
    pdf = render.render_pdf_bytes(doc_type, (EXAMPLES / name).read_bytes())
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # In the title and keywords, which viewers and search tools show (UTF-16 hex when not ASCII).
    assert number.encode() in pdf or number.encode("utf-16-be").hex().upper().encode() in pdf


def test_form_d_shows_every_box_and_thai_and_vietnamese_text() -> None:
    html = render.render_html("form-d", (EXAMPLES / "form-d-example.json").read_bytes())
    for box in ("Box 1", "Box 2", "Box 3", "Box 4", "Box 11", "Box 12", "Box 13", "8 Criterion", "10 Invoices"):
        assert box in html
    assert "บริษัท ไทยซิลค์ จำกัด" in html and "Công ty TNHH Lụa Việt" in html


@needs_fonts
def test_every_member_states_script_goes_into_the_pdf() -> None:
    doc = _example("form-d-example.json")
    doc["consignee"]["name"] = "ក្រុមហ៊ុន អង្គរ · ບໍລິສັດ ລາວ · မြန်မာ ကုမ္ပဏီ · Công ty Việt"
    pdf = render.render_pdf_bytes("form-d", json.dumps(doc, ensure_ascii=False).encode())
    for family in (b"NotoSansKhmer", b"NotoSansLao", b"NotoSansMyanmar", b"NotoSansThai"):
        assert family in pdf  # each script's font is embedded, so no glyph is left blank


def test_untrusted_text_is_escaped_in_html() -> None:
    doc = _example("acdd-example.json")
    doc["consignee"]["name"] = '<script>alert("x")</script>'
    html = render.render_html("acdd", json.dumps(doc).encode())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_business_rule_findings_are_shown_not_hidden() -> None:
    doc = _example("acdd-example.json")
    doc["total_value"]["amount"] = "1.00"
    html = render.render_html("acdd", json.dumps(doc).encode())
    assert "Validation: invalid" in html and "ACDD-TOTAL-01" in html


def test_a_structurally_broken_document_is_refused_with_its_paths() -> None:
    doc = _example("form-d-example.json")
    del doc["transport"]
    with pytest.raises(ValidationFailed) as caught:
        render.render_pdf_bytes("form-d", json.dumps(doc).encode())
    assert [e.path for e in caught.value.errors] == ["/transport"]
    assert caught.value.errors[0].rule.startswith("JSON-SCHEMA:required")


def test_a_missing_font_is_named_with_the_package_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSBORDER_PDF_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissing) as caught:
        render.render_pdf_bytes("acdd", (EXAMPLES / "acdd-example.json").read_bytes())
    assert "NotoSans-Regular.ttf" in caught.value.detail and "fonts-noto-core" in caught.value.detail
