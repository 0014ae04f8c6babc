"""Report section from the KPIs: each KPI's latest figure in the report's year, per member state and
for ASEAN, with where it came from; release time per member state as a chart (the rapid time
release study)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from crossborder.core.access.roles import REGIONAL
from crossborder.monitoring import kpi_measurements, kpis
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.kpi_models import KpiMeasurement
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section, Table

RELEASE_TIME = "lvd_release_time_median"


def _latest(rows: list[KpiMeasurement]) -> dict[tuple[str, str], KpiMeasurement]:
    """(kpi, country) -> the figure of the latest period (totals only, not per-type breakdowns)."""
    latest: dict[tuple[str, str], KpiMeasurement] = {}
    for row in rows:  # ordered by kpi, country, period start
        if not row.breakdown:
            latest[(row.kpi_code, row.country)] = row
    return latest


def section(ctx: Context) -> Section:
    rows = kpi_measurements.listing(ctx.session, ctx.principal, since=date(ctx.year, 1, 1), until=ctx.as_of)
    latest = _latest(rows)
    definitions = kpis.load_kpis()
    table = []
    for code, kpi in definitions.items():
        for country in (REGIONAL, *ctx.countries):
            found = latest.get((code, country))
            if found is None:
                continue
            value = kpi_measurements.figure_text(found.value)
            table.append((kpi.name, country, found.period_label, value, found.unit, str(found.sample_size or "-"),
                          f"{found.source_kind}: {found.source_detail[:140]}"))  # fmt: skip
    missing = [k.name for k in definitions.values() if not any(key[0] == k.code for key in latest)]
    paragraphs = [
        f"{len(table)} figure(s) for {ctx.year}: the latest period of each KPI per member state and for ASEAN. "
        "Platform KPIs are computed from this platform's own records; reported KPIs are the member states' figures.",
        "No KPI has a numeric target: the Work Plan's KPI texts and targets (its Annex A) are not in the source "
        "documents the platform holds.",
    ]
    if missing:
        paragraphs.append(f"No figure in {ctx.year} for: {'; '.join(missing)}.")
    release = [latest.get((RELEASE_TIME, c)) for c in ctx.countries]
    charts: tuple[Markup, ...] = ()
    if any(r is not None for r in release):
        charts = (bar_chart(f"Median release time of low-value declarations, latest period of {ctx.year}",
                            list(ctx.countries), [Series("minutes", [r.value if r else None for r in release])],
                            unit="minutes"),)  # fmt: skip
    columns = ("KPI", "Where", "Period", "Value", "Unit", "n", "Source")
    return Section("kpis", "Key performance indicators", tuple(paragraphs),
                   (Table(f"KPIs in {ctx.year}", columns, tuple(table)),), charts)  # fmt: skip
