"""Full-text search, date ordering, and the entity index that drives claim pages.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.store import search

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim") as claim:
        claim.add_column(sa.Column("claimed_key", sa.Integer(), nullable=False, server_default="0"))
    # Day number of claimed_from, counting 0001-01-01 as day 1 (Python's date.toordinal).
    if op.get_bind().dialect.name == "sqlite":
        days = "CAST(julianday(claimed_from) - julianday('0001-01-01') AS INTEGER) + 1"
    else:
        days = "(claimed_from - DATE '0001-01-01') + 1"
    op.execute(f"UPDATE claim SET claimed_key = {days} WHERE claimed_from IS NOT NULL")
    op.create_index("ix_claim_claimed_key_id", "claim", ["claimed_key", "id"])
    op.create_index("ix_claim_entity_entity_claim", "claim_entity", ["entity_id", "claim_id"])
    search.install(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
