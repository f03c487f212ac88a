"""The change feed: a `change` table whose positions follow commit order, filled from the
revision log so far; `updated_at` on claims, entities, sources and relations (claims
indexed by it), from their latest revisions.

Changes recorded before this revision carry no document (the revision log kept only what
each change altered): a feed reader fetches those resources by their `href`.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies of the rules of the day (api.writes.unit.FED and KINDS).
_KINDS = {
    "create": "created",
    "update": "updated",
    "retract": "retracted",
    "restore": "restored",
    "delete": "deleted",
}
_RESOURCES = ("claim", "entity", "source", "relation")
_KEYS = {"claim": "public_id", "entity": "slug", "source": "slug", "relation": "public_id"}


def upgrade() -> None:
    op.create_table(
        "change",
        sa.Column("id", sa.Integer()),
        sa.Column("seq", sa.BigInteger()),
        sa.Column("resource", sa.String(16), nullable=False),
        sa.Column("resource_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_change"),
        sa.UniqueConstraint("seq", name="uq_change_seq"),
    )
    # Every revision so far, in revision order (all of them are committed: no order to
    # get wrong), numbered as the history numbers them.
    kind = "CASE r.action " + " ".join(f"WHEN '{a}' THEN '{k}'" for a, k in _KINDS.items())
    listed = ", ".join(f"'{name}'" for name in _RESOURCES)
    actions = ", ".join(f"'{name}'" for name in _KINDS)
    op.execute(
        "INSERT INTO change (seq, resource, resource_key, kind, revision, at) "
        f"SELECT r.id, r.resource, r.resource_key, {kind} END, "
        "(SELECT count(*) FROM revision p WHERE p.resource = r.resource "
        "AND p.resource_key = r.resource_key AND p.id <= r.id), r.at "
        f"FROM revision r WHERE r.resource IN ({listed}) AND r.action IN ({actions}) "
        "ORDER BY r.id"
    )

    # Every resource says when it last changed: its latest revision's time, or (for what
    # a bulk load wrote, which has none) the time of this upgrade. The column starts with
    # a constant default that every row is then given a real value over.
    sqlite = op.get_bind().dialect.name == "sqlite"
    epoch = "1970-01-01 00:00:00.000000" if sqlite else "1970-01-01 00:00:00+00"
    now = "strftime('%Y-%m-%d %H:%M:%f000', 'now')" if sqlite else "now()"
    for table, key in _KEYS.items():
        op.add_column(
            table,
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.text(f"'{epoch}'"),
            ),
        )
        op.execute(
            f"UPDATE {table} SET updated_at = COALESCE((SELECT max(r.at) FROM revision r "
            f"WHERE r.resource = '{table}' AND r.resource_key = {table}.{key}), {now})"
        )
    op.create_index("ix_claim_updated_at_id", "claim", ["updated_at", "id"])
    # Claim documents show `updated_at` now: the upgrade renders them again.
    op.execute("DELETE FROM claim_document")
