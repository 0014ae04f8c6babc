"""declaration documents: the trade documents a customs declaration points to

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customs_declaration_documents",
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("invoice_document_id", sa.String(length=36), nullable=True),
        sa.Column("origin_document_id", sa.String(length=36), nullable=True),
        sa.Column("origin_evidence", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["customs_declarations.id"],
            name=op.f("fk_customs_declaration_documents_declaration_id_customs_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_document_id"],
            ["documents.id"],
            name=op.f("fk_customs_declaration_documents_invoice_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["origin_document_id"],
            ["documents.id"],
            name=op.f("fk_customs_declaration_documents_origin_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_customs_declaration_documents")),
    )


def downgrade() -> None:
    op.drop_table("customs_declaration_documents")
