"""Core schema: entities and their names, sources and held texts, claims and their links.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("description", sa.String(2000)),
        sa.UniqueConstraint("slug", name="uq_entity_slug"),
    )
    op.create_index("ix_entity_kind", "entity", ["kind"])
    op.create_table(
        "entity_name",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entity_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_entity_name_entity_id_entity", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("folded", sa.String(300), nullable=False),
        sa.Column("is_alias", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("folded", name="uq_entity_name_folded"),
    )
    op.create_index("ix_entity_name_entity_id", "entity_name", ["entity_id"])
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("date_inferred", sa.Boolean(), nullable=False),
        sa.Column("date_note", sa.String(1000)),
        sa.Column("url", sa.String(2000)),
        sa.Column(
            "publisher_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_source_publisher_id_entity"),
        ),
        sa.Column("text_sha256", sa.String(64)),
        sa.UniqueConstraint("slug", name="uq_source_slug"),
    )
    op.create_index("ix_source_publisher_id", "source", ["publisher_id"])
    op.create_table(
        "source_text",
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_source_text_source_id_source", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(120), nullable=False),
        sa.Column("statement", sa.String(1000), nullable=False),
        sa.Column(
            "quote_source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_claim_quote_source_id_source"),
            nullable=False,
        ),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("quote_text", sa.Text(), nullable=False),
        sa.Column(
            "claimant_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_claim_claimant_id_entity"),
            nullable=False,
        ),
        sa.Column("claimed_on", sa.String(10)),
        sa.Column("claimed_from", sa.Date()),
        sa.Column("claimed_to", sa.Date()),
        sa.Column("event_date", sa.String(10)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("speech", sa.String(16), nullable=False),
        sa.Column("quantity_value", sa.Float()),
        sa.Column("quantity_unit", sa.String(200)),
        sa.Column("quantity_qualifier", sa.String(100)),
        sa.Column("quantity_text", sa.String(300)),
        sa.UniqueConstraint("public_id", name="uq_claim_public_id"),
    )
    op.create_index("ix_claim_quote_source_id", "claim", ["quote_source_id"])
    op.create_index("ix_claim_claimant_id_id", "claim", ["claimant_id", "id"])
    op.create_index("ix_claim_status_id", "claim", ["status", "id"])
    op.create_index("ix_claim_claimed_from", "claim", ["claimed_from"])
    op.create_table(
        "claim_entity",
        sa.Column(
            "claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_claim_entity_claim_id_claim", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "entity_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_claim_entity_entity_id_entity"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(16), primary_key=True),
    )
    op.create_index(
        "ix_claim_entity_entity_role_claim", "claim_entity", ["entity_id", "role", "claim_id"]
    )
    op.create_table(
        "attribution_hop",
        sa.Column(
            "claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_attribution_hop_claim_id_claim", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_attribution_hop_source_id_source"),
        ),
        sa.Column(
            "entity_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_attribution_hop_entity_id_entity"),
        ),
        sa.Column("verb", sa.String(16), nullable=False),
    )
    op.create_index("ix_attribution_hop_entity_id", "attribution_hop", ["entity_id"])
    op.create_index("ix_attribution_hop_source_claim", "attribution_hop", ["source_id", "claim_id"])
