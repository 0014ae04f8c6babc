"""Tables of complaints and online dispute resolution: the case, its append-only timeline (messages,
offers, stage changes, authority notes), evidence files, the e-mailed access links of the parties
(no accounts: a link's hash is kept, never the link), and in-app notifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, ExactDecimal, UTCDateTime


class Stage(StrEnum):
    pending_verification = "pending_verification"  # filed; the consumer has not used the e-mailed link yet
    negotiation = "negotiation"  # consumer and seller, directly on the platform
    facilitation = "facilitation"  # a neutral appointed by the authority helps them settle
    final = "final"  # the neutral issues a recommendation
    closed = "closed"  # with an outcome


class Outcome(StrEnum):
    settled = "settled"  # with terms, signed
    withdrawn = "withdrawn"  # by the consumer
    recommendation_issued = "recommendation_issued"
    not_pursued = "not_pursued"  # closed by the authority with a reason, or never verified


class Category(StrEnum):
    non_delivery = "non_delivery"
    not_as_described = "not_as_described"
    counterfeit = "counterfeit"
    refund_refused = "refund_refused"
    unauthorised_charge = "unauthorised_charge"
    personal_data_misuse = "personal_data_misuse"
    other = "other"


class Remedy(StrEnum):
    refund = "refund"
    replacement = "replacement"
    repair = "repair"
    other = "other"


class Party(StrEnum):
    consumer = "consumer"
    seller = "seller"


class RedressCase(Base):
    __tablename__ = "redress_cases"
    # Filing twice with the same reference from the same address gives the first case.
    __table_args__ = (
        UniqueConstraint("consumer_email", "client_reference", name="uq_redress_cases_client_reference"),
        Index("ix_redress_cases_countries", "consumer_country", "seller_country"),
        Index("ix_redress_cases_stage_due", "stage", "due_at"),
        # Every column the dashboard counts, so PostgreSQL answers it from the index alone.
        Index(
            "ix_redress_cases_dashboard",
            "consumer_country",
            "seller_country",
            "category",
            "stage",
            "outcome",
            "filed_month",
            "closed_month",
            "resolution_minutes",
            "created_at",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(24), default=Stage.pending_verification.value)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    outcome_terms: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    consumer_name: Mapped[str] = mapped_column(String(200))
    consumer_email: Mapped[str] = mapped_column(String(254))
    consumer_country: Mapped[str] = mapped_column(String(8))
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    seller_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    seller_country: Mapped[str] = mapped_column(String(8))
    seller_business_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    seller_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    order_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(20, 4))
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(32))
    remedy: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    handling_country: Mapped[str] = mapped_column(String(8))  # whose authority administers the case
    neutral_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    stage_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # end of the current stage
    seller_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # first answer
    seller_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # final stage missed
    settlement_document: Mapped[str | None] = mapped_column(Text, nullable=True)  # the canonical JSON signed
    settlement_signature_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    settlement_signature: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Kept with the instants they derive from so the dashboard counts plain columns (UTC months).
    filed_month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    closed_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)  # verified -> closed


class CaseEvent(Base):
    """One line of a case's timeline; never edited. Offers are events; accepting one points to it."""

    __tablename__ = "redress_case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("redress_cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))  # consumer | seller | authority | neutral | system
    actor: Mapped[str] = mapped_column(String(100))  # "consumer", "user:12", "system"
    actor_country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(20, 4), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    refers_to: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the offer an acceptance accepts
    authorities_only: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str] = mapped_column(String(24))  # the stage when it happened


class CaseEvidence(Base):
    __tablename__ = "redress_case_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("redress_cases.id"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(16))  # consumer | seller | authority | neutral
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartyLink(Base):
    """An e-mailed link that lets a party without an account act on one case. Only its SHA-256 is
    kept; the consumer's first use verifies the complaint."""

    __tablename__ = "redress_party_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("redress_cases.id"), index=True)
    party: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notification(Base):
    """An in-app notice for an audience: "authority:MY" (that state's consumer-protection officers),
    "org:12" (a seller's users), "user:5" (a neutral), "party:consumer" (shown on the case page)."""

    __tablename__ = "redress_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("redress_cases.id"), index=True)
    audience: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
