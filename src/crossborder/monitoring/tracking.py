"""Activity status tracking: append-only reports of where each Work Plan activity stands, overall
(the regional status, country NULL, reported by the secretariat) and per member state (its focal
point, or the secretariat). The current status is the report with the latest `as_of` (a tie: the one
recorded last); the history is never edited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import today, utcnow
from crossborder.core.db import insert_ignoring
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.monitoring.access import require_reader, require_reporter, require_secretariat
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.tracking_models import ActivityStatus, Status
from crossborder.monitoring.tracking_schemas import StatusIn
from crossborder.reference import get_registry

# The Work Plan is tracked from its start; a status dated earlier is a typo.
EARLIEST = date(2021, 1, 1)
NEEDS_EVIDENCE = frozenset({Status.completed.value, Status.dropped.value})


@dataclass(frozen=True)
class Key:
    activity_id: str
    country: str | None


def member_states() -> list[str]:
    return get_registry().member_states()


def validate(session: Session, body: StatusIn, *, on: date | None = None) -> list[FieldError]:
    """Every rule the report breaks (all of them, not the first), each naming field, value and rule."""
    errors = []
    if body.activity_id not in current_plans(session).activities:
        errors.append(FieldError("activity_id", "unknown activity id (not in the current Work Plan)", body.activity_id))
    if body.status not in {s.value for s in Status}:
        errors.append(FieldError("status", f"must be one of {', '.join(s.value for s in Status)}", body.status))
    if body.as_of > (on or today()):
        errors.append(FieldError("as_of", "must not be in the future", body.as_of.isoformat()))
    if body.as_of < EARLIEST:
        errors.append(FieldError("as_of", f"must be on or after {EARLIEST.isoformat()}", body.as_of.isoformat()))
    if body.country is not None and body.country not in member_states():
        errors.append(FieldError("country", f"must be a member state ({', '.join(member_states())})", body.country))
    if body.status in NEEDS_EVIDENCE and not (body.evidence or "").strip():
        errors.append(FieldError("evidence", f"required when the status is {body.status}", body.evidence))
    url = (body.evidence_url or "").strip()
    if url and (not url.startswith("https://") or len(url) <= len("https://") or any(c.isspace() for c in url)):
        errors.append(FieldError("evidence_url", "must be an https:// address", url))
    return errors


def report(
    session: Session, principal: Principal, body: StatusIn, client_reference: str | None
) -> tuple[ActivityStatus, bool]:
    """Record one status report, audited, in the caller's transaction (call inside write_lock).
    The same reporter sending the same client reference again gets the first report (False);
    with a different report, 409."""
    if body.country is None:
        require_secretariat(principal)
    elif body.country in member_states():
        require_reporter(principal, body.country)
    errors = validate(session, body)
    if errors:
        raise ValidationFailed("the status report has errors", errors=errors)
    reference = (client_reference or "").strip() or "auto-" + secrets.token_hex(8)
    existing = _by_reference(session, principal.actor, reference)
    if existing is not None:
        return _repeat(existing, body), False
    # ON CONFLICT DO NOTHING rather than a savepoint: a concurrent request with the same reference
    # may have won, and then its report is the answer (SQLite's driver cannot nest transactions).
    inserted = session.execute(
        insert_ignoring(session, ActivityStatus.__table__).values(  # type: ignore[arg-type]
            activity_id=body.activity_id, country=body.country, status=body.status,
            evidence=(body.evidence or "").strip() or None, evidence_url=(body.evidence_url or "").strip() or None,
            as_of=body.as_of, reported_by=principal.actor, reporter_org_id=principal.organisation_id,
            client_reference=reference, created_at=utcnow(),
        ).returning(ActivityStatus.__table__.c.id)
    )  # fmt: skip
    # RETURNING, not rowcount: psycopg answers -1 for an INSERT ... RETURNING, inserted or not.
    inserted_id = inserted.scalar_one_or_none()
    row = _by_reference(session, principal.actor, reference)
    assert row is not None  # inserted, or a concurrent winner's
    if inserted_id is None:
        return _repeat(row, body), False
    audit.record(
        session, principal, "monitoring.status.report", "monitoring_activity_status", row.id,
        country=row.country, organisation_id=row.reporter_org_id,
        after={"activity_id": row.activity_id, "status": row.status, "as_of": row.as_of.isoformat()},
    )  # fmt: skip
    return row, True


def _by_reference(session: Session, actor: str, reference: str) -> ActivityStatus | None:
    return session.execute(
        select(ActivityStatus).where(ActivityStatus.reported_by == actor, ActivityStatus.client_reference == reference)
    ).scalar_one_or_none()


def _repeat(row: ActivityStatus, body: StatusIn) -> ActivityStatus:
    same = (row.activity_id, row.country, row.status, row.as_of) == (
        body.activity_id, body.country, body.status, body.as_of
    )  # fmt: skip
    if not same:
        raise Conflict(
            "client reference already used for a different status report",
            errors=[FieldError("client_reference", "was already used for a different report", row.client_reference)],
        )
    return row


def readable(principal: Principal, country: str | None) -> None:
    """Overall statuses are read by every monitoring reader; a state's only by its own and the
    secretariat. Out of scope answers like an unknown state (404)."""
    require_reader(principal)
    if country is None:
        return
    if country not in member_states():
        raise NotFound(f"no member state {country!r}")
    try:
        require_reader(principal, country)
    except Forbidden:
        raise NotFound(f"no member state {country!r}") from None


def _rows(session: Session, countries: Iterable[str | None], on: date | None = None) -> list[ActivityStatus]:
    wanted = list(countries)
    named = [c for c in wanted if c is not None]
    conditions = [ActivityStatus.country.in_(named)] if named else []
    if None in wanted:
        conditions.append(ActivityStatus.country.is_(None))
    if not conditions:
        return []
    order = (ActivityStatus.as_of, ActivityStatus.created_at, ActivityStatus.id)
    query = select(ActivityStatus).where(or_(*conditions)).order_by(*order)
    if on is not None:  # the status as it stood that day (a report's last day)
        query = query.where(ActivityStatus.as_of <= on)
    return list(session.execute(query).scalars())


def current(session: Session, countries: Iterable[str | None], on: date | None = None) -> dict[Key, ActivityStatus]:
    """The current report of every (activity, country) that has one, for the given countries (None = overall);
    with `on`, the report current on that day."""
    latest: dict[Key, ActivityStatus] = {}
    for row in _rows(session, countries, on):  # ordered by as_of, then recorded: the last one wins
        latest[Key(row.activity_id, row.country)] = row
    return latest


def current_statuses(
    session: Session, principal: Principal, *, topic: str | None = None, country: str | None = None,
    status: str | None = None,
) -> list[ActivityStatus]:  # fmt: skip
    """Current reports the principal may read: overall and its own state (or one state), filtered."""
    readable(principal, country)
    if status is not None and status not in {s.value for s in Status}:
        raise ValidationFailed(
            "unknown status", errors=[FieldError("status", f"must be one of {', '.join(Status)}", status)]
        )
    if country is not None:
        scope: list[str | None] = [country]
    else:
        scope = [None, *(member_states() if principal.is_regional else [principal.country])]
    plans = current_plans(session)
    if topic is not None and topic not in plans.topics:
        raise NotFound(f"no Work Plan topic {topic!r}")
    position = {aid: i for i, aid in enumerate(plans.activities)}

    def wanted(row: ActivityStatus) -> bool:
        activity = plans.activities.get(row.activity_id)
        in_topic = topic is None or (activity is not None and activity.topic_id == topic)
        return in_topic and (status is None or row.status == status)

    rows = [r for r in current(session, scope).values() if wanted(r)]
    return sorted(rows, key=lambda r: (position.get(r.activity_id, len(position)), r.country or ""))


def history(
    session: Session, principal: Principal, activity_id: str, country: str | None = None
) -> list[ActivityStatus]:
    """Every report on one activity the principal may read, newest first (as_of, then recorded)."""
    readable(principal, country)
    if activity_id not in current_plans(session).activities:
        raise NotFound(f"no Work Plan activity {activity_id!r}")
    query = select(ActivityStatus).where(ActivityStatus.activity_id == activity_id)
    if country is not None:
        query = query.where(ActivityStatus.country == country)
    elif not principal.is_regional:
        query = query.where(ActivityStatus.country.is_(None) | (ActivityStatus.country == principal.country))
    order = (ActivityStatus.as_of.desc(), ActivityStatus.created_at.desc(), ActivityStatus.id.desc())
    return list(session.execute(query.order_by(*order)).scalars())
