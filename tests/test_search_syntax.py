"""`q` means the same on both engines, and understands what people type in search boxes.

Every query here is answered by the store and by `expected`, a Python reading of the
documented rule (README, `api/store/query_syntax.py`): words folded and stemmed as
`api.store.search.terms` makes them, stop words left out, `OR` between alternatives,
quoted phrases, `-` to leave out. The SQLite run and the PostgreSQL run are both held to
it, so they agree with each other on every word of the list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import walk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import Settings, Store, create_app
from api.ingest.fixtures import VerifiedFixtures, load
from api.store import search
from api.store.migrate import current, upgrade
from api.writes.keys import create_key
from models.base import Scope

PROBE = "search-probe"
# Sentences a held source says, each quoted by a claim of its own: stop words, plurals,
# -ing forms, names, grouped numbers, hyphens, apostrophes (straight and curly), accents
# and a word in Cyrillic.
SENTENCES = {
    "probe-manned": "The battalion was fully manned by March.",
    "probe-not-fully": "Volunteers said the unit was manned, but not fully.",
    "probe-cafe": "Its co-founder ran a café in Kyiv\u2019s old town.",
    "probe-naive": "A naïve plan: 1,000 fighters in 12 500 vests.",
    "probe-cyrillic": "Фронт біля Києва тримався.",
    "probe-anti-tank": "Anti-tank weapons arrived; the fighting stopped.",
    "probe-running": "Nobody was running the cafe on Monday, or so Kyiv's mayor said.",
    "probe-figures": "Of the 300 volunteers, 1000 trained for 2.5 weeks in 2022.",
}
TEXT = " ".join(SENTENCES.values())

# Each query of the word list, whatever the engine: the same claims, or the same 422.
WORDS = [
    # stop words alone, and around other words
    "the",
    "The",
    "it's",
    "a few",
    "the battalion",
    "don't",
    # plurals and other endings
    "battalions",
    "battalion",
    "volunteer",
    "Volunteers",
    "fighting",
    "fight",
    "fighters",
    "running",
    "ran",
    "trained",
    # names, in any case
    "Kyiv",
    "kyiv",
    "LEGION",
    "Arestovych",
    "Moscow Times",
    # numbers, however they are grouped
    "1000",
    "1,000",
    "12500",
    "12 500",
    "300",
    "2.5",
    "2022",
    # hyphens and apostrophes
    "anti-tank",
    "anti tank",
    "co-founder",
    "founder",
    "Interfax-Ukraine",
    "Kyiv's",
    "Kyiv\u2019s",
    "Ukraine's",
    # accents and other scripts
    "café",
    "cafe",
    "naïve",
    "naive",
    "Києва",
    "києва",
    # the syntax: alternatives, phrases, leaving out
    "legion OR ukraine",
    "legion or ukraine",
    "legion ukraine",
    "battalion OR volunteers fully",
    '"fully manned"',
    '"manned fully"',
    '"the battalion was fully manned"',
    "manned -fully",
    'manned -"fully manned"',
    '"unbalanced quote',
    "OR legion",
    "legion OR",
    "legion OR OR ukraine",
    "- legion",
    "--legion ukraine",
    "legion -the",
    "legion OR the",
    # what cannot be searched for: a 422 naming `q`
    "-legion",
    "legion OR -ukraine",
    "the OR a",
    '""',
    "-",
    "OR",
]

# An independent reading of `q`, by the rule the README states.
_PIECE = re.compile(r'(-*)"([^"]*)(?:"|$)|(-*)([^\s"]+)')


def expected(q: str, claims: dict[str, list[str]]) -> set[str] | None:
    """The ids of the claims `q` finds by the rule (`claims`: each id's indexed terms,
    in order); None when `q` is a 422."""
    alternatives: list[list[tuple[list[str], bool]]] = [[]]
    for match in _PIECE.finditer(search.plain_numbers(q)):
        quoted = match.group(2) is not None
        dashes, text = (match.group(1), match.group(2)) if quoted else match.groups()[2:]
        excluded = bool(dashes)
        if not quoted and not excluded and text.casefold() == "or":
            alternatives.append([])
            continue
        terms = search.terms(text)
        if terms:
            alternatives[-1].append((terms, excluded))
    alternatives = [alternative for alternative in alternatives if alternative]
    if not alternatives or any(all(no for _, no in alt) for alt in alternatives):
        return None

    def has(seq: list[str], phrase: list[str]) -> bool:
        return any(seq[i : i + len(phrase)] == phrase for i in range(len(seq)))

    return {
        claim_id
        for claim_id, seq in claims.items()
        if any(all(has(seq, terms) != no for terms, no in alt) for alt in alternatives)
    }


def indexed(claims: list[dict[str, Any]]) -> dict[str, list[str]]:
    """What the rule indexes for each claim: the terms of its statement and quote, and of
    both with their numbers written plain."""
    found = {}
    for claim in claims:
        text = f"{claim['statement']}\n{claim['quote']['text']}"
        plain = search.plain_numbers(text)
        found[claim["id"]] = search.terms(text) + (search.terms(plain) if plain != text else [])
    return found


@pytest.fixture
def probed(store: Store, client: TestClient) -> dict[str, list[str]]:
    """The fixture store with the probe claims added; every live claim's terms."""
    with store.write_session() as session:
        key = create_key(session, "prober", Scope.write)
        session.commit()
    writer = {"Authorization": f"Bearer {key}"}
    made = [
        client.post(
            "/entities",
            json={"slug": "probe-writer", "name": "Probe Writer", "kind": "person"},
            headers=writer,
        ),
        client.post(
            "/sources",
            json={"slug": PROBE, "name": "Probe", "kind": "article", "text": TEXT},
            headers=writer,
        ),
    ]
    for claim_id, sentence in SENTENCES.items():
        claim = {
            "id": claim_id,
            "statement": f"Probe: {sentence}",
            "quote": {"source": PROBE, "text": sentence},
            "claimant": "probe-writer",
            "attribution": [{"source": PROBE, "entity": "probe-writer", "verb": "stated"}],
            "status": "asserted",
            "speech": "own",
        }
        made.append(client.post("/claims", json=claim, headers=writer))
    assert all(answer.status_code == 201 for answer in made), [a.text for a in made]
    return indexed(walk(client, "/claims?limit=200"))


