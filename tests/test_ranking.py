"""Relevance order is the full BM25 ranking, read from a top-k index that is kept with the
claims (`claim_term`): checked against BM25 computed here from every claim's text, after
each kind of write, and after the index is lost and rebuilt with `claims reindex`."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import test_bulk as bulk_claims
from candidate_texts import HARBOUR_FIRE
from conftest import url_of
from fastapi.testclient import TestClient
from helpers import merge_patch, walk
from test_bulk_load_cli import variants
from test_writes import key_for, new_claim
from typer.testing import CliRunner

from api import Store, create_app
from api.cli.commands import cli
from api.queries import ranking
from api.store import query_syntax, search
from models.base import Scope

# (q, the words it scores by): single words, several, alternatives, a phrase, exclusions.
QUERIES = [
    ("legion", "legion"),
    ("russia", "russia"),
    ("legion russia", "legion russia"),
    ("freedom legion soldiers", "freedom legion soldiers"),
    ("legion OR putin", "legion putin"),
    ('"freedom of russia"', "freedom russia"),
    ("legion -ukraine", "legion"),
    ("russia -legion OR soldiers", "russia soldiers"),
]


def bm25_order(client: TestClient, q: str, words: str) -> list[str]:
    """The claims `q` matches, best first by BM25 (k1 1.2, b 0.75, lengths against 40
    terms, Lucene's idf over every claim written), ties to the older claim: worked out
    here from each claim's statement and quote, without the index."""
    every = walk(client, "/claims?limit=200&include=retracted")
    texts = {
        c["id"]: search.indexed_text(c["statement"], c["quote"]["text"]).split() for c in every
    }
    terms = sorted(set(search.terms(words)))
    held = {term: sum(term in text for text in texts.values()) for term in terms}
    idf = {t: math.log(1 + (len(every) - held[t] + 0.5) / (held[t] + 0.5)) for t in terms}

    def score(claim: str) -> float:
        counts, length = Counter(texts[claim]), len(texts[claim])
        total = 0.0
        for term in terms:
            tf = counts[term]
            if tf:
                total += idf[term] * (tf * (1.2 + 1) / (tf + 1.2 * (1 - 0.75 + 0.75 * length / 40)))
        return total

    matches = [c["id"] for c in walk(client, f"/claims?q={quote(q)}&limit=50")]  # oldest first
    return sorted(matches, key=lambda claim: -score(claim))  # stable: ties keep claim order


def ranked(client: TestClient, q: str, limit: int = 3) -> list[str]:
    return [c["id"] for c in walk(client, f"/claims?q={quote(q)}&sort=relevance&limit={limit}")]


@pytest.mark.parametrize(("q", "words"), QUERIES)
def test_relevance_order_is_the_full_bm25_ranking(
    client: TestClient, q: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = bm25_order(client, q, words)
    assert len(expected) >= 2
    assert ranked(client, q) == expected
    assert ranked(client, q, limit=50) == expected
    # Several terms: scored outright when their matches are few, else by walking their
    # postings (here forced, a few at a time): the same order either way.
    monkeypatch.setattr(ranking, "FEW_MATCHES", 0)
    monkeypatch.setattr(ranking, "FIRST_STEP", 1)
    assert ranked(client, q, limit=2) == expected
    export = client.get(f"/claims?q={quote(q)}&sort=relevance&format=csv")
    assert [line.split(",")[0] for line in export.text.splitlines()[1:]] == expected


def test_relevance_pages_follow_filters(client: TestClient) -> None:
    """Other filters narrow the ranking without reordering it."""
    for q, words in QUERIES[:4]:
        narrowed = ranked(client, f"{q}", limit=2)
        entity = [
            c["id"]
            for c in walk(client, f"/claims?q={quote(q)}&sort=relevance&entity=putin&limit=1")
        ]
        putin = {c["id"] for c in walk(client, "/claims?entity=putin&limit=50")}
        assert entity == [claim for claim in narrowed if claim in putin]
        assert entity == [claim for claim in bm25_order(client, q, words) if claim in putin]


def test_the_index_is_current_after_create_patch_retract_and_restore(
    client: TestClient, store: Store
) -> None:
    writer = key_for(store, "alice", Scope.write)
    q = "legion"
    claim = new_claim(
        id="legion-legion-legion",
        statement="The Legion, the Legion and the Legion again.",
    )
    assert client.post("/claims", json=claim, headers=writer).status_code == 201
    after_create = ranked(client, q)
    assert after_create == bm25_order(client, q, q)
    assert after_create[0] == "legion-legion-legion"  # three times, in a short claim

    url = "/claims/legion-legion-legion"
    patched = merge_patch(client, url, {"statement": "Nobody knows its size."}, writer)
    assert patched.status_code == 200, patched.text
    after_patch = ranked(client, q)
    assert after_patch == bm25_order(client, q, q)
    assert "legion-legion-legion" not in after_patch  # neither statement nor quote has it
    assert ranked(client, "nobody size") == bm25_order(client, "nobody size", "nobody size")
    assert "legion-legion-legion" in ranked(client, "nobody size")

    gone = client.delete(url + "?reason=test", headers={**writer, "If-Match": "*"})
    assert gone.status_code == 200
    assert "legion-legion-legion" not in ranked(client, q)
    assert "legion-legion-legion" not in ranked(client, "nobody size")
    with_retracted = [
        c["id"] for c in walk(client, "/claims?q=nobody%20size&sort=relevance&include=retracted")
    ]
    assert "legion-legion-legion" in with_retracted

    tag = client.get(url).headers["etag"]
    restored = client.post(url + "/restore", headers={**writer, "If-Match": tag})
    assert restored.status_code == 200, restored.text
    assert ranked(client, q) == after_patch
    assert ranked(client, "nobody size") == bm25_order(client, "nobody size", "nobody size")


def _postings(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT term, rank, claim_id FROM claim_term ORDER BY term, rank, claim_id"
        ).all()
    return [tuple(row) for row in rows]


def test_the_index_is_rebuilt_the_same_after_being_deleted(
    client: TestClient, store: Store
) -> None:
    writer = key_for(store, "alice", Scope.write)
    made = client.post(
        "/claims", json=new_claim(statement="Legion soldiers said so."), headers=writer
    )
    assert made.status_code == 201
    before = {q: ranked(client, q, limit=50) for q, _ in QUERIES}
    kept = _postings(store)
    assert kept
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM claim_term")
    assert ranked(client, "legion") == []  # the index is the ranking: nothing left
    result = CliRunner().invoke(cli, ["reindex", "--database-url", url_of(store)])
    assert result.exit_code == 0, result.output
    assert f"{len(kept):,} postings" in result.output
    assert _postings(store) == kept
    assert {q: ranked(client, q, limit=50) for q, _ in QUERIES} == before
    # and it is kept up by the writes that follow
    second = client.post(
        "/claims",
        json=new_claim(id="legion-legion-again", statement="Legion legion legion."),
        headers=writer,
    )
    assert second.status_code == 201
    assert ranked(client, "legion")[0] == "legion-legion-again"


def _computed(store: Store) -> list[tuple[Any, ...]]:
    """The postings worked out here from every claim's indexed text, as the index should
    hold them."""
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, search_text FROM claim").all()
    texts: dict[int, str] = {int(row[0]): str(row[1]) for row in rows}
    return sorted(
        (term, rank, claim) for claim, text in texts.items() for term, rank in search.postings(text)
    )


def test_the_weights_the_engine_writes_are_the_ones_python_computes(store: Store) -> None:
    """Every posting's rank is `-search.weight(count, length)` of its claim's text, to the
    bit, so pages walked in the index and rankings worked out in Python agree. (The store
    was filled by the fixture loader: its postings are current too.)"""
    assert _postings(store) == _computed(store)


def test_the_index_is_current_after_the_bulk_loader(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    """Claims bulk-loaded into a store that holds claims: their postings are written when
    the load ends (upkeep is off while it runs), and per-row upkeep is back afterwards."""
    items = variants(client, 30)
    items[3] = dict(items[3], statement="Variant legion: the Legion, the Legion, the Legion.")
    path = tmp_path / "claims.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["bulk-load", str(path), "--workers", "0", "--database-url", url_of(store)]
    )
    assert result.exit_code == 0, result.output
    assert _postings(store) == _computed(store)
    for q, words in (
        ("variant", "variant"),
        ("legion", "legion"),
        ("variant legion", "variant legion"),
    ):
        assert ranked(client, q, limit=50) == bm25_order(client, q, words)
    assert ranked(client, "legion")[0] == "bulk-variant-3"
    writer = key_for(store, "alice", Scope.write)
    made = client.post(
        "/claims", json=new_claim(id="after-the-load", statement="Variant variant."), headers=writer
    )
    assert made.status_code == 201
    assert ranked(client, "variant")[0] == "after-the-load"
    assert _postings(store) == _computed(store)


def test_the_index_is_current_after_a_bulk_load_into_an_empty_store(empty_store: Store) -> None:
    assert bulk_claims.load(empty_store, bulk_claims.claims(40)).claims == 40
    assert _postings(empty_store) == _computed(empty_store)
    with TestClient(create_app(store=empty_store)) as client:
        for q in ("training", "statement 7", "commanders OR volunteers"):
            assert ranked(client, q, limit=50) == bm25_order(client, q, q.replace(" OR ", " "))


def test_the_index_is_current_after_a_proposal_is_accepted(
    client: TestClient, store: Store
) -> None:
    writer = key_for(store, "alice", Scope.write)
    source = {
        "slug": "harbour-fire",
        "name": "Harbour fire",
        "kind": "article",
        "text": HARBOUR_FIRE,
    }
    assert client.post("/sources", json=source, headers=writer).status_code == 201
    assert client.post("/sources/harbour-fire/extract", headers=writer).status_code == 201
    proposals = walk(client, "/proposals?source=harbour-fire&kind=claim&limit=50")
    accepted = []
    for proposal in proposals:
        tag = client.get(f"/proposals/{proposal['id']}").headers["etag"]
        answer = client.post(
            f"/proposals/{proposal['id']}/accept",
            headers={**writer, "If-Match": tag},
            json={"create_entities": True, "claimant": "moscow-times"},  # for the uncredited
        )
        assert answer.status_code == 201, answer.text
        accepted.append(answer.json()["id"])
    assert _postings(store) == _computed(store)
    for q in ("fire", "harbour ships", "crew OR cranes"):
        found = ranked(client, q, limit=50)
        assert found == bm25_order(client, q, q.replace(" OR ", " "))
        assert set(found) & set(accepted), q


def test_a_bulk_load_killed_midway_is_mended_by_reindex(client: TestClient, store: Store) -> None:
    """A bulk load turns the indexes' upkeep off before it writes (`search.suspend`); one
    killed before it ends never turns it back on. `claims reindex` rebuilds both indexes
    from the store and restores their upkeep."""
    writer = key_for(store, "alice", Scope.write)
    with store.engine.begin() as connection:
        search.suspend(connection)  # what a bulk load does first, here never undone
    claim = new_claim(id="legion-legion-legion", statement="The Legion, the Legion, the Legion.")
    assert client.post("/claims", json=claim, headers=writer).status_code == 201
    assert "legion-legion-legion" not in ranked(client, "legion", limit=50)  # missed
    result = CliRunner().invoke(cli, ["reindex", "--database-url", url_of(store)])
    assert result.exit_code == 0, result.output
    assert _postings(store) == _computed(store)
    assert ranked(client, "legion", limit=50) == bm25_order(client, "legion", "legion")
    assert ranked(client, "legion")[0] == "legion-legion-legion"
    # and upkeep is back: a patch moves the claim out of the word's matches and ranking
    url = "/claims/legion-legion-legion"
    patched = merge_patch(client, url, {"statement": "Nobody knows its size."}, writer)
    assert patched.status_code == 200, patched.text
    assert "legion-legion-legion" not in ranked(client, "legion", limit=50)
    assert ranked(client, "nobody size") == bm25_order(client, "nobody size", "nobody size")
    assert "legion-legion-legion" in ranked(client, "nobody size")
    assert _postings(store) == _computed(store)


@pytest.mark.parametrize(
    "q",
    [q for q, _ in QUERIES]
    + ['"fully manned battalions"', 'legion -"freedom of russia"', "kyiv OR belarusians -legion"],
)
def test_the_walk_checks_words_as_the_engines_do(client: TestClient, store: Store, q: str) -> None:
    """A ranking's walk checks the words on each claim's indexed text in Python
    (`SearchQuery.matches`): it accepts exactly the claims the engine's index finds."""
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT public_id, search_text FROM claim").all()
    query = query_syntax.parse(q)
    found = {c["id"] for c in walk(client, f"/claims?q={quote(q)}&include=retracted&limit=200")}
    assert found
    assert {str(claim) for claim, text in rows if query.matches(str(text))} == found


def test_claims_changed_while_a_bulk_load_runs_stay_indexed(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    """The API writes between a bulk load's batches: a claim patched then is re-indexed
    as it changes, and one created then (and patched) gets its postings once, at the end."""
    writer = key_for(store, "alice", Scope.write)
    items = variants(client, 5)
    with store.engine.begin() as connection:
        search.suspend(connection)  # the load has begun: its first batches are in
    old = "/claims/legion-two-fully-manned-battalions"
    patched = merge_patch(client, old, {"statement": "Nobody knows its size."}, writer)
    assert patched.status_code == 200, patched.text
    made = client.post(
        "/claims", json=new_claim(id="during-the-load", statement="Legion."), headers=writer
    )
    assert made.status_code == 201
    again = merge_patch(
        client, "/claims/during-the-load", {"statement": "Variant variant variant."}, writer
    )
    assert again.status_code == 200, again.text
    path = tmp_path / "claims.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["bulk-load", str(path), "--workers", "0", "--database-url", url_of(store)]
    )
    assert result.exit_code == 0, result.output
    assert _postings(store) == _computed(store)
    assert ranked(client, "variant")[0] == "during-the-load"
    assert ranked(client, "nobody size") == bm25_order(client, "nobody size", "nobody size")


def test_words_that_share_few_claims_are_scored_outright(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two words on many claims each but together on few: their matches are counted
    through the full-text index and scored outright, without walking the postings."""
    q = "legion russia"
    together = walk(client, f"/claims?q={quote(q)}&limit=50")
    each = [len(walk(client, f"/claims?q={word}&limit=50")) for word in q.split()]
    assert len(together) < min(each)
    monkeypatch.setattr(ranking, "FEW_MATCHES", len(together))

    def no_walk(*_: Any) -> None:
        raise AssertionError("walked the postings")

    monkeypatch.setattr(ranking, "_threshold", no_walk)
    assert ranked(client, q, limit=50) == bm25_order(client, q, q)
