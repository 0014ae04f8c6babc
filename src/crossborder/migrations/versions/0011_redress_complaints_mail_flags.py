"""redress complaints and online dispute resolution, the e-mail outbox, flags to trust-mark operators

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 00:12:26.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_outbox_dedupe_key")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "trust_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_org_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("source_ref", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_org_id"], ["organisations.id"], name=op.f("fk_trust_flags_issuer_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_flags")),
        sa.UniqueConstraint("issuer_org_id", "source_ref", "reason", name="uq_trust_flags_source"),
    )
    with op.batch_alter_table("trust_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_flags_issuer_org_id"), ["issuer_org_id"], unique=False)

    op.create_table(
        "redress_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_terms", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consumer_name", sa.String(length=200), nullable=False),
        sa.Column("consumer_email", sa.String(length=254), nullable=False),
        sa.Column("consumer_country", sa.String(length=8), nullable=False),
        sa.Column("seller_name", sa.String(length=200), nullable=False),
        sa.Column("seller_url", sa.String(length=300), nullable=True),
        sa.Column("seller_email", sa.String(length=254), nullable=True),
        sa.Column("seller_country", sa.String(length=8), nullable=False),
        sa.Column("seller_business_id", sa.String(length=16), nullable=True),
        sa.Column("seller_org_id", sa.Integer(), nullable=True),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("amount", crossborder.core.db.ExactDecimal(20, 4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("remedy", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("handling_country", sa.String(length=8), nullable=False),
        sa.Column("neutral_user_id", sa.Integer(), nullable=True),
        sa.Column("stage_started_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seller_due_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seller_responded_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("settlement_document", sa.Text(), nullable=True),
        sa.Column("settlement_signature_id", sa.String(length=64), nullable=True),
        sa.Column("settlement_signature", sa.Text(), nullable=True),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("filed_month", sa.String(length=7), nullable=False),
        sa.Column("closed_month", sa.String(length=7), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["neutral_user_id"], ["users.id"], name=op.f("fk_redress_cases_neutral_user_id_users")),
        sa.ForeignKeyConstraint(
            ["seller_org_id"], ["organisations.id"], name=op.f("fk_redress_cases_seller_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_cases")),
        sa.UniqueConstraint("consumer_email", "client_reference", name="uq_redress_cases_client_reference"),
        sa.UniqueConstraint("reference", name=op.f("uq_redress_cases_reference")),
    )
    with op.batch_alter_table("redress_cases", schema=None) as batch_op:
        batch_op.create_index("ix_redress_cases_countries", ["consumer_country", "seller_country"], unique=False)
        batch_op.create_index(
            "ix_redress_cases_dashboard",
            ["consumer_country", "seller_country", "category", "stage", "outcome", "filed_month", "closed_month",
             "resolution_minutes", "created_at"],
            unique=False,
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_redress_cases_seller_business_id"), ["seller_business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_redress_cases_seller_org_id"), ["seller_org_id"], unique=False)
        batch_op.create_index("ix_redress_cases_stage_due", ["stage", "due_at"], unique=False)

    op.create_table(
        "redress_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_country", sa.String(length=8), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("amount", crossborder.core.db.ExactDecimal(20, 4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("refers_to", sa.Integer(), nullable=True),
        sa.Column("authorities_only", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["redress_cases.id"], name=op.f("fk_redress_case_events_case_id_redress_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_case_events")),
    )
    with op.batch_alter_table("redress_case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redress_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "redress_case_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["redress_cases.id"], name=op.f("fk_redress_case_evidence_case_id_redress_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_case_evidence")),
    )
    with op.batch_alter_table("redress_case_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redress_case_evidence_case_id"), ["case_id"], unique=False)

    op.create_table(
        "redress_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["redress_cases.id"], name=op.f("fk_redress_notifications_case_id_redress_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_notifications")),
    )
    with op.batch_alter_table("redress_notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redress_notifications_audience"), ["audience"], unique=False)
        batch_op.create_index(batch_op.f("ix_redress_notifications_case_id"), ["case_id"], unique=False)

    op.create_table(
        "redress_party_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["redress_cases.id"], name=op.f("fk_redress_party_links_case_id_redress_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redress_party_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_redress_party_links_token_hash")),
    )
    with op.batch_alter_table("redress_party_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redress_party_links_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("redress_party_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redress_party_links_case_id"))

    op.drop_table("redress_party_links")
    with op.batch_alter_table("redress_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redress_notifications_case_id"))
        batch_op.drop_index(batch_op.f("ix_redress_notifications_audience"))

    op.drop_table("redress_notifications")
    with op.batch_alter_table("redress_case_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redress_case_evidence_case_id"))

    op.drop_table("redress_case_evidence")
    with op.batch_alter_table("redress_case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redress_case_events_case_id"))

    op.drop_table("redress_case_events")
    with op.batch_alter_table("redress_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_redress_cases_stage_due")
        batch_op.drop_index("ix_redress_cases_dashboard")
        batch_op.drop_index(batch_op.f("ix_redress_cases_seller_org_id"))
        batch_op.drop_index(batch_op.f("ix_redress_cases_seller_business_id"))
        batch_op.drop_index("ix_redress_cases_countries")

    op.drop_table("redress_cases")
    with op.batch_alter_table("trust_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_flags_issuer_org_id"))

    op.drop_table("trust_flags")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_due")

    op.drop_table("mail_outbox")
