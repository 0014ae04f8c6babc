"""`crossborder documents validate|render`: the report as JSON with exit 0/1, type detection, and files written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crossborder.cli import app as cli
from tests.documents.pdf_fonts import needs_fonts

EXAMPLES = Path(__file__).parent / "examples"
runner = CliRunner()


def test_a_valid_document_prints_the_report_and_exits_0() -> None:
    result = runner.invoke(cli, ["documents", "validate", str(EXAMPLES / "form-d-example.json"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"document_type": "form-d", "valid": True, "errors": []}


def test_an_invalid_document_lists_rule_path_message_and_exits_1(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "acdd-example.json").read_bytes())
    doc["items"][0]["hs_code"] = "42"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = runner.invoke(cli, ["documents", "validate", str(bad), "--type", "acdd", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert [(e["rule"], e["path"]) for e in report["errors"]] == [("ACDD-HS-01", "/items/0/hs_code")]
    assert "42" in report["errors"][0]["message"]


def test_the_type_is_detected_from_xml_and_unknown_content_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["documents", "validate", str(EXAMPLES / "base-example.xml"), "--json"])
    assert json.loads(result.stdout)["document_type"] == "ubl-invoice"
    memo = tmp_path / "memo.txt"
    memo.write_text("hello")
    unknown = runner.invoke(cli, ["documents", "validate", str(memo)])
    assert unknown.exit_code == 2 and "type" in unknown.stderr


@needs_fonts
def test_render_writes_html_and_pdf(tmp_path: Path) -> None:
    html, pdf = tmp_path / "d.html", tmp_path / "d.pdf"
    source = str(EXAMPLES / "acdd-example.json")
    result = runner.invoke(cli, ["documents", "render", source, "--html", str(html), "--pdf", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "SG-EP-2026-000123" in html.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF")
    nothing = runner.invoke(cli, ["documents", "render", source])
    assert nothing.exit_code == 2
