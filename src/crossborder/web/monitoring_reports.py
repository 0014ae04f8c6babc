"""Monitoring pages: the review reports (annual stocktake, mid-term, final) as HTML and PDF."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.files import content_disposition
from crossborder.monitoring import reports
from crossborder.monitoring.report_pdf import pdf_bytes
from crossborder.web.customs import signin_redirect
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)


def _year(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise ValidationFailed("bad year", errors=[FieldError("year", "must be a year such as 2025", raw)])
    return int(raw)


@router.get("/monitoring/reports")
def reports_page(request: Request) -> Response:
    if getattr(request.state, "user", None) is None:
        return signin_redirect(request)
    return render(request, "monitoring/reports.html", first_year=reports.FIRST_YEAR, last_year=reports.last_year(),
                  default_year=reports.last_year())  # fmt: skip


@router.get("/monitoring/reports/open")
def open_report(request: Request, kind: str = "stocktake", year: str | None = None) -> Response:
    """The form's target: a plain GET form cannot put the kind in the path."""
    chosen = reports.check_year(reports.parse_kind(kind), _year(year))
    return RedirectResponse(f"/monitoring/reports/{reports.parse_kind(kind).value}?year={chosen}", status_code=303)


@router.get("/monitoring/reports/{kind}.pdf")
@signed_in_page
def report_pdf(
    request: Request, kind: str, session: Session, principal: Principal, year: str | None = None
) -> Response:
    report = reports.build(session, principal, reports.parse_kind(kind), _year(year))
    name = f"{report.kind.value}-{report.period}.pdf"
    return Response(pdf_bytes(report), media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(name), "Cache-Control": "no-store"})  # fmt: skip


@router.get("/monitoring/reports/{kind}")
@signed_in_page
def report_page(
    request: Request, kind: str, session: Session, principal: Principal, year: str | None = None
) -> Response:
    report = reports.build(session, principal, reports.parse_kind(kind), _year(year))
    return render(request, "monitoring/report.html", report=report, year=year or report.period[-4:])
