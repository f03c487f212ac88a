"""Full-text search over claims, one interface above two engines.

SQLite: an FTS5 index over statement and quote, kept in sync with `claim` by triggers.
PostgreSQL: a generated tsvector column with a GIN index. Both stem English words, so
`q=battalion` finds "battalions"; every word of `q` must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Double,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.sql.elements import ColumnElement

_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_DDL = [
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
SQLITE_TRIGGERS = ("claim_fts_insert", "claim_fts_delete", "claim_fts_update")

POSTGRES_DDL = [
    """ALTER TABLE claim ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
        to_tsvector('english', statement || ' ' || quote_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_claim_search ON claim USING gin (search)",
]

_fts = table("claim_fts", column("rowid"), column("rank"))


def words_of(text: str | None) -> list[str]:
    """The searchable words of a `q` parameter."""
    return _WORD.findall(text or "")


def install(connection: Connection) -> None:
    """Create the search index for this engine (idempotent)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)


def suspend(connection: Connection) -> None:
    """Stop per-row index upkeep before a bulk load (SQLite; PostgreSQL needs nothing)."""
    if connection.dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")


def resume(connection: Connection) -> None:
    """Rebuild the index in one pass after a bulk load, and restore per-row upkeep."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
        install(connection)


@dataclass(frozen=True)
class Match:
    """How to find claims matching some words: a driving source of ids with a rank."""

    ids: Any  # a selectable of matching claim ids (column `id`) and their `rank`
    condition: ColumnElement[bool]  # the same test, as a condition on `claim.id`


def match(dialect: str, words: list[str]) -> Match:
    """Claims containing every word; `rank` orders best first (lower is better)."""
    if dialect == "sqlite":
        query = " ".join(f'"{word}"' for word in words)
        matched = literal_column("claim_fts").op("MATCH")(bindparam("fts_query", query))
        ids = (
            select(_fts.c.rowid.label("id"), _fts.c.rank.label("rank"))
            .where(matched)
            .subquery("matches")
        )
        condition = literal_column("claim.id").in_(select(_fts.c.rowid).where(matched))
        return Match(ids=ids, condition=condition)
    tsquery = func.plainto_tsquery("english", bindparam("fts_query", " ".join(words)))
    search: ColumnElement[Any] = literal_column("claim.search")
    ids = (
        select(
            literal_column("claim.id").label("id"),
            # ts_rank_cd is a 4-byte real; as a double it survives the trip through a cursor.
            cast(-func.ts_rank_cd(search, tsquery), Double()).label("rank"),
        )
        .select_from(table("claim"))
        .where(search.op("@@")(tsquery))
        .subquery("matches")
    )
    return Match(ids=ids, condition=search.op("@@")(tsquery))
