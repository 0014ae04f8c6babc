"""The outbox: queueing a document for another node (idempotent on the caller's client reference),
and reading messages and their status on either side (scoped like every restricted record)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Scope
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from crossborder.exchange import nodes
from crossborder.exchange.envelope import payload_digest
from crossborder.exchange.models import DeliveryAttempt, InboxMessage, NodeStatus, OutboxMessage, OutStatus
from crossborder.exchange.settings import exchange_settings

DIRECTIONS = ("in", "out")
MAX_LIST = 500


def _existing(session: Session, principal: Principal, client_reference: str) -> OutboxMessage | None:
    org = OutboxMessage.organisation_id
    return session.execute(
        select(OutboxMessage).where(
            org.is_(None) if principal.organisation_id is None else org == principal.organisation_id,
            OutboxMessage.client_reference == client_reference,
        )
    ).scalar_one_or_none()


def queue(
    session: Session,
    principal: Principal,
    *,
    receiver: str,
    document_type: str,
    payload: bytes,
    client_reference: str,
) -> tuple[OutboxMessage, bool]:
    """Queue a message (status queued) and return it with whether it was created. A repeated client
    reference with the same receiver, type and payload answers the first message; with anything
    different it is a conflict, never a second message."""
    digest = payload_digest(payload)
    found = _existing(session, principal, client_reference)
    if found is not None:
        if (found.receiver, found.document_type, found.payload_digest) != (receiver, document_type, digest):
            rule = "was already used for a different receiver, document type or payload"
            raise Conflict("client reference reused", errors=[FieldError("client_reference", rule, client_reference)])
        return found, False
    errors: list[FieldError] = []
    node = nodes.get(session, receiver)
    if node is None or node.status != NodeStatus.active.value:
        errors.append(FieldError("receiver", "an active node of the registry (GET /api/v1/exchange/nodes)", receiver))
    elif node.document_types and document_type not in node.document_types:
        errors.append(FieldError("document_type", f"one the receiver takes: {node.document_types}", document_type))
    limit = exchange_settings().max_payload_bytes
    if len(payload) > limit:
        errors.append(FieldError("payload", f"at most {limit} bytes", len(payload)))
    if not payload:
        errors.append(FieldError("payload", "must not be empty", ""))
    if errors:
        raise ValidationFailed("cannot queue this message", errors=errors)
    now = utcnow()
    row = OutboxMessage(
        message_id=str(uuid.uuid4()),
        client_reference=client_reference,
        organisation_id=principal.organisation_id,
        country=principal.country or exchange_settings().country,
        receiver=receiver,
        document_type=document_type,
        payload=payload,
        payload_digest=digest,
        status=OutStatus.queued.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
        receipt_errors=[],
        last_error="",
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "exchange.message.queued",
        "exchange_outbox",
        row.message_id,
        country=row.country,
        organisation_id=row.organisation_id,
        after={"receiver": receiver, "document_type": document_type, "payload_digest": digest, "status": row.status},
    )
    return row, True


def outbox_out(row: OutboxMessage, attempts: list[DeliveryAttempt] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "direction": "out",
        "seq": row.id,  # for paging: ?after_id=<the last seq seen>
        "message_id": row.message_id,
        "client_reference": row.client_reference,
        "sender": exchange_settings().node_id,
        "receiver": row.receiver,
        "document_type": row.document_type,
        "payload_digest": row.payload_digest,
        "payload_size": len(row.payload),
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.status == OutStatus.queued.value else None,
        "last_error": row.last_error or None,
        "receipt": row.receipt,
        "errors": list(row.receipt_errors or []),
        "created_at": row.created_at.isoformat(),
        "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
    }
    if attempts is not None:
        out["attempt_log"] = [
            {
                "number": a.number,
                "at": a.at.isoformat(),
                "outcome": a.outcome,
                "http_status": a.http_status,
                "elapsed_ms": a.elapsed_ms,
                "detail": a.detail or None,
            }
            for a in attempts
        ]
    return out


def inbox_out(row: InboxMessage) -> dict[str, Any]:
    return {
        "direction": "in",
        "seq": row.id,
        "message_id": row.message_id,
        "sender": row.sender,
        "receiver": exchange_settings().node_id,
        "document_type": row.document_type,
        "payload_digest": row.payload_digest,
        "payload_size": len(row.payload),
        "status": row.status,
        "receipt": row.receipt,
        "errors": list(row.errors or []),
        "received_at": row.received_at.isoformat(),
    }


def list_messages(
    session: Session,
    principal: Principal,
    *,
    direction: str,
    status: str | None = None,
    limit: int = 100,
    after_id: int | None = None,
) -> list[dict[str, Any]]:
    if direction not in DIRECTIONS:
        raise ValidationFailed("bad direction", errors=[FieldError("query.direction", "in or out", direction)])
    limit = max(1, min(limit, MAX_LIST))
    if direction == "out":
        q = select(OutboxMessage).where(principal.scope_filter(OutboxMessage.country, OutboxMessage.organisation_id))
        if status:
            q = q.where(OutboxMessage.status == status)
        if after_id:
            q = q.where(OutboxMessage.id > after_id)
        return [outbox_out(r) for r in session.execute(q.order_by(OutboxMessage.id).limit(limit)).scalars()]
    # Received messages belong to this node's member state; no organisation owns them.
    qi = select(InboxMessage).where(_inbox_scope(principal))
    if status:
        qi = qi.where(InboxMessage.status == status)
    if after_id:
        qi = qi.where(InboxMessage.id > after_id)
    return [inbox_out(r) for r in session.execute(qi.order_by(InboxMessage.id).limit(limit)).scalars()]


def _inbox_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.widest_scope() is not Scope.country:
        return false()
    return true() if principal.is_regional else InboxMessage.country == principal.country


def get_message(session: Session, principal: Principal, message_id: str) -> dict[str, Any]:
    out = session.execute(select(OutboxMessage).where(OutboxMessage.message_id == message_id)).scalar_one_or_none()
    if out is not None and principal.can_see(out.country, out.organisation_id):
        attempts = session.execute(
            select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == out.id).order_by(DeliveryAttempt.number)
        ).scalars()
        return outbox_out(out, list(attempts))
    inb = session.execute(select(InboxMessage).where(InboxMessage.message_id == message_id)).scalar_one_or_none()
    if inb is not None and principal.can_see(inb.country, None):
        return inbox_out(inb)
    rule = "no such message that you may see"
    raise NotFound(f"no message {message_id}", errors=[FieldError("message_id", rule, message_id)])
