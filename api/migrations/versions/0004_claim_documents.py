"""The claim read model: each claim's public JSON, stored beside its tables.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api import documents

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_document",
        sa.Column(
            "claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_claim_document_claim_id_claim", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("body", sa.Text(), nullable=False),
    )
    # Rendered by today's code: a later change to the documents' shape rebuilds them
    # in its own migration.
    documents.rebuild(op.get_bind())
