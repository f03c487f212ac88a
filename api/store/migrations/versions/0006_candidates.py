"""The review queue: candidates extracted from held texts, with their review.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_candidate_source_id_source", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("quote_text", sa.Text(), nullable=False),
        sa.Column("claimant", sa.Text()),
        sa.Column("claimant_kind", sa.String(32)),
        sa.Column("cue", sa.Text(), nullable=False),
        sa.Column("cue_start", sa.Integer(), nullable=False),
        sa.Column("speech", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_on", sa.String(10)),
        sa.Column("attribution", sa.JSON(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("reviewed_by", sa.String(100)),
        sa.Column("reason", sa.Text()),
        sa.Column(
            "claim_id", sa.Integer(), sa.ForeignKey("claim.id", name="fk_candidate_claim_id_claim")
        ),
        # Ids are public: a replaced candidate's id is never given to another.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_candidate_source_id_state_id", "candidate", ["source_id", "state", "id"])
    op.create_index("ix_candidate_source_id_id", "candidate", ["source_id", "id"])
    op.create_index("ix_candidate_state_id", "candidate", ["state", "id"])
    op.create_index("ix_candidate_claim_id", "candidate", ["claim_id"])
