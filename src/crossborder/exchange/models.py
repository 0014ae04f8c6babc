"""Tables of the exchange capability: this node's signing keys, the registry of trusted nodes,
messages received (inbox) and sent (outbox), and each delivery attempt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class KeyStatus(StrEnum):
    active = "active"  # signs envelopes and receipts; one per node
    retired = "retired"  # signs nothing more, stays published so what it signed still verifies
    withdrawn = "withdrawn"  # unpublished (compromised)


class NodeStatus(StrEnum):
    active = "active"
    suspended = "suspended"  # its messages are refused as unknown_sender; nothing is sent to it


class OutStatus(StrEnum):
    queued = "queued"  # waiting for its next attempt (first, or after a backoff)
    sent = "sent"  # claimed by a worker and on the wire (a lease bounds how long)
    delivered = "delivered"  # the receiver answered with a verified receipt (then accepted or rejected)
    accepted = "accepted"
    rejected = "rejected"
    failed = "failed"  # dead letter: the attempt limit was reached, or the receiver refused it for good


class InStatus(StrEnum):
    accepted = "accepted"
    rejected = "rejected"


class NodeKey(Base):
    """One of this node's Ed25519 keys. Retired keys stay published so receipts they signed verify."""

    __tablename__ = "exchange_node_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 thumbprint
    public_jwk: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(raw Ed25519 seed)
    status: Mapped[str] = mapped_column(String(12), default=KeyStatus.active.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrustedNode(Base):
    """A node this node exchanges with, as its operator registered it."""

    __tablename__ = "exchange_nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), unique=True)
    country: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(300))  # base URL; the inbox is under /api/v1/exchange/messages
    jwks: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    document_types: Mapped[list] = mapped_column(JSON)  # type: ignore[type-arg]
    status: Mapped[str] = mapped_column(String(12), default=NodeStatus.active.value)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxMessage(Base):
    """A message received, with its document and the receipt answered. Unique per message id:
    this is what makes the receiver's effect exactly-once."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (Index("ix_exchange_inbox_sender", "sender", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(8))  # this node's member state: who may read it
    document_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_digest: Mapped[str] = mapped_column(String(60))
    envelope: Mapped[str] = mapped_column(Text)  # the sender's signed envelope, kept as evidence
    status: Mapped[str] = mapped_column(String(12))
    errors: Mapped[list] = mapped_column(JSON)  # type: ignore[type-arg]
    receipt_id: Mapped[str] = mapped_column(String(36), unique=True)
    receipt: Mapped[str] = mapped_column(Text)  # the signed receipt answered (the same on every repeat)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """A message to send, its delivery state and the receiver's verified receipt."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (
        UniqueConstraint("organisation_id", "client_reference", name="uq_exchange_outbox_client_reference"),
        Index("ix_exchange_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    country: Mapped[str] = mapped_column(String(8))  # the queuing organisation's member state
    receiver: Mapped[str] = mapped_column(String(64))
    document_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_digest: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default=OutStatus.queued.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    receipt: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt_errors: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryAttempt(Base):
    """One try at sending an outbox message: when, and what came of it."""

    __tablename__ = "exchange_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("exchange_outbox.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(24))  # accepted, rejected, refused, unreachable, bad_receipt, ...
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    elapsed_ms: Mapped[float | None] = mapped_column(Float, nullable=True)  # sign, send, receipt verified
    detail: Mapped[str] = mapped_column(Text, default="")
