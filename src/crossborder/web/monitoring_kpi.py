"""Monitoring pages: the KPI tracker (every KPI with its definition, target, latest value per member
state in the reader's scope, provenance and a line chart over periods) and one KPI's detail page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import NotFound
from crossborder.monitoring import kpi_measurements as measurements
from crossborder.monitoring import kpis
from crossborder.monitoring.charts import Series, line_chart
from crossborder.monitoring.kpi_measurements import figure_text as figure
from crossborder.monitoring.kpi_models import KpiMeasurement
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class KpiView:
    kpi: kpis.Kpi
    latest: list[KpiMeasurement]  # one per member state (all types together), newest period
    chart: Markup | None


def chart_of(kpi: kpis.Kpi, rows: Sequence[KpiMeasurement]) -> Markup | None:
    """One line per member state over the periods measured (all document types together)."""
    rows = [r for r in rows if r.breakdown == ""]
    if not rows:
        return None
    periods = sorted({r.period_label for r in rows})
    series = []
    for country in sorted({r.country for r in rows}):
        values = {r.period_label: r.value for r in rows if r.country == country}
        series.append(Series(country, [values.get(p) for p in periods]))
    return line_chart(kpi.name, periods, series, unit=kpis.UNITS[kpi.unit].label)


def _latest(rows: Sequence[KpiMeasurement]) -> list[KpiMeasurement]:
    newest: dict[str, KpiMeasurement] = {}
    for r in rows:  # ordered by period: the last one per state stands
        if r.breakdown == "":
            newest[r.country] = r
    return [newest[c] for c in sorted(newest)]


@router.get("/monitoring/kpis")
@signed_in_page
def kpi_page(request: Request, session: Session, principal: Principal) -> Response:
    rows = measurements.listing(session, principal)
    views = []
    for kpi in kpis.load_kpis().values():
        mine = [r for r in rows if r.kpi_code == kpi.code]
        views.append(KpiView(kpi, _latest(mine), chart_of(kpi, mine)))
    return render(request, "monitoring/kpi_list.html", views=views, units=kpis.UNITS, figure=figure)


@router.get("/monitoring/kpis/{code}")
@signed_in_page
def kpi_detail_page(request: Request, code: str, session: Session, principal: Principal) -> Response:
    kpi = kpis.load_kpis().get(code)
    if kpi is None:
        raise NotFound(f"no KPI {code!r}")
    rows = measurements.listing(session, principal, kpi=kpi.code)
    newest_first = sorted(rows, key=lambda r: (r.period_start, r.country, r.breakdown), reverse=True)
    return render(
        request,
        "monitoring/kpi_detail.html",
        kpi=kpi,
        rows=newest_first,
        chart=chart_of(kpi, rows),
        units=kpis.UNITS,
        figure=figure,
    )
