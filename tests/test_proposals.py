"""One review queue for every kind of proposal: a reviewer's session with `/proposals`.

Claims read from a text and relations between claims wait in the same queue, are read,
accepted and rejected the same way, and accepting one writes what it proposes through the
same use case as a direct write (so standing, revisions and the change feed follow).
"""

from __future__ import annotations

from typing import Any

import pytest
from candidate_texts import (
    DISPUTED,
    FOURTEEN_SHIPS,
    HARBOUR_FIRE,
    NEVER_SEEN,
    SAID_ON_TUESDAY,
)
from fastapi.testclient import TestClient
from helpers import walk
from test_changes import pages

from api import Store
from api.writes.keys import create_key
from models.base import Scope

SOURCE = "harbour-fire"
# Two held claims of the fixtures, by different claimants, with no relation between them.
VOLOBUYEV = "volobuyev-wanted-to-defend-ukraine"
SAKHIBGAREEV = "sakhibgareev-none-wanted-war"


@pytest.fixture
def alice(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def queued(client: TestClient, alice: dict[str, str]) -> list[dict[str, Any]]:
    """The harbour-fire story held and extracted: its claim proposals."""
    source = {"slug": SOURCE, "name": "Harbour fire", "kind": "article", "text": HARBOUR_FIRE}
    assert client.post("/sources", json=source, headers=alice).status_code == 201
    assert client.post(f"/sources/{SOURCE}/extract", headers=alice).status_code == 201
    return walk(client, f"/proposals?source={SOURCE}&kind=claim&limit=3")


def read(client: TestClient, proposal_id: int) -> tuple[dict[str, Any], str]:
    answer = client.get(f"/proposals/{proposal_id}")
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["etag"]


def propose(client: TestClient, key: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/proposals", json={"kind": "relation", **body}, headers=key)


def test_extracted_claims_are_proposals_with_their_evidence_and_proposer(
    client: TestClient, queued: list[dict[str, Any]]
) -> None:
    said = next(p for p in queued if p["payload"]["quote"]["text"] == SAID_ON_TUESDAY)
    assert said["kind"] == "claim"
    assert said["state"] == "pending"
    assert said["evidence"]["source"] == SOURCE
    (span,) = said["evidence"]["spans"]
    assert HARBOUR_FIRE[span["start"] : span["end"]] == span["text"] == SAID_ON_TUESDAY
    assert said["proposed_by"]["agent"] == "extractor"
    assert 0 < said["confidence"] <= 1
    assert said["payload"]["claimant"]["name"] == "Maria Okafor"
    # The candidate is the same proposal in the queue's first shape.
    candidate = client.get(f"/candidates/{said['id']}").json()
    assert candidate["quote"] == said["payload"]["quote"]
    assert candidate["claimant"] == said["payload"]["claimant"]
    assert [c["id"] for c in walk(client, f"/candidates?source={SOURCE}")] == [
        p["id"] for p in queued
    ]
    history = client.get(f"/proposals/{said['id']}/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [("create", "alice")]


def test_a_proposed_relation_is_created_by_the_relation_write_when_accepted(
    client: TestClient, alice: dict[str, str]
) -> None:
    made = propose(
        client,
        alice,
        {
            "payload": {
                "type": "contradicts",
                "from": {"claim": VOLOBUYEV},
                "to": {"claim": SAKHIBGAREEV},
                "note": "One says he went to fight; the other that no one wanted to.",
            },
            "confidence": 0.6,
            "rule": "by-hand",
        },
    )
    assert made.status_code == 201, made.text
    proposal = made.json()
    assert made.headers["location"] == f"/proposals/{proposal['id']}"
    assert (proposal["kind"], proposal["state"], proposal["evidence"]) == (
        "relation",
        "pending",
        {"source": None, "spans": []},
    )
    assert proposal["proposed_by"] == {"agent": "alice", "rule": "by-hand", "version": None}
    # Nothing is linked until someone accepts it.
    assert client.get(f"/claims/{VOLOBUYEV}/relations").json()["items"] == []
    assert [p["id"] for p in client.get(f"/proposals?claim={SAKHIBGAREEV}").json()["items"]] == [
        proposal["id"]
    ]
    assert client.get(f"/proposals?claim={VOLOBUYEV}&kind=claim").json()["items"] == []

    _, etag = read(client, proposal["id"])
    stale = client.post(
        f"/proposals/{proposal['id']}/accept", headers={**alice, "If-Match": '"1-0000"'}
    )
    assert stale.status_code == 412
    accepted = client.post(
        f"/proposals/{proposal['id']}/accept",
        headers={**alice, "If-Match": etag},
        json={"note": "Checked: the two accounts cannot both hold."},
    )
    assert accepted.status_code == 201, accepted.text
    relation = accepted.json()
    assert accepted.headers["location"] == f"/relations/{relation['id']}"
    assert (relation["type"], relation["from"], relation["to"], relation["note"]) == (
        "contradicts",
        VOLOBUYEV,
        SAKHIBGAREEV,
        "Checked: the two accounts cannot both hold.",
    )
    assert relation["asserted_by"] == {"source": None, "analyst": "alice"}
    # Written as `POST /relations` writes: standing, revisions and the feed follow.
    assert client.get(f"/claims/{VOLOBUYEV}").json()["status"] == "disputed"
    assert client.get(f"/relations/{relation['id']}").headers["etag"] == accepted.headers["etag"]
    feed = [change for page in pages(client, "/changes?limit=1000") for change in page["items"]]
    assert ("relation", relation["id"], "created") in [
        (c["resource"], c["id"], c["kind"]) for c in feed
    ]
    done, _ = read(client, proposal["id"])
    assert (done["state"], done["result"], done["reviewed_by"]) == (
        "accepted",
        relation["id"],
        "alice",
    )
    history = client.get(f"/proposals/{proposal['id']}/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [
        ("create", "alice"),
        ("accept", "alice"),
    ]
    again = client.post(f"/proposals/{proposal['id']}/accept", headers={**alice, "If-Match": "*"})
    assert again.status_code == 409


def test_a_relation_between_claim_proposals_waits_for_both_claims(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    said = next(p for p in queued if p["payload"]["quote"]["text"] == SAID_ON_TUESDAY)
    ships = next(p for p in queued if p["payload"]["quote"]["text"] == FOURTEEN_SHIPS)
    made = propose(
        client,
        alice,
        {
            "payload": {
                "type": "undermines",
                "from": {"proposal": ships["id"]},
                "to": {"proposal": said["id"]},
                "note": "A made-up link, for the test.",
            },
            "source": SOURCE,
            "spans": [{"text": "told reporters"}],
        },
    )
    assert made.status_code == 201, made.text
    relation = made.json()
    (cue,) = relation["evidence"]["spans"]
    assert HARBOUR_FIRE[cue["start"] : cue["end"]] == "told reporters"

    _, etag = read(client, relation["id"])
    early = client.post(f"/proposals/{relation['id']}/accept", headers={**alice, "If-Match": etag})
    assert early.status_code == 409
    assert f"claim proposal {ships['id']} is pending" in early.json()["detail"]

    for claim in (said, ships):
        _, tag = read(client, claim["id"])
        body = {"create_entities": True}
        answer = client.post(
            f"/proposals/{claim['id']}/accept", headers={**alice, "If-Match": tag}, json=body
        )
        assert answer.status_code == 201, answer.text
        assert answer.headers["location"] == f"/claims/{answer.json()['id']}"
    _, etag = read(client, relation["id"])
    linked = client.post(f"/proposals/{relation['id']}/accept", headers={**alice, "If-Match": etag})
    assert linked.status_code == 201, linked.text
    said_claim = read(client, said["id"])[0]["result"]
    assert (linked.json()["from"], linked.json()["to"]) == (
        read(client, ships["id"])[0]["result"],
        said_claim,
    )
    # A source's words drew it: the link is the source's, not the reviewer's.
    assert linked.json()["asserted_by"] == {"source": SOURCE, "analyst": None}
    about = client.get(f"/proposals?claim={said_claim}").json()["items"]
    assert [(p["kind"], p["id"]) for p in about] == [
        ("claim", said["id"]),
        ("relation", relation["id"]),
    ]


def test_rejecting_keeps_why_and_ends_the_review(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    never = next(p for p in queued if p["payload"]["quote"]["text"] == NEVER_SEEN)
    _, etag = read(client, never["id"])
    rejected = client.post(
        f"/proposals/{never['id']}/reject",
        headers={**alice, "If-Match": etag},
        json={"reason": "Checked: misquoted."},
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["state"], rejected.json()["reason"]) == (
        "rejected",
        "Checked: misquoted.",
    )
    assert rejected.headers["etag"] == read(client, never["id"])[1]
    assert client.get(f"/candidates/{never['id']}").json()["state"] == "rejected"
    late = client.post(f"/proposals/{never['id']}/accept", headers={**alice, "If-Match": "*"})
    assert late.status_code == 409
    pending = walk(client, "/proposals?state=pending")
    assert never["id"] not in [p["id"] for p in pending]


def test_a_batch_is_accepted_whole_or_not_at_all(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    said = next(p for p in queued if p["payload"]["quote"]["text"] == SAID_ON_TUESDAY)
    ships = next(p for p in queued if p["payload"]["quote"]["text"] == FOURTEEN_SHIPS)
    # A batch of candidates carries the candidates' ETags (as `/candidates/{id}` sends them).
    fresh = {
        item["id"]: client.get(f"/candidates/{item['id']}").headers["etag"]
        for item in (said, ships)
    }
    batch = [
        {"id": said["id"], "etag": fresh[said["id"]], "changes": {"create_entities": True}},
        {"id": ships["id"], "etag": '"1-stale"', "changes": {"create_entities": True}},
    ]
    refused = client.post("/candidates:accept", json=batch, headers=alice)
    assert refused.status_code == 412
    problem = refused.json()
    assert problem["field"] == "body.1.etag"
    assert f"proposal {ships['id']}" in problem["detail"]
    assert client.get(f"/claims?source={SOURCE}").json()["items"] == []  # none of them
    assert read(client, said["id"])[0]["state"] == "pending"

    # A name with no entity refuses the batch too, naming the entry and its field.
    unnamed = [{"id": said["id"], "etag": read(client, said["id"])[1]}]
    missing = client.post("/proposals:accept", json=unnamed, headers=alice)
    assert missing.status_code == 422
    assert missing.json()["field"].startswith("body.0.")

    batch[1]["etag"] = fresh[ships["id"]]
    done = client.post("/candidates:accept", json=batch, headers=alice)
    assert done.status_code == 201, done.text
    items = done.json()["items"]
    assert [(i["proposal"], i["kind"]) for i in items] == [
        (said["id"], "claim"),
        (ships["id"], "claim"),
    ]
    for item in items:
        claim = client.get(item["href"])
        assert claim.status_code == 200
        assert claim.headers["etag"] == item["etag"]
    twice = client.post("/proposals:accept", json=[batch[0], batch[0]], headers=alice)
    assert twice.status_code == 422
    assert twice.json()["field"] == "body.1.id"


def test_the_queue_filters_and_pages_like_every_list(
    client: TestClient, queued: list[dict[str, Any]], alice: dict[str, str]
) -> None:
    relation = propose(
        client,
        alice,
        {
            "payload": {
                "type": "supports",
                "from": {"claim": VOLOBUYEV},
                "to": {"proposal": queued[0]["id"]},
                "note": "For the test.",
            }
        },
    ).json()
    everything = walk(client, "/proposals?limit=2")
    assert [p["id"] for p in everything] == sorted(p["id"] for p in everything)
    assert [p["id"] for p in everything] == [p["id"] for p in queued] + [relation["id"]]
    assert [p["id"] for p in walk(client, "/proposals?kind=relation")] == [relation["id"]]
    assert client.get("/proposals?entity=legoin").status_code == 404
    assert client.get("/proposals?claim=no-such-claim").json()["field"] == "claim"
    assert client.get("/proposals?kind=merge").status_code == 422
    assert client.get("/proposals/999999").status_code == 404
    assert client.get(f"/candidates/{relation['id']}").status_code == 404  # not a claim


def test_a_proposal_names_held_entities_it_was_read_with(
    client: TestClient, alice: dict[str, str]
) -> None:
    story = (
        "Kyiv, 2022. Oleksiy Arestovych said on Monday that the Freedom of Russia Legion "
        "was growing fast."
    )
    source = {"slug": "legion-growth", "name": "Legion growth", "kind": "article", "text": story}
    assert client.post("/sources", json=source, headers=alice).status_code == 201
    assert client.post("/sources/legion-growth/extract", headers=alice).status_code == 201
    (proposal,) = client.get("/proposals?source=legion-growth").json()["items"]
    named = client.get("/proposals?entity=arestovych").json()["items"]
    assert [p["id"] for p in named] == [proposal["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payload": {"type": "supports", "from": {"claim": VOLOBUYEV}, "to": {}, "note": "x"}},
         "body.payload.to"),
        ({"payload": {"type": "supports", "from": {"claim": VOLOBUYEV, "proposal": 1},
                      "to": {"claim": SAKHIBGAREEV}, "note": "x"}}, "body.payload.from"),
        ({"payload": {"type": "supports", "from": {"claim": "nothing-here"},
                      "to": {"claim": SAKHIBGAREEV}, "note": "x"}}, "body.payload.from.claim"),
        ({"payload": {"type": "supports", "from": {"claim": VOLOBUYEV},
                      "to": {"claim": VOLOBUYEV}, "note": "x"}}, "body.payload.to"),
        ({"payload": {"type": "supports", "from": {"claim": VOLOBUYEV},
                      "to": {"claim": SAKHIBGAREEV}, "note": "x"},
          "spans": [{"text": "said"}]}, "body.spans"),
        ({"payload": {"type": "supports", "from": {"claim": VOLOBUYEV},
                      "to": {"claim": SAKHIBGAREEV}, "note": "x"},
          "source": "legion-article-2022", "spans": [{"text": "never in the text"}]},
         "body.spans.0.quote"),
        ({"payload": {"type": "agrees", "from": {"claim": VOLOBUYEV},
                      "to": {"claim": SAKHIBGAREEV}, "note": "x"}}, "body.payload.type"),
    ],
)  # fmt: skip
def test_a_bad_proposal_is_refused_naming_the_field(
    client: TestClient, alice: dict[str, str], body: dict[str, Any], field: str
) -> None:
    answer = propose(client, alice, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"].startswith(field), answer.json()
    assert walk(client, "/proposals") == []


def test_proposing_needs_a_write_key(client: TestClient) -> None:
    body = {
        "kind": "relation",
        "payload": {
            "type": "supports",
            "from": {"claim": VOLOBUYEV},
            "to": {"claim": SAKHIBGAREEV},
            "note": "x",
        },
    }
    assert client.post("/proposals", json=body).status_code == 401


def test_a_dispute_the_text_draws_is_a_relation_proposal_between_its_claims(
    client: TestClient, alice: dict[str, str]
) -> None:
    source = {"slug": "dispute", "name": "Dispute", "kind": "article", "text": DISPUTED}
    source |= {"date": "2024-03-06"}
    assert client.post("/sources", json=source, headers=alice).status_code == 201
    assert client.post("/sources/dispute/extract", headers=alice).status_code == 201
    listed = walk(client, "/proposals?source=dispute&kind=claim")
    claims = {p["payload"]["quote"]["text"]: p for p in listed}
    said, disputing = claims[SAID_ON_TUESDAY], claims["Okafor's account"]
    (relation,) = walk(client, "/proposals?source=dispute&kind=relation")
    assert relation["payload"]["type"] == "contradicts"
    assert relation["payload"]["from"] == {"claim": None, "proposal": disputing["id"]}
    assert relation["payload"]["to"] == {"claim": None, "proposal": said["id"]}
    (cue,) = relation["evidence"]["spans"]
    assert DISPUTED[cue["start"] : cue["end"]] == cue["text"] == "disputed"
    assert relation["proposed_by"] == {"agent": "extractor", "rule": "dispute-cue", "version": None}
    tag = read(client, relation["id"])[1]

    # Read again, the text draws the same dispute: the proposal stays as it was.
    assert client.post("/sources/dispute/extract", headers=alice).status_code == 201
    assert read(client, relation["id"]) == (relation, tag)

    # One batch: both claims (names created, the denial restated) and then the relation.
    statement = "Daniel Brandt disputed Maria Okafor's account of where the fire began."
    batch = [
        {"id": said["id"], "etag": read(client, said["id"])[1]},
        {"id": disputing["id"], "etag": read(client, disputing["id"])[1]},
        {"id": relation["id"], "etag": tag},
    ]
    batch[0]["changes"] = {"create_entities": True}
    batch[1]["changes"] = {"create_entities": True, "statement": statement}
    done = client.post("/proposals:accept", json=batch, headers=alice)
    assert done.status_code == 201, done.text
    made = {item["proposal"]: item for item in done.json()["items"]}
    for item in made.values():  # each as the batch left it, ready for an edit
        assert client.get(item["href"]).headers["etag"] == item["etag"]
    created = client.get(made[relation["id"]]["href"]).json()
    said_claim = client.get(made[said["id"]]["href"]).json()
    assert (created["type"], created["to"]) == ("contradicts", said_claim["id"])
    assert created["from"] == client.get(made[disputing["id"]]["href"]).json()["id"]
    disputes = client.get(f"/claims/{said_claim['id']}/relations").json()["items"]
    assert [r["id"] for r in disputes] == [created["id"]]
    assert read(client, relation["id"])[0]["result"] == created["id"]
    # A dated source dates every claim; this one said when ("on Tuesday"), the other not.
    assert (said_claim["claimed_on"], said_claim["claimed_on_inferred"]) == ("2024-03-05", False)
    denial = client.get(made[disputing["id"]]["href"]).json()
    assert (denial["claimed_on"], denial["claimed_on_inferred"]) == ("2024-03-06", True)

    # Decided once, the dispute is not queued again.
    assert client.post("/sources/dispute/extract", headers=alice).status_code == 201
    pending = walk(client, "/proposals?source=dispute&kind=relation&state=pending")
    assert pending == []
