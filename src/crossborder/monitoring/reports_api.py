"""Monitoring API: the review reports as JSON (sections, tables, chart SVG) and as PDF."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from crossborder.core.deps import DB, Caller
from crossborder.core.files import content_disposition
from crossborder.monitoring import reports
from crossborder.monitoring.report_pdf import pdf_bytes

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
Year = Annotated[int | None, Query(description="The report's year; default: the current year (stocktake), 2023 "
                                               "(mid-term), 2025 (final), as the Work Plan sets them.")]  # fmt: skip


@router.get("/reports/{kind}.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(kind: str, db: DB, caller: Caller, year: Year = None) -> Response:
    """The report as a PDF file (A4, Noto fonts, charts as vectors)."""
    report = reports.build(db, caller, reports.parse_kind(kind), year)
    return Response(pdf_bytes(report), media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"{report.kind.value}-{report.period}.pdf")})  # fmt: skip


@router.get("/reports/{kind}")
def report_json(kind: str, db: DB, caller: Caller, year: Year = None) -> dict[str, Any]:
    """The report's sections: paragraphs, tables and charts (SVG markup)."""
    report = reports.build(db, caller, reports.parse_kind(kind), year)
    body = asdict(report)
    body["generated_at"] = report.generated_at.isoformat()
    body["sections"] = [{**asdict(s), "charts": [str(c) for c in s.charts]} for s in report.sections]
    return body
