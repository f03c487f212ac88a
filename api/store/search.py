"""Full-text search over claims: one rule for what words mean, two engines that apply it.

What a word means is decided here, in Python, once for both engines (`terms`): a text is
folded to lower case without accents ("Café" is "cafe", `folded`), cut into words
(letters and digits; anything else separates them, so "co-founder" is two words and
"Kyiv's" is "kyiv" and "s"), the English stop words PostgreSQL leaves out are dropped,
and what remains is reduced to its stem by the Snowball English stemmer ("battalions"
and "battalion" are both "battalion"). Numbers grouped with separators are also indexed
written plain, so `q=1000` finds "1,000".

Each claim's statement and quote are stored as those terms, space-separated, in
`claim.search_text` (`indexed_text`), and each engine only splits that text at the
spaces: SQLite with an FTS5 index whose `ascii` tokenizer does nothing else (kept in
sync by triggers), PostgreSQL with a generated `to_tsvector('simple', ...)` column and
a GIN index. A term that is not ASCII (a Cyrillic or Greek word) is written as `xu` and
the hex digits of its UTF-8, so neither engine's tokenizer, nor PostgreSQL's locale, can
cut it differently (an ASCII word spelt the same way, "xu" and hex digits, would match it:
none is known to be written). A query is turned into the same terms (`api.store.query_syntax`)
and sent as an FTS5 expression or a `tsquery` of those terms, so a query finds the same
claims on both engines.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter

import Stemmer
from sqlalchemy import Connection

# Both engines index `claim.search_text` (`indexed_text`): the terms of the statement and
# the quote. Nothing but the spaces between terms separates them.
SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS claim_fts USING fts5(
        search_text, content='claim', content_rowid='id', tokenize='ascii')""",
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
        to_tsvector('simple', search_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_claim_search ON claim USING gin (search)",
]

# --- ranked postings: the top-k index behind `sort=relevance` --------------------------
#
# `claim_term` holds one row per (term, claim): the claim's BM25 weight for that term,
# negated (`rank`, lower is better), in an index ordered (term, rank, claim_id). A claim's
# weight depends only on its own text (the average claim length is a constant, not a
# measure of the store), so rows never change when other claims are written, and the
# best claims for a term are the first rows of its range: a page in relevance order
# walks the index and stops after `limit + 1` rows, however many claims match.
# Triggers write a claim's rows in the same transaction as its text, on both engines.

# BM25's parameters, and the claim length weights are relative to (terms). The SQL below
# spells these very numbers, and every step of the formula is one IEEE operation done
# in the same order, so SQLite, PostgreSQL and `weight` compute bit-identical weights.
K1 = 1.2
B = 0.75
AVERAGE_TERMS = 40.0


# No weight reaches this (K1 + 1): the bound of a term not yet read in a ranking.
MAX_WEIGHT = 2.2


def weight(count: int, length: int) -> float:
    """BM25's term weight of a term written `count` times in a claim of `length` terms
    (`rank` is its negation)."""
    return count * 2.2 / (count + 1.2 * (0.25 + 0.75 * length / 40.0))


def idf(claims: int, matching: int) -> float:
    """BM25's inverse document frequency of a term on `matching` of `claims` claims
    (Lucene's form, never negative)."""
    return math.log(1 + (claims - matching + 0.5) / (matching + 0.5))


def postings(text: str) -> list[tuple[str, float]]:
    """(term, rank) of each distinct term of an indexed text (`indexed_text`), as the
    triggers write them."""
    found = text.split()
    length = len(found)
    return [(term, -weight(count, length)) for term, count in Counter(found).items()]


def _rank_sql(count: str, length: str, cast: str) -> str:
    return (
        f"-({count}{cast} * 2.2{cast} / ({count}{cast} + 1.2{cast} * "
        f"(0.25{cast} + 0.75{cast} * {length}{cast} / 40.0{cast})))"
    )


def _sqlite_postings(row: str) -> str:
    """SELECT of the (term, rank, claim_id) rows of the claim `row` (new or old): its
    text is letters, digits and single spaces, so quoting each term makes a JSON array."""
    text = f"{row}.search_text"
    length = f"(length({text}) - length(replace({text}, ' ', '')) + 1)"
    return (
        f"SELECT value, {_rank_sql('count(*)', length, '')}, {row}.id "
        f"""FROM json_each('["' || replace({text}, ' ', '","') || '"]') """
        "WHERE value <> '' GROUP BY value"
    )


