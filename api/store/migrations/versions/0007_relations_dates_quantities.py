"""Relations between claims; event dates, date keys for both orders and timelines; what a
writer stated as against a derived `disputed`; quantity ranges; numbers searchable as
written plain. The claim documents change shape, so they are rendered again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 2000

# Frozen copies of the rules of the day (models.base.date_keys, api.store.search.
# indexed_text): a migration must do what it did when it was written.
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d,])")
_SEPARATOR = re.compile(r"[,\u00a0\u202f ]")


def _bounds(value: str | None) -> tuple[date | None, date | None]:
    match = _DATE.fullmatch(value or "")
    if match is None:
        return None, None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day), date(year, month, day)


def _key(day: date | None) -> int:
    return day.toordinal() if day else 0


def _indexed(statement: str, quote: str) -> str:
    text = f"{statement}\n{quote}"
    plain = _GROUPED.sub(lambda m: _SEPARATOR.sub("", m.group(0)), text)
    return text if plain == text else f"{text}\n{plain}"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table("claim") as claim:
        claim.add_column(
            sa.Column("claimed_on_inferred", sa.Boolean(), nullable=False, server_default="0")
        )
        claim.add_column(
            sa.Column("claimed_end_key", sa.Integer(), nullable=False, server_default="0")
        )
        claim.add_column(
            sa.Column("event_date_inferred", sa.Boolean(), nullable=False, server_default="0")
        )
        claim.add_column(sa.Column("event_from", sa.Date()))
        claim.add_column(sa.Column("event_to", sa.Date()))
        claim.add_column(sa.Column("event_key", sa.Integer(), nullable=False, server_default="0"))
        claim.add_column(
            sa.Column("event_end_key", sa.Integer(), nullable=False, server_default="0")
        )
        claim.add_column(
            sa.Column("stated_status", sa.String(16), nullable=False, server_default="reported")
        )
        claim.add_column(sa.Column("quantity_low", sa.Float()))
        claim.add_column(sa.Column("quantity_high", sa.Float()))
        claim.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("claim_entity") as links:
        links.add_column(
            sa.Column("claimed_end_key", sa.Integer(), nullable=False, server_default="0")
        )
        links.add_column(
            sa.Column("when_end_key", sa.Integer(), nullable=False, server_default="0")
        )

    # `disputed` now follows from relations, and there are none yet: what was set by hand
    # becomes a plain report until a relation says otherwise.
    op.execute(
        "UPDATE claim SET stated_status = CASE WHEN status = 'disputed' THEN 'reported' "
        "ELSE status END"
    )
    op.execute("UPDATE claim SET status = stated_status")
    claim_table = sa.table(
        "claim",
        sa.column("id", sa.Integer()),
        sa.column("statement", sa.Text()),
        sa.column("quote_text", sa.Text()),
        sa.column("claimed_on", sa.String()),
        sa.column("event_date", sa.String()),
        sa.column("claimed_end_key", sa.Integer()),
        sa.column("event_from", sa.Date()),
        sa.column("event_to", sa.Date()),
        sa.column("event_key", sa.Integer()),
        sa.column("event_end_key", sa.Integer()),
        sa.column("search_text", sa.Text()),
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(
                claim_table.c.id,
                claim_table.c.statement,
                claim_table.c.quote_text,
                claim_table.c.claimed_on,
                claim_table.c.event_date,
            )
            .where(claim_table.c.id > after)
            .order_by(claim_table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        values = []
        for row in rows:
            claimed = _bounds(row.claimed_on)
            event = _bounds(row.event_date)
            values.append(
                {
                    "row_id": row.id,
                    "claimed_end_key": _key(claimed[1]),
                    "event_from": event[0],
                    "event_to": event[1],
                    "event_key": _key(event[0]),
                    "event_end_key": _key(event[1]),
                    "search_text": _indexed(row.statement, row.quote_text),
                }
            )
        bind.execute(
            claim_table.update()
            .where(claim_table.c.id == sa.bindparam("row_id"))
            .values(
                claimed_end_key=sa.bindparam("claimed_end_key"),
                event_from=sa.bindparam("event_from"),
                event_to=sa.bindparam("event_to"),
                event_key=sa.bindparam("event_key"),
                event_end_key=sa.bindparam("event_end_key"),
                search_text=sa.bindparam("search_text"),
            ),
            values,
        )
        after = rows[-1].id
    op.execute(
        "UPDATE claim_entity SET "
        "claimed_end_key = (SELECT claim.claimed_end_key FROM claim "
        "WHERE claim.id = claim_entity.claim_id), "
        "when_end_key = (SELECT CASE WHEN claim.event_date IS NOT NULL THEN claim.event_end_key "
        "ELSE claim.claimed_end_key END FROM claim WHERE claim.id = claim_entity.claim_id)"
    )

    op.create_index(
        "ix_claim_claimant_id_claimed_end_key_id", "claim", ["claimant_id", "claimed_end_key", "id"]
    )
    op.create_index("ix_claim_claimed_end_key_id", "claim", ["claimed_end_key", "id"])
    op.create_index("ix_claim_event_key_id", "claim", ["event_key", "id"])
    op.create_index("ix_claim_event_end_key_id", "claim", ["event_end_key", "id"])
    op.create_index("ix_claim_quantity_unit_id", "claim", ["quantity_unit", "id"])
    op.create_index(
        "ix_claim_entity_entity_claimed_end_key_claim",
        "claim_entity",
        ["entity_id", "claimed_end_key", "claim_id"],
    )
    op.create_index(
        "ix_claim_entity_entity_when_end_key_claim",
        "claim_entity",
        ["entity_id", "when_end_key", "claim_id"],
    )

    op.create_table(
        "relation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(120), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column(
            "from_claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_relation_from_claim_id_claim", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "to_claim_id",
            sa.Integer(),
            sa.ForeignKey("claim.id", name="fk_relation_to_claim_id_claim", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", name="fk_relation_source_id_source"),
        ),
        sa.Column("analyst", sa.String(100)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True)),
        sa.Column("retracted_by", sa.String(100)),
        sa.Column("retraction_reason", sa.Text()),
        sa.UniqueConstraint("public_id", name="uq_relation_public_id"),
        sa.UniqueConstraint("from_claim_id", "to_claim_id", "type", name="uq_relation_link"),
    )
    op.create_index("ix_relation_from_claim_id_id", "relation", ["from_claim_id", "id"])
    op.create_index("ix_relation_to_claim_id_id", "relation", ["to_claim_id", "id"])
    op.create_index("ix_relation_type_id", "relation", ["type", "id"])
    op.create_table(
        "relation_entity",
        sa.Column(
            "entity_id",
            sa.Integer(),
            sa.ForeignKey("entity.id", name="fk_relation_entity_entity_id_entity"),
            nullable=False,
        ),
        sa.Column(
            "relation_id",
            sa.Integer(),
            sa.ForeignKey(
                "relation.id", name="fk_relation_entity_relation_id_relation", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("entity_id", "relation_id", name="pk_relation_entity"),
    )
    op.create_index("ix_relation_entity_relation_id", "relation_entity", ["relation_id"])

    # Full-text search reads `search_text` now.
    if sqlite:
        for trigger in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS claim_fts")
        op.execute(
            "CREATE VIRTUAL TABLE claim_fts USING fts5(search_text, content='claim', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER claim_fts_insert AFTER INSERT ON claim BEGIN "
            "INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER claim_fts_delete AFTER DELETE ON claim BEGIN "
            "INSERT INTO claim_fts(claim_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER claim_fts_update AFTER UPDATE OF search_text ON claim BEGIN "
            "INSERT INTO claim_fts(claim_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    else:
        op.execute("DROP INDEX IF EXISTS ix_claim_search")
        op.execute("ALTER TABLE claim DROP COLUMN IF EXISTS search")
        op.execute(
            "ALTER TABLE claim ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_claim_search ON claim USING gin (search)")

    # The claims' JSON changes shape; the upgrade renders them again when it ends.
    op.execute("DELETE FROM claim_document")
