"""The inbox: what a node does with a message another node sends it.

Which failures get what answer:
- The envelope does not hold (malformed, wrong algorithm, unknown sender or key, bad signature,
  wrong receiver, too large, expired or from the future, digest mismatch, a replayed message id
  with a different payload): a problem+json (4xx) naming every failure, and nothing is stored.
  There is no authenticated message to sign a receipt for, and signing answers to anyone who
  asks would make this node an oracle.
- The envelope holds but the document does not (unknown or unsupported type, schema or rule
  errors): a signed receipt "rejected" with every validation error, stored like an acceptance, so
  the sender holds evidence of why, and a repeat gets the same answer.
- The envelope holds and the document is valid: a signed receipt "accepted".
Message, document, receipt and audit entry are stored in one transaction, unique on the message
id: a repeat (or a concurrent duplicate) of the same message answers the first receipt."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import write_lock
from crossborder.core.errors import ValidationFailed
from crossborder.documents import service as documents
from crossborder.documents.issues import Issue, is_valid
from crossborder.documents.validate import document_types, validate_document
from crossborder.exchange import envelope, identity, nodes, receipts
from crossborder.exchange.envelope import Envelope, Failure, Limits
from crossborder.exchange.errors import EnvelopeRefused
from crossborder.exchange.models import InboxMessage, InStatus
from crossborder.exchange.settings import exchange_settings

log = logging.getLogger("crossborder.exchange")
MAX_RECEIPT_ERRORS = 200  # a receipt lists at most this many findings (and says how many more)
_INBOX = cast(Table, InboxMessage.__table__)


def limits() -> Limits:
    s = exchange_settings()
    return Limits(s.replay_window_seconds, s.clock_skew_seconds, s.max_payload_bytes, s.max_token_bytes)


@dataclass(frozen=True)
class Answer:
    message_id: str
    status: str
    receipt: str
    repeat: bool  # True when this answers a message already stored

    def as_dict(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "status": self.status, "receipt": self.receipt, "repeat": self.repeat}


def _stored(session: Session, message_id: str) -> InboxMessage | None:
    return session.execute(select(InboxMessage).where(InboxMessage.message_id == message_id)).scalar_one_or_none()


def _repeat(row: InboxMessage, env: Envelope) -> Answer:
    if (row.sender, row.payload_digest, row.document_type) != (env.sender, env.payload_digest, env.document_type):
        detail = "this message id was already received with another sender, type or payload"
        raise EnvelopeRefused((Failure("replayed", "envelope.message_id", detail, env.message_id),))
    return Answer(row.message_id, row.status, row.receipt, True)


def findings(document_type: str, payload: bytes) -> list[Issue]:
    """The document's validation findings; a type this node does not know is one finding, not an error."""
    try:
        return validate_document(document_type, payload)
    except ValidationFailed as exc:
        rule = exc.errors[0].rule if exc.errors else "a known document type"
        return [Issue("EXCHANGE-DOCUMENT-TYPE", "/document_type", f"unsupported document type: {rule}")]


def _receipt_errors(issues: list[Issue]) -> list[dict[str, Any]]:
    errors = [i.as_dict() for i in issues[:MAX_RECEIPT_ERRORS]]
    if len(issues) > MAX_RECEIPT_ERRORS:
        more = len(issues) - MAX_RECEIPT_ERRORS
        errors.append(Issue("EXCHANGE-TRUNCATED", "", f"{more} more findings not listed", "warning").as_dict())
    return errors


def receive(
    session: Session,
    token: Any,
    payload: bytes,
    *,
    now: Callable[[], datetime] = utcnow,
) -> Answer:
    settings = exchange_settings()
    checked = envelope.verify(
        token,
        payload,
        receiver=settings.node_id,
        senders=lambda node_id: nodes.sender_keys(session, node_id),
        now=now(),
        limits=limits(),
    )
    if not checked.ok:
        raise EnvelopeRefused(checked.failures)
    env = checked.envelope
    assert env is not None
    # Authenticated by the envelope signature itself: the sending node is who acts.
    principal = Principal(actor=f"node:{env.sender}", organisation_id=None, country=None)
    # No look-up first: a repeat is rare (a lost answer) and the unique message id catches it below,
    # so the common case saves a query. Validation and signing happen outside the write lock.
    issues = findings(env.document_type, payload)
    status = InStatus.accepted if is_valid(issues) else InStatus.rejected
    received = now()
    receipt = receipts.Receipt(
        receipt_id=str(uuid.uuid4()),
        message_id=env.message_id,
        receiver=settings.node_id,
        sender=env.sender,
        status=status.value,
        errors=_receipt_errors(issues),
        received_at=receipts.received_at(received),
        payload_digest=env.payload_digest,
    )
    kid, private = identity.signing_key(session, principal)
    signed = receipts.issue(receipt, kid, private)
    session.rollback()  # end the read snapshot: on SQLite a write must start from the newest state
    try:
        with write_lock():
            _store(session, principal, env, token, payload, receipt, signed, received)
            session.commit()
    except IntegrityError:
        # The message id is already stored (a repeat, or a concurrent duplicate that committed first):
        # nothing of this attempt stays, and the first receipt is the answer.
        session.rollback()
        existing = _stored(session, env.message_id)
        if existing is None:
            raise
        return _repeat(existing, env)
    return Answer(env.message_id, status.value, signed, False)


def _store(
    session: Session,
    principal: Principal,
    env: Envelope,
    token: str,
    payload: bytes,
    receipt: receipts.Receipt,
    signed: str,
    received: datetime,
) -> None:
    country = exchange_settings().country
    session.execute(
        insert(_INBOX),
        {
            "message_id": env.message_id,
            "sender": env.sender,
            "country": country,
            "document_type": env.document_type,
            "payload": payload,
            "payload_digest": env.payload_digest,
            "envelope": token,
            "status": receipt.status,
            "errors": receipt.errors,
            "receipt_id": receipt.receipt_id,
            "receipt": signed,
            "received_at": received,
        },
    )
    # Accepted or not, the document is kept for this state's authorities (a rejected one as evidence);
    # a type this node cannot read stays in the inbox row only.
    document_id = None
    if env.document_type in document_types():
        document_id = documents.store_received(
            session, principal, env.document_type, payload,
            {"document_type": env.document_type, "valid": receipt.status == InStatus.accepted.value,
             "errors": receipt.errors},
            country=country, received_from=env.sender, message_id=env.message_id,
        ).id  # fmt: skip
    audit.record(
        session,
        principal,
        f"exchange.message.{receipt.status}",
        "exchange_inbox",
        env.message_id,
        country=country,
        after={
            "sender": env.sender,
            "document_type": env.document_type,
            "payload_digest": env.payload_digest,
            "status": receipt.status,
            "receipt_id": receipt.receipt_id,
            "document_id": document_id,
        },
        detail=f"received from {env.sender}",
    )
