"""Flags to trust-mark operators: another capability reports that a holder of an active trust mark
misbehaved; the flag goes to every operator whose mark the holder has, and shows in that operator's
review queue until an officer marks it reviewed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.trust.flag_models import TrustFlag
from crossborder.trust.models import CredentialStatus, IssuedCredential

REASONS = frozenset({"seller_no_response", "settlement_not_honoured"})
REVIEWER_ROLES = frozenset({Role.trust_operator, Role.trust_auditor, Role.admin})


def raise_flag(
    session: Session, principal: Principal, subject_id: str, *, source: str, source_ref: str, reason: str, detail: str
) -> list[TrustFlag]:
    """Flag the holder to each operator whose trust mark it holds now; [] when it holds none.
    Raising the same (operator, source_ref, reason) again returns the first flag."""
    if reason not in REASONS:
        raise ValidationFailed(
            "unknown flag reason", errors=[FieldError("reason", f"one of {sorted(REASONS)}", reason)]
        )
    now = utcnow()
    marks = session.execute(
        select(IssuedCredential).where(
            IssuedCredential.subject_id == subject_id,
            IssuedCredential.scheme == "trust_mark",
            IssuedCredential.status == CredentialStatus.active.value,
            IssuedCredential.valid_from <= now,
            IssuedCredential.valid_until > now,
        )
    ).scalars()
    flags = []
    for mark in marks:
        found = session.execute(
            select(TrustFlag).where(
                TrustFlag.issuer_org_id == mark.issuer_org_id,
                TrustFlag.source_ref == source_ref,
                TrustFlag.reason == reason,
            )
        ).scalar_one_or_none()
        if found is not None:
            flags.append(found)
            continue
        flag = TrustFlag(
            issuer_org_id=mark.issuer_org_id, country=mark.country, credential_id=mark.credential_id,
            subject_id=subject_id, subject_name=mark.subject_name, source=source, source_ref=source_ref,
            reason=reason, detail=detail,
        )  # fmt: skip
        session.add(flag)
        session.flush()
        audit.record(
            session, principal, "trust.flag.raise", "trust_flag", str(flag.id), country=mark.country,
            organisation_id=mark.issuer_org_id,
            after={"subject_id": subject_id, "reason": reason, "source": source, "source_ref": source_ref},
        )  # fmt: skip
        flags.append(flag)
    return flags


def queue(session: Session, principal: Principal, *, open_only: bool = True) -> list[TrustFlag]:
    """The flags the caller's operator must review (a regional principal sees all)."""
    if not principal.roles & REVIEWER_ROLES:
        return []
    query = select(TrustFlag).order_by(TrustFlag.raised_at.desc())
    if not principal.is_regional:
        query = query.where(TrustFlag.issuer_org_id == principal.organisation_id)
    if open_only:
        query = query.where(TrustFlag.reviewed_at.is_(None))
    return list(session.execute(query).scalars())


def for_source(session: Session, source_ref: str) -> list[TrustFlag]:
    return list(session.execute(select(TrustFlag).where(TrustFlag.source_ref == source_ref)).scalars())


def mark_reviewed(session: Session, principal: Principal, flag_id: int, note: str) -> TrustFlag:
    flag = session.get(TrustFlag, flag_id)
    if flag is None or not (principal.is_regional or principal.organisation_id == flag.issuer_org_id):
        raise NotFound("no such flag")
    if not principal.roles & REVIEWER_ROLES:
        raise Forbidden("only the operator's trust officers review flags")
    if not note.strip():
        raise ValidationFailed("a note is required", errors=[FieldError("note", "must not be empty", note)])
    flag.reviewed_at, flag.reviewed_by, flag.review_note = utcnow(), principal.actor, note.strip()
    audit.record(
        session, principal, "trust.flag.review", "trust_flag", str(flag.id), country=flag.country,
        organisation_id=flag.issuer_org_id, after={"note": flag.review_note},
    )  # fmt: skip
    return flag
