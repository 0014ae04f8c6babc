"""trust credentials, issuer keys and status lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:23:00.555212
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=False),
        sa.Column("issuer_org_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("subject_country", sa.String(length=8), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("valid_from", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("issued_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_org_id"], ["organisations.id"], name=op.f("fk_trust_credentials_issuer_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_credentials")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_trust_credentials_credential_id")),
        sa.UniqueConstraint("issuer_org_id", "client_reference", name="uq_trust_credentials_reference"),
        sa.UniqueConstraint("issuer_org_id", "status_index", name="uq_trust_credentials_status_index"),
    )
    with op.batch_alter_table("trust_credentials", schema=None) as batch_op:
        batch_op.create_index("ix_trust_credentials_subject", ["subject_id", "scheme"], unique=False)

    op.create_table(
        "trust_issuer_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_trust_issuer_keys_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_issuer_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_trust_issuer_keys_kid")),
    )
    with op.batch_alter_table("trust_issuer_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_issuer_keys_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "trust_status_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("size_bits", sa.Integer(), nullable=False),
        sa.Column("gzipped_bits", sa.LargeBinary(), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("signed_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_trust_status_lists_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_status_lists")),
        sa.UniqueConstraint("organisation_id", "purpose", name="uq_trust_status_lists_org_purpose"),
    )
    op.create_table(
        "trust_credential_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_pk", sa.Integer(), nullable=False),
        sa.Column("at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_pk"],
            ["trust_credentials.id"],
            name=op.f("fk_trust_credential_history_credential_pk_trust_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_credential_history")),
    )
    with op.batch_alter_table("trust_credential_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_credential_history_credential_pk"), ["credential_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trust_credential_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_credential_history_credential_pk"))

    op.drop_table("trust_credential_history")
    op.drop_table("trust_status_lists")
    with op.batch_alter_table("trust_issuer_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_issuer_keys_organisation_id"))

    op.drop_table("trust_issuer_keys")
    with op.batch_alter_table("trust_credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_trust_credentials_subject")

    op.drop_table("trust_credentials")
