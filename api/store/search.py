"""Full-text search over claims, one interface above two engines.

SQLite: an FTS5 index over `claim.search_text` (the statement and the quote, numbers also
written plain), kept in sync by triggers. PostgreSQL: a generated tsvector column over the
same text, with a GIN index. Both stem English words, so `q=battalion` finds "battalions";
every word of `q` must match.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection

_WORD = re.compile(r"\w+", re.UNICODE)

# Both engines index `claim.search_text` (`indexed_text`): the statement and the quote.
SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS claim_fts USING fts5(
        search_text, content='claim', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_insert AFTER INSERT ON claim BEGIN
        INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_delete AFTER DELETE ON claim BEGIN
        INSERT INTO claim_fts(claim_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS claim_fts_update AFTER UPDATE OF search_text ON claim BEGIN
        INSERT INTO claim_fts(claim_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_TRIGGERS = ("claim_fts_insert", "claim_fts_delete", "claim_fts_update")

POSTGRES_DDL = [
    """ALTER TABLE claim ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
        to_tsvector('english', search_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_claim_search ON claim USING gin (search)",
]

# A number written with thousands separators: 1,000 or 12 500 (a space, or a narrow or
# non-breaking one).
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d,])")
_SEPARATOR = re.compile(r"[,\u00a0\u202f ]")
# What every match of _GROUPED holds: a quick search rules most texts out, where _GROUPED's
# lookbehind at every position costs about four times as much.
_MAYBE_GROUPED = re.compile(r"\d[,\u00a0\u202f ]\d{3}")


def plain_numbers(text: str) -> str:
    """Every grouped number written plain: "more than 1,000" reads "more than 1000"."""
    if not _MAYBE_GROUPED.search(text):
        return text
    return _GROUPED.sub(lambda match: _SEPARATOR.sub("", match.group(0)), text)


def indexed_text(statement: str, quote: str) -> str:
    """What the full-text index holds for a claim: its statement and quote, and, where
    they group a number's digits, that number written plain too, so `q=1000` finds
    "1,000" (FTS5 and PostgreSQL both split a grouped number at its separators)."""
    text = f"{statement}\n{quote}"
    plain = plain_numbers(text)
    return text if plain == text else f"{text}\n{plain}"


# The English stop words PostgreSQL's `english` configuration leaves out of its index
# (Snowball's list, as PostgreSQL ships it). FTS5 indexes every word, so `q` drops these on
# both engines: `q=the` is "no words to search for" everywhere, not a match on one engine
# and nothing on the other.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905  (a word list reads better as text)
)


def terms(text: str | None) -> list[str]:
    """Every word of a text, as written."""
    return list(_WORD.findall(text or ""))


def words_of(text: str | None) -> list[str]:
    """The words of a `q` parameter the full-text index can find: numbers written plain,
    less the stop words."""
    return [word for word in terms(plain_numbers(text or "")) if word.casefold() not in STOP_WORDS]


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


# --- matching, as SQL text for `api.queries.claim_list` -------------------------------------------
# Each engine's statements take the words as one parameter, `:fts` (see `query_text`).

_PG_QUERY = "plainto_tsquery('english', :fts)"


def query_text(dialect: str, words: list[str]) -> str:
    """The `:fts` parameter: FTS5 wants each word quoted (so `AND` is a word, not an
    operator); PostgreSQL's plainto_tsquery takes plain text."""
    if dialect == "sqlite":
        return " ".join(f'"{word}"' for word in words)
    return " ".join(words)


def driving(dialect: str) -> tuple[str, str, str, bool]:
    """(FROM clause, rank expression, claim id expression, whether the FROM holds the
    claim row) of a search-driven list.

    On SQLite the FTS5 table leads, so pages in claim order come straight from its rowid
    order; rank is bm25 (lower is better). PostgreSQL ranks with ts_rank_cd, negated so
    lower is better there too, as a double so it survives the trip through a cursor.
    """
    if dialect == "sqlite":
        return "claim_fts", "claim_fts.rank", "claim_fts.rowid", False
    rank = f"CAST(-ts_rank_cd(claim.search, {_PG_QUERY}) AS double precision)"
    return "claim", rank, "claim.id", True


