"""Claims' JSON shows their retraction: every stored document is rendered again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The documents' shape changed; the upgrade renders them again when it ends.
    op.execute("DELETE FROM claim_document")
