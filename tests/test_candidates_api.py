"""A reviewer's session with the queue: bring an article, extract, accept and reject."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from candidate_texts import (
    FOURTEEN_SHIPS,
    FUEL_PRICES,
    HARBOUR_FIRE,
    NEVER_SEEN,
    NO_ONE_INJURED,
    SAID_ON_TUESDAY,
    by_words,
)
from fastapi.testclient import TestClient
from helpers import walk

from api import Store
from api.ingest import queue
from api.ingest.extraction import extract
from api.writes.keys import create_key
from models.base import Scope

SOURCE = "harbour-fire"


def key_for(store: Store, name: str, scope: Scope = Scope.write) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, name, scope)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(store: Store) -> dict[str, str]:
    return key_for(store, "alice")


@pytest.fixture
def queued(client: TestClient, alice: dict[str, str]) -> list[dict[str, Any]]:
    """The harbour-fire story held as a source and extracted: its pending candidates."""
    source = {
        "slug": SOURCE,
        "name": "Elmsford Gazette: Harbour fire",
        "kind": "article",
        "date": "2024-03-06",
        "text": HARBOUR_FIRE,
    }
    assert client.post("/sources", json=source, headers=alice).status_code == 201
    extracted = client.post(f"/sources/{SOURCE}/extract", headers=alice)
    assert extracted.status_code == 201, extracted.text
    items: list[dict[str, Any]] = client.get(f"/candidates?source={SOURCE}&limit=200").json()[
        "items"
    ]
    assert extracted.json() == {"source": SOURCE, "candidates": len(items)}
    return items


def etag_of(client: TestClient, candidate: dict[str, Any]) -> str:
    read = client.get(f"/candidates/{candidate['id']}")
    assert read.status_code == 200, read.text
    return str(read.headers["etag"])


def accept(
    client: TestClient,
    candidate: dict[str, Any],
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
) -> Any:
    guarded = {**headers, "If-Match": etag_of(client, candidate)}
    url = f"/candidates/{candidate['id']}/accept"
    return (
        client.post(url, headers=guarded, json=body) if body else client.post(url, headers=guarded)
    )


# --- extraction -----------------------------------------------------------------------


def test_extraction_queues_candidates_with_their_evidence(
    client: TestClient, queued: list[dict[str, Any]]
) -> None:
    assert {item["state"] for item in queued} == {"pending"}
    said = by_words(queued, SAID_ON_TUESDAY)
    unresolved = {"entity": None, "known_as": None, "link": None}
    assert said["claimant"] == {"name": "Maria Okafor", "kind": "person", **unresolved}
    assert said["attribution"] == [
        {"name": "Maria Okafor", "kind": "person", "verb": "said", **unresolved}
    ]
    assert (said["cue"], said["speech"], said["status"]) == ("said", "indirect", "reported")
    # "on Tuesday", read against the source's date
    assert (said["claimed_on"], said["claimed_on_precision"]) == ("2024-03-05", "day")
    assert [(e["name"], e["entity"]) for e in said["entities"]] == [
        ("Nordvik Lines", None),
        ("Elmsford", None),
    ]
    quote = said["quote"]
    assert quote["source"] == SOURCE
    span = client.get(f"/sources/{SOURCE}/text?start={quote['start']}&end={quote['end']}")
    assert span.text == SAID_ON_TUESDAY
    for mention in said["entities"]:
        assert HARBOUR_FIRE[mention["start"] : mention["end"]] == mention["name"]
    quoted = by_words(queued, NEVER_SEEN)
    assert quoted["speech"] == "direct"
    assert quoted["confidence"] > said["confidence"]
    hedge = by_words(queued, FUEL_PRICES)
    assert hedge["status"] == "speculative"
    assert hedge["claimant"] == {"name": None, "kind": None, **unresolved}
    assert all(
        item[field] is None for item in queued for field in ("reviewed_at", "reviewed_by", "claim")
    )


def test_names_resolve_to_entities_when_they_exist(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    said = by_words(queued, SAID_ON_TUESDAY)
    before = etag_of(client, said)
    person = {"slug": "maria-okafor", "name": "Maria Okafor", "kind": "person"}
    assert client.post("/entities", json=person, headers=alice).status_code == 201
    place = {
        "slug": "elmsford-town",
        "name": "Town of Elmsford",
        "kind": "place",
        "aliases": ["Elmsford"],
    }
    assert client.post("/entities", json=place, headers=alice).status_code == 201
    again = client.get(f"/candidates/{said['id']}")
    assert again.json()["claimant"]["entity"] == "maria-okafor"
    assert again.json()["attribution"][0]["entity"] == "maria-okafor"
    assert [(e["name"], e["entity"]) for e in again.json()["entities"]] == [
        ("Nordvik Lines", None),
        ("Elmsford", "elmsford-town"),
    ]
    assert again.headers["etag"] != before  # what readers get changed
    assert (
        client.get(f"/candidates/{said['id']}", headers={"If-None-Match": before}).status_code
        == 200
    )
    cached = client.get(
        f"/candidates/{said['id']}", headers={"If-None-Match": again.headers["etag"]}
    )
    assert cached.status_code == 304


# --- accepting ------------------------------------------------------------------------


def test_accepting_creates_the_claim_after_naming_what_is_missing(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    said = by_words(queued, SAID_ON_TUESDAY)
    refused = accept(client, said, alice)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"].endswith(":missing-entity")
    assert problem["field"] == "claimant.name"
    assert "'Maria Okafor'" in problem["detail"]
    assert "create_entities" in problem["detail"]
    assert [tuple(m.values()) for m in problem["missing"]] == [
        ("claimant.name", "Maria Okafor", "person", "maria-okafor"),
        ("entities.0.name", "Nordvik Lines", "organization", "nordvik-lines"),
        ("entities.1.name", "Elmsford", "place", "elmsford"),
    ]
    assert list(problem["missing"][0]) == ["field", "name", "kind", "slug"]
    assert client.get("/entities/maria-okafor").status_code == 404  # nothing was written
    assert client.get(f"/candidates/{said['id']}").json()["state"] == "pending"

    created = accept(client, said, alice, {"create_entities": True})
    assert created.status_code == 201, created.text
    claim = created.json()
    claim_id = f"{SOURCE}-c{said['id']}"
    assert claim["id"] == claim_id
    assert created.headers["location"] == f"/claims/{claim_id}"
    read = client.get(f"/claims/{claim_id}")
    assert read.json() == claim
    assert read.headers["etag"] == created.headers["etag"]
    assert claim["statement"] == f"Maria Okafor said: {SAID_ON_TUESDAY}."
    assert claim["quote"] == said["quote"]
    assert claim["claimant"] == {"slug": "maria-okafor", "name": "Maria Okafor", "kind": "person"}
    assert {(e["slug"], e["role"]) for e in claim["entities"]} == {
        ("maria-okafor", "claimant"),
        ("nordvik-lines", "mentioned"),
        ("elmsford", "mentioned"),
    }
    assert claim["attribution"] == [
        {"source": SOURCE, "entity": None, "verb": "reported"},
        {"source": None, "entity": "maria-okafor", "verb": "said"},
    ]
    assert (claim["claimed_on"], claim["status"], claim["speech"]) == (
        "2024-03-05",
        "reported",
        "indirect",
    )
    assert client.get("/entities/elmsford").json()["kind"] == "place"
    assert client.get("/entities/nordvik-lines").json()["kind"] == "organization"
    made = client.get("/entities/maria-okafor/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in made] == [("create", "alice")]

    # The claim is found like any other, and its history is its one creation, by alice.
    assert claim_id in [c["id"] for c in client.get(f"/claims?source={SOURCE}").json()["items"]]
    history = client.get(f"/claims/{claim_id}/history").json()["items"]
    assert [(r["number"], r["action"], r["actor"]) for r in history] == [(1, "create", "alice")]

    reviewed = client.get(f"/candidates/{said['id']}").json()
    assert (reviewed["state"], reviewed["claim"], reviewed["reviewed_by"]) == (
        "accepted",
        claim_id,
        "alice",
    )
    assert reviewed["reviewed_at"] is not None
    assert reviewed["claimant"]["entity"] == "maria-okafor"
    review = client.get(f"/candidates/{said['id']}/history").json()["items"]
    # Proposed by the key that ran the extraction, then reviewed.
    assert [(r["action"], r["actor"]) for r in review] == [("create", "alice"), ("accept", "alice")]
    assert review[1]["changes"]["state"] == {"from": "pending", "to": "accepted"}


def test_a_candidate_is_accepted_once(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    said = by_words(queued, SAID_ON_TUESDAY)
    old = etag_of(client, said)
    url = f"/candidates/{said['id']}"
    first = client.post(
        f"{url}/accept", json={"create_entities": True}, headers={**alice, "If-Match": old}
    )
    assert first.status_code == 201, first.text
    stale = client.post(f"{url}/accept", headers={**alice, "If-Match": old})
    assert stale.status_code == 412
    for action, body in (("accept", None), ("reject", {"reason": "changed my mind"})):
        again = client.post(f"{url}/{action}", json=body, headers={**alice, "If-Match": "*"})
        assert again.status_code == 409, again.text
        assert "accepted by alice" in again.json()["detail"]
        fresh = client.post(
            f"{url}/{action}", json=body, headers={**alice, "If-Match": etag_of(client, said)}
        )
        assert fresh.status_code == 409
    ids = [c["id"] for c in client.get(f"/claims?source={SOURCE}").json()["items"]]
    assert ids == [first.json()["id"]]


def test_accepting_needs_a_write_key_and_the_candidates_etag(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str], store: Store
) -> None:
    quoted = by_words(queued, NEVER_SEEN)
    url = f"/candidates/{quoted['id']}/accept"
    assert client.post(url, headers={"If-Match": "*"}).status_code == 401
    reader = key_for(store, "reader", Scope.read)
    assert client.post(url, headers={**reader, "If-Match": "*"}).status_code == 403
    missing = client.post(url, headers=alice)
    assert missing.status_code == 428
    assert missing.json()["field"] == "If-Match"
    stale = client.post(url, headers={**alice, "If-Match": '"1-0000000000000000"'})
    assert stale.status_code == 412
    assert client.get(f"/candidates/{quoted['id']}").json()["state"] == "pending"


def test_accepting_without_a_body_takes_the_claim_as_proposed(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    person = {"slug": "maria-okafor", "name": "Maria Okafor", "kind": "person"}
    assert client.post("/entities", json=person, headers=alice).status_code == 201
    quoted = by_words(queued, NEVER_SEEN)
    created = accept(client, quoted, alice)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["statement"] == f"Maria Okafor said: \u201c{NEVER_SEEN}\u201d"
    assert (claim["speech"], claim["claimant"]["slug"]) == ("direct", "maria-okafor")
    assert claim["entities"] == [
        {"slug": "maria-okafor", "name": "Maria Okafor", "kind": "person", "role": "claimant"}
    ]


def test_a_body_amends_the_claim_before_it_is_made(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    company = {"slug": "nordvik-lines", "name": "Nordvik Lines", "kind": "organization"}
    assert client.post("/entities", json=company, headers=alice).status_code == 201
    ships = by_words(queued, FOURTEEN_SHIPS)
    # The spokesman speaks for his company: credit it, with its own id and an event date.
    body = {"id": "nordvik-ships-waiting", "claimant": "nordvik-lines", "event_date": "2024-03"}
    created = accept(client, ships, alice, body)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["id"] == "nordvik-ships-waiting"
    assert claim["statement"] == f"Nordvik Lines said: {FOURTEEN_SHIPS}."
    assert claim["attribution"][-1] == {"source": None, "entity": "nordvik-lines", "verb": "told"}
    assert claim["event_date"] == "2024-03"
    assert client.get("/entities/daniel-brandt").status_code == 404  # never needed

    injured = by_words(queued, NO_ONE_INJURED)
    amended: dict[str, Any] = {
        "statement": "The Elmsford Fire Service said no one was hurt in the harbour fire.",
        "status": "asserted",
        "quote": {"text": "no one was injured"},
        "create_entities": True,
    }
    created = accept(client, injured, alice, amended)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["statement"] == amended["statement"]
    assert claim["status"] == "asserted"
    start = HARBOUR_FIRE.index("no one was injured")
    assert (claim["quote"]["start"], claim["quote"]["end"]) == (start, start + 18)
    assert client.get("/entities/elmsford-fire-service").json()["kind"] == "government_body"


def test_a_body_that_makes_a_bad_claim_is_refused_naming_the_field(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    ships = by_words(queued, FOURTEEN_SHIPS)
    for body, field in (
        ({"claimant": "nobody-at-all", "create_entities": True}, "body.claimant"),
        ({"quote": {"text": "fourteen planes"}, "create_entities": True}, "body.quote.text"),
        ({"status": "certain"}, "body.status"),
        ({"colour": "blue"}, "body.colour"),
        ({"id": "Not A Slug"}, "body.id"),
    ):
        refused = accept(client, ships, alice, body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["field"] == field, refused.json()
    assert client.get(f"/candidates/{ships['id']}").json()["state"] == "pending"
    assert client.get("/entities/daniel-brandt").status_code == 404


def test_words_credited_to_no_one_need_a_claimant(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    hedge = by_words(queued, FUEL_PRICES)
    refused = accept(client, hedge, alice)
    assert refused.status_code == 422
    assert refused.json()["field"] == "body.claimant"
    created = accept(client, hedge, alice, {"claimant": "unnamed-commentators"})
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["statement"] == f"Unnamed commentators suggested: {FUEL_PRICES}."
    assert (claim["status"], claim["claimant"]["slug"]) == ("speculative", "unnamed-commentators")
    assert claim["attribution"] == [{"source": SOURCE, "entity": None, "verb": "reported"}]


# --- rejecting ------------------------------------------------------------------------


def test_rejecting_keeps_the_reason(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    hedge = by_words(queued, FUEL_PRICES)
    url = f"/candidates/{hedge['id']}/reject"
    reason = {"reason": "Unattributed speculation."}
    assert client.post(url, json=reason, headers=alice).status_code == 428
    stale = client.post(url, json=reason, headers={**alice, "If-Match": '"9-0000000000000000"'})
    assert stale.status_code == 412
    etag = etag_of(client, hedge)
    for body in (None, {}, {"reason": "  "}, {"reason": "x", "also": 1}):
        refused = client.post(url, json=body, headers={**alice, "If-Match": etag})
        assert refused.status_code == 422, body
    rejected = client.post(url, json=reason, headers={**alice, "If-Match": etag})
    assert rejected.status_code == 200, rejected.text
    assert rejected.headers["etag"] != etag
    assert rejected.headers["etag"] == etag_of(client, hedge)
    body = rejected.json()
    assert (body["state"], body["reason"], body["reviewed_by"], body["claim"]) == (
        "rejected",
        "Unattributed speculation.",
        "alice",
        None,
    )
    assert client.get(f"/candidates/{hedge['id']}").json() == body
    review = client.get(f"/candidates/{hedge['id']}/history").json()["items"]
    assert [(r["action"], r["actor"], r["reason"]) for r in review] == [
        ("create", "alice", None),
        ("reject", "alice", "Unattributed speculation."),
    ]
    again = client.post(url, json=reason, headers={**alice, "If-Match": "*"})
    assert again.status_code == 409
    accepted = client.post(
        f"/candidates/{hedge['id']}/accept",
        json={"claimant": "russia"},
        headers={**alice, "If-Match": "*"},
    )
    assert accepted.status_code == 409
    assert client.get(f"/claims?source={SOURCE}").json()["items"] == []


# --- extracting again -----------------------------------------------------------------


def test_extracting_again_keeps_what_is_found_and_supersedes_what_is_not(
    client: TestClient,
    queued: list[dict[str, Any]],
    alice: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said = by_words(queued, SAID_ON_TUESDAY)
    hedge = by_words(queued, FUEL_PRICES)
    assert accept(client, said, alice, {"create_entities": True}).status_code == 201
    rejecting = {**alice, "If-Match": etag_of(client, hedge)}
    reason = {"reason": "No one to credit."}
    assert (
        client.post(f"/candidates/{hedge['id']}/reject", json=reason, headers=rejecting).status_code
        == 200
    )
    decided = [client.get(f"/candidates/{c['id']}").json() for c in (said, hedge)]
    waiting = [c for c in queued if c["id"] not in (said["id"], hedge["id"])]
    tags = {c["id"]: etag_of(client, c) for c in waiting}

    # The same reading again changes nothing: the same candidates, ids and ETags.
    again = client.post(f"/sources/{SOURCE}/extract", headers=alice)
    assert again.status_code == 201
    assert again.json() == {"source": SOURCE, "candidates": len(waiting)}
    now = client.get(f"/candidates?source={SOURCE}").json()["items"]
    assert [c for c in now if c["state"] != "pending"] == decided  # untouched
    assert [c["id"] for c in now if c["state"] == "pending"] == [c["id"] for c in waiting]
    assert {c["id"]: etag_of(client, c) for c in waiting} == tags

    # A reading that no longer finds one (a new extractor, say) supersedes it, and one
    # that reads another differently queues its new reading beside the old one's end.
    dropped, changed = waiting[0], waiting[1]

    def newer(text: str, source_date: str | None = None) -> Any:
        found = extract(text, source_date=source_date)
        kept = []
        for candidate in found.candidates:
            if candidate.start == dropped["quote"]["start"]:
                continue
            if candidate.start == changed["quote"]["start"]:
                candidate = dataclasses.replace(candidate, claimant="Harbour Authority")
            kept.append(candidate)
        return dataclasses.replace(found, candidates=tuple(kept))

    monkeypatch.setattr(queue, "extract", newer)
    third = client.post(f"/sources/{SOURCE}/extract", headers=alice)
    assert third.json() == {"source": SOURCE, "candidates": len(waiting) - 1}
    for old in (dropped, changed):
        gone = client.get(f"/candidates/{old['id']}").json()
        assert (gone["state"], gone["reason"], gone["reviewed_by"]) == (
            "superseded",
            "not found by a later extraction",
            None,
        )
        history = client.get(f"/candidates/{old['id']}/history").json()["items"]
        assert [r["action"] for r in history] == ["create", "supersede"]
    pending = client.get(f"/candidates?source={SOURCE}&state=pending").json()["items"]
    fresh = [c for c in pending if c["id"] > max(tags)]
    assert [(c["quote"], c["claimant"]["name"]) for c in fresh] == [
        (changed["quote"], "Harbour Authority")
    ]
    runs = client.get(f"/sources/{SOURCE}/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in runs] == [
        ("create", "alice"),
        ("extract", "alice"),
        ("extract", "alice"),
        ("extract", "alice"),
    ]
    assert runs[1]["changes"] == {"pending_candidates": {"from": 0, "to": len(queued)}}
    assert "changes" not in runs[2] or runs[2]["changes"] == {}


def test_a_superseded_candidates_id_is_never_given_to_another(
    client: TestClient,
    queued: list[dict[str, Any]],
    alice: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    last = queued[-1]

    def missing_the_last(text: str, source_date: str | None = None) -> Any:
        found = extract(text, source_date=source_date)
        kept = tuple(c for c in found.candidates if c.start != last["quote"]["start"])
        return dataclasses.replace(found, candidates=kept)

    monkeypatch.setattr(queue, "extract", missing_the_last)
    assert client.post(f"/sources/{SOURCE}/extract", headers=alice).status_code == 201
    monkeypatch.setattr(queue, "extract", extract)
    assert client.post(f"/sources/{SOURCE}/extract", headers=alice).status_code == 201
    again = client.get(f"/candidates?source={SOURCE}&state=pending").json()["items"]
    back = [c for c in again if c["quote"] == last["quote"]]
    assert len(back) == 1
    assert back[0]["id"] > max(c["id"] for c in queued)
    assert client.get(f"/candidates/{last['id']}").json()["state"] == "superseded"


def test_extracting_needs_a_held_text_and_a_write_key(
    client: TestClient, alice: dict[str, str], store: Store
) -> None:
    assert client.post("/sources/legion-article-2022/extract").status_code == 401
    reader = key_for(store, "reader", Scope.read)
    assert client.post("/sources/legion-article-2022/extract", headers=reader).status_code == 403
    not_held = client.post("/sources/moscow-times-switching-sides/extract", headers=alice)
    assert not_held.status_code == 404
    assert not_held.json()["type"].endswith(":text-not-held")
    unknown = client.post("/sources/harbor-fyre/extract", headers=alice)
    assert unknown.status_code == 404
    assert unknown.json()["type"].endswith(":not-found")
    assert client.get("/candidates").json() == {"items": [], "next": None}


# --- reading the queue ----------------------------------------------------------------


def test_candidates_come_in_keyset_pages_like_the_claim_lists(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    legion = client.post("/sources/legion-article-2022/extract", headers=alice)
    assert legion.status_code == 201
    everything = client.get("/candidates?limit=200").json()
    assert everything["next"] is None
    assert len(everything["items"]) == len(queued) + legion.json()["candidates"]
    ids = [c["id"] for c in everything["items"]]
    assert ids == sorted(ids)
    assert walk(client, "/candidates?limit=3") == everything["items"]
    assert walk(client, f"/candidates?source={SOURCE}&limit=2") == queued
    # A source's name works too, as in the claim filters.
    by_name = client.get("/candidates?source=Elmsford Gazette: Harbour fire&limit=200")
    assert by_name.json()["items"] == queued
    hedge = by_words(queued, FUEL_PRICES)
    reject = {**alice, "If-Match": etag_of(client, hedge)}
    client.post(f"/candidates/{hedge['id']}/reject", json={"reason": "vague"}, headers=reject)
    assert [c["id"] for c in walk(client, "/candidates?state=rejected&limit=1")] == [hedge["id"]]
    pending = walk(client, f"/candidates?source={SOURCE}&state=pending&limit=4")
    assert [c["id"] for c in pending] == [c["id"] for c in queued if c["id"] != hedge["id"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("state=maybe", "state"),
        ("state=pending&state=rejected", "state"),
        ("sourse=harbour-fire", "sourse"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
    ],
)
def test_bad_list_parameters_are_refused_naming_them(
    client: TestClient, query: str, field: str
) -> None:
    refused = client.get(f"/candidates?{query}")
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == field


def test_unknown_sources_and_candidates_are_404_problems(client: TestClient) -> None:
    unknown = client.get("/candidates?source=legoin-article-2022")
    assert unknown.status_code == 404
    problem = unknown.json()
    assert problem["type"].endswith(":unknown-reference")
    assert problem["field"] == "source"
    assert "legion-article-2022" in problem["suggestions"]
    for url in ("/candidates/4242", "/candidates/4242/history"):
        missing = client.get(url)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/candidates/first").status_code == 422
    assert client.get(f"/candidates/{2**40}").status_code == 422


def test_extraction_runs_before_the_write_lock_is_taken(
    client: TestClient, alice: dict[str, str], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite lets one writer in at a time: reading a long text must not keep the others
    waiting. (On PostgreSQL no lock is queued for; the check holds trivially.)"""

    writing_while_reading: list[int] = []

    def watched(text: str, *, source_date: str | None = None) -> Any:
        writing_while_reading.append(store.writers_queued)
        return extract(text, source_date=source_date)

    monkeypatch.setattr(queue, "extract", watched)
    assert client.post("/sources/legion-article-2022/extract", headers=alice).status_code == 201
    assert writing_while_reading == [0]


