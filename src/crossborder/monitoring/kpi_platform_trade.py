"""Platform KPIs from the customs and trust records: the release time of low-value declarations (a
rapid time release study) and the share of trust-marked sellers. Read-only queries.

Release time clock (as the WCO Time Release Study measures one interval):
- starts at the declaration's lodgement on the platform: `customs_declarations.submitted_at`, the
  instant of its "submitted" event (every declaration here is a low-value one: the simplified route);
- stops at its first transition to "released" (`customs_declaration_events`, to_status = released):
  a green-lane declaration is released at lodgement (0 minutes); a later return does not undo it;
- a declaration counts in the period in which it was released; refused or still pending ones are
  not counted (their number is given in the source detail)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.customs.lifecycle import Status
from crossborder.customs.models import Declaration, DeclarationEvent
from crossborder.exchange.settings import exchange_settings
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
from crossborder.trust.business_models import Business
from crossborder.trust.models import CredentialStatus, CredentialStatusChange, IssuedCredential

TRUST_MARK = "trust_mark"


def _seconds(span: timedelta) -> Decimal:
    return Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / Decimal(1_000_000)


def release_seconds(session: Session, country: str, since: datetime, until: datetime) -> list[Decimal]:
    """Seconds from lodgement to first release of each declaration to COUNTRY released in [since, until)."""
    first = (
        select(DeclarationEvent.declaration_id.label("declaration_id"), func.min(DeclarationEvent.at).label("at"))
        .where(DeclarationEvent.to_status == Status.released.value)
        .group_by(DeclarationEvent.declaration_id)
        .subquery()
    )
    rows = session.execute(
        select(Declaration.submitted_at, first.c.at)
        .join(first, first.c.declaration_id == Declaration.id)
        .where(in_state(Declaration.destination, country), first.c.at >= since, first.c.at < until)
    )
    return sorted(_seconds(released - submitted) for submitted, released in rows)


def _pending(session: Session, country: str, since: datetime, until: datetime) -> int:
    """Declarations lodged in the window and not (yet) released: refused, held or under control."""
    released = select(DeclarationEvent.declaration_id).where(DeclarationEvent.to_status == Status.released.value)
    return int(
        session.execute(
            select(func.count()).where(
                in_state(Declaration.destination, country),
                Declaration.submitted_at >= since,
                Declaration.submitted_at < until,
                Declaration.id.not_in(released),
            )
        ).scalar_one()
    )


def _release_time(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime, fraction: Decimal, name: str
) -> list[Outcome]:
    until = min(period.until, as_of)
    seconds = release_seconds(session, country, period.since, until)
    window = window_text(period, as_of)
    node = exchange_settings().node_id
    if not seconds:
        return [Outcome(None, 0, f"no records: no low-value declaration to {country} released {window} on node {node}")]
    value = percentile(seconds, fraction)
    assert value is not None
    minutes = (value / 60).quantize(CENT, ROUND_HALF_EVEN)
    detail = (
        f"{name} of {len(seconds)} low-value declarations to {country} released {window} on node {node}; "
        f"clock from lodgement (submitted_at) to first release event, minutes, percentile_cont interpolation; "
        f"{_pending(session, country, period.since, until)} lodged in the period not released; {RULE_VERSION}"
    )
    return [Outcome(minutes, len(seconds), detail)]


def release_time_median(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    return _release_time(session, kpi, period, country, as_of, Decimal("0.5"), "median")


def release_time_p90(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    return _release_time(session, kpi, period, country, as_of, Decimal("0.9"), "90th percentile")


def registered_at(session: Session, country: str, instant: datetime) -> set[str]:
    """Regional ids of the businesses of COUNTRY registered, and not deregistered, at INSTANT."""
    rows = session.execute(
        select(Business.regional_id, Business.deregistered_at).where(
            in_state(Business.country, country), Business.registered_at <= instant
        )
    )
    return {rid for rid, gone in rows if gone is None or gone > instant}


def trust_marked_at(session: Session, country: str, instant: datetime) -> set[str]:
    """Subjects of COUNTRY holding a trust-mark credential issued by INSTANT, valid at it, whose
    status at INSTANT (its last status change not after it) was active."""
    c = IssuedCredential
    rows = session.execute(
        select(c.id, c.subject_id).where(
            c.scheme == TRUST_MARK,
            in_state(c.subject_country, country),
            c.issued_at <= instant,
            c.valid_from <= instant,
            c.valid_until > instant,
        )
    )
    candidates: dict[int, str] = {row[0]: row[1] for row in rows}
    if not candidates:
        return set()
    h = CredentialStatusChange
    status: dict[int, str] = {}
    changes = session.execute(
        select(h.credential_pk, h.to_status)
        .where(h.credential_pk.in_(list(candidates)), h.at <= instant)
        .order_by(h.credential_pk, h.at, h.id)
    )
    for pk, to_status in changes:
        status[pk] = to_status  # ordered: the last one standing is the status at the instant
    return {candidates[pk] for pk, s in status.items() if s == CredentialStatus.active.value}


def trust_marked_share(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    instant = min(period.until, as_of) - timedelta(microseconds=1)  # the last instant of the period counted
    registered = registered_at(session, country, instant)
    if not registered:
        return [Outcome(None, 0, f"no records: no business of {country} registered at {instant.isoformat()}")]
    marked = registered & trust_marked_at(session, country, instant)
    detail = (
        f"{len(marked)} of {len(registered)} businesses of {country} registered at {instant.isoformat()} (UTC) held "
        f"an active, unexpired trust_mark credential (status from the credential history); "
        f"node {exchange_settings().node_id}; {RULE_VERSION}"
    )
    return [Outcome(share(len(marked), len(registered)), len(registered), detail)]
