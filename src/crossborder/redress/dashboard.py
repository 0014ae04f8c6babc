"""Authority dashboards: complaints counted by category, member-state pair, stage and outcome; the
median and 90th-percentile resolution time; filings and closures by month; a CSV export. A
consumer-protection officer sees the cases involving its member state; the regional secretariat
and regional officers see all. These figures feed the Work Plan's consumer-protection KPIs.

Resolution time = closed_at - verified_at of cases closed after confirmation (complaints never
confirmed were never open). The database counts; percentiles come from percentile_cont on
PostgreSQL and, on SQLite, from the sorted durations with the same linear interpolation."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.db import is_postgres
from crossborder.core.errors import FieldError, Forbidden, ValidationFailed
from crossborder.redress.models import RedressCase

READER_ROLES = frozenset({Role.consumer_protection_officer, Role.secretariat})
DAY_SECONDS = 86400


@dataclass
class Dashboard:
    scope: str
    since: str | None
    until: str | None
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_pair: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    resolved: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    by_month: list[dict[str, Any]] = field(default_factory=list)


def scope_of(principal: Principal) -> ColumnElement[bool]:
    if not principal.roles & READER_ROLES:
        raise Forbidden("only consumer-protection officers and the secretariat read the complaint dashboard")
    if principal.is_regional:
        return true()
    if principal.country is None:
        return false()
    return or_(RedressCase.consumer_country == principal.country, RedressCase.seller_country == principal.country)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _window(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Cases filed from `since` to `until` inclusive (UTC days)."""
    if since and until and since > until:
        raise ValidationFailed(
            "empty period", errors=[FieldError("since", "must not be after until", since.isoformat())]
        )
    found: list[ColumnElement[bool]] = []
    if since:
        found.append(RedressCase.created_at >= _midnight(since))
    if until:
        found.append(RedressCase.created_at < _midnight(until + timedelta(days=1)))
    return found


def _month(session: Session, column: Any) -> Any:
    if is_postgres():
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _durations(session: Session, where: list[ColumnElement[bool]]) -> tuple[int, float | None, float | None]:
    done = [*where, RedressCase.closed_at.is_not(None), RedressCase.verified_at.is_not(None)]
    if is_postgres():
        epoch = func.extract("epoch", RedressCase.closed_at - RedressCase.verified_at)
        count, median, p90 = session.execute(
            select(
                func.count(),
                func.percentile_cont(0.5).within_group(epoch),
                func.percentile_cont(0.9).within_group(epoch),
            ).where(*done)
        ).one()
        return int(count), median, p90
    seconds = (func.julianday(RedressCase.closed_at) - func.julianday(RedressCase.verified_at)) * DAY_SECONDS
    values = [float(v) for v in session.execute(select(seconds).where(*done).order_by(seconds)).scalars()]
    return len(values), percentile(values, 0.5), percentile(values, 0.9)


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY_SECONDS, 2)


def _counts(session: Session, where: list[ColumnElement[bool]], *columns: Any) -> list[Any]:
    return list(session.execute(select(*columns, func.count()).where(*where).group_by(*columns)).all())


def build(session: Session, principal: Principal, since: date | None = None, until: date | None = None) -> Dashboard:
    where = [scope_of(principal), *_window(since, until)]
    board = Dashboard(
        scope="ASEAN" if principal.is_regional else str(principal.country),
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
    )
    board.by_category = dict(sorted(_counts(session, where, RedressCase.category)))
    board.by_stage = dict(sorted(_counts(session, where, RedressCase.stage)))
    board.by_outcome = {k or "open": n for k, n in sorted(_counts(session, where, RedressCase.outcome), key=str)}
    pairs = _counts(session, where, RedressCase.consumer_country, RedressCase.seller_country)
    board.by_pair = {f"{c}-{s}": n for c, s, n in sorted(pairs)}
    board.total = sum(board.by_stage.values())
    board.resolved, median, p90 = _durations(session, where)
    board.median_days, board.p90_days = _days(median), _days(p90)
    filed = dict(_counts(session, where, _month(session, RedressCase.created_at)))
    closed_where = [*where, RedressCase.closed_at.is_not(None)]
    closed = dict(_counts(session, closed_where, _month(session, RedressCase.closed_at)))
    board.by_month = [
        {"month": m, "filed": filed.get(m, 0), "closed": closed.get(m, 0)} for m in sorted({*filed, *closed})
    ]
    return board


def as_csv(board: Dashboard) -> str:
    """One long table: measure, key, value (easy to load into a spreadsheet or the KPI tracker)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "key", "value"])
    writer.writerow(["scope", "", board.scope])
    writer.writerow(["period", "since", board.since or ""])
    writer.writerow(["period", "until", board.until or ""])
    writer.writerow(["total", "", board.total])
    for measure in ("by_category", "by_pair", "by_stage", "by_outcome"):
        for key, value in getattr(board, measure).items():
            writer.writerow([measure, key, value])
    writer.writerow(["resolution", "resolved_cases", board.resolved])
    writer.writerow(["resolution", "median_days", "" if board.median_days is None else board.median_days])
    writer.writerow(["resolution", "p90_days", "" if board.p90_days is None else board.p90_days])
    for row in board.by_month:
        writer.writerow(["filed_by_month", row["month"], row["filed"]])
        writer.writerow(["closed_by_month", row["month"], row["closed"]])
    return out.getvalue()
