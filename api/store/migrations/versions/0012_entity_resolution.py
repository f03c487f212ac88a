"""One person, one entity: what the resolver and merges need.

- `entity.source_id`: an unnamed source (kind `anonymous`) belongs to its source;
- `entity.merged_into_id`: a merged entity redirects to the one kept;
- `entity_key`: the keys the resolver finds candidates by (filled for the entities held
  by `api.store.entity_keys.fill_missing`, which `claims migrate` runs after the upgrade);
- `entity_identifier`: `same_as` URIs, a Wikidata id indexed apart;
- `entity_role`: roles an entity held, by folded title;
- `entity_merge`: each merge and what it moved, so it can be undone.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _entity(column: str, table: str, cascade: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(
            "entity.id",
            name=f"fk_{table}_{column}_entity",
            ondelete="CASCADE" if cascade else None,
        ),
        nullable=False,
    )


_NEW_COLUMNS = (
    ("source_id", "fk_entity_source_id_source", "source"),
    ("merged_into_id", "fk_entity_merged_into_id_entity", "entity"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch would copy the table,
        # which the tables pointing at entities (with foreign keys on) do not allow.
        for column, name, table in _NEW_COLUMNS:
            op.execute(
                f"ALTER TABLE entity ADD COLUMN {column} INTEGER "
                f"CONSTRAINT {name} REFERENCES {table} (id)"
            )
    else:
        for column, name, table in _NEW_COLUMNS:
            op.add_column("entity", sa.Column(column, sa.Integer()))
            op.create_foreign_key(name, "entity", table, [column], ["id"])
    op.create_index("ix_entity_source_id", "entity", ["source_id"])
    op.create_index("ix_entity_merged_into_id", "entity", ["merged_into_id"])

    op.create_table(
        "entity_key",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column(
            "entity_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_entity_key_entity_id_entity", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_entity_key_entity_id", "entity_key", ["entity_id"])

    op.create_table(
        "entity_identifier",
        sa.Column("id", sa.Integer(), primary_key=True),
        _entity("entity_id", "entity_identifier"),
        sa.Column("uri", sa.String(500), nullable=False),
        sa.Column("wikidata", sa.String(20)),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.UniqueConstraint("uri", name="uq_entity_identifier_uri"),
    )
    op.create_index("ix_entity_identifier_entity_id", "entity_identifier", ["entity_id"])
    op.create_index("ix_entity_identifier_wikidata", "entity_identifier", ["wikidata"])

    op.create_table(
        "entity_role",
        sa.Column("id", sa.Integer(), primary_key=True),
        _entity("entity_id", "entity_role"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("folded", sa.String(200), nullable=False),
        sa.Column("since", sa.String(10)),
        sa.Column("until", sa.String(10)),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_entity_role_entity_id", "entity_role", ["entity_id"])
    op.create_index("ix_entity_role_folded", "entity_role", ["folded"])

    op.create_table(
        "entity_merge",
        sa.Column("id", sa.Integer(), primary_key=True),
        _entity("entity_id", "entity_merge", cascade=False),
        _entity("into_id", "entity_merge", cascade=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", sa.String(100), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("restored_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_entity_merge_entity_id", "entity_merge", ["entity_id"])
    op.create_index("ix_entity_merge_into_id", "entity_merge", ["into_id"])


def downgrade() -> None:
    for table in ("entity_merge", "entity_role", "entity_identifier", "entity_key"):
        op.drop_table(table)
    with op.batch_alter_table("entity") as entity:
        entity.drop_index("ix_entity_merged_into_id")
        entity.drop_index("ix_entity_source_id")
        entity.drop_constraint("fk_entity_merged_into_id_entity", type_="foreignkey")
        entity.drop_constraint("fk_entity_source_id_source", type_="foreignkey")
        entity.drop_column("merged_into_id")
        entity.drop_column("source_id")