def found(client: TestClient, q: str, more: str = "") -> set[str] | None:
    answer = client.get("/claims", params={"q": q, "limit": 200})
    if answer.status_code == 422:
        problem = answer.json()
        assert problem["field"] == "q", problem
        return None
    assert answer.status_code == 200, answer.text
    assert answer.json()["next"] is None
    return {claim["id"] for claim in answer.json()["items"]}


def test_each_word_finds_what_the_rule_says_on_this_engine(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    wrong = {
        q: (got, want) for q in WORDS if (got := found(client, q)) != (want := expected(q, probed))
    }
    assert wrong == {}


def test_the_rule_folds_stems_and_drops_stop_words(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    """What the word list's expectations rest on, said plainly."""
    assert found(client, "the") is None  # the issue: SQLite found claims, PostgreSQL none
    assert found(client, "battalions") == found(client, "battalion")
    assert "probe-manned" in (found(client, "battalions") or set())
    assert found(client, "running") == found(client, "run") == {"probe-running"}
    assert found(client, "café") == found(client, "cafe") == {"probe-cafe", "probe-running"}
    assert found(client, "naive") == {"probe-naive"}
    # An apostrophe, straight or curly, ends the word: both "Kyiv's" are "Kyiv".
    assert found(client, "Kyiv\u2019s") == found(client, "Kyiv's") == found(client, "kyiv")
    assert {"probe-cafe", "probe-running"} <= (found(client, "kyiv") or set())
    assert found(client, "Києва") == found(client, "КИЄВА") == {"probe-cyrillic"}
    assert found(client, "1000") == found(client, "1,000")
    assert {"probe-naive", "probe-figures"} <= (found(client, "1000") or set())
    assert found(client, "12 500") == {"probe-naive"}


def test_or_finds_either_and_binds_more_loosely_than_the_words_around_it(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    legion, ukraine = found(client, "legion") or set(), found(client, "ukraine") or set()
    assert legion
    assert ukraine
    both = found(client, "legion ukraine")
    assert both == legion & ukraine
    assert found(client, "legion OR ukraine") != both  # the issue: OR meant AND
    assert found(client, "legion OR ukraine") == legion | ukraine
    assert found(client, "legion or ukraine") == legion | ukraine
    fully_manned = found(client, "fully manned") or set()
    cafe = found(client, "cafe") or set()
    assert {"probe-manned", "probe-not-fully"} <= fully_manned
    assert found(client, "fully manned OR cafe") == fully_manned | cafe
    assert found(client, "fully OR cafe manned") == (found(client, "fully") or set()) | (
        cafe & fully_manned
    )


def test_a_quoted_phrase_needs_its_words_together_and_in_order(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    phrase = found(client, '"fully manned"') or set()
    assert "probe-manned" in phrase
    assert "probe-not-fully" not in phrase
    assert phrase < (found(client, "fully manned") or set())
    assert "probe-manned" not in (found(client, '"manned fully"') or set())
    # Stop words inside a phrase are not indexed, so they do not count either.
    assert "probe-manned" in (found(client, '"battalion was fully manned"') or set())
    # A hyphenated word is a phrase of its parts.
    assert found(client, "anti-tank") == found(client, '"anti tank"')
    assert "probe-anti-tank" in (found(client, "anti-tank") or set())
    # An unclosed quote runs to the end.
    assert found(client, '"fully manned') == phrase


def test_a_dash_leaves_out_what_follows_it(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    manned = found(client, "manned") or set()
    assert found(client, "manned -fully") == manned - (found(client, "fully") or set())
    left = found(client, 'manned -"fully manned"')
    assert left == manned - (found(client, '"fully manned"') or set())
    assert left is not None
    assert "probe-not-fully" in left
    assert "probe-manned" not in left
    volunteers = found(client, "volunteers -trained") or set()
    assert "probe-not-fully" in volunteers
    assert "probe-figures" not in volunteers
    # Only a dash before a word leaves it out; a dash on its own is punctuation.
    assert found(client, "manned - fully") == found(client, "manned fully")


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("the", "no words to search for"),
        ('""', "no words to search for"),
        ("OR", "no words to search for"),
        ("-legion", "not only words to leave out"),
        ("legion OR -ukraine", "(`-ukraine`)"),
    ],
)
def test_a_query_with_nothing_to_find_is_a_422_naming_q(
    client: TestClient, q: str, says: str
) -> None:
    answer = client.get("/claims", params={"q": q})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["field"] == "q"
    assert says in problem["detail"]


# Everything FTS5's or PostgreSQL's own query syntax gives meaning to, and the syntax of
# `q` gone wrong: none of it may ever be a 500.
HOSTILE = [
    '"',
    '"""',
    "a AND",
    "AND OR NOT",
    "NEAR(legion ukraine)",
    "legion*",
    "*",
    "^legion",
    "search_text:legion",
    "{search_text}: legion",
    "legion + ukraine",
    "(legion",
    "legion)",
    "!legion",
    "legion & ukraine",
    "legion | ukraine",
    "legion <-> ukraine",
    "'legion'",
    "legion:*",
    "\\",
    '-"',
    "- -",
    "OR OR OR",
    "--",
    "legion -",
    '"legion" OR "',
]


def test_no_query_reaches_an_engine_s_own_syntax(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    wrong = {
        q: (got, want)
        for q in HOSTILE
        if (got := found(client, q)) != (want := expected(q, probed))
    }
    assert wrong == {}


_WORDS = st.sampled_from(
    [
        "legion",
        "Legion",
        "ukraine",
        "the",
        "OR",
        "or",
        "fully",
        "manned",
        "kyiv's",
        "café",
        "1,000",
        "12",
        "500",
        "-",
        "--",
        '"',
        "anti-tank",
        "Києва",
        "(",
        "*",
        "NEAR",
        ":",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same queries on every run
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(_WORDS, st.sampled_from(["", " ", "  ", "-"])), max_size=7))
def test_any_query_follows_the_rule_and_is_never_a_500(
    client: TestClient, probed: dict[str, list[str]], parts: list[tuple[str, str]]
) -> None:
    q = "".join(word + gap for word, gap in parts)[:200]
    assert found(client, q) == expected(q, probed)


def test_the_syntax_works_ranked_and_in_exports(
    client: TestClient, probed: dict[str, list[str]]
) -> None:
    q = 'legion OR "fully manned" -ukraine'
    wanted = expected(q, probed)
    assert wanted
    assert found(client, q) == wanted
    ranked = walk(client, f"/claims?q={q}&sort=relevance&limit=3")
    assert {claim["id"] for claim in ranked} == wanted
    exported = client.get("/claims", params={"q": q, "format": "ndjson"})
    assert exported.status_code == 200, exported.text
    lines = [json.loads(line) for line in exported.text.splitlines() if line.strip()]
    assert {line["id"] for line in lines} == wanted
    table = client.get("/claims", params={"q": q, "format": "csv", "sort": "relevance"})
    assert table.status_code == 200, table.text
    assert {row["id"] for row in csv.DictReader(io.StringIO(table.text))} == wanted
    refused = client.get("/claims", params={"q": "-legion", "format": "csv"})
    assert refused.status_code == 422


def test_an_upgraded_store_is_searched_by_the_same_rule(
    empty_store: Store, verified: VerifiedFixtures
) -> None:
    """Migration 0009 rewrites each claim's indexed text and both engines' indexes: a
    store indexed as revision 0008 did (SQLite's Porter stemmer, PostgreSQL's `english`
    configuration, over the raw text) answers by the rule once upgraded."""
    load(empty_store, verified)
    with empty_store.engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        for statement in _INDEXED_AS_0008["sqlite" if sqlite else "postgresql"]:
            connection.exec_driver_sql(statement)
    assert current(empty_store) == "0008"
    upgrade(empty_store, "0009")
    # 0010 to 0012 add tables this store already holds; 0013 (the ranked postings) it lacks
    with empty_store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0012'")
    upgrade(empty_store)
    client = TestClient(create_app(Settings(database_url="sqlite://"), store=empty_store))
    claims = indexed(walk(client, "/claims?limit=200"))
    for q in ("kyiv", "Kyiv\u2019s", "battalions", "fighting", "1000", "legion OR ukraine"):
        assert found(client, q) == expected(q, claims), q
    assert found(client, "kyiv")  # the article writes "Kyiv\u2019s": PostgreSQL found nothing


_OLD_TEXT = "UPDATE claim SET search_text = statement || '\n' || quote_text"
_INDEXED_AS_0008 = {
    "sqlite": [
        # what revision 0013 adds (the ranked postings) was not there yet
        "DROP TRIGGER claim_term_insert",
        "DROP TRIGGER claim_term_delete",
        "DROP TRIGGER claim_term_update",
        "DROP TABLE claim_term",
        "DROP TRIGGER claim_fts_insert",
        "DROP TRIGGER claim_fts_delete",
        "DROP TRIGGER claim_fts_update",
        "DROP TABLE claim_fts",
        _OLD_TEXT,
        "CREATE VIRTUAL TABLE claim_fts USING fts5(search_text, content='claim', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        "INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')",
        "UPDATE alembic_version SET version_num = '0008'",
    ],
    "postgresql": [
        "DROP TABLE claim_term",
        "DROP TRIGGER claim_term_insert ON claim",
        "DROP TRIGGER claim_term_update ON claim",
        "DROP TRIGGER claim_term_delete ON claim",
        "DROP FUNCTION claim_term_sync()",
        "DROP FUNCTION claim_term_rows(integer, text)",
        "DROP INDEX ix_claim_search",
        "ALTER TABLE claim DROP COLUMN search",
        _OLD_TEXT,
        "ALTER TABLE claim ADD COLUMN search tsvector GENERATED ALWAYS AS "
        "(to_tsvector('english', search_text)) STORED",
        "CREATE INDEX ix_claim_search ON claim USING gin (search)",
        "UPDATE alembic_version SET version_num = '0008'",
    ],
}
