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
Several messages may come in one post (the batch inbox): each gets, on its own, the answer above.
Message, document, receipt and audit entry are stored in one transaction (see `inbox_store`), unique
on the message id: a repeat (or a concurrent duplicate) of the same message answers the first receipt."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.dates import utcnow
from crossborder.core.errors import CrossborderError, ValidationFailed
from crossborder.documents.issues import Issue, is_valid
from crossborder.documents.validate import document_types, validate_document
from crossborder.exchange import envelope, identity, inbox_store, nodes, receipts
from crossborder.exchange.envelope import Envelope, Failure, Limits
from crossborder.exchange.errors import EnvelopeRefused
from crossborder.exchange.models import InboxMessage, InStatus
from crossborder.exchange.schemas import decode_base64
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


def warm_up() -> None:
    """Load and compile every document type's validators now, so the first messages a node receives
    do not wait for it (a few hundred milliseconds)."""
    for doc_type in document_types():
        findings(doc_type, b"{}")


def _receipt_errors(issues: list[Issue]) -> list[dict[str, Any]]:
    errors = [i.as_dict() for i in issues[:MAX_RECEIPT_ERRORS]]
    if len(issues) > MAX_RECEIPT_ERRORS:
        more = len(issues) - MAX_RECEIPT_ERRORS
        errors.append(Issue("EXCHANGE-TRUNCATED", "", f"{more} more findings not listed", "warning").as_dict())
    return errors


def prepare(session: Session, token: Any, payload: bytes, now: Callable[[], datetime]) -> inbox_store.Pending:
    """Everything before storing: the envelope holds (or EnvelopeRefused), the document's findings,
    and the receipt signed. Validation and signing happen outside the write lock."""
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
    # No look-up first: a repeat is rare (a lost answer) and the unique message id catches it when
    # storing, so the common case saves a query.
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
    return inbox_store.Pending(principal, env, token, payload, receipt, signed, received, settings.country)


def _answer(session: Session, pending: inbox_store.Pending) -> Answer:
    """The answer once PENDING went through the writer: its receipt, or the first one on a repeat."""
    if pending.error is None:
        return Answer(pending.env.message_id, pending.receipt.status, pending.signed, False)
    if not isinstance(pending.error, IntegrityError):
        raise pending.error
    # The message id is already stored (a repeat, or a concurrent duplicate that committed first):
    # nothing of this attempt stays, and the first receipt is the answer.
    session.rollback()
    existing = _stored(session, pending.env.message_id)
    if existing is None:
        raise pending.error
    return _repeat(existing, pending.env)


def receive(
    session: Session,
    token: Any,
    payload: bytes,
    *,
    now: Callable[[], datetime] = utcnow,
) -> Answer:
    pending = prepare(session, token, payload, now)
    session.rollback()  # end the read snapshot: on SQLite a write must start from the newest state
    inbox_store.writer.store_all(session, [pending])
    return _answer(session, pending)


def receive_many(
    session: Session,
    messages: list[tuple[Any, str]],
    *,
    now: Callable[[], datetime] = utcnow,
) -> list[tuple[int, dict[str, Any]]]:
    """Several messages (envelope, base64 payload) in one request, stored in one transaction. Each
    gets what the single inbox would have answered it, as (HTTP status, JSON body): a signed
    receipt, or a problem naming why its envelope does not hold (and then nothing of it is stored)."""
    answers: list[tuple[int, dict[str, Any]] | inbox_store.Pending] = []
    for token, encoded in messages:
        try:
            answers.append(prepare(session, token, decode_base64(encoded, "payload"), now))
        except (EnvelopeRefused, ValidationFailed) as exc:
            answers.append((exc.status, _problem(exc)))
    pending = [a for a in answers if isinstance(a, inbox_store.Pending)]
    session.rollback()
    inbox_store.writer.store_all(session, pending)
    done: list[tuple[int, dict[str, Any]]] = []
    for a in answers:
        if not isinstance(a, inbox_store.Pending):
            done.append(a)
            continue
        try:
            done.append((200, _answer(session, a).as_dict()))
        except EnvelopeRefused as exc:  # a replay of a stored id with another payload
            done.append((exc.status, _problem(exc)))
    return done


def _problem(exc: CrossborderError) -> dict[str, Any]:
    """The problem document the single inbox answers for EXC (see core/problems.py)."""
    body: dict[str, Any] = {"type": "about:blank", "title": exc.title, "status": exc.status, "detail": exc.detail}
    if exc.errors:
        body["errors"] = [e.as_dict() for e in exc.errors]
    return body
