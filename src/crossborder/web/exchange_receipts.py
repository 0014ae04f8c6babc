"""Read-only helpers the paperless-trade pages share: a message's receipt checked with the exchange's
own verification, and the messages that carried a stored document. The exchange services offer no
look-up by payload, so `messages_for_payload` finds message ids here and reads each one through
`outbox.get_message`, which applies the caller's scope again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Scope
from crossborder.core.keys import keys_from_jwks
from crossborder.exchange import identity, nodes, outbox, receipts
from crossborder.exchange.envelope import payload_digest
from crossborder.exchange.models import InboxMessage, OutboxMessage
from crossborder.exchange.settings import exchange_settings

MAX_LINKED = 20  # a document sent to every member state twice over still fits


def receipt_view(session: Session, message: dict[str, Any]) -> dict[str, Any] | None:
    """The receipt of MESSAGE (an `outbox_out`/`inbox_out` dict) and whether it verifies now: a sent
    message's receipt with the receiver's registered keys, a received one's with this node's keys."""
    token = message.get("receipt")
    if not token:
        return None
    if message["direction"] == "out":
        node = nodes.get(session, message["receiver"])
        keys = keys_from_jwks(node.jwks) if node is not None else {}
    else:
        keys = keys_from_jwks(identity.jwks(session))
    check = receipts.verify(
        token,
        keys,
        message_id=message["message_id"],
        sender=message["sender"],
        receiver=message["receiver"],
        payload_digest=message["payload_digest"],
    )
    found = check.receipt
    return {
        "verified": check.ok,
        "reason": check.reason,
        "receipt_id": found.receipt_id if found else None,
        "status": found.status if found else None,
        "received_at": found.received_at if found else None,
        "errors": found.errors if found else [],
    }


def messages_for_payload(
    session: Session, principal: Principal, payload: bytes, *, sender: str | None = None
) -> list[dict[str, Any]]:
    """The messages, sent or received, whose payload is exactly these bytes, within the caller's scope;
    SENDER narrows received ones to the node a received document came from."""
    digest = payload_digest(payload)
    sent = select(OutboxMessage.message_id).where(
        OutboxMessage.payload_digest == digest,
        principal.scope_filter(OutboxMessage.country, OutboxMessage.organisation_id),
    )
    ids = list(session.execute(sent.order_by(OutboxMessage.id).limit(MAX_LINKED)).scalars())
    if principal.widest_scope() is Scope.country:  # received messages belong to a member state, no organisation
        received = select(InboxMessage.message_id).where(InboxMessage.payload_digest == digest)
        if not principal.is_regional:
            received = received.where(InboxMessage.country == principal.country)
        if sender is not None:
            received = received.where(InboxMessage.sender == sender)
        ids += session.execute(received.order_by(InboxMessage.id).limit(MAX_LINKED)).scalars()
    found = [outbox.get_message(session, principal, message_id) for message_id in ids]
    for message in found:
        message["receipt_check"] = receipt_view(session, message)
    return found


def this_node() -> str:
    return exchange_settings().node_id
