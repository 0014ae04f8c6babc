"""monitoring plans and tracking

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_plan_versions")),
        sa.UniqueConstraint("document", "version", name="uq_monitoring_plan_versions_document_version"),
    )
    op.create_table(
        "monitoring_activity_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.String(length=500), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("reporter_org_id", sa.Integer(), nullable=True),
        sa.Column("client_reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_activity_statuses")),
        sa.UniqueConstraint("reported_by", "client_reference", name="uq_monitoring_activity_statuses_client_reference"),
    )
    with op.batch_alter_table("monitoring_activity_statuses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_activity_statuses_activity", ["activity_id", "country", "as_of"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("monitoring_activity_statuses", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_activity_statuses_activity")
    op.drop_table("monitoring_activity_statuses")
    op.drop_table("monitoring_plan_versions")
