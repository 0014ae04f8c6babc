"""Platform KPIs from the complaint records, counted as the redress dashboard counts them
(redress/dashboard.py): complaints involving the member state (the consumer's or the seller's),
filed in the period (created_at), confirmed by the consumer (verified_at set); resolved = closed
after confirmation (resolution_minutes set: closed_at - verified_at in whole minutes). Figures are
as of the computation: a complaint of the period closed later counts once it is closed."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from crossborder.monitoring import kpis
from crossborder.monitoring.kpi_platform_common import (
    CENT,
    RULE_VERSION,
    Outcome,
    in_state,
    percentile,
    share,
    window_text,
)
from crossborder.redress.dashboard import DAY_MINUTES
from crossborder.redress.models import RedressCase


def _confirmed(country: str, since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    case = RedressCase
    return [
        or_(in_state(case.consumer_country, country), in_state(case.seller_country, country)),
        case.created_at >= since,
        case.created_at < until,
        case.verified_at.is_not(None),
    ]


def minutes_to_resolve(session: Session, country: str, since: datetime, until: datetime) -> tuple[int, list[int]]:
    """(confirmed complaints, sorted minutes to resolution of the resolved ones)."""
    where = _confirmed(country, since, until)
    confirmed = int(session.execute(select(func.count()).select_from(RedressCase).where(*where)).scalar_one())
    histogram = session.execute(
        select(RedressCase.resolution_minutes, func.count())
        .where(*where, RedressCase.resolution_minutes.is_not(None))
        .group_by(RedressCase.resolution_minutes)
    )
    minutes = sorted(int(m) for m, n in histogram for _ in range(int(n)) if m is not None)
    return confirmed, minutes


def _scope(country: str, period: kpis.Period, as_of: datetime) -> str:
    return f"complaints involving {country} (consumer or seller) filed {window_text(period, as_of)}"


def resolution_rate(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    confirmed, minutes = minutes_to_resolve(session, country, period.since, min(period.until, as_of))
    scope = _scope(country, period, as_of)
    if confirmed == 0:
        return [Outcome(None, 0, f"no records: no confirmed {scope}")]
    detail = f"{len(minutes)} resolved of {confirmed} confirmed {scope}; {RULE_VERSION}"
    return [Outcome(share(len(minutes), confirmed), confirmed, detail)]


def resolution_time_median(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    _, minutes = minutes_to_resolve(session, country, period.since, min(period.until, as_of))
    scope = _scope(country, period, as_of)
    if not minutes:
        return [Outcome(None, 0, f"no records: no resolved {scope}")]
    median = percentile([Decimal(m) for m in minutes], Decimal("0.5"))
    assert median is not None
    days = (median / DAY_MINUTES).quantize(CENT, ROUND_HALF_EVEN)
    detail = (
        f"median of {len(minutes)} resolved {scope}; clock from confirmation (verified_at) to closing (closed_at), "
        f"whole minutes / {DAY_MINUTES}; {RULE_VERSION}"
    )
    return [Outcome(days, len(minutes), detail)]
