"""Activity status tracking: every validation rule names field, value and rule; a client reference
repeated gives the first report; focal points report and read only their own state; the current
status is the latest as_of."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.dates import today
from crossborder.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from crossborder.monitoring import tracking
from crossborder.monitoring.tracking_models import ActivityStatus
from crossborder.monitoring.tracking_schemas import StatusIn

SECRETARIAT = Principal("user:1", 1, REGIONAL, frozenset({Role.secretariat}))
FOCAL_TH = Principal("user:2", 2, "TH", frozenset({Role.focal_point}))
FOCAL_MY = Principal("user:3", 3, "MY", frozenset({Role.focal_point}))
TRADER = Principal("user:4", 4, "TH", frozenset({Role.business_user}))


def status_in(**overrides: Any) -> StatusIn:
    values: dict[str, Any] = {"activity_id": "A.1.1.1", "status": "in_progress", "as_of": date(2024, 6, 30),
                              "country": "TH", "evidence": None}  # fmt: skip
    return StatusIn.model_validate(values | overrides)


def report(db: Session, who: Principal, ref: str | None = None, **overrides: Any) -> ActivityStatus:
    row, _created = tracking.report(db, who, status_in(**overrides), ref)
    db.commit()
    return row


def _count(db: Session) -> int:
    return db.execute(select(func.count()).select_from(ActivityStatus)).scalar_one()


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"activity_id": "A.9.9.9"}, "activity_id", "unknown activity id"),
        ({"status": "finished"}, "status", "must be one of not_started, in_progress, completed, delayed, dropped"),
        ({"as_of": today() + timedelta(days=1)}, "as_of", "must not be in the future"),
        ({"as_of": date(2020, 12, 31)}, "as_of", "must be on or after 2021-01-01"),
        ({"country": "XX"}, "country", "must be a member state"),
        ({"status": "completed", "evidence": "  "}, "evidence", "required when the status is completed"),
        ({"status": "dropped"}, "evidence", "required when the status is dropped"),
        ({"evidence_url": "http://example.org/report"}, "evidence_url", "must be an https:// address"),
    ],
)
def test_each_rule_names_field_value_and_rule(db: Session, overrides: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        tracking.report(db, SECRETARIAT, status_in(**overrides), None)
    db.rollback()
    [error] = [e for e in caught.value.errors if e.path == field]
    assert error.rule.startswith(rule)
    shown = overrides.get(field, overrides.get("evidence"))
    assert error.value == (shown.isoformat() if isinstance(shown, date) else shown)
    assert _count(db) == 0


def test_the_boundaries_are_accepted(db: Session) -> None:
    report(db, SECRETARIAT, as_of=date(2021, 1, 1))
    report(db, SECRETARIAT, as_of=today(), status="completed", evidence="Minutes of the meeting",
           evidence_url="https://asean.org/minutes")  # fmt: skip
    assert _count(db) == 2


def test_same_reporter_and_reference_twice_gives_the_first(db: Session) -> None:
    first = report(db, FOCAL_TH, "th-2024-1")
    row, created = tracking.report(db, FOCAL_TH, status_in(), "th-2024-1")
    assert (row.id, created) == (first.id, False)
    assert _count(db) == 1
    with pytest.raises(Conflict):
        tracking.report(db, FOCAL_TH, status_in(status="delayed"), "th-2024-1")
    # Another reporter may use the same reference.
    report(db, SECRETARIAT, "th-2024-1")
    assert _count(db) == 2


def test_a_concurrent_duplicate_is_answered_as_a_repeat(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the ON CONFLICT insert is there for: the first look-up missed a report that a concurrent
    request committed. The insert writes nothing; the answer is that report, not created, not audited twice."""
    first = report(db, FOCAL_TH, "th-race")
    audits = db.scalar(select(func.count()).select_from(AuditEntry))
    real = tracking._by_reference
    calls: list[str] = []

    def late(session: Session, actor: str, reference: str) -> ActivityStatus | None:
        calls.append(reference)
        return None if len(calls) == 1 else real(session, actor, reference)

    monkeypatch.setattr(tracking, "_by_reference", late)
    row, created = tracking.report(db, FOCAL_TH, status_in(), "th-race")
    assert (row.id, created) == (first.id, False)
    calls.clear()
    with pytest.raises(Conflict):  # the winner said something else
        tracking.report(db, FOCAL_TH, status_in(status="delayed"), "th-race")
    db.rollback()
    assert _count(db) == 1 and db.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_focal_point_reports_only_for_its_own_state(db: Session) -> None:
    with pytest.raises(Forbidden):
        tracking.report(db, FOCAL_TH, status_in(country="MY"), None)
    with pytest.raises(Forbidden):  # the overall status is the secretariat's
        tracking.report(db, FOCAL_TH, status_in(country=None), None)
    with pytest.raises(Forbidden):
        tracking.report(db, TRADER, status_in(), None)
    db.rollback()
    report(db, FOCAL_TH)
    report(db, SECRETARIAT, country="MY")
    report(db, SECRETARIAT, country=None)
    assert _count(db) == 3


def test_reads_are_scoped(db: Session) -> None:
    report(db, SECRETARIAT, country=None, status="delayed")
    report(db, SECRETARIAT, country="MY", status="completed", evidence="Law passed")
    report(db, FOCAL_TH, country="TH")
    seen = {(r.country, r.status) for r in tracking.current_statuses(db, FOCAL_TH)}
    assert seen == {(None, "delayed"), ("TH", "in_progress")}
    with pytest.raises(NotFound):
        tracking.current_statuses(db, FOCAL_TH, country="MY")
    with pytest.raises(NotFound):
        tracking.history(db, FOCAL_TH, "A.1.1.1", "MY")
    assert {r.country for r in tracking.history(db, FOCAL_TH, "A.1.1.1")} == {None, "TH"}
    everyone = {r.country for r in tracking.current_statuses(db, SECRETARIAT)}
    assert everyone == {None, "MY", "TH"}
    assert [r.country for r in tracking.current_statuses(db, SECRETARIAT, status="completed")] == ["MY"]
    with pytest.raises(ValidationFailed):
        tracking.current_statuses(db, SECRETARIAT, status="finished")


def test_current_status_is_the_latest_as_of_then_the_latest_recorded(db: Session) -> None:
    report(db, FOCAL_TH, status="delayed", as_of=date(2024, 6, 1))
    report(db, FOCAL_TH, status="not_started", as_of=date(2023, 1, 1))  # late report of an earlier day
    [now] = tracking.current_statuses(db, FOCAL_TH, country="TH")
    assert now.status == "delayed"
    report(db, FOCAL_TH, status="in_progress", as_of=date(2024, 6, 1))  # same day, recorded later
    [now] = tracking.current_statuses(db, FOCAL_TH, country="TH")
    assert now.status == "in_progress"
    assert [r.status for r in tracking.history(db, FOCAL_TH, "A.1.1.1", "TH")] == [
        "in_progress", "delayed", "not_started"
    ]  # fmt: skip
