"""Writes: revision log, API keys, idempotent batch answers, versions and retractions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("entity", "source"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("claim") as claim:
        claim.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        claim.add_column(sa.Column("retracted_at", sa.DateTime(timezone=True)))
        claim.add_column(sa.Column("retracted_by", sa.String(100)))
        claim.add_column(sa.Column("retraction_reason", sa.Text()))
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resource", sa.String(16), nullable=False),
        sa.Column("resource_key", sa.String(120), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_revision_resource_key_id", "revision", ["resource", "resource_key", "id"])
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("name", name="uq_api_key_name"),
    )
    op.create_index("ix_api_key_prefix", "api_key", ["prefix"])
    op.create_table(
        "idempotent_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_name", sa.String(100), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "uq_idempotent_answer_key",
        "idempotent_answer",
        ["key_name", "idempotency_key"],
        unique=True,
    )
