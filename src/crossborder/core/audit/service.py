"""Writing and verifying the audit chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing,
deleting or reordering any entry breaks every hash after it; `verify` names the first."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit.models import AuditEntry, AuditHead
from crossborder.core.dates import utcnow

GENESIS = "0" * 64


def digest(state: Any) -> str | None:
    """Canonical digest of a record's state (None when there is no state: create/delete)."""
    if state is None:
        return None
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    payload = json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    country: str | None,
    organisation_id: int | None,
    before: str | None,
    after: str | None,
    detail: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "country": country,
        "organisation_id": organisation_id,
        "before": before,
        "after": after,
        "detail": detail,
    }


def record(
    session: Session,
    principal: Principal,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    country: str | None,
    organisation_id: int | None = None,
    before: Any = None,
    after: Any = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction: if the change rolls back, so does its entry."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    at = utcnow()
    seq = head.seq + 1
    fields = _hashed_fields(
        seq,
        at,
        principal.actor,
        action,
        entity_type,
        str(entity_id),
        country,
        organisation_id,
        digest(before),
        digest(after),
        detail,
    )
    entry_hash = _entry_hash(fields, head.hash)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=principal.actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        country=country,
        organisation_id=organisation_id,
        before_digest=fields["before"],
        after_digest=fields["after"],
        detail=detail,
        prev_hash=head.hash,
        hash=entry_hash,
    )
    session.add(entry)
    head.seq, head.hash = seq, entry_hash
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    reason: str | None = None


def verify(entries: Iterable[AuditEntry], head: AuditHead | None = None) -> VerifyResult:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return VerifyResult(False, count, entry.seq, f"sequence gap: expected {expected_seq}, found {entry.seq}")
        if entry.prev_hash != prev:
            return VerifyResult(False, count, entry.seq, "prev_hash does not match the previous entry's hash")
        fields = _hashed_fields(
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity_type,
            entry.entity_id,
            entry.country,
            entry.organisation_id,
            entry.before_digest,
            entry.after_digest,
            entry.detail,
        )
        if _entry_hash(fields, prev) != entry.hash:
            return VerifyResult(False, count, entry.seq, "entry content does not match its hash (edited)")
        prev = entry.hash
        expected_seq += 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return VerifyResult(False, count, expected_seq, "entries after the last one were deleted (head mismatch)")
    return VerifyResult(True, count)


def verify_chain(session: Session) -> VerifyResult:
    entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)).scalars()
    head = session.get(AuditHead, 1)
    return verify(entries, head)


def list_entries(
    session: Session,
    principal: Principal,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).where(principal.scope_filter(AuditEntry.country, AuditEntry.organisation_id))
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.execute(query.order_by(AuditEntry.seq.desc()).limit(limit)).scalars())
