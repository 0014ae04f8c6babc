"""trust business register and e-signatures

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_businesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regional_id", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("national_number", sa.String(length=40), nullable=False),
        sa.Column("number_validator", sa.String(length=40), nullable=True),
        sa.Column("format_checked", sa.Boolean(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("registered_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deregistered_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deregistration_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_trust_businesses_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_businesses")),
        sa.UniqueConstraint("country", "national_number", name="uq_trust_businesses_national"),
        sa.UniqueConstraint("regional_id", name=op.f("uq_trust_businesses_regional_id")),
    )
    with op.batch_alter_table("trust_businesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_businesses_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_trust_businesses_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "trust_business_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_pk", sa.Integer(), nullable=False),
        sa.Column("at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_pk"],
            ["trust_businesses.id"],
            name=op.f("fk_trust_business_history_business_pk_trust_businesses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_business_history")),
    )
    with op.batch_alter_table("trust_business_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_business_history_business_pk"), ["business_pk"], unique=False)

    op.create_table(
        "trust_signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_trust_signing_keys_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_signing_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_trust_signing_keys_kid")),
    )
    with op.batch_alter_table("trust_signing_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_signing_keys_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "trust_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=True),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("digest_alg", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("media_type", sa.String(length=127), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("signed_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_trust_signatures_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_signatures")),
        sa.UniqueConstraint("organisation_id", "client_reference", name="uq_trust_signatures_reference"),
        sa.UniqueConstraint("signature_id", name=op.f("uq_trust_signatures_signature_id")),
    )
    with op.batch_alter_table("trust_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trust_signatures_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_trust_signatures_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trust_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_signatures_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_trust_signatures_digest"))

    op.drop_table("trust_signatures")
    with op.batch_alter_table("trust_signing_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_signing_keys_organisation_id"))

    op.drop_table("trust_signing_keys")
    with op.batch_alter_table("trust_business_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_business_history_business_pk"))

    op.drop_table("trust_business_history")
    with op.batch_alter_table("trust_businesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_businesses_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_trust_businesses_country"))

    op.drop_table("trust_businesses")
