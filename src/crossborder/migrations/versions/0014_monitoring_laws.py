"""monitoring laws: national plans of the Laws Reporting Scheme, their revisions, entries, laws, actions

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_law_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("latest_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_law_plans")),
        sa.UniqueConstraint("country", "year", name="uq_monitoring_law_plans_country_year"),
        sa.UniqueConstraint("reference", name=op.f("uq_monitoring_law_plans_reference")),
    )
    op.create_table(
        "monitoring_law_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["monitoring_law_plans.id"],
            name=op.f("fk_monitoring_law_revisions_plan_id_monitoring_law_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_law_revisions")),
        sa.UniqueConstraint("plan_id", "client_reference", name="uq_monitoring_law_revisions_client_reference"),
        sa.UniqueConstraint("plan_id", "number", name="uq_monitoring_law_revisions_number"),
    )
    with op.batch_alter_table("monitoring_law_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_monitoring_law_revisions_status", ["status", "plan_id"], unique=False)

    op.create_table(
        "monitoring_law_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=8), nullable=False),
        sa.Column("instrument_id", sa.String(length=64), nullable=True),
        sa.Column("alignment", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["monitoring_law_revisions.id"],
            name=op.f("fk_monitoring_law_entries_revision_id_monitoring_law_revisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_law_entries")),
        sa.UniqueConstraint("revision_id", "topic_id", name="uq_monitoring_law_entries_topic"),
    )
    with op.batch_alter_table("monitoring_law_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_law_entries_revision_id"), ["revision_id"], unique=False)

    op.create_table(
        "monitoring_law_laws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("citation", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("enacted_on", sa.Date(), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["monitoring_law_entries.id"],
            name=op.f("fk_monitoring_law_laws_entry_id_monitoring_law_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_law_laws")),
    )
    with op.batch_alter_table("monitoring_law_laws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_law_laws_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "monitoring_law_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["monitoring_law_entries.id"],
            name=op.f("fk_monitoring_law_actions_entry_id_monitoring_law_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_law_actions")),
    )
    with op.batch_alter_table("monitoring_law_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_law_actions_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("monitoring_law_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_law_actions_entry_id"))
    op.drop_table("monitoring_law_actions")
    with op.batch_alter_table("monitoring_law_laws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_law_laws_entry_id"))
    op.drop_table("monitoring_law_laws")
    with op.batch_alter_table("monitoring_law_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_law_entries_revision_id"))
    op.drop_table("monitoring_law_entries")
    with op.batch_alter_table("monitoring_law_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_law_revisions_status")
    op.drop_table("monitoring_law_revisions")
    op.drop_table("monitoring_law_plans")
