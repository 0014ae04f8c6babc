"""Tables of the trust capability: issuer keys per trust-mark operator, the index of issued
credentials with their status history, and the status lists (revocation, suspension) per issuer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class KeyStatus(StrEnum):
    active = "active"  # signs new credentials; one per organisation
    retired = "retired"  # signs nothing more, stays published so what it signed still verifies
    withdrawn = "withdrawn"  # unpublished (compromised or past retention): what it signed no longer verifies


class CredentialStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    revoked = "revoked"  # final


class StatusPurpose(StrEnum):
    revocation = "revocation"
    suspension = "suspension"


class TrustIssuerKey(Base):
    __tablename__ = "trust_issuer_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 thumbprint
    public_jwk: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(raw Ed25519 seed)
    status: Mapped[str] = mapped_column(String(12), default=KeyStatus.active.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class IssuedCredential(Base):
    """What was issued, so status can change and other capabilities can ask "is X trusted?"
    without parsing tokens. Both status lists use the same index for a credential."""

    __tablename__ = "trust_credentials"
    __table_args__ = (
        UniqueConstraint("issuer_org_id", "status_index", name="uq_trust_credentials_status_index"),
        UniqueConstraint("issuer_org_id", "client_reference", name="uq_trust_credentials_reference"),
        Index("ix_trust_credentials_subject", "subject_id", "scheme"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)  # urn:uuid:… as in the VC
    client_reference: Mapped[str] = mapped_column(String(100))
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(8))  # the issuing operator's member state
    scheme: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(100))  # the business's identifier
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_country: Mapped[str] = mapped_column(String(8))
    status_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=CredentialStatus.active.value)
    kid: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    token: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CredentialStatusChange(Base):
    """One row per change of a credential's status, so "what did it say on that day" is answerable."""

    __tablename__ = "trust_credential_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_pk: Mapped[int] = mapped_column(ForeignKey("trust_credentials.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")


class TrustStatusList(Base):
    """One issuer's bitstring for one purpose, stored GZIP-compressed exactly as it is published,
    with the signed status list credential cached until the next change."""

    __tablename__ = "trust_status_lists"
    __table_args__ = (UniqueConstraint("organisation_id", "purpose", name="uq_trust_status_lists_org_purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    purpose: Mapped[str] = mapped_column(String(12))
    size_bits: Mapped[int] = mapped_column(Integer)
    gzipped_bits: Mapped[bytes] = mapped_column(LargeBinary)
    token: Mapped[str | None] = mapped_column(Text, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
