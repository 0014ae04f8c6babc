"""Tables of fraud-incident sharing: a report by a consumer-protection authority, its normalised
identifiers (the match index), and the alerts raised when two member states report the same one.

Identifiers carry the reporting state beside (kind, value) so a match, and the public check, is one
index-only lookup on `ix_redress_incident_identifiers_match`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class FraudIncident(Base):
    __tablename__ = "redress_incidents"
    __table_args__ = (
        UniqueConstraint("reporter_org_id", "client_reference", name="uq_redress_incidents_client_reference"),
        Index("ix_redress_incidents_country_created", "country", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. FRI-7Q2K9X4M3T
    client_reference: Mapped[str] = mapped_column(String(100))
    reporter_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(8))  # the reporting member state: its sharing rules apply
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reported_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentIdentifier(Base):
    __tablename__ = "redress_incident_identifiers"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "value", name="uq_redress_incident_identifiers"),
        # Covering index: matching and the public check read (country, incident_id) from it alone.
        Index("ix_redress_incident_identifiers_match", "kind", "value", "country", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("redress_incidents.id"))
    country: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(400))  # normalised: what is matched
    entered: Mapped[str] = mapped_column(String(400))  # as the authority typed it


class IncidentAlert(Base):
    """A new report (`incident_id`, from `country`) shares an identifier with an earlier report of
    another member state (`matched_incident_id`, from `matched_country`). Both authorities see it;
    what each sees of the other's report follows the other's sharing rules."""

    __tablename__ = "redress_incident_alerts"
    __table_args__ = (
        UniqueConstraint("incident_id", "matched_incident_id", "kind", "value", name="uq_redress_incident_alerts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("redress_incidents.id"), index=True)
    matched_incident_id: Mapped[int] = mapped_column(ForeignKey("redress_incidents.id"), index=True)
    country: Mapped[str] = mapped_column(String(8), index=True)
    matched_country: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(400))  # both reported it, so both may see it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentCategory(StrEnum):
    fake_shop = "fake_shop"  # a shop that takes payment and never delivers, or does not exist
    non_delivery = "non_delivery"
    counterfeit = "counterfeit"
    phishing = "phishing"  # impersonation to obtain credentials or payment details
    payment_fraud = "payment_fraud"
    investment_scam = "investment_scam"
    other = "other"
