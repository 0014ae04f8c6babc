"""Tables of the business register: each business as registered in its member state, with the
regional identifier assigned here, and one history row per change of its status."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class BusinessStatus(StrEnum):
    registered = "registered"
    deregistered = "deregistered"  # final: its regional id is never reassigned


class Business(Base):
    __tablename__ = "trust_businesses"
    # One registration per national number per member state: registering it again returns this row.
    __table_args__ = (UniqueConstraint("country", "national_number", name="uq_trust_businesses_national"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regional_id: Mapped[str] = mapped_column(String(16), unique=True)
    country: Mapped[str] = mapped_column(String(8), index=True)
    national_number: Mapped[str] = mapped_column(String(40))  # compact, as the validator normalises it
    number_validator: Mapped[str | None] = mapped_column(String(40), nullable=True)  # e.g. stdnum.sg.uen
    format_checked: Mapped[bool] = mapped_column(Boolean)  # False: no known format for the state
    legal_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default=BusinessStatus.registered.value)
    registered_by: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deregistered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deregistration_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class BusinessChange(Base):
    """One row per change of a registration's status, so "was it registered on that day" is answerable."""

    __tablename__ = "trust_business_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_pk: Mapped[int] = mapped_column(ForeignKey("trust_businesses.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
