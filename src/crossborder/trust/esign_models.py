"""Tables of e-signatures: each organisation's document-signing keys (never its issuer keys: a key
signs for one purpose only) and a record of every signature the platform made on its behalf."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime
from crossborder.trust.models import KeyStatus


class SigningKey(Base):
    """A key is valid for signing from `created_at` until `retired_at` (rotation); once withdrawn,
    nothing it signed verifies."""

    __tablename__ = "trust_signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 thumbprint
    public_jwk: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(raw Ed25519 seed)
    status: Mapped[str] = mapped_column(String(12), default=KeyStatus.active.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DocumentSignature(Base):
    """Who signed which digest when: the platform's own evidence, beside the detached JWS it returned."""

    __tablename__ = "trust_signatures"
    __table_args__ = (UniqueConstraint("organisation_id", "client_reference", name="uq_trust_signatures_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature_id: Mapped[str] = mapped_column(String(64), unique=True)  # urn:uuid:…, the JWS's jti
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    client_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kid: Mapped[str] = mapped_column(String(64))
    digest_alg: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(128), index=True)
    media_type: Mapped[str] = mapped_column(String(127))
    file_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token: Mapped[str] = mapped_column(Text)
