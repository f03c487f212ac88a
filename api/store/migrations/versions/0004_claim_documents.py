"""The claim read model (each claim's public JSON); entity and claimant pages in date
order; an index of retracted claims.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim_entity") as links:
        links.add_column(sa.Column("claimed_key", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE claim_entity SET claimed_key = "
        "(SELECT claim.claimed_key FROM claim WHERE claim.id = claim_entity.claim_id)"
    )
    op.create_index(
        "ix_claim_entity_entity_claimed_key_claim",
        "claim_entity",
        ["entity_id", "claimed_key", "claim_id"],
    )
    op.create_index(
        "ix_claim_claimant_id_claimed_key_id", "claim", ["claimant_id", "claimed_key", "id"]
    )
    op.create_index(
        "ix_claim_retracted_id",
        "claim",
        ["id"],
        sqlite_where=sa.text("retracted_at IS NOT NULL"),
        postgresql_where=sa.text("retracted_at IS NOT NULL"),
    )
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
    # Filled in when the upgrade ends (api.store.documents.fill_missing), by the code
    # that then reads them.
