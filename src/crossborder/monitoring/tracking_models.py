"""Tables for monitoring: activity status tracking and plan versions.

Both are append-only: a status report is never edited (the current status is the latest `as_of`),
and a plan version is never rewritten (an amendment is a new version)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class Status(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    delayed = "delayed"
    dropped = "dropped"


class PlanDocument(StrEnum):
    work_plan = "work_plan"
    work_programme = "work_programme"
    frameworks = "frameworks"


class PlanVersion(Base):
    __tablename__ = "monitoring_plan_versions"
    __table_args__ = (UniqueConstraint("document", "version", name="uq_monitoring_plan_versions_document_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole document, dates as YYYY-MM-DD
    content_sha256: Mapped[str] = mapped_column(String(64))
    changed: Mapped[dict[str, Any]] = mapped_column(JSON)  # key path -> value in the previous version
    change_note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityStatus(Base):
    __tablename__ = "monitoring_activity_statuses"
    __table_args__ = (
        # The same reporter sending the same client reference twice gets the first report.
        UniqueConstraint("reported_by", "client_reference", name="uq_monitoring_activity_statuses_client_reference"),
        Index("ix_monitoring_activity_statuses_activity", "activity_id", "country", "as_of"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)  # NULL: the regional, overall status
    status: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    as_of: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(100))  # the principal's actor, as the audit log has it
    reporter_org_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
