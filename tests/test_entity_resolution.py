"""One person, one entity: the names texts give are resolved to held entities.

A reviewer's session: articles are held and read, their names resolved (the same name or
alias applied at once, a surname by the full name before it, an acronym by its expansion,
a role by who held it), whatever is uncertain queued as an `entity_link` proposal, and
unnamed sources kept apart per article. What the extractor reads is fixed here (the
extraction itself is tested elsewhere): these tests are about what the store makes of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Store
from api.ingest import queue
from api.ingest.extraction import Candidate, Extraction, Hop, Mention
from api.writes.keys import create_key
from models.base import Scope

QUEENS = """\
Shooting in Queens

The New York Police Department (NYPD) said on Monday that two officers were hurt.

John Howard, a city councilman, said residents were scared. Howard said the block had seen \
three shootings this year.

Officials said that the NYPD would add patrols.
"""

PATROLS = """\
Patrols added in Queens

The NYPD said on Friday that it would add patrols.

Howard said the patrols came too late. Officials said a review would follow.
"""

KREMLIN = """\
Talks stall

The Russian president said on Monday that the talks had failed.
"""

FARES = """\
Fares

Blueline said on Monday that fares would rise.
"""

AIRPORTS = """\
Storm closes the airports

"JFK will stay closed until Tuesday," said Rick Cotton, who runs the airports.
"""


def said(text: str, words: str, claimant: str | None, kind: str | None = None, **more: Any) -> Any:
    """A candidate of `text`: `words` credited to `claimant` by "said" just before them."""
    start = text.index(words)
    cue = text.rfind("said", 0, start)
    hops = (Hop(claimant, "said", kind),) if claimant else ()
    return Candidate(
        start=start,
        end=start + len(words),
        text=words,
        claimant=claimant,
        cue="said",
        speech="indirect",
        attribution=hops,
        status="reported",
        claimed_on=None,
        entities=tuple(more.get("entities", ())),
        confidence=0.9,
        cue_start=cue,
    )


def mention(text: str, name: str, kind: str, after: str = "") -> Mention:
    start = text.index(name, text.index(after) if after else 0)
    return Mention(name, start, start + len(name), kind)


READINGS: dict[str, tuple[Any, ...]] = {
    QUEENS: (
        said(QUEENS, "two officers were hurt", "New York Police Department", "government_body"),
        said(QUEENS, "residents were scared", "John Howard", "person"),
        said(QUEENS, "the block had seen three shootings this year", "Howard", "person"),
        said(
            QUEENS,
            "the NYPD would add patrols",
            "Officials",
            entities=[mention(QUEENS, "NYPD", "organization", after="Officials")],
        ),
    ),
    PATROLS: (
        said(PATROLS, "it would add patrols", "NYPD", "organization"),
        said(PATROLS, "the patrols came too late", "Howard", "person"),
        said(PATROLS, "a review would follow", "Officials"),
    ),
    KREMLIN: (said(KREMLIN, "the talks had failed", "The Russian president", "person"),),
    FARES: (said(FARES, "fares would rise", "Blueline"),),
    AIRPORTS: (
        said(
            AIRPORTS,
            "JFK will stay closed until Tuesday",
            "Rick Cotton",
            "person",
            entities=[mention(AIRPORTS, "JFK", "person")],
        ),
    ),
}


@pytest.fixture(autouse=True)
def reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """The extractor reads each text of this module as READINGS says."""

    def extract(text: str, source_date: str | None = None) -> Extraction:
        return Extraction(candidates=READINGS[text], warnings=())

    monkeypatch.setattr(queue, "extract", extract)


@pytest.fixture
def alice(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def ingest(client: TestClient, key: dict[str, str], slug: str, text: str, date: str) -> None:
    source = {"slug": slug, "name": slug, "kind": "article", "date": date, "text": text}
    assert client.post("/sources", json=source, headers=key).status_code == 201
    assert client.post(f"/sources/{slug}/extract", headers=key).status_code == 201


def proposals(client: TestClient, **query: str) -> list[dict[str, Any]]:
    answer = client.get("/proposals", params={"limit": "200", **query})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def claim_of(client: TestClient, slug: str, words: str) -> dict[str, Any]:
    (found,) = [
        p
        for p in proposals(client, source=slug, kind="claim")
        if p["payload"]["quote"]["text"] == words
    ]
    return found


def accept(
    client: TestClient, key: dict[str, str], proposal: dict[str, Any], body: Any = None
) -> Any:
    tag = client.get(f"/proposals/{proposal['id']}").headers["etag"]
    return client.post(
        f"/proposals/{proposal['id']}/accept", json=body, headers={**key, "If-Match": tag}
    )


def test_a_surname_after_the_full_name_is_that_person(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "queens", QUEENS, "2024-03-04")
    block = claim_of(client, "queens", "the block had seen three shootings this year")
    claimant = block["payload"]["claimant"]
    assert (claimant["name"], claimant["known_as"], claimant["entity"]) == (
        "Howard",
        "John Howard",
        None,
    )
    made = accept(client, alice, block, {"create_entities": True})
    assert made.status_code == 201, made.text
    assert made.json()["claimant"] == {
        "slug": "john-howard",
        "name": "John Howard",
        "kind": "person",
    }
    # The full name now resolves at once, in this text and the next.
    scared = claim_of(client, "queens", "residents were scared")
    assert scared["payload"]["claimant"]["entity"] == "john-howard"
    assert client.get("/entities/john-howard").json()["aliases"] == []  # not "Howard"


def test_an_acronym_and_its_expansion_are_one_entity(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "queens", QUEENS, "2024-03-04")
    patrols = claim_of(client, "queens", "the NYPD would add patrols")
    (nypd,) = patrols["payload"]["entities"]
    assert (nypd["name"], nypd["known_as"]) == ("NYPD", "New York Police Department")
    assert accept(client, alice, patrols, {"create_entities": True}).status_code == 201
    entity = client.get("/entities/NYPD").json()
    assert (entity["slug"], entity["name"], entity["aliases"]) == (
        "new-york-police-department",
        "New York Police Department",
        ["NYPD"],
    )
    # Another article writes only "NYPD": the alias resolves it, with nothing to review.
    ingest(client, alice, "patrols", PATROLS, "2024-03-08")
    again = claim_of(client, "patrols", "it would add patrols")
    assert again["payload"]["claimant"]["entity"] == "new-york-police-department"
    links = proposals(client, source="patrols", kind="entity_link")
    assert not [p for p in links if "NYPD" in p["payload"]["mention"]["spellings"]]


def test_an_acronym_of_a_held_name_goes_to_review_with_its_score(
    client: TestClient, alice: dict[str, str]
) -> None:
    body = {"slug": "nypd-hq", "name": "New York Police Department", "kind": "government_body"}
    assert client.post("/entities", json=body, headers=alice).status_code == 201
    ingest(client, alice, "patrols", PATROLS, "2024-03-08")
    (link,) = [
        p
        for p in proposals(client, source="patrols", kind="entity_link")
        if p["payload"]["mention"]["name"] == "NYPD"
    ]
    assert link["state"] == "pending"
    assert link["proposed_by"]["agent"] == "resolver"
    (candidate,) = link["payload"]["candidates"]
    assert (candidate["entity"], candidate["basis"]) == ("nypd-hq", "acronym")
    assert 0.6 <= candidate["score"] < 0.97
    assert link["payload"]["new_entity"] == {"slug": "nypd", "name": "NYPD", "kind": "organization"}
    assert link["evidence"]["source"] == "patrols"
    spans = link["evidence"]["spans"]
    assert [(s["text"], s["role"]) for s in spans] == [("NYPD", "mention")]
    assert all(PATROLS[s["start"] : s["end"]] == s["text"] for s in spans)
    # The claim waits for the link; accepting the link (its best candidate) decides it.
    waiting = claim_of(client, "patrols", "it would add patrols")
    assert waiting["payload"]["claimant"]["link"] == link["id"]
    refused = accept(client, alice, waiting, {"create_entities": True})
    assert refused.status_code == 409
    assert f"/proposals/{link['id']}" in refused.json()["detail"]
    linked = accept(client, alice, link)
    assert linked.status_code == 201, linked.text
    assert linked.headers["location"] == "/entities/nypd-hq"
    assert "NYPD" in linked.json()["aliases"]
    assert client.get(f"/proposals/{link['id']}").json()["result"] == "nypd-hq"
    made = accept(client, alice, waiting)
    assert made.status_code == 201, made.text
    assert made.json()["claimant"]["slug"] == "nypd-hq"
    history = client.get(f"/proposals/{link['id']}/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [
        ("create", "alice"),
        ("accept", "alice"),
    ]


def test_an_airport_is_a_place_never_a_person(client: TestClient, alice: dict[str, str]) -> None:
    airport = {
        "slug": "jfk-airport",
        "name": "John F. Kennedy International Airport",
        "kind": "place",
        "aliases": ["JFK"],
    }
    assert client.post("/entities", json=airport, headers=alice).status_code == 201
    ingest(client, alice, "airports", AIRPORTS, "2024-03-04")
    closed = claim_of(client, "airports", "JFK will stay closed until Tuesday")
    (jfk,) = closed["payload"]["entities"]
    # The recogniser read "JFK" as a person: the airport's alias is a candidate, no more.
    assert (jfk["kind"], jfk["entity"]) == ("person", None)
    link = client.get(f"/proposals/{jfk['link']}").json()
    assert link["kind"] == "entity_link"
    (candidate,) = link["payload"]["candidates"]
    assert candidate["entity"] == "jfk-airport"
    assert candidate["basis"] == "alias, kind differs"
    assert candidate["score"] < 0.97
    # The reviewer says it is the airport: the mention resolves so from then on.
    assert accept(client, alice, link, {"entity": "jfk-airport"}).status_code == 201
    again = claim_of(client, "airports", "JFK will stay closed until Tuesday")
    assert again["payload"]["entities"][0]["entity"] == "jfk-airport"
    made = accept(client, alice, again, {"create_entities": True})
    assert made.status_code == 201, made.text
    assert ("jfk-airport", "mentioned") in {(e["slug"], e["role"]) for e in made.json()["entities"]}
    assert client.get("/entities/JFK").json()["kind"] == "place"


def test_unnamed_sources_belong_to_their_article_and_never_pool(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "queens", QUEENS, "2024-03-04")
    ingest(client, alice, "patrols", PATROLS, "2024-03-08")
    first = claim_of(client, "queens", "the NYPD would add patrols")
    second = claim_of(client, "patrols", "a review would follow")
    for proposal in (first, second):
        assert proposal["payload"]["claimant"]["kind"] == "anonymous"
        assert proposal["payload"]["claimant"]["link"] is None  # nothing to decide
    # No `create_entities` is needed for them: an unnamed source is the text's own.
    assert accept(client, alice, second).status_code == 201
    assert accept(client, alice, first, {"create_entities": True}).status_code == 201
    found = client.get("/claims?claimant_kind=anonymous").json()["items"]
    assert sorted(c["quote"]["source"] for c in found) == ["patrols", "queens"]
    slugs = {c["claimant"]["slug"] for c in found}
    assert len(slugs) == 2  # one per article, never one global "Officials"
    for claim in found:
        entity = client.get(f"/entities/{claim['claimant']['slug']}").json()
        assert (entity["kind"], entity["name"], entity["source"]) == (
            "anonymous",
            "Officials",
            claim["quote"]["source"],
        )
    # The description names no entity of the store: it is scoped to its article.
    assert client.get("/entities/Officials").status_code == 404
    people = client.get("/claims?claimant_kind=person").json()["items"]
    assert all(c["claimant"]["kind"] == "person" for c in people)
    bad = client.get("/claims?claimant_kind=ghost")
    assert (bad.status_code, bad.json()["field"]) == (422, "claimant_kind")
    made = {"slug": "officials", "name": "Officials", "kind": "anonymous"}
    refused = client.post("/entities", json=made, headers=alice)
    assert (refused.status_code, refused.json()["field"]) == (422, "body.kind")


def test_a_role_resolves_to_who_held_it_on_the_texts_date(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "kremlin", KREMLIN, "2024-03-04")
    talks = claim_of(client, "kremlin", "the talks had failed")
    assert talks["payload"]["claimant"]["entity"] == "vladimir-putin"
    # Before the role began, the holder is only a candidate.
    ingest(client, alice, "kremlin-2010", KREMLIN, "2010-03-04")
    early = claim_of(client, "kremlin-2010", "the talks had failed")
    assert early["payload"]["claimant"]["entity"] is None
    link = client.get(f"/proposals/{early['payload']['claimant']['link']}").json()
    (candidate,) = link["payload"]["candidates"]
    assert (candidate["entity"], candidate["basis"]) == ("vladimir-putin", "role")
    assert candidate["score"] < 0.95


def test_a_name_of_no_known_kind_is_proposed_with_kind_null(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "fares", FARES, "2024-03-04")
    fares = claim_of(client, "fares", "fares would rise")
    assert fares["payload"]["claimant"]["kind"] is None
    link = client.get(f"/proposals/{fares['payload']['claimant']['link']}").json()
    assert link["payload"]["candidates"] == []
    assert link["payload"]["new_entity"] == {"slug": "blueline", "name": "Blueline", "kind": None}
    assert link["payload"]["mention"]["kind"] is None
    # The reviewer gives the kind; nothing is guessed.
    guessed = accept(client, alice, link)
    assert (guessed.status_code, guessed.json()["field"]) == (422, "body.new.kind")
    made = accept(client, alice, link, {"new": {"kind": "organization"}})
    assert made.status_code == 201, made.text
    assert (made.json()["slug"], made.json()["kind"]) == ("blueline", "organization")
    claim = accept(client, alice, claim_of(client, "fares", "fares would rise"))
    assert claim.status_code == 201, claim.text
    assert claim.json()["claimant"]["slug"] == "blueline"


def test_a_link_is_rejected_with_if_match_and_recorded(
    client: TestClient, alice: dict[str, str]
) -> None:
    ingest(client, alice, "fares", FARES, "2024-03-04")
    (link,) = proposals(client, source="fares", kind="entity_link")
    url = f"/proposals/{link['id']}/reject"
    assert client.post(url, json={"reason": "no"}, headers=alice).status_code == 428
    stale = {**alice, "If-Match": '"1-0000000000000000"'}
    assert client.post(url, json={"reason": "no"}, headers=stale).status_code == 412
    tag = client.get(f"/proposals/{link['id']}").headers["etag"]
    done = client.post(url, json={"reason": "not a name"}, headers={**alice, "If-Match": tag})
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["reason"]) == ("rejected", "not a name")
    history = client.get(f"/proposals/{link['id']}/history").json()["items"]
    assert [r["action"] for r in history] == ["create", "reject"]