_SQLITE_RANKED = [
    """CREATE TABLE IF NOT EXISTS claim_term (
        term TEXT NOT NULL, rank REAL NOT NULL, claim_id INTEGER NOT NULL,
        PRIMARY KEY (term, rank, claim_id)) WITHOUT ROWID""",
    f"""CREATE TRIGGER IF NOT EXISTS claim_term_insert AFTER INSERT ON claim BEGIN
        INSERT INTO claim_term (term, rank, claim_id) {_sqlite_postings("new")};
    END""",
    # The rows to delete are found by their whole key, computed from the old text again.
    f"""CREATE TRIGGER IF NOT EXISTS claim_term_delete AFTER DELETE ON claim BEGIN
        DELETE FROM claim_term WHERE (term, rank, claim_id) IN ({_sqlite_postings("old")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS claim_term_update AFTER UPDATE OF search_text ON claim
    WHEN old.search_text IS NOT new.search_text BEGIN
        DELETE FROM claim_term WHERE (term, rank, claim_id) IN ({_sqlite_postings("old")});
        INSERT INTO claim_term (term, rank, claim_id) {_sqlite_postings("new")};
    END""",
]
_SQLITE_RANKED_TRIGGERS = ("claim_term_insert", "claim_term_delete", "claim_term_update")

_F8 = "::float8"
_POSTGRES_RANKED = [
    """CREATE TABLE IF NOT EXISTS claim_term (
        term TEXT NOT NULL, rank DOUBLE PRECISION NOT NULL, claim_id INTEGER NOT NULL,
        CONSTRAINT pk_claim_term PRIMARY KEY (term, rank, claim_id))""",
    # A claim's rows, from its id and text.
    f"""CREATE OR REPLACE FUNCTION claim_term_rows(integer, text)
    RETURNS TABLE (term text, rank double precision, claim_id integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT w.t, {_rank_sql("count(*)", "cardinality(string_to_array($2, ' '))", _F8)}, $1
        FROM unnest(string_to_array($2, ' ')) AS w(t) WHERE w.t <> '' GROUP BY w.t
    $$""",
    # Statement-level triggers with transition tables: one set-based statement for a
    # whole COPY or multi-row statement, as for one row.
    """CREATE OR REPLACE FUNCTION claim_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO claim_term (term, rank, claim_id)
            SELECT p.* FROM new_claims n CROSS JOIN LATERAL claim_term_rows(n.id, n.search_text) p;
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM claim_term t USING (
                SELECT p.* FROM old_claims o
                CROSS JOIN LATERAL claim_term_rows(o.id, o.search_text) p
            ) gone
            WHERE t.term = gone.term AND t.rank = gone.rank AND t.claim_id = gone.claim_id;
        ELSE
            DELETE FROM claim_term t USING (
                SELECT p.* FROM old_claims o JOIN new_claims n ON n.id = o.id
                CROSS JOIN LATERAL claim_term_rows(o.id, o.search_text) p
                WHERE o.search_text IS DISTINCT FROM n.search_text
            ) gone
            WHERE t.term = gone.term AND t.rank = gone.rank AND t.claim_id = gone.claim_id;
            INSERT INTO claim_term (term, rank, claim_id)
            SELECT p.* FROM new_claims n JOIN old_claims o ON o.id = n.id
            CROSS JOIN LATERAL claim_term_rows(n.id, n.search_text) p
            WHERE o.search_text IS DISTINCT FROM n.search_text;
        END IF;
        RETURN NULL;
    END $$""",
]
_POSTGRES_RANKED_TRIGGERS = {
    "claim_term_insert": "AFTER INSERT ON claim REFERENCING NEW TABLE AS new_claims",
    "claim_term_update": (
        "AFTER UPDATE ON claim REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims"
    ),
    "claim_term_delete": "AFTER DELETE ON claim REFERENCING OLD TABLE AS old_claims",
}


def ranked_ddl(dialect: str) -> list[str]:
    """The ranked postings' table and the triggers that keep it (idempotent)."""
    if dialect == "sqlite":
        return list(_SQLITE_RANKED)
    triggers = [f"DROP TRIGGER IF EXISTS {name} ON claim" for name in _POSTGRES_RANKED_TRIGGERS] + [
        f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION claim_term_sync()"
        for name, when in _POSTGRES_RANKED_TRIGGERS.items()
    ]
    return [*_POSTGRES_RANKED, *triggers]


