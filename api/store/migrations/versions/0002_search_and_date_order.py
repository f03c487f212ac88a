"""Full-text search, date ordering, and the entity index that drives claim pages.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The search index as it was made then (0007 moved it onto `claim.search_text`): a
# migration keeps doing what it did when it was written.
_SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS claim_fts USING fts5(
        statement, quote_text, content='claim', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_insert AFTER INSERT ON claim BEGIN
        INSERT INTO claim_fts(rowid, statement, quote_text)
        VALUES (new.id, new.statement, new.quote_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_delete AFTER DELETE ON claim BEGIN
        INSERT INTO claim_fts(claim_fts, rowid, statement, quote_text)
        VALUES ('delete', old.id, old.statement, old.quote_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_update
        AFTER UPDATE OF statement, quote_text ON claim BEGIN
        INSERT INTO claim_fts(claim_fts, rowid, statement, quote_text)
        VALUES ('delete', old.id, old.statement, old.quote_text);
        INSERT INTO claim_fts(rowid, statement, quote_text)
        VALUES (new.id, new.statement, new.quote_text);
    END""",
]
_POSTGRES_DDL = [
    """ALTER TABLE claim ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
        to_tsvector('english', statement || ' ' || quote_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_claim_search ON claim USING gin (search)",
]
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
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE_DDL if sqlite else _POSTGRES_DDL:
        op.execute(statement)
    if sqlite:
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
