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

import re
import threading
import unicodedata

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


# --- matching, as SQL text for `api.queries.claim_list` -------------------------------
# Each engine's statements take the query as one parameter, `:fts`: an FTS5 expression
# or the text of a `tsquery`, written from the query's terms (`api.store.query_syntax`).

_PG_QUERY = "CAST(:fts AS tsquery)"


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
