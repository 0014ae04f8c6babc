"""Stored trade documents: the exact bytes as received, their digest and the validation result at the
time of storing. Documents are immutable evidence: never updated, so no history table is needed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class StoredDocument(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("organisation_id", "client_reference", name="uq_documents_client_reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID: the id other nodes may quote
    document_type: Mapped[str] = mapped_column(String(40), index=True)
    document_number: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the document's own id
    client_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # None for a document received from another node: it belongs to this member state's authorities.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, nullable=True)
    country: Mapped[str] = mapped_column(String(8), index=True)  # the owner's member state, for scope
    received_from: Mapped[str | None] = mapped_column(String(64), nullable=True)  # sending node, when received
    media_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    validation: Mapped[dict[str, Any]] = mapped_column(JSON)  # the report: {document_type, valid, errors}
    valid: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
