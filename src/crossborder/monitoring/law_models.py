"""Tables for monitoring: Laws Reporting Scheme: national plans, their revisions and reviews.

One plan per (member state, year). Every submission is a revision; a submitted revision is never
rewritten (only a draft is edited in place), so what a state reported, and what the secretariat said
about it, stays answerable. Entries, laws and actions hang off a revision."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class RevisionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"  # with the secretariat's comments; the state revises and resubmits


class LawStatus(StrEnum):
    none = "none"
    drafting = "drafting"
    enacted = "enacted"
    in_force = "in_force"


class Alignment(StrEnum):
    aligned = "aligned"
    partially_aligned = "partially_aligned"
    not_aligned = "not_aligned"
    not_assessed = "not_assessed"


class LawPlan(Base):
    __tablename__ = "monitoring_law_plans"
    __table_args__ = (UniqueConstraint("country", "year", name="uq_monitoring_law_plans_country_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)  # e.g. NLP-MY-2025
    country: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # the latest revision's status, for lists
    latest_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LawPlanRevision(Base):
    __tablename__ = "monitoring_law_revisions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_monitoring_law_revisions_number"),
        UniqueConstraint("plan_id", "client_reference", name="uq_monitoring_law_revisions_client_reference"),
        Index("ix_monitoring_law_revisions_status", "status", "plan_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("monitoring_law_plans.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    client_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    content_sha256: Mapped[str] = mapped_column(String(64))  # the submitted body: a repeat must say the same
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # the state's own note on the plan
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # the secretariat's, overall
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LawPlanEntry(Base):
    """One topic of a revision: the state's laws on it, their alignment with the topic's reference
    instrument, and the actions it plans."""

    __tablename__ = "monitoring_law_entries"
    __table_args__ = (UniqueConstraint("revision_id", "topic_id", name="uq_monitoring_law_entries_topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("monitoring_law_revisions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    topic_id: Mapped[str] = mapped_column(String(8))
    instrument_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    alignment: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class LawPlanLaw(Base):
    __tablename__ = "monitoring_law_laws"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("monitoring_law_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    enacted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    in_force_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)


class LawPlanAction(Base):
    __tablename__ = "monitoring_law_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("monitoring_law_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date] = mapped_column(Date)
