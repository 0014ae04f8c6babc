"""Missed deadlines move cases on by themselves (run by the redress worker, or `crossborder redress
sweep`): an unconfirmed complaint lapses; a seller that has not answered in time is flagged to its
trust-mark operator and the case goes to facilitated settlement; negotiation and facilitation past
their end move to the next stage; a final stage past its end alerts both authorities once.
Each case is handled in its own transaction, so one failure never holds back the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crossborder.core.dates import utcnow
from crossborder.redress import consequences, notify, odr, timeline
from crossborder.redress.access import SYSTEM_ACTOR
from crossborder.redress.models import Outcome, RedressCase, Stage

log = logging.getLogger(__name__)


@dataclass
class SweepSummary:
    lapsed: int = 0
    escalated: int = 0
    to_final: int = 0
    overdue: int = 0
    flagged: int = 0
    errors: list[str] = field(default_factory=list)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(RedressCase.stage != Stage.closed.value, RedressCase.due_at <= now, RedressCase.overdue_at.is_(None)),
        and_(
            RedressCase.stage == Stage.negotiation.value,
            RedressCase.seller_due_at <= now,
            RedressCase.seller_responded_at.is_(None),
        ),
    )


def is_due(case: RedressCase, now: datetime) -> bool:
    if case.stage == Stage.closed.value:
        return False
    if case.due_at is not None and case.due_at <= now and case.overdue_at is None:
        return True
    return (
        case.stage == Stage.negotiation.value
        and case.seller_responded_at is None
        and case.seller_due_at is not None
        and case.seller_due_at <= now
    )


def step(session: Session, case: RedressCase, now: datetime, summary: SweepSummary) -> None:
    """Apply what the clock says to one case (the caller commits); a case no longer due (another
    sweeper got there first) is left alone."""
    if not is_due(case, now):
        return
    stage = Stage(case.stage)
    if stage is Stage.pending_verification:
        odr.close(session, case, SYSTEM_ACTOR, Outcome.not_pursued, "the complaint was not confirmed in time", now)
        summary.lapsed += 1
    elif stage is Stage.negotiation:
        seller_silent = (
            case.seller_responded_at is None and case.seller_due_at is not None and case.seller_due_at <= now
        )
        # Flag only a seller the platform itself reached: through its own users on this platform.
        if seller_silent and case.seller_org_id is not None:
            summary.flagged += consequences.flag_seller(
                session, case, SYSTEM_ACTOR, "seller_no_response", "the seller did not answer the complaint in time"
            )
        why = (
            "the seller did not answer in time" if seller_silent else "no settlement in negotiation before the deadline"
        )
        odr.enter(session, case, SYSTEM_ACTOR, Stage.facilitation, why, now)
        notify.everyone(session, case, "escalated")
        summary.escalated += 1
    elif stage is Stage.facilitation:
        odr.enter(session, case, SYSTEM_ACTOR, Stage.final, "no settlement in facilitation before the deadline", now)
        notify.everyone(session, case, "final_stage")
        summary.to_final += 1
    elif stage is Stage.final:
        case.overdue_at = now
        timeline.add(session, case, SYSTEM_ACTOR, "deadline_missed", "no recommendation before the deadline")
        notify.in_app(session, case, notify.authority_audiences(case), "deadline_missed")
        summary.overdue += 1


def sweep(factory: sessionmaker[Session], now: datetime | None = None, limit: int = 500) -> SweepSummary:
    now = now or utcnow()
    summary = SweepSummary()
    with factory() as session:
        ids = list(
            session.execute(select(RedressCase.id).where(_due(now)).order_by(RedressCase.id).limit(limit)).scalars()
        )
    for case_id in ids:
        with factory() as session:
            case = session.get(RedressCase, case_id, with_for_update=True)
            if case is None:
                continue
            try:
                step(session, case, now, summary)
                session.commit()
            except Exception as exc:  # one broken case must not stop the sweep; it is retried next time
                session.rollback()
                log.exception("redress sweep failed for case %s", case.reference)
                summary.errors.append(f"{case.reference}: {type(exc).__name__}")
    return summary
