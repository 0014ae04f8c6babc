"""Writing and verifying the audit chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing,
deleting or reordering any entry breaks every hash after it; `verify` names the first."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit.models import AuditEntry, AuditHead
from crossborder.core.dates import utcnow
from crossborder.core.db import insert_ignoring

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


_ENTRIES = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
# Built once: executing a prepared Core statement skips the ORM's per-call statement building.
_TAKE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq + 1).returning(_HEAD.c.seq, _HEAD.c.hash)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("new_hash"))
_ADD_ENTRY = insert(_ENTRIES)
_HOLD_HEAD = select(_HEAD.c.seq).where(_HEAD.c.id == 1).with_for_update()


def hold_head(session: Session) -> None:
    """Take the head-row lock now, before the entry is appended: what the transaction reads next,
    it reads in the chain's order (a declaration's duplicate and split-shipment checks see every
    declaration committed before). PostgreSQL only: on SQLite, `write_lock()` orders the writers."""
    if session.get_bind().dialect.name != "sqlite":
        session.connection().execute(_HOLD_HEAD)


def _take_head(connection: Connection, session: Session) -> tuple[int, str]:
    """The next sequence number and the previous entry's hash, with the head row locked until the
    transaction ends. An UPDATE, not a SELECT: on SQLite the transaction becomes a write transaction
    here, before the head is read, so two writers can never both read the same head; on PostgreSQL
    the row lock makes concurrent appenders queue in one order."""
    found = connection.execute(_TAKE_HEAD).one_or_none()
    if found is None:  # the first entry ever (or an emptied table): create the head, then take it
        connection.execute(insert_ignoring(session, _HEAD), {"id": 1, "seq": 0, "hash": GENESIS})
        found = connection.execute(_TAKE_HEAD).one()
    return int(found[0]), str(found[1])


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
) -> str:
    """Append one entry in the caller's transaction (if the change rolls back, so does its entry);
    returns the entry's hash. Three statements: take the head, insert the entry, move the head."""
    session.flush()  # the caller's pending changes are written first, as their SQL order shows
    connection = session.connection()  # Core statements in the caller's transaction, without the ORM layer
    seq, prev_hash = _take_head(connection, session)
    at = utcnow()
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
    entry_hash = _entry_hash(fields, prev_hash)
    connection.execute(
        _ADD_ENTRY,
        {
            "seq": seq,
            "at": at,
            "actor": principal.actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "country": country,
            "organisation_id": organisation_id,
            "before_digest": fields["before"],
            "after_digest": fields["after"],
            "detail": detail,
            "prev_hash": prev_hash,
            "hash": entry_hash,
        },
    )
    connection.execute(_MOVE_HEAD, {"new_hash": entry_hash})
    return entry_hash


@dataclass(frozen=True)
class Append:
    """One entry for `record_many`: the arguments `record` takes, held for a group."""

    principal: Principal
    action: str
    entity_type: str
    entity_id: object
    country: str | None
    organisation_id: int | None = None
    before: Any = None
    after: Any = None
    detail: str = ""


_TAKE_HEADS = (
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq + bindparam("n")).returning(_HEAD.c.seq, _HEAD.c.hash)
)


def record_many(session: Session, appends: list[Append]) -> list[str]:
    """Append several entries, in order, in the caller's transaction: the same entries, hashes and
    head as that many `record` calls, in three statements whatever their number (take the head for
    all of them, insert the entries, move the head); returns the entries' hashes."""
    if not appends:
        return []
    session.flush()
    connection = session.connection()
    found = connection.execute(_TAKE_HEADS, {"n": len(appends)}).one_or_none()
    if found is None:  # the first entry ever (or an emptied table): create the head, then take it
        connection.execute(insert_ignoring(session, _HEAD), {"id": 1, "seq": 0, "hash": GENESIS})
        found = connection.execute(_TAKE_HEADS, {"n": len(appends)}).one()
    seq, prev_hash = int(found[0]) - len(appends), str(found[1])
    rows, hashes = [], []
    for a in appends:
        seq += 1
        at = utcnow()
        entity_id = str(a.entity_id)
        fields = _hashed_fields(
            seq,
            at,
            a.principal.actor,
            a.action,
            a.entity_type,
            entity_id,
            a.country,
            a.organisation_id,
            digest(a.before),
            digest(a.after),
            a.detail,
        )
        entry_hash = _entry_hash(fields, prev_hash)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": a.principal.actor,
                "action": a.action,
                "entity_type": a.entity_type,
                "entity_id": entity_id,
                "country": a.country,
                "organisation_id": a.organisation_id,
                "before_digest": fields["before"],
                "after_digest": fields["after"],
                "detail": a.detail,
                "prev_hash": prev_hash,
                "hash": entry_hash,
            }
        )
        hashes.append(entry_hash)
        prev_hash = entry_hash
    connection.execute(_ADD_ENTRY, rows)
    connection.execute(_MOVE_HEAD, {"new_hash": prev_hash})
    return hashes


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
    # Read afresh: appends are Core statements, behind the session's identity map.
    entries = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000, populate_existing=True)
    ).scalars()
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one_or_none()
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
