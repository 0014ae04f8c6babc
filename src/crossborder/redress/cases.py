"""Reading cases and their files: lists within the caller's reach, the timeline each capacity may
see (authority notes only for authorities), evidence uploads and downloads, in-app notifications."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.core.files import check_upload
from crossborder.redress import stages, timeline
from crossborder.redress.access import AUTHORITY_ROLES, Actor, list_filter, user_id
from crossborder.redress.models import CaseEvent, CaseEvidence, Notification, RedressCase
from crossborder.redress.settings import odr_settings


def listing(
    session: Session, principal: Principal, *, stage: str | None = None, limit: int = 100, before_id: int | None = None
) -> list[RedressCase]:
    query = select(RedressCase).where(list_filter(principal)).order_by(RedressCase.id.desc()).limit(limit)
    if stage:
        query = query.where(RedressCase.stage == stage)
    if before_id:
        query = query.where(RedressCase.id < before_id)
    return list(session.execute(query).scalars())


def events(session: Session, case: RedressCase, held: set[str]) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    if "authority" not in held:
        query = query.where(CaseEvent.authorities_only.is_(False))
    return list(session.execute(query).scalars())


def open_offers(session: Session, case: RedressCase) -> list[CaseEvent]:
    return [e for e in events(session, case, set()) if e.kind == "offer"]


def evidence(session: Session, case: RedressCase) -> list[CaseEvidence]:
    return list(
        session.execute(select(CaseEvidence).where(CaseEvidence.case_id == case.id).order_by(CaseEvidence.id)).scalars()
    )


def add_evidence(
    session: Session, case: RedressCase, actor: Actor, filename: str | None, content: bytes
) -> CaseEvidence:
    """A file from a party, the neutral or an authority: type from its bytes, size and count bounded."""
    if case.stage != "pending_verification" or actor.kind != "consumer":  # the consumer's files at filing
        stages.require("evidence", case.stage)
    settings = odr_settings()
    count = session.execute(select(func.count()).where(CaseEvidence.case_id == case.id)).scalar_one()
    if count >= settings.max_files:
        raise ValidationFailed(
            "too many files", errors=[FieldError("file", f"at most {settings.max_files} files per case", count + 1)]
        )
    checked = check_upload(filename, content, settings.max_file_bytes, settings.allowed_media_types)
    row = CaseEvidence(
        case_id=case.id, uploaded_by=actor.kind, filename=checked.filename, media_type=checked.media_type,
        size=checked.size, sha256=checked.sha256, content=checked.content,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if actor.kind == "seller" and case.seller_responded_at is None:
        case.seller_responded_at = row.uploaded_at  # a file is an answer too
    timeline.add(
        session, case, actor, "evidence", checked.filename, refers_to=row.id, audit_after={"sha256": checked.sha256}
    )
    return row


def evidence_file(session: Session, case: RedressCase, evidence_id: int) -> CaseEvidence:
    row = session.get(CaseEvidence, evidence_id)
    if row is None or row.case_id != case.id:
        raise NotFound("no such file on this case")
    return row


def audiences(principal: Principal) -> list[str]:
    found = []
    if principal.country:
        found.append(f"authority:{principal.country}")
    if principal.organisation_id is not None:
        found.append(f"org:{principal.organisation_id}")
    uid = user_id(principal)
    if uid is not None:
        found.append(f"user:{uid}")
    return found


def notifications(session: Session, principal: Principal, limit: int = 50) -> list[tuple[Notification, str]]:
    """The caller's notices, newest first, with the case reference. Authority notices reach only
    consumer-protection officers (the audience is the state; the role decides who reads it)."""
    mine = [a for a in audiences(principal) if not a.startswith("authority:") or principal.roles & AUTHORITY_ROLES]
    if principal.is_regional and principal.roles & AUTHORITY_ROLES:
        clause = or_(Notification.audience.like("authority:%"), Notification.audience.in_(mine))
    else:
        clause = Notification.audience.in_(mine)
    rows = session.execute(
        select(Notification, RedressCase.reference)
        .join(RedressCase, RedressCase.id == Notification.case_id)
        .where(clause)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
    return [(n, ref) for n, ref in rows]
