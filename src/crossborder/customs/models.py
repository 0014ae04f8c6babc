"""Tables of the customs capability: tariff lines, exchange rates, declarations with their events
and the trade documents they point to, watch lists, manifests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, ExactDecimal, UTCDateTime

RATE = ExactDecimal(18, 8)
AMOUNT = ExactDecimal(20, 4)


class TariffLine(Base):
    """One national tariff line, valid from a date until the next line for the same code."""

    __tablename__ = "customs_tariff_lines"
    __table_args__ = (UniqueConstraint("destination", "hs_code", "effective_from", name="uq_tariff_line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(2), index=True)
    hs_code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(300))
    mfn_rate_percent: Mapped[Decimal] = mapped_column(RATE)
    atiga_rate_percent: Mapped[Decimal | None] = mapped_column(RATE, nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    sample: Mapped[bool] = mapped_column(Boolean, default=False)


class ExchangeRate(Base):
    """1 `base` = `rate` `quote` on `rate_date`."""

    __tablename__ = "customs_exchange_rates"
    __table_args__ = (UniqueConstraint("rate_date", "base", "quote", name="uq_exchange_rate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rate_date: Mapped[date] = mapped_column(Date, index=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(RATE)
    source: Mapped[str] = mapped_column(String(500))
    sample: Mapped[bool] = mapped_column(Boolean, default=False)


class Declaration(Base):
    """A low-value declaration (H7-style data set) and where it is in its lifecycle."""

    __tablename__ = "customs_declarations"
    __table_args__ = (
        UniqueConstraint("submitter_org_id", "client_reference", name="uq_declaration_reference"),
        Index("ix_declaration_queue", "destination", "status", "lane"),
        Index("ix_declaration_consignee", "destination", "consignee_key", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    submitter_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    origin: Mapped[str] = mapped_column(String(2))
    destination: Mapped[str] = mapped_column(String(2))
    declared_on: Mapped[date] = mapped_column(Date)
    transport_mode: Mapped[str] = mapped_column(String(10))
    consignor_name: Mapped[str] = mapped_column(String(200))
    consignee_name: Mapped[str] = mapped_column(String(200))
    # Normalised consignee identity (name + address): the key the split-shipment rule groups by.
    consignee_key: Mapped[str] = mapped_column(String(64))
    seller_business_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    trusted_trader: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3))
    customs_value: Mapped[Decimal] = mapped_column(AMOUNT)
    duty: Mapped[Decimal] = mapped_column(AMOUNT)
    tax_at_border: Mapped[Decimal] = mapped_column(AMOUNT)
    tax_at_checkout: Mapped[Decimal] = mapped_column(AMOUNT)
    status: Mapped[str] = mapped_column(String(20), index=True)
    lane: Mapped[str | None] = mapped_column(String(10), nullable=True)
    risk_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    data: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]  # the declared data set as received
    assessment: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]  # landed-cost result with its trace
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    manifest_id: Mapped[int | None] = mapped_column(ForeignKey("customs_manifests.id"), nullable=True, index=True)
    # Loaded with the declaration (one IN query per listing); written only by declaration_store.
    documents: Mapped[DeclarationDocuments | None] = relationship(lazy="selectin", viewonly=True)


class DeclarationDocuments(Base):
    """The stored trade documents a declaration points to, and what backs its ATIGA origin claims
    ("none": claimed without a document, e.g. a paper certificate; "e-form-d": a verified e-Form D).
    A row only for declarations with a document or a claim. Kept beside customs_declarations rather
    than as its columns because manifests write that table in bulk with exactly its columns."""

    __tablename__ = "customs_declaration_documents"

    declaration_id: Mapped[int] = mapped_column(ForeignKey("customs_declarations.id"), primary_key=True)
    invoice_document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    origin_document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    origin_evidence: Mapped[str | None] = mapped_column(String(10), nullable=True)


class DeclarationEvent(Base):
    """Every transition, timestamped: the raw material of a time-release study."""

    __tablename__ = "customs_declaration_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("customs_declarations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")


class WatchListEntry(Base):
    __tablename__ = "customs_watch_list"
    __table_args__ = (UniqueConstraint("destination", "party_key", name="uq_watch_party"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(2), index=True)
    party_key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Manifest(Base):
    __tablename__ = "customs_manifests"
    __table_args__ = (UniqueConstraint("submitter_org_id", "client_reference", name="uq_manifest_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    submitter_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    lines_total: Mapped[int] = mapped_column(Integer, default=0)
    lines_ok: Mapped[int] = mapped_column(Integer, default=0)
    lines_failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrustedTraderFlag(Base):
    """Stand-in for the trust capability: businesses a destination treats as trusted traders.
    `customs.trusted` reads it through one seam that the trust capability will replace."""

    __tablename__ = "customs_trusted_traders"
    __table_args__ = (UniqueConstraint("destination", "business_id", name="uq_trusted_trader"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(2))
    business_id: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
