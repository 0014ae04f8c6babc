"""Tables for monitoring: KPI measurements and the values they replaced.

One current row per (KPI, member state, breakdown, period). Recomputing a platform KPI, or reporting
a figure again, updates that row and first copies what it held into the history table, so "what did
the tracker say on that day" stays answerable. Each row says where its figure came from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, ExactDecimal, UTCDateTime

VALUE = ExactDecimal(20, 4)


class SourceKind(StrEnum):
    platform = "platform"  # computed here from the platform's own records
    reported = "reported"  # recorded by a member state's focal point
    imported = "imported"  # taken from an outside data set, named in source_detail


class KpiMeasurement(Base):
    __tablename__ = "monitoring_kpi_measurements"
    __table_args__ = (
        UniqueConstraint("kpi_code", "country", "breakdown", "period_label", name="uq_monitoring_kpi_measurement"),
        UniqueConstraint("recorded_by", "client_reference", name="uq_monitoring_kpi_client_reference"),
        Index("ix_monitoring_kpi_series", "kpi_code", "country", "period_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_code: Mapped[str] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(8))  # a member state, or "ASEAN" for a regional figure
    breakdown: Mapped[str] = mapped_column(String(60), default="")  # e.g. a document type; "" = all
    period_label: Mapped[str] = mapped_column(String(10))  # 2026-10, 2026-Q3, 2026
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # last day, inclusive
    value: Mapped[Decimal] = mapped_column(VALUE)
    unit: Mapped[str] = mapped_column(String(20))
    source_kind: Mapped[str] = mapped_column(String(12))
    source_detail: Mapped[str] = mapped_column(Text)
    sample_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)


class KpiMeasurementHistory(Base):
    """A value a measurement held before it was recomputed or reported again."""

    __tablename__ = "monitoring_kpi_measurement_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("monitoring_kpi_measurements.id"), index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)
    unit: Mapped[str] = mapped_column(String(20))
    source_kind: Mapped[str] = mapped_column(String(12))
    source_detail: Mapped[str] = mapped_column(Text)
    sample_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_by: Mapped[str] = mapped_column(String(100))
