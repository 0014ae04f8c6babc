"""Demo KPI measurements: the platform KPIs computed on whatever demo records exist (the current
month and the two before it), and two reported figures. Every figure says "Demo data"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.dates import utcnow
from crossborder.monitoring import kpi_measurements
from crossborder.monitoring.kpi_models import KpiMeasurement
from crossborder.monitoring.kpi_platform import compute
from crossborder.monitoring.kpi_schemas import ReportIn

DEMO = Principal(actor="demo", organisation_id=None, country=REGIONAL, roles=frozenset({Role.secretariat}))
LABEL = "Demo data"
MONTHS = 3

# Reported figures: invented for the demonstration, and labelled so wherever they are shown.
REPORTED = (
    ("demo-kpi-1", "paperless_trade_tool_utilisation", "MY", "2025", "41.5", 180),
    ("demo-kpi-2", "mystery_shopper_delivery_days", "VN", "2025", "6.5", 24),
)


def _months(today: date, count: int) -> list[str]:
    found = []
    year, month = today.year, today.month
    for _ in range(count):
        found.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(found)


def seed(session: Session) -> None:
    """Compute and store the demo KPIs; does nothing if any KPI measurement exists already."""
    if session.execute(select(func.count()).select_from(KpiMeasurement)).scalar_one():
        return
    for period in _months(utcnow().date(), MONTHS):
        compute(session, DEMO, period, note=f"{LABEL}: computed from the demo records")
    for reference, kpi, country, period, value, n in REPORTED:
        body = ReportIn(
            client_reference=reference, kpi=kpi, country=country, period=period, value=value,
            source_kind="reported", sample_size=n, source_detail=f"{LABEL}: an invented figure, not a real report",
        )  # fmt: skip
        kpi_measurements.report(session, DEMO, body)
    session.flush()
