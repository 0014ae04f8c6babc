"""redress incidents: fraud-incident reports, their normalised identifiers (the match index),
alerts between member states, and the rate-limit windows of public checks

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 00:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_limit_windows")),
    )
    op.create_table(
        "redress_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=False),
        sa.Column("reporter_org_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_org_id"], ["organisations.id"], name=op.f("fk_redress_incidents_reporter_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_incidents")),
        sa.UniqueConstraint("reference", name=op.f("uq_redress_incidents_reference")),
        sa.UniqueConstraint("reporter_org_id", "client_reference", name="uq_redress_incidents_client_reference"),
    )
    with op.batch_alter_table("redress_incidents", schema=None) as batch_op:
        batch_op.create_index("ix_redress_incidents_country_created", ["country", "created_at"], unique=False)

    op.create_table(
        "redress_incident_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("matched_incident_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("matched_country", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["redress_incidents.id"],
            name=op.f("fk_redress_incident_alerts_incident_id_redress_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["matched_incident_id"],
            ["redress_incidents.id"],
            name=op.f("fk_redress_incident_alerts_matched_incident_id_redress_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_incident_alerts")),
        sa.UniqueConstraint("incident_id", "matched_incident_id", "kind", "value", name="uq_redress_incident_alerts"),
    )
    with op.batch_alter_table("redress_incident_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redress_incident_alerts_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_redress_incident_alerts_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_redress_incident_alerts_matched_country"), ["matched_country"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_redress_incident_alerts_matched_incident_id"), ["matched_incident_id"], unique=False
        )

    op.create_table(
        "redress_incident_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("entered", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["redress_incidents.id"],
            name=op.f("fk_redress_incident_identifiers_incident_id_redress_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_incident_identifiers")),
        sa.UniqueConstraint("incident_id", "kind", "value", name="uq_redress_incident_identifiers"),
    )
    with op.batch_alter_table("redress_incident_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_redress_incident_identifiers_match", ["kind", "value", "country", "incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("redress_incident_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_redress_incident_identifiers_match")

    op.drop_table("redress_incident_identifiers")
    with op.batch_alter_table("redress_incident_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redress_incident_alerts_matched_incident_id"))
        batch_op.drop_index(batch_op.f("ix_redress_incident_alerts_matched_country"))
        batch_op.drop_index(batch_op.f("ix_redress_incident_alerts_incident_id"))
        batch_op.drop_index(batch_op.f("ix_redress_incident_alerts_country"))

    op.drop_table("redress_incident_alerts")
    with op.batch_alter_table("redress_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_redress_incidents_country_created")

    op.drop_table("redress_incidents")
    op.drop_table("rate_limit_windows")
