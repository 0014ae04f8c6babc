"""Storing and reading KPI measurements. One current row per (KPI, state, breakdown, period): a new
figure for the same key replaces the value and first copies the old one into the history table.
Focal points report figures of "reported" KPIs for their own member state; platform KPIs are only
computed (kpi_platform.py). Every write is audited; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import savepoint
from crossborder.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from crossborder.monitoring import kpis
from crossborder.monitoring.access import require_reader, require_reporter, visible_countries
from crossborder.monitoring.kpi_models import KpiMeasurement, KpiMeasurementHistory, SourceKind
from crossborder.monitoring.kpi_schemas import ReportIn
from crossborder.reference.service import member_states

DB_INT_MAX = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL)


@dataclass(frozen=True)
class Figure:
    """One figure to store: what was measured, where, over which period, and where it came from."""

    kpi: str
    country: str
    period: kpis.Period
    value: Decimal
    sample_size: int | None
    detail: str
    breakdown: str = ""


def _current(session: Session, f: Figure) -> KpiMeasurement | None:
    return session.execute(
        select(KpiMeasurement).where(
            KpiMeasurement.kpi_code == f.kpi,
            KpiMeasurement.country == f.country,
            KpiMeasurement.breakdown == f.breakdown,
            KpiMeasurement.period_label == f.period.label,
        )
    ).scalar_one_or_none()


def _supersede(session: Session, row: KpiMeasurement, actor: str) -> None:
    session.add(
        KpiMeasurementHistory(
            measurement_id=row.id, value=row.value, unit=row.unit, source_kind=row.source_kind,
            source_detail=row.source_detail, sample_size=row.sample_size, recorded_by=row.recorded_by,
            recorded_at=row.recorded_at, client_reference=row.client_reference, superseded_by=actor,
        )
    )  # fmt: skip


def store(
    session: Session, principal: Principal, f: Figure, kind: SourceKind, client_reference: str | None = None
) -> tuple[KpiMeasurement, bool]:
    """Insert or replace the figure for its key; answers the row and whether it replaced one."""
    kpi = kpis.get(f.kpi)
    row = _current(session, f)
    replaced = row is not None
    before = None
    now = utcnow()
    if row is None:
        row = KpiMeasurement(
            kpi_code=f.kpi, country=f.country, breakdown=f.breakdown, period_label=f.period.label,
            period_start=f.period.start, period_end=f.period.end,
        )  # fmt: skip
        session.add(row)
    else:
        before = {"value": str(row.value), "source_detail": row.source_detail}
        _supersede(session, row, principal.actor)
    row.value, row.unit, row.source_kind, row.source_detail = f.value, kpi.unit, kind.value, f.detail
    row.sample_size, row.recorded_by, row.recorded_at, row.client_reference = (
        f.sample_size, principal.actor, now, client_reference
    )  # fmt: skip
    session.flush()
    audit.record(
        session, principal, "monitoring.kpi.measurement." + ("replace" if replaced else "record"), "kpi_measurement",
        row.id, country=None if f.country == REGIONAL else f.country, before=before,
        after={"kpi": f.kpi, "period": f.period.label, "breakdown": f.breakdown, "value": str(f.value),
               "source_kind": kind.value},
    )  # fmt: skip
    return row, replaced


def _by_reference(session: Session, actor: str, reference: str) -> KpiMeasurement | None:
    found = session.execute(
        select(KpiMeasurement).where(KpiMeasurement.recorded_by == actor, KpiMeasurement.client_reference == reference)
    ).scalar_one_or_none()
    if found is not None:
        return found
    # Reported again since: the reference lives in the history, the measurement is the same one.
    earlier = session.execute(
        select(KpiMeasurementHistory.measurement_id)
        .where(KpiMeasurementHistory.recorded_by == actor, KpiMeasurementHistory.client_reference == reference)
        .limit(1)
    ).scalar_one_or_none()
    return None if earlier is None else session.get(KpiMeasurement, earlier)


def _same_figure(session: Session, actor: str, existing: KpiMeasurement, body: ReportIn) -> None:
    """A client reference names one figure: reused for another KPI, place, period or value it is a
    conflict (as in tracking and the laws scheme), not a silent answer with the first figure."""
    value = existing.value
    if existing.client_reference != body.client_reference or existing.recorded_by != actor:
        held = session.execute(
            select(KpiMeasurementHistory.value).where(
                KpiMeasurementHistory.measurement_id == existing.id, KpiMeasurementHistory.recorded_by == actor,
                KpiMeasurementHistory.client_reference == body.client_reference,
            ).limit(1)
        ).scalar_one_or_none()  # fmt: skip
        value = held if held is not None else value
    try:
        same_value = Decimal(body.value.strip()) == value
    except ArithmeticError:
        same_value = False
    if (body.kpi, body.country, body.period.strip(), same_value) != (
        existing.kpi_code,
        existing.country,
        existing.period_label,
        True,
    ):
        rule = (f"was used for {existing.kpi_code}, {existing.country}, {existing.period_label} = "
                f"{figure_text(value)}; a new figure needs a new client reference")  # fmt: skip
        raise Conflict("client reference reused", errors=[FieldError("client_reference", rule, body.client_reference)])


def report(session: Session, principal: Principal, body: ReportIn) -> tuple[KpiMeasurement, bool]:
    """A focal point's figure for its own state (or the secretariat's, for any state or "ASEAN").
    The same client reference with the same figure returns the first measurement (and False); with
    another figure it is a Conflict."""
    existing = _by_reference(session, principal.actor, body.client_reference)
    if existing is not None:
        _same_figure(session, principal.actor, existing, body)
        return existing, False
    kpi = kpis.get(body.kpi)
    if kpi.is_platform:
        rule = f"{kpi.code} is computed from the platform's records (POST /monitoring/kpis/compute), not reported"
        raise ValidationFailed("computed KPI", errors=[FieldError("kpi", rule, body.kpi)])
    states = member_states()
    if body.country not in [*states, REGIONAL]:
        rule = f"a member state ({', '.join(states)}) or {REGIONAL}"
        raise ValidationFailed("unknown member state", errors=[FieldError("country", rule, body.country)])
    require_reporter(principal, body.country)
    kind = SourceKind(body.source_kind)
    if kind is SourceKind.platform:
        raise ValidationFailed(
            "bad source kind", errors=[FieldError("source_kind", "reported or imported", body.source_kind)]
        )
    period = kpis.period_for(kpi, body.period)
    value = kpis.check_value(kpi, body.value)
    detail = " ".join(body.source_detail.split())
    if not detail:
        rule = "say where the figure comes from"
        raise ValidationFailed("source required", errors=[FieldError("source_detail", rule, body.source_detail)])
    if body.sample_size is not None and body.sample_size > DB_INT_MAX:
        rule = f"at most {DB_INT_MAX}"
        raise ValidationFailed("sample too large", errors=[FieldError("sample_size", rule, body.sample_size)])
    figure = Figure(kpi.code, body.country, period, value, body.sample_size, detail)
    try:
        with savepoint(session):
            row, _ = store(session, principal, figure, kind, body.client_reference)
    except IntegrityError:  # the same report arrived twice at once: the first one stands
        again = _by_reference(session, principal.actor, body.client_reference)
        if again is None:
            raise
        return again, False
    return row, True


def listing(
    session: Session,
    principal: Principal,
    *,
    kpi: str | None = None,
    country: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[KpiMeasurement]:
    """Measurements in the caller's scope (its own state, and regional figures), oldest period first."""
    visible = visible_countries(principal, member_states())
    if since and until and since > until:
        raise ValidationFailed("empty range", errors=[FieldError("since", "must not be after until", str(since))])
    query = select(KpiMeasurement).where(or_(KpiMeasurement.country.in_(visible), KpiMeasurement.country == REGIONAL))
    if kpi is not None:
        query = query.where(KpiMeasurement.kpi_code == kpis.get(kpi).code)
    if country is not None:
        query = query.where(KpiMeasurement.country == country)
    if since is not None:
        query = query.where(KpiMeasurement.period_start >= since)
    if until is not None:
        query = query.where(KpiMeasurement.period_end <= until)
    order = (KpiMeasurement.kpi_code, KpiMeasurement.country, KpiMeasurement.period_start, KpiMeasurement.breakdown)
    return list(session.execute(query.order_by(*order)).scalars())


