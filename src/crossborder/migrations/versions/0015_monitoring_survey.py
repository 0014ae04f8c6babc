"""monitoring survey: the Annual Business Survey's panel, anonymous response links, responses and answers

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_survey_panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=8), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_survey_panel")),
        sa.UniqueConstraint("panel_id", name=op.f("uq_monitoring_survey_panel_panel_id")),
    )
    with op.batch_alter_table("monitoring_survey_panel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_survey_panel_country"), ["country"], unique=False)

    op.create_table(
        "monitoring_survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["monitoring_survey_panel.id"],
            name=op.f("fk_monitoring_survey_links_member_id_monitoring_survey_panel"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_survey_links")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_monitoring_survey_links_token_sha256")),
        sa.UniqueConstraint("year", "member_id", name="uq_monitoring_survey_links_year_member"),
    )

    op.create_table(
        "monitoring_survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=8), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["monitoring_survey_links.id"],
            name=op.f("fk_monitoring_survey_responses_link_id_monitoring_survey_links"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_survey_responses")),
        sa.UniqueConstraint("link_id", name=op.f("uq_monitoring_survey_responses_link_id")),
        sa.UniqueConstraint("year", "panel_id", name="uq_monitoring_survey_responses_year_panel"),
    )
    with op.batch_alter_table("monitoring_survey_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_survey_responses_year"), ["year"], unique=False)

    op.create_table(
        "monitoring_survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=8), nullable=False),
        sa.Column("option", sa.String(length=40), nullable=True),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["monitoring_survey_responses.id"],
            name=op.f("fk_monitoring_survey_answers_response_id_monitoring_survey_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_survey_answers")),
    )
    with op.batch_alter_table("monitoring_survey_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_survey_answers_cube",
            ["year", "code", "country", "segment", "option", "value"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_monitoring_survey_answers_response_id"), ["response_id"], unique=False)


def downgrade() -> None:
    op.drop_table("monitoring_survey_answers")
    op.drop_table("monitoring_survey_responses")
    op.drop_table("monitoring_survey_links")
    op.drop_table("monitoring_survey_panel")
