"""Authority dashboards: complaints counted by category, member-state pair, stage and outcome; the
median and 90th-percentile resolution time; filings and closures by month; a CSV export. A
consumer-protection officer sees the cases involving its member state; the regional secretariat
and regional officers see all. These figures feed the Work Plan's consumer-protection KPIs.

Resolution time = closed_at - verified_at in whole minutes, of cases closed after confirmation
(complaints never confirmed were never open); it and the UTC months are kept as plain columns when
a case changes, so the database only counts. The median and the 90th percentile are read from the
histogram of minutes with percentile_cont's linear interpolation (exact to the minute)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, text, true, tuple_
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.db import is_postgres
from crossborder.core.errors import FieldError, Forbidden, ValidationFailed
from crossborder.redress.models import RedressCase

READER_ROLES = frozenset({Role.consumer_protection_officer, Role.secretariat})
DAY_MINUTES = 1440


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


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def histogram_percentile(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """`percentile` of the values a sorted (value, count) histogram stands for, without expanding it."""
    total = sum(count for _, count in histogram)
    if total == 0:
        return None
    position = fraction * (total - 1)
    low_rank, high_rank = int(position), min(int(position) + 1, total - 1)
    low = high = None
    seen = 0
    for value, count in histogram:
        if low is None and low_rank < seen + count:
            low = value
        if high_rank < seen + count:
            high = value
            break
        seen += count
    assert low is not None and high is not None
    return low + (high - low) * (position - low_rank)


# The dashboard's dimensions: grouping set -> the columns that name a group.
DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "by_category": (RedressCase.category,),
    "by_pair": (RedressCase.consumer_country, RedressCase.seller_country),
    "by_stage": (RedressCase.stage,),
    "by_outcome": (RedressCase.outcome,),
    "filed": (RedressCase.filed_month,),
    "closed": (RedressCase.closed_month,),
    "minutes": (RedressCase.resolution_minutes,),
}


def _grouped(session: Session, where: list[ColumnElement[bool]]) -> dict[str, list[tuple[Any, ...]]]:
    """Counts per dimension. PostgreSQL does it in one pass (GROUPING SETS over the covering index,
    JIT off: it costs more than it saves on these short plans); SQLite one GROUP BY per dimension."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    if is_postgres():
        columns = [c for cols in DIMENSIONS.values() for c in cols]
        sets = [tuple_(*cols) if len(cols) > 1 else cols[0] for cols in DIMENSIONS.values()]
        flags = [func.grouping(cols[0]) for cols in DIMENSIONS.values()]
        session.execute(text("SET LOCAL jit = off"))
        rows = session.execute(
            select(*columns, *flags, func.count()).where(*where).group_by(func.grouping_sets(*sets))
        ).all()
        offsets, at = {}, 0
        for name, cols in DIMENSIONS.items():
            offsets[name] = (at, at + len(cols))
            at += len(cols)
        for row in rows:
            for index, (name, (a, b)) in enumerate(offsets.items()):
                if row[len(columns) + index] == 0:  # grouping() is 0 for the set the row belongs to
                    found.setdefault(name, []).append((*row[a:b], row[-1]))
                    break
        return found
    for name, cols in DIMENSIONS.items():
        found[name] = [tuple(r) for r in session.execute(select(*cols, func.count()).where(*where).group_by(*cols))]
    return found


def build(session: Session, principal: Principal, since: date | None = None, until: date | None = None) -> Dashboard:
    where = [scope_of(principal), *_window(since, until)]
    board = Dashboard(
        scope="ASEAN" if principal.is_regional else str(principal.country),
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
    )
    groups = _grouped(session, where)
    board.by_category = dict(sorted(groups.get("by_category", [])))
    board.by_stage = dict(sorted(groups.get("by_stage", [])))
    board.by_outcome = {k or "open": n for k, n in sorted(groups.get("by_outcome", []), key=str)}
    board.by_pair = {f"{c}-{s}": n for c, s, n in sorted(groups.get("by_pair", []))}
    board.total = sum(board.by_stage.values())
    minutes = sorted((m, n) for m, n in groups.get("minutes", []) if m is not None)
    board.resolved = sum(n for _, n in minutes)
    board.median_days = _days(histogram_percentile(minutes, 0.5))
    board.p90_days = _days(histogram_percentile(minutes, 0.9))
    filed = dict(groups.get("filed", []))
    closed = {m: n for m, n in groups.get("closed", []) if m is not None}
    board.by_month = [
        {"month": m, "filed": filed.get(m, 0), "closed": closed.get(m, 0)} for m in sorted({*filed, *closed})
    ]
    return board


def _days(minutes: float | None) -> float | None:
    return None if minutes is None else round(float(minutes) / DAY_MINUTES, 2)


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