def get(session: Session, principal: Principal, measurement_id: int) -> KpiMeasurement:
    # an id no INTEGER column can hold is absent (PostgreSQL would refuse the query itself)
    row = session.get(KpiMeasurement, measurement_id) if 0 < measurement_id <= DB_INT_MAX else None
    states = visible_countries(principal, member_states())
    if row is None or (row.country != REGIONAL and row.country not in states):
        raise NotFound(f"no measurement {measurement_id}", errors=[FieldError("id", "unknown", measurement_id)])
    return row


def history(session: Session, row: KpiMeasurement) -> list[KpiMeasurementHistory]:
    return list(
        session.execute(
            select(KpiMeasurementHistory)
            .where(KpiMeasurementHistory.measurement_id == row.id)
            .order_by(KpiMeasurementHistory.id)
        ).scalars()
    )


def figure_text(value: Decimal) -> str:
    """A value as the API prints it, the same on every database: no trailing zeros, no exponent."""
    return format(value.normalize(), "f")


def measurement_out(row: KpiMeasurement) -> dict[str, Any]:
    return {
        "id": row.id, "kpi": row.kpi_code, "country": row.country, "breakdown": row.breakdown or None,
        "period": row.period_label, "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(), "value": figure_text(row.value), "unit": row.unit,
        "source": {"kind": row.source_kind, "detail": row.source_detail, "sample_size": row.sample_size,
                   "recorded_by": row.recorded_by, "recorded_at": row.recorded_at.isoformat()},
        "client_reference": row.client_reference,
    }  # fmt: skip


def check_reader(principal: Principal) -> None:
    require_reader(principal)
