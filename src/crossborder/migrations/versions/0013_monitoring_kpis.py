"""monitoring kpis

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_kpi_measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_code", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("breakdown", sa.String(length=60), nullable=False),
        sa.Column("period_label", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", crossborder.core.db.ExactDecimal(20, 4), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("source_kind", sa.String(length=12), nullable=False),
        sa.Column("source_detail", sa.Text(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_kpi_measurements")),
        sa.UniqueConstraint("kpi_code", "country", "breakdown", "period_label", name="uq_monitoring_kpi_measurement"),
        sa.UniqueConstraint("recorded_by", "client_reference", name="uq_monitoring_kpi_client_reference"),
    )
    op.create_index(
        "ix_monitoring_kpi_series", "monitoring_kpi_measurements", ["kpi_code", "country", "period_start"], unique=False
    )
    op.create_table(
        "monitoring_kpi_measurement_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measurement_id", sa.Integer(), nullable=False),
        sa.Column("value", crossborder.core.db.ExactDecimal(20, 4), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("source_kind", sa.String(length=12), nullable=False),
        sa.Column("source_detail", sa.Text(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=True),
        sa.Column("superseded_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["measurement_id"],
            ["monitoring_kpi_measurements.id"],
            name=op.f("fk_monitoring_kpi_measurement_history_measurement_id_monitoring_kpi_measurements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_kpi_measurement_history")),
    )
    op.create_index(
        op.f("ix_monitoring_kpi_measurement_history_measurement_id"),
        "monitoring_kpi_measurement_history",
        ["measurement_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_monitoring_kpi_measurement_history_measurement_id"), table_name="monitoring_kpi_measurement_history"
    )
    op.drop_table("monitoring_kpi_measurement_history")
    op.drop_index("ix_monitoring_kpi_series", table_name="monitoring_kpi_measurements")
    op.drop_table("monitoring_kpi_measurements")
