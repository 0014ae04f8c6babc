"""Storing what the inbox answered: message, document, receipt and audit entry, all or nothing.

Requests arriving together are written together (core/group_commit.py): one transaction for the
group; if it fails (a repeated message id, or anything else), each message is written again on its
own, so every message gets its own outcome: stored once, or its own error (the caller turns a
unique violation into the first receipt)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.group_commit import GroupItem, GroupWriter
from crossborder.documents import service as documents
from crossborder.documents.models import StoredDocument
from crossborder.documents.validate import document_types
from crossborder.exchange import receipts
from crossborder.exchange.envelope import Envelope
from crossborder.exchange.models import InboxMessage, InStatus

_INBOX = cast(Table, InboxMessage.__table__)
_DOCUMENTS = cast(Table, StoredDocument.__table__)
MAX_GROUP = 64  # messages per transaction: bounds how long one writer holds the lock


@dataclass(eq=False)
class Pending(GroupItem):
    """One message to store, and (once written) its outcome."""

    principal: Principal
    env: Envelope
    token: str
    payload: bytes
    receipt: receipts.Receipt
    signed: str
    received: datetime
    country: str

    def row(self) -> dict[str, Any]:
        return {
            "message_id": self.env.message_id,
            "sender": self.env.sender,
            "country": self.country,
            "document_type": self.env.document_type,
            "payload": self.payload,
            "payload_digest": self.env.payload_digest,
            "envelope": self.token,
            "status": self.receipt.status,
            "errors": self.receipt.errors,
            "receipt_id": self.receipt.receipt_id,
            "receipt": self.signed,
            "received_at": self.received,
        }

    def document_row(self) -> dict[str, Any]:
        """The row `documents.service.store_received` would add, as a plain row: the group's documents
        go in with one INSERT instead of an ORM unit of work each (a test pins the two together)."""
        doc_type = self.env.document_type
        valid = self.receipt.status == InStatus.accepted.value
        return {
            "id": str(uuid.uuid4()),
            "document_type": doc_type,
            "document_number": documents._document_number(doc_type, self.payload),
            "client_reference": f"message:{self.env.message_id}",
            "organisation_id": None,
            "country": self.country,
            "received_from": self.env.sender,
            "media_type": documents.media_type(doc_type),
            "sha256": hashlib.sha256(self.payload).hexdigest(),
            "size": len(self.payload),
            "content": self.payload,
            "validation": {"document_type": doc_type, "valid": valid, "errors": self.receipt.errors},
            "valid": valid,
            "created_by": self.principal.actor,
        }


def _write(session: Session, group: list[Pending]) -> None:
    """The group's rows in the session's transaction (uncommitted): one INSERT for all inbox rows, one
    for all documents, then an audit entry per message."""
    session.execute(insert(_INBOX), [p.row() for p in group])
    # Accepted or not, the document is kept for this state's authorities (a rejected one as evidence);
    # a type this node cannot read stays in the inbox row only.
    known = set(document_types())
    rows = {p.env.message_id: p.document_row() for p in group if p.env.document_type in known}
    if rows:
        session.execute(insert(_DOCUMENTS), list(rows.values()))
    for p in group:
        document_id = rows[p.env.message_id]["id"] if p.env.message_id in rows else None
        audit.record(
            session,
            p.principal,
            f"exchange.message.{p.receipt.status}",
            "exchange_inbox",
            p.env.message_id,
            country=p.country,
            after={
                "sender": p.env.sender,
                "document_type": p.env.document_type,
                "payload_digest": p.env.payload_digest,
                "status": p.receipt.status,
                "receipt_id": p.receipt.receipt_id,
                "document_id": document_id,
            },
            detail=f"received from {p.env.sender}",
        )


writer: GroupWriter[Pending] = GroupWriter(_write, MAX_GROUP)
