"""Claim matching: the store's matching thresholds (`match_setting`), and clusters of
claims joined by standing `restates` relations (`claim_cluster`), filled from the
relations held. Every claim's JSON gains `cluster`, so the documents are dropped and the
upgrade renders them again (`api.store.migrate.upgrade`).

Revision ID: 0011
Revises: 0009 (re-chained after 0010 at merge)
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_setting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("suggest", sa.Float(), nullable=False),
        sa.Column("link", sa.Float(), nullable=False),
        sa.Column("link_across_claimants", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "claim_cluster",
        sa.Column(
            "claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_claim_cluster_claim_id_claim", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "anchor_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_claim_cluster_anchor_id_claim", ondelete="CASCADE"),
            nullable=False,
        ),
    )
    op.create_index("ix_claim_cluster_anchor_id", "claim_cluster", ["anchor_id"])
    _fill_clusters()
    # Every claim's JSON now carries `cluster`: rendered again by the upgrade.
    op.execute("DELETE FROM claim_document")


def _fill_clusters() -> None:
    """The clusters the standing `restates` relations held make (a frozen copy of the
    rule of the day, `api.writes.clusters`)."""
    bind = op.get_bind()
    pairs = bind.execute(
        sa.text(
            "SELECT r.from_claim_id, r.to_claim_id FROM relation r "
            "JOIN claim a ON a.id = r.from_claim_id JOIN claim b ON b.id = r.to_claim_id "
            "WHERE r.type = 'restates' AND r.retracted_at IS NULL "
            "AND a.retracted_at IS NULL AND b.retracted_at IS NULL"
        )
    ).all()
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for claim_id in list(parent):
        groups[find(claim_id)].append(claim_id)
    rows = [
        {"claim_id": member, "anchor_id": min(members)}
        for members in groups.values()
        if len(members) > 1
        for member in members
    ]
    if rows:
        table = sa.table("claim_cluster", sa.column("claim_id"), sa.column("anchor_id"))
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_claim_cluster_anchor_id", table_name="claim_cluster")
    op.drop_table("claim_cluster")
    op.drop_table("match_setting")
    op.execute("DELETE FROM claim_document")