def ranked_drop(dialect: str) -> list[str]:
    """Statements that stop the postings' per-row upkeep (the table stays)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_RANKED_TRIGGERS]
    return [f"DROP TRIGGER IF EXISTS {name} ON claim" for name in _POSTGRES_RANKED_TRIGGERS]


# Claims read at a time while postings are written in bulk.
_BULK_BATCH = 20_000


def _write_postings(connection: Connection, after: int) -> int:
    """Write the postings of every claim whose id is above `after`, in bulk (the
    triggers are off meanwhile); returns how many it wrote."""
    if connection.dialect.name != "sqlite":
        empty = connection.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM claim_term)").scalar()
        if empty:  # an index built once at the end costs far less than one kept up per row
            connection.exec_driver_sql("ALTER TABLE claim_term DROP CONSTRAINT pk_claim_term")
        # A claim added during a bulk load and changed before it ended already has its
        # postings (the update trigger stays on): the same rows, passed over.
        written = connection.exec_driver_sql(
            "INSERT INTO claim_term (term, rank, claim_id) SELECT p.* FROM claim c "
            "CROSS JOIN LATERAL claim_term_rows(c.id, c.search_text) p WHERE c.id > %(after)s "
            "ON CONFLICT DO NOTHING",
            {"after": after},
        ).rowcount
        if empty:
            connection.exec_driver_sql(
                "ALTER TABLE claim_term ADD CONSTRAINT pk_claim_term "
                "PRIMARY KEY (term, rank, claim_id)"
            )
        connection.exec_driver_sql("ANALYZE claim_term")
        return int(written)
    # SQLite: the rows go into a scratch table as they are made, then into the index in
    # its own order (appending in key order is what a B-tree does fastest).
    connection.exec_driver_sql("DROP TABLE IF EXISTS temp.claim_term_new")
    connection.exec_driver_sql(
        "CREATE TEMP TABLE claim_term_new (term TEXT, rank REAL, claim_id INTEGER)"
    )
    written, last = 0, after
    while True:
        rows = connection.exec_driver_sql(
            "SELECT id, search_text FROM claim WHERE id > ? ORDER BY id LIMIT ?",
            (last, _BULK_BATCH),
        ).all()
        if not rows:
            break
        made = [(term, rank, row[0]) for row in rows for term, rank in postings(row[1])]
        connection.exec_driver_sql("INSERT INTO temp.claim_term_new VALUES (?, ?, ?)", made)
        written += len(made)
        last = rows[-1][0]
    connection.exec_driver_sql(  # OR IGNORE: as on PostgreSQL, rows already written
        "INSERT OR IGNORE INTO claim_term (term, rank, claim_id) "
        "SELECT term, rank, claim_id FROM temp.claim_term_new ORDER BY term, rank, claim_id"
    )
    connection.exec_driver_sql("DROP TABLE temp.claim_term_new")
    return written


# A number written with thousands separators: 1,000 or 12 500 (a space, or a narrow or
# non-breaking one).
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d,])")
_SEPARATOR = re.compile(r"[,\u00a0\u202f ]")
# What every match of _GROUPED holds: a quick search rules most texts out, where _GROUPED's
# lookbehind at every position costs about four times as much.
_MAYBE_GROUPED = re.compile(r"\d[,\u00a0\u202f ]\d{3}")

# A word: letters and digits (an underscore or a combining mark separates).
_WORD = re.compile(r"[^\W_]+")
# Accents, and the other marks a word is read the same without: the combining marks of
# Latin, Greek and Cyrillic (and the general blocks), Hebrew points, Arabic vowel marks.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# Letters that keep no accent to drop but have a plain Latin spelling.
_PLAIN = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ħ": "h"} | {
    "\u0131": "i"  # dotless i
}
_PLAIN_LETTERS = re.compile(f"[{''.join(_PLAIN)}]")
# The longest term indexed: a longer word is indexed, and looked for, by its first part
# (PostgreSQL refuses lexemes over 2,047 bytes).
MAX_TERM = 200
# The most terms one claim indexes: PostgreSQL counts positions only up to 16,383.
MAX_TERMS = 16_000
# Marks a term that is not ASCII, written in hex (see the module's docstring).
ENCODED = "xu"

# The English stop words PostgreSQL's `english` configuration leaves out of its index
# (Snowball's list, as PostgreSQL ships it). Neither engine indexes them, and `q` drops
# them: `q=the` is "no words to search for" on both.
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

# A Snowball stemmer must not be shared between threads: one per thread. What it
# makes of a word is remembered (a plain dict: the same answer whichever thread adds it).
_local = threading.local()
_known: dict[str, str] = {}
_KNOWN_MAX = 200_000


def plain_numbers(text: str) -> str:
    """Every grouped number written plain: "more than 1,000" reads "more than 1000"."""
    if not _MAYBE_GROUPED.search(text):
        return text
    return _GROUPED.sub(lambda match: _SEPARATOR.sub("", match.group(0)), text)


def folded(text: str) -> str:
    """A text in lower case, without accents or other marks ("Café" reads "cafe",
    "Київ" reads "киів"), with compatibility forms made plain ("ﬁ" reads "fi", "²" "2")."""
    if text.isascii():
        return text.lower()
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text).casefold())
    return _PLAIN_LETTERS.sub(lambda letter: _PLAIN[letter.group(0)], text)


def _term(word: str) -> str:
    """A folded word as the index holds it: its stem, its encoded form if it is not
    ASCII, or "" for a stop word."""
    if word in STOP_WORDS:
        term = ""
    elif word.isascii():
        stemmer = getattr(_local, "stemmer", None)
        if stemmer is None:
            stemmer = _local.stemmer = Stemmer.Stemmer("english")
        term = str(stemmer.stemWord(word))[:MAX_TERM]
    else:
        term = (ENCODED + word.encode().hex())[:MAX_TERM]
    if len(_known) >= _KNOWN_MAX:
        _known.clear()
    _known[word] = term
    return term


def terms(text: str | None) -> list[str]:
    """The terms of a text, in order: what the index holds and what a query looks for."""
    words = _WORD.findall(folded(text or ""))
    found = list(map(_known.get, words))
    if None in found:
        found = [
            _term(word) if term is None else term for word, term in zip(words, found, strict=True)
        ]
    return [term for term in found if term]


def words(text: str | None) -> list[str]:
    """Every word of a text, as written (for the entity name search, which is no
    full-text search)."""
    return _WORD.findall(text or "")


def indexed_text(statement: str, quote: str) -> str:
    """What the full-text index holds for a claim: the terms of its statement and quote,
    and, where they group a number's digits, of that text with the numbers written plain
    too, so `q=1000` finds "1,000"."""
    text = f"{statement}\n{quote}"
    plain = plain_numbers(text)
    found = terms(text) if plain == text else terms(text) + terms(plain)
    return " ".join(found[:MAX_TERMS])


def install(connection: Connection) -> None:
    """Create the search indexes for this engine (idempotent): the full-text index and
    the ranked postings (`claim_term`) with the triggers that keep them."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)
    for statement in ranked_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def suspend(connection: Connection) -> None:
    """Stop per-row index upkeep before a bulk load: the full-text index's triggers
    (SQLite) and the ranked postings' insert trigger (both engines). Claims already in
    the store keep their postings, and a claim changed meanwhile (the API writes between
    the load's batches) is still re-indexed as it changes; `resume` writes the postings
    of the claims added meanwhile."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    on_claim = "" if dialect == "sqlite" else " ON claim"
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS claim_term_insert{on_claim}")
    # Where the postings stop: every claim above this id is written without them.
    connection.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS claim_term_pending (after INTEGER NOT NULL)"
    )
    connection.exec_driver_sql(
        "INSERT INTO claim_term_pending (after) SELECT coalesce(max(id), 0) FROM claim "
        "WHERE NOT EXISTS (SELECT 1 FROM claim_term_pending)"
    )


def resume(connection: Connection) -> None:
    """After a bulk load: rebuild the full-text index in one pass (SQLite), write the
    postings of the claims added since `suspend`, and restore per-row upkeep."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    pending = (
        connection.exec_driver_sql("SELECT min(after) FROM claim_term_pending").scalar()
        if _has_pending(connection)
        else None
    )
    if pending is not None:
        _write_postings(connection, int(pending))
        connection.exec_driver_sql("DROP TABLE claim_term_pending")
    install(connection)


