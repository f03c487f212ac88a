"""Full-text search means the same on both engines: each claim's `search_text` holds the
terms of its statement and quote as Python makes them (folded, stop words dropped,
stemmed by Snowball's English stemmer), and each engine only splits that text at its
spaces: FTS5 with the `ascii` tokenizer (not Porter's stemmer), PostgreSQL with the
`simple` configuration (not `english`).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
import Stemmer
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 2000

# Frozen copies of the rules of the day (api.store.search.indexed_text and what it
# calls): a migration must do what it did when it was written.
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d,])")
_SEPARATOR = re.compile(r"[,\u00a0\u202f ]")
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_PLAIN = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ħ": "h"} | {
    "\u0131": "i"
}
_PLAIN_LETTERS = re.compile(f"[{''.join(_PLAIN)}]")
_MAX_TERM = 200
_MAX_TERMS = 16_000
_STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905
)


def _terms(text: str, stemmer: Stemmer.Stemmer, known: dict[str, str]) -> list[str]:
    if text.isascii():
        text = text.lower()
    else:
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text).casefold())
        text = _PLAIN_LETTERS.sub(lambda letter: _PLAIN[letter.group(0)], text)
    found = []
    for word in _WORD.findall(text):
        term = known.get(word)
        if term is None:
            if word in _STOP_WORDS:
                term = ""
            elif word.isascii():
                term = str(stemmer.stemWord(word))[:_MAX_TERM]
            else:
                term = ("xu" + word.encode().hex())[:_MAX_TERM]
            if len(known) < 200_000:
                known[word] = term
        if term:
            found.append(term)
    return found


def _indexed(statement: str, quote: str, stemmer: Stemmer.Stemmer, known: dict[str, str]) -> str:
    text = f"{statement}\n{quote}"
    plain = _GROUPED.sub(lambda m: _SEPARATOR.sub("", m.group(0)), text)
    found = _terms(text, stemmer, known)
    if plain != text:
        found += _terms(plain, stemmer, known)
    return " ".join(found[:_MAX_TERMS])


_SQLITE_TRIGGERS = [
    "CREATE TRIGGER claim_fts_insert AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER claim_fts_delete AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER claim_fts_update AFTER UPDATE OF search_text ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO claim_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # The old index goes first, so rewriting every claim's text does not update it.
    if sqlite:
        for trigger in ("claim_fts_insert", "claim_fts_delete", "claim_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS claim_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_claim_search")
        op.execute("ALTER TABLE claim DROP COLUMN IF EXISTS search")

    claim = sa.table(
        "claim",
        sa.column("id", sa.Integer()),
        sa.column("statement", sa.Text()),
        sa.column("quote_text", sa.Text()),
        sa.column("search_text", sa.Text()),
    )
    rewrite = (
        claim.update()
        .where(claim.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("terms"))
    )
    stemmer = Stemmer.Stemmer("english")
    known: dict[str, str] = {}
    after = 0
    while True:
        rows = bind.execute(
            sa.select(claim.c.id, claim.c.statement, claim.c.quote_text)
            .where(claim.c.id > after)
            .order_by(claim.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        values = [
            {"row_id": row.id, "terms": _indexed(row.statement, row.quote_text, stemmer, known)}
            for row in rows
        ]
        bind.execute(rewrite, values)
        after = rows[-1].id

    if sqlite:
        op.execute(
            "CREATE VIRTUAL TABLE claim_fts USING fts5(search_text, content='claim', "
            "content_rowid='id', tokenize='ascii')"
        )
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "ALTER TABLE claim ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_claim_search ON claim USING gin (search)")
