"""pre-arrival manifests and pass-signing keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crossborder.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customs_prearrival_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customs_prearrival_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_customs_prearrival_keys_kid")),
    )
    with op.batch_alter_table("customs_prearrival_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customs_prearrival_keys_destination"), ["destination"], unique=False)

    op.create_table(
        "customs_prearrival_manifests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_reference", sa.String(length=100), nullable=False),
        sa.Column("submitter_org_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=2), nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=False),
        sa.Column("checkpoint", sa.String(length=100), nullable=False),
        sa.Column("vehicle_plate", sa.String(length=20), nullable=False),
        sa.Column("expected_arrival", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consignments", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("pass_jti", sa.String(length=64), nullable=True),
        sa.Column("pass_token", sa.Text(), nullable=True),
        sa.Column("arrival_reason", sa.String(length=30), nullable=True),
        sa.Column("lodged_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", crossborder.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["submitter_org_id"],
            ["organisations.id"],
            name=op.f("fk_customs_prearrival_manifests_submitter_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customs_prearrival_manifests")),
        sa.UniqueConstraint("pass_jti", name=op.f("uq_customs_prearrival_manifests_pass_jti")),
        sa.UniqueConstraint("submitter_org_id", "client_reference", name="uq_prearrival_reference"),
    )
    with op.batch_alter_table("customs_prearrival_manifests", schema=None) as batch_op:
        batch_op.create_index("ix_prearrival_queue", ["destination", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customs_prearrival_manifests", schema=None) as batch_op:
        batch_op.drop_index("ix_prearrival_queue")

    op.drop_table("customs_prearrival_manifests")
    with op.batch_alter_table("customs_prearrival_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customs_prearrival_keys_destination"))

    op.drop_table("customs_prearrival_keys")