def rebuild(connection: Connection) -> int:
    """Rebuild the search indexes from every claim's indexed text (`claims reindex`):
    the ranked postings, written afresh, and on SQLite the full-text index; then restore
    the triggers that keep both. What a lost, damaged or deleted `claim_term`, or a bulk
    load killed before it could `resume`, is mended by. Returns how many postings it wrote."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DDL:  # the full-text index, made again if it was dropped
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    for statement in ranked_drop(dialect):
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("DROP TABLE IF EXISTS claim_term")
    connection.exec_driver_sql("DROP TABLE IF EXISTS claim_term_pending")
    install(connection)
    for statement in ranked_drop(dialect):  # no per-row upkeep while it fills
        connection.exec_driver_sql(statement)
    written = _write_postings(connection, 0)
    install(connection)
    return written


def _has_pending(connection: Connection) -> bool:
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'claim_term_pending'"
        ).first()
    else:
        found = connection.exec_driver_sql("SELECT to_regclass('claim_term_pending')").scalar()
    return bool(found)


# --- matching, as SQL text for `api.queries.claim_list` -------------------------------
# Each engine's statements take the query as one parameter, `:fts`: an FTS5 expression
# or the text of a `tsquery`, written from the query's terms (`api.store.query_syntax`).

_PG_QUERY = "CAST(:fts AS tsquery)"


def driving(dialect: str) -> tuple[str, str, bool]:
    """(FROM clause, claim id expression, whether the FROM holds the claim row) of a list
    in claim order driven by the full-text index: on SQLite the FTS5 table leads, so pages
    come straight from its rowid order."""
    if dialect == "sqlite":
        return "claim_fts", "claim_fts.rowid", False
    return "claim", "claim.id", True


def match_condition(dialect: str) -> str:
    """The match itself, in a statement `driving` leads."""
    if dialect == "sqlite":
        return "claim_fts MATCH :fts"
    return f"claim.search @@ {_PG_QUERY}"


def condition(dialect: str, claim_id: str) -> tuple[str, bool]:
    """The match as a condition on the claim `claim_id` names, where another index
    leads; and whether it reads the claim's own row. (SQLite reads the matches once,
    as a set the rows are checked against.)"""
    if dialect == "sqlite":
        return f"{claim_id} IN (SELECT rowid FROM claim_fts WHERE claim_fts MATCH :fts)", False
    return f"claim.search @@ {_PG_QUERY}", True


def row_condition(dialect: str, claim_id: str) -> tuple[str, bool]:
    """The match checked claim by claim, for walks that visit few claims (a ranked walk,
    the candidates of a ranking): FTS5 looks the one rowid up in each term's doclist;
    PostgreSQL tests the claim's own tsvector. Whether it reads the claim's row."""
    if dialect == "sqlite":
        return (
            "EXISTS (SELECT 1 FROM claim_fts WHERE claim_fts MATCH :fts "
            f"AND claim_fts.rowid = {claim_id})",
            False,
        )
    return f"claim.search @@ {_PG_QUERY}", True


# --- ranked walks, as SQL text for `api.queries.claim_list` and `api.queries.ranking` ---

# The ranked postings of one term (`:rank_term`), best first: the driving index of a
# page in relevance order whose words come down to that one term.
RANKED_SOURCE = "claim_term drv"
RANKED_KEYS = ("drv.rank", "drv.claim_id")
RANKED_WHERE = "drv.term = :rank_term"

# The next rows of one term's postings after (:rank, :claim), for the ranking of several.
POSTINGS_AFTER = (
    "SELECT rank, claim_id FROM claim_term WHERE term = :term "
    "AND (rank, claim_id) > (:rank, :claim) ORDER BY rank, claim_id LIMIT :n"
)
POSTINGS_FIRST = (
    "SELECT rank, claim_id FROM claim_term WHERE term = :term ORDER BY rank, claim_id LIMIT :n"
)
# How many claims hold a term (its postings, counted through the index), and how many
# claims there are for BM25's statistics: the highest claim id, as claims are retracted,
# never deleted, by the API (a count of a million rows would cost more than the ranking).
TERM_CLAIMS = "SELECT count(*) FROM claim_term WHERE term = :term"
CLAIMS_TOTAL = "SELECT coalesce(max(id), 0) FROM claim"


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