def test_the_queue_can_be_read_from_its_surest_candidates_down(
    client: TestClient, queued: list[dict[str, Any]]
) -> None:
    floor = sorted({c["confidence"] for c in queued})[-1]
    sure = client.get(f"/candidates?source={SOURCE}&min_confidence={floor}").json()["items"]
    assert sure
    assert [c["id"] for c in sure] == [c["id"] for c in queued if c["confidence"] >= floor]
    everything = client.get("/proposals?kind=claim&min_confidence=0&limit=200").json()["items"]
    assert [p["id"] for p in everything] == [c["id"] for c in queued]
    for bad in ("1.5", "-0.1", "sure"):
        refused = client.get(f"/candidates?min_confidence={bad}")
        assert refused.status_code == 422
        assert refused.json()["field"] == "min_confidence"


def test_a_claimant_named_at_accept_is_found_or_created(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    ships = by_words(queued, FOURTEEN_SHIPS)
    hall = {"claimant": {"name": "James Hall", "kind": "person"}}
    refused = accept(client, ships, alice, hall)
    assert refused.status_code == 422
    assert refused.json()["field"] == "body.claimant.name"
    assert "James Hall" in refused.json()["detail"]
    made = accept(client, ships, alice, {**hall, "create_entities": True})
    assert made.status_code == 201, made.text
    claim = made.json()
    assert claim["claimant"] == {"slug": "james-hall", "name": "James Hall", "kind": "person"}
    assert claim["attribution"][-1]["entity"] == "james-hall"
    assert claim["statement"].startswith("James Hall ")
    assert client.get("/entities/james-hall").json()["kind"] == "person"

    # A name the store knows (here an alias) is that entity, whatever kind is sent.
    said = by_words(queued, SAID_ON_TUESDAY)
    legion = {"claimant": {"name": "Legion", "kind": "person"}, "create_entities": True}
    answer = accept(client, said, alice, legion)
    assert answer.status_code == 201, answer.text
    assert answer.json()["claimant"]["slug"] == "freedom-of-russia-legion"
    blank = accept(client, by_words(queued, NEVER_SEEN), alice, {"claimant": {"name": " "}})
    assert blank.status_code == 422
    assert blank.json()["field"].startswith("body.claimant")
