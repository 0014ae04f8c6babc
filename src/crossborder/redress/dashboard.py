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

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
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


def _grouped(session: Session, where: list[ColumnElement[bool]]) -> list[Any]:
    """Three groupings in one statement (one snapshot): the case dimensions together (a few
    thousand groups at most: 90 state pairs x 7 categories x a handful of stage/outcome pairs), the
    filing and closing months, and the minutes to resolution. Every count on the page is a sum over
    one of them; grouping each dimension separately would read the table seven times."""
    text_null, int_null = cast(null(), String), cast(null(), Integer)
    case = RedressCase
    dims = (case.consumer_country, case.seller_country, case.category, case.stage, case.outcome)
    parts = [
        select(literal(1), *dims, text_null, text_null, int_null, func.count()).where(*where).group_by(*dims),
        select(literal(2), *[text_null] * 5, case.filed_month, case.closed_month, int_null, func.count())
        .where(*where)
        .group_by(case.filed_month, case.closed_month),
        select(literal(3), *[text_null] * 7, case.resolution_minutes, func.count())
        .where(*where, case.resolution_minutes.is_not(None))
        .group_by(case.resolution_minutes),
    ]
    if is_postgres():
        session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves on these plans
    return list(session.execute(union_all(*parts)).all())


def _add(counts: dict[str, int], key: str | None, n: int) -> None:
    if key is not None:
        counts[key] = counts.get(key, 0) + n


def build(session: Session, principal: Principal, since: date | None = None, until: date | None = None) -> Dashboard:
    where = [scope_of(principal), *_window(since, until)]
    board = Dashboard(
        scope="ASEAN" if principal.is_regional else str(principal.country),
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
    )
    category: dict[str, int] = {}
    pair: dict[str, int] = {}
    stage: dict[str, int] = {}
    outcome: dict[str, int] = {}
    filed: dict[str, int] = {}
    closed: dict[str, int] = {}
    minutes: list[tuple[int, int]] = []
    for part, consumer, seller, cat, stg, out, filed_month, closed_month, minute, n in _grouped(session, where):
        if part == 1:
            _add(category, cat, n)
            _add(pair, f"{consumer}-{seller}", n)
            _add(stage, stg, n)
            _add(outcome, out or "open", n)
        elif part == 2:
            _add(filed, filed_month, n)
            _add(closed, closed_month, n)
        else:
            minutes.append((minute, n))
    board.by_category, board.by_pair = dict(sorted(category.items())), dict(sorted(pair.items()))
    board.by_stage, board.by_outcome = dict(sorted(stage.items())), dict(sorted(outcome.items()))
    board.total = sum(stage.values())
    minutes.sort()
    board.resolved = sum(n for _, n in minutes)
    board.median_days = _days(histogram_percentile(minutes, 0.5))
    board.p90_days = _days(histogram_percentile(minutes, 0.9))
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