def window_bound(dialect: str) -> str:
    """The id of the oldest of the newest `:rank_window + 1` matches: the floor of the
    window `sort=relevance` ranks; no row when fewer match (then every match is ranked).

    It scores none of the matches: FTS5 reads its doclist backwards and stops at the
    floor. PostgreSQL reads every match's id through the GIN index (`id + 0` keeps it
    from walking the primary key backwards and testing each claim's tsvector, which its
    planner prices far too low: 44 ms against 9 for a word on 1% of a million claims).
    Sent on its own, before the page, so the page's plan sees the floor as a value:
    whether a range of the primary key narrows the matches worth reading depends on it.
    """
    if dialect == "sqlite":
        return (
            "SELECT rowid FROM claim_fts WHERE claim_fts MATCH :fts "
            "ORDER BY rowid DESC LIMIT 1 OFFSET :rank_window"
        )
    return (
        f"SELECT id FROM claim WHERE search @@ {_PG_QUERY} "
        "ORDER BY id + 0 DESC LIMIT 1 OFFSET :rank_window"
    )


def window_condition(dialect: str) -> str:
    """Only the matches from the window's floor (`window_bound`) on."""
    if dialect == "sqlite":
        return "claim_fts.rowid >= :rank_floor"
    return "claim.id >= :rank_floor"


def match_condition(dialect: str) -> str:
    """The match itself, in a statement `driving` leads."""
    if dialect == "sqlite":
        return "claim_fts MATCH :fts"
    return f"claim.search @@ {_PG_QUERY}"


def condition(dialect: str, claim_id: str) -> tuple[str, bool]:
    """The match as a condition on the claim `claim_id` names, where another index
    leads; and whether it reads the claim's own row."""
    if dialect == "sqlite":
        return f"{claim_id} IN (SELECT rowid FROM claim_fts WHERE claim_fts MATCH :fts)", False
    return f"claim.search @@ {_PG_QUERY}", True


# --- matching: the claims that share the most words with a text (`api.queries.matching`) ---


def any_word(dialect: str, words: list[str]) -> str:
    """The `:fts` parameter that a claim holding any of `words` matches."""
    if dialect == "sqlite":
        return " OR ".join(f'"{word}"' for word in words)
    return " | ".join(words)  # words are \w+ runs: nothing to_tsquery reads as an operator


def nearest(dialect: str, conditions: str, reads_row: bool) -> str:
    """At most `:k` claims matching `:fts` (`any_word`), best ranked first (bm25 on
    SQLite, ts_rank_cd on PostgreSQL), narrowed by `conditions` (on `{id}`, the claim's
    id, and on `claim` where `reads_row`: SQLite then joins each match's claim row, which
    on a large store costs more than the ranking)."""
    if dialect == "sqlite":
        if not reads_row:
            found = conditions.format(id="claim_fts.rowid")
            return (
                f"SELECT claim_fts.rowid FROM claim_fts WHERE claim_fts MATCH :fts{found} "
                "ORDER BY claim_fts.rank LIMIT :k"
            )
        found = conditions.format(id="claim.id")
        return (
            "SELECT claim.id FROM claim_fts JOIN claim ON claim.id = claim_fts.rowid "
            f"WHERE claim_fts MATCH :fts{found} ORDER BY claim_fts.rank LIMIT :k"
        )
    query = "to_tsquery('english', :fts)"
    found = conditions.format(id="claim.id")
    return (
        f"SELECT claim.id FROM claim WHERE claim.search @@ {query}{found} "
        f"ORDER BY ts_rank_cd(claim.search, {query}) DESC LIMIT :k"
    )
