"""Flags raised to a trust-mark operator about a holder of its mark (for example by the redress
capability: a seller that did not answer a complaint or did not honour a settlement). A flag asks for
review; it changes no credential by itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class TrustFlag(Base):
    __tablename__ = "trust_flags"
    # One flag per operator, source record and reason: raising it again changes nothing.
    __table_args__ = (UniqueConstraint("issuer_org_id", "source_ref", "reason", name="uq_trust_flags_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    country: Mapped[str] = mapped_column(String(8))  # the operator's member state
    credential_id: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(100))
    subject_name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(24))  # "redress"
    source_ref: Mapped[str] = mapped_column(String(40))  # e.g. the case reference
    reason: Mapped[str] = mapped_column(String(40))  # seller_no_response | settlement_not_honoured
    detail: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
