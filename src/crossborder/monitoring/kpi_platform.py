"""Platform KPIs computed from the platform's own records (customs, trust, exchange, redress).

Each computation is a pure function of a Session: (kpi, period, member state, as-of instant) ->
Outcomes, each a value with its sample size n and a source detail saying exactly what was counted,
or "no records" (value None): an empty period stores nothing, never a 0. `compute` runs every
platform KPI of the period's frequency for the given member states and stores what it found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring import kpi_platform_exchange, kpi_platform_redress, kpi_platform_trade, kpis
from crossborder.monitoring.access import require_secretariat
from crossborder.monitoring.kpi_measurements import Figure, measurement_out, store
from crossborder.monitoring.kpi_models import SourceKind
from crossborder.monitoring.kpi_platform_common import Computation, Outcome
from crossborder.reference.service import member_states

COMPUTATIONS: dict[str, Computation] = {
    "release_time_median": kpi_platform_trade.release_time_median,
    "release_time_p90": kpi_platform_trade.release_time_p90,
    "trust_marked_share": kpi_platform_trade.trust_marked_share,
    "documents_exchanged": kpi_platform_exchange.documents_exchanged,
    "complaint_resolution_rate": kpi_platform_redress.resolution_rate,
    "complaint_resolution_time_median": kpi_platform_redress.resolution_time_median,
}


def measure(session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime) -> list[Outcome]:
    """One platform KPI for one member state and period (nothing stored)."""
    return COMPUTATIONS[kpi.source](session, kpi, period, country, as_of)


@dataclass
class Computed:
    period: str
    as_of: str
    stored: list[dict[str, Any]] = field(default_factory=list)
    no_records: list[dict[str, str]] = field(default_factory=list)


def _countries(countries: Sequence[str] | None) -> list[str]:
    """The member states asked for (default: all of them and the regional figure, ASEAN)."""
    states = [*member_states(), REGIONAL]
    if not countries:
        return states
    unknown = [c for c in countries if c not in states]
    if unknown:
        rule = f"member states or {REGIONAL}: {', '.join(states)}"
        raise ValidationFailed("unknown member state", errors=[FieldError("countries", rule, unknown[0])])
    return sorted(set(countries))


def compute(
    session: Session,
    principal: Principal,
    period_label: str,
    countries: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    note: str = "",
) -> Computed:
    """Compute and store every platform KPI measured at the period's frequency, for each member
    state and the region as a whole ("ASEAN": every record once); default: all of them. A period not
    yet over is measured up to now and says so. `note` is appended to each source detail (the demo
    labels its figures with it). The caller commits."""
    require_secretariat(principal)
    period = kpis.parse_period(period_label)
    now = now or utcnow()
    if period.since > now:
        raise ValidationFailed("period not started", errors=[FieldError("period", "must have begun", period_label)])
    chosen = [k for k in kpis.load_kpis().values() if k.is_platform and k.frequency == period.frequency]
    if not chosen:
        frequencies = sorted({k.frequency for k in kpis.load_kpis().values() if k.is_platform})
        rule = f"platform KPIs are measured {', '.join(frequencies)}; {period_label!r} is {period.frequency}"
        raise ValidationFailed("wrong frequency", errors=[FieldError("period", rule, period_label)])
    as_of = min(period.until, now)
    result = Computed(period.label, as_of.isoformat())
    for country in _countries(countries):
        for kpi in chosen:
            for out in measure(session, kpi, period, country, as_of):
                if out.value is None:
                    result.no_records.append({"kpi": kpi.code, "country": country, "reason": out.detail})
                    continue
                detail = f"{out.detail}; {note}" if note else out.detail
                figure = Figure(kpi.code, country, period, out.value, out.n, detail, out.breakdown)
                row, _ = store(session, principal, figure, SourceKind.platform)
                result.stored.append(measurement_out(row))
    return result
