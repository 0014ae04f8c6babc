"""Monitoring API: KPI definitions, measurements with their provenance, reported figures (a member
state's focal point, for its own state) and the computation of platform KPIs (the secretariat)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.idempotency import run_once
from crossborder.monitoring import kpi_measurements as measurements
from crossborder.monitoring import kpis
from crossborder.monitoring.access import require_reader
from crossborder.monitoring.kpi_platform import compute
from crossborder.monitoring.kpi_schemas import ComputeIn, ReportIn, kpi_out

router = APIRouter(prefix="/monitoring", tags=["monitoring"])


@router.get("/kpis")
def list_kpis(caller: Caller) -> list[dict[str, Any]]:
    """Every KPI definition: formula, unit, direction, frequency, source, target (or why none)."""
    require_reader(caller)
    return [kpi_out(k) for k in kpis.load_kpis().values()]


@router.get("/kpis/{code}")
def get_kpi(code: str, caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return kpi_out(kpis.get(code))


@router.get("/kpi-measurements")
def list_measurements(
    db: DB,
    caller: Caller,
    kpi: str | None = None,
    country: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Measurements in the caller's scope; `since`/`until` bound the periods (first and last day)."""
    rows = measurements.listing(db, caller, kpi=kpi, country=country, since=since, until=until)
    return [measurements.measurement_out(r) for r in rows]


@router.get("/kpi-measurements/{measurement_id}")
def get_measurement(measurement_id: int, db: DB, caller: Caller) -> dict[str, Any]:
    """One measurement with the values it replaced."""
    row = measurements.get(db, caller, measurement_id)
    replaced = [
        {"value": measurements.figure_text(h.value), "source_kind": h.source_kind, "source_detail": h.source_detail,
         "sample_size": h.sample_size, "recorded_by": h.recorded_by, "recorded_at": h.recorded_at.isoformat(),
         "superseded_at": h.superseded_at.isoformat(), "superseded_by": h.superseded_by}
        for h in measurements.history(db, row)
    ]  # fmt: skip
    return {**measurements.measurement_out(row), "history": replaced}


@router.post("/kpi-measurements", status_code=201)
def report_measurement(body: ReportIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    """Record a reported figure; the same client reference (or Idempotency-Key) again creates nothing."""

    def create() -> tuple[int, dict[str, Any]]:
        row, created = measurements.report(db, caller, body)
        return (201 if created else 200), measurements.measurement_out(row)

    with write_lock():
        status, payload = run_once(db, caller.actor, idempotency_key, body.model_dump(), create)
    return JSONResponse(payload, status_code=status)


@router.post("/kpis/compute")
def compute_platform_kpis(body: ComputeIn, db: DB, caller: Caller) -> dict[str, Any]:
    """Compute and store the platform KPIs of a period; answers what was stored and what had no records."""
    with write_lock():
        result = compute(db, caller, body.period, body.countries)
        db.commit()
    return {"period": result.period, "as_of": result.as_of, "stored": result.stored, "no_records": result.no_records}
