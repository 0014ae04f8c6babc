"""The percentage of implementation, per topic, workstream and overall, overall or for one member
state. Each activity earns the credit of its current status (data/tracking.yaml); a topic's
percentage is 100 × credits ÷ counted activities (dropped ones are not counted); a workstream and
the whole plan pool their topics' activities (each topic weighs by its counted activities).
Decimal throughout; rounded (half-even, one decimal) only for display."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring import tracking
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.plans import DATA_DIR, Plans
from crossborder.monitoring.tracking_models import Status

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Weighting:
    credits: Mapping[str, Decimal | None]  # None: left out of the denominator
    rationale: str
    source_note: str
    rollup: str


@dataclass(frozen=True)
class Share:
    """Credits earned over activities counted: one topic, workstream or the whole plan."""

    id: str
    title: str
    credits: Decimal
    counted: int  # activities in the denominator
    dropped: int
    by_status: Mapping[str, int]

    @property
    def percent(self) -> Decimal | None:
        return None if self.counted == 0 else self.credits * HUNDRED / self.counted

    @property
    def shown(self) -> str:
        return "n/a" if self.percent is None else f"{display(self.percent)} %"


@dataclass(frozen=True)
class Progress:
    country: str | None
    topics: tuple[Share, ...]
    workstreams: tuple[Share, ...]
    overall: Share
    weighting: Weighting


def display(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


@lru_cache(maxsize=2)
def weighting(path: Path = DATA_DIR / "tracking.yaml") -> Weighting:
    shown = "monitoring/data/tracking.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    credits_raw = raw.get("credits") if isinstance(raw, dict) else None
    if not isinstance(credits_raw, dict) or set(credits_raw) != {s.value for s in Status}:
        raise ReferenceDataError(shown, "credits", f"give one credit per status: {', '.join(s.value for s in Status)}")
    credits: dict[str, Decimal | None] = {}
    for status, value in credits_raw.items():
        if value is None:
            credits[status] = None
            continue
        number = Decimal(str(value))
        if not Decimal(0) <= number <= Decimal(1):
            raise ReferenceDataError(shown, f"credits.{status}", f"a share from 0 to 1 or null, found {value!r}")
        credits[status] = number
    if raw.get("rollup") != "activity_count":
        raise ReferenceDataError(shown, "rollup", "only activity_count is implemented")
    return Weighting(
        credits, str(raw.get("rationale", "")).strip(), str(raw["source"]["note"]).strip(), "activity_count"
    )


def _share(sid: str, title: str, statuses: list[str], weights: Weighting) -> Share:
    credits, counted, by_status = Decimal(0), 0, dict.fromkeys((s.value for s in Status), 0)
    for status in statuses:
        by_status[status] += 1
        credit = weights.credits[status]
        if credit is not None:
            credits += credit
            counted += 1
    return Share(sid, title, credits, counted, by_status[Status.dropped.value], by_status)


def progress(plans: Plans, statuses: Mapping[str, str], country: str | None = None) -> Progress:
    """`statuses`: activity id -> current status (an activity missing counts as not_started)."""
    weights = weighting()
    of = {a: statuses.get(a, Status.not_started.value) for a in plans.activities}
    topics = tuple(_share(t.id, t.title, [of[a.id] for a in t.activities], weights) for t in plans.topics.values())
    workstreams = tuple(
        _share(w.id, w.title, [of[a.id] for t in plans.topics.values() if t.workstream_id == w.id
                               for a in t.activities], weights)
        for w in plans.workstreams.values()
    )  # fmt: skip
    overall = _share("all", "Work Plan", list(of.values()), weights)
    return Progress(country, topics, workstreams, overall, weights)


def statuses_of(session: Session, country: str | None, on: date | None = None) -> dict[str, str]:
    """Activity id -> current status (or the status on day `on`), overall (None) or of one member state."""
    return {k.activity_id: row.status for k, row in tracking.current(session, [country], on).items()}


def progress_for(session: Session, principal: Principal, country: str | None = None) -> Progress:
    """Progress overall (the regional statuses) or of one member state the principal may read."""
    tracking.readable(principal, country)
    return progress(current_plans(session), statuses_of(session, country), country)
