"""Activities against their target dates. The target is the activity's `due`: a year means 31
December of that year, a day is that day; no `due`, no target (never late). "Late" is derived —
today is past the target and the current status is neither completed nor dropped — whatever
status was reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.dates import today
from crossborder.monitoring import tracking
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.plans import Activity, Plans
from crossborder.monitoring.tracking_models import Status
from crossborder.monitoring.tracking_progress import statuses_of

YEARS = tuple(range(2021, 2027))  # the columns of the Gantt-like table
FINISHED = frozenset({Status.completed.value, Status.dropped.value})


@dataclass(frozen=True)
class Row:
    activity: Activity
    target: date | None
    status: str
    late: bool

    @property
    def target_year(self) -> int | None:
        return None if self.target is None else self.target.year


@dataclass(frozen=True)
class TopicRows:
    topic_id: str
    title: str
    rows: tuple[Row, ...]


def target_of(activity: Activity) -> date | None:
    due = activity.due
    if isinstance(due, int):
        return date(due, 12, 31)
    return due


def is_late(target: date | None, status: str, on: date) -> bool:
    return target is not None and on > target and status not in FINISHED


def timeline(plans: Plans, statuses: dict[str, str], on: date) -> tuple[TopicRows, ...]:
    found = []
    for t in plans.topics.values():
        rows = []
        for a in t.activities:
            status = statuses.get(a.id, Status.not_started.value)
            target = target_of(a)
            rows.append(Row(a, target, status, is_late(target, status, on)))
        found.append(TopicRows(t.id, t.title, tuple(rows)))
    return tuple(found)


def timeline_for(
    session: Session, principal: Principal, country: str | None = None, on: date | None = None
) -> tuple[TopicRows, ...]:
    tracking.readable(principal, country)
    return timeline(current_plans(session), statuses_of(session, country), on or today())
