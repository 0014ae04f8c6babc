"""Review reports: the PDF and the API render the same Report; unknown kinds and years out of range
are refused naming the field; a business user cannot read them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.report_model import Report, ReportKind, Section, Table
from crossborder.monitoring.report_pdf import pdf_bytes
from tests import factories as f
from tests.documents.pdf_fonts import needs_fonts

URL = "/api/v1/monitoring/reports"


@needs_fonts
def test_pdf_holds_every_section_title_table_and_chart_in_any_script() -> None:
    chart = bar_chart("Tiến độ", ["A.1", "B.1"], [Series("2025", [Decimal("40"), None])], unit="%")
    report = Report(
        ReportKind.stocktake, "Annual stocktake", "2025", datetime(2026, 1, 5, tzinfo=UTC), "ASEAN",
        (Section("progress", "ความคืบหน้า", ("Implementation",), (Table("By topic", ("Topic", "%"), (("A.1", "40.0"),)),),
                 (chart,)),),
        ("Work Plan, version 1",),
    )  # fmt: skip
    pdf = pdf_bytes(report)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"NotoSansThai" in pdf  # the Thai heading and chart title have their font, not blank boxes
    assert b"/Title (Annual stocktake \\(2025\\))" in pdf  # the document title is searchable


def test_unknown_kind_and_year_out_of_range_are_refused(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.secretariat, "ASEAN")
    bad_kind = client.get(f"{URL}/yearly", headers=f.bearer(key))
    assert bad_kind.status_code == 422 and "kind" in bad_kind.text and "yearly" in bad_kind.text
    bad_year = client.get(f"{URL}/final?year=2019", headers=f.bearer(key))
    assert bad_year.status_code == 422 and "year" in bad_year.text and "2021" in bad_year.text


def test_business_users_cannot_read_reports(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.business_user, "MY")
    assert client.get(f"{URL}/stocktake", headers=f.bearer(key)).status_code == 403


def test_report_json_has_period_scope_and_sources(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.focal_point, "MY")
    body = client.get(f"{URL}/final", headers=f.bearer(key)).json()
    assert body["period"] == "2021-2025" and body["scope"] == "MY" and body["kind"] == "final"
    assert any("Work Plan" in line for line in body["sources"])
