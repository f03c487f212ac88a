"""Has this been said before? A fact-checker's session with the matcher: look a statement
up, find a claim's restatements and contradictions, review what the matcher proposes, set
its thresholds, and see restatements gather into clusters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Store
from api.queries import semantic
from api.writes.keys import create_key
from models.base import Scope

ROOT = Path(__file__).resolve().parent.parent
APPLICATIONS = "legion-300-applications-a-day"  # "there are more than 300 applications..."
WANT_TO_JOIN = "many-want-to-join-legion"  # restated by legion-many-people-want-to-join
RESTATED_BY = "legion-many-people-want-to-join"
WIRE = "wire-copy"
# A wire story of our own that repeats, rewords and contradicts the article's claims.
WIRE_TEXT = (
    "There are more than 300 applications to join the legion every day, its "
    "representatives said. More than 300 people apply to join the legion every day, a "
    "spokesman added. There are not more than 300 applications to join the legion "
    "every day, a defector said. There are only a few applications to join the legion "
    "every day, an official said. Wheat prices rose in Kansas on Tuesday."
)


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "analyst-ann", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def wire(client: TestClient, writer: dict[str, str]) -> str:
    source = {"slug": WIRE, "name": "Wire copy", "kind": "article", "text": WIRE_TEXT}
    assert client.post("/sources", json=source, headers=writer).status_code == 201
    return WIRE


def claim_from_wire(
    client: TestClient,
    headers: dict[str, str],
    claim_id: str,
    words: str,
    *,
    claimant: str = "legion-representatives",
    quantity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": claim_id,
        "statement": f"The wire says: {words}",
        "quote": {"source": WIRE, "text": words},
        "claimant": claimant,
        "attribution": [{"source": WIRE, "verb": "reported"}],
        "status": "reported",
        "speech": "indirect",
    }
    if quantity is not None:
        body["quantity"] = quantity
    created = client.post("/claims", json=body, headers=headers)
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    return answer


def match(client: TestClient, text: str, **more: Any) -> list[dict[str, Any]]:
    answer = client.post("/claims:match", json={"text": text, **more})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def matcher_proposals(client: TestClient, claim_id: str) -> list[dict[str, Any]]:
    listed = client.get(f"/proposals?kind=relation&claim={claim_id}&limit=200")
    assert listed.status_code == 200, listed.text
    return [p for p in listed.json()["items"] if p["proposed_by"]["agent"] == "matcher"]


# --- looking a statement up ------------------------------------------------------------------


def test_the_same_words_match_exactly_and_first(client: TestClient) -> None:
    held = client.get(f"/claims/{APPLICATIONS}").json()
    items = match(client, held["quote"]["text"])
    assert items[0]["claim"] == held
    assert items[0]["score"] == 1.0
    assert items[0]["method"] == "exact"
    assert items[0]["suggested_type"] == "restates"
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_a_paraphrase_is_found(client: TestClient) -> None:
    items = match(client, "More than three hundred people apply to join the Legion each day.")
    assert APPLICATIONS in [item["claim"]["id"] for item in items[:3]]


def test_a_near_duplicate_is_found_as_one(client: TestClient) -> None:
    items = match(client, "there are more than 300 applications to join the Legion every day!!")
    assert items[0]["claim"]["id"] == APPLICATIONS
    assert items[0]["method"] in {"exact", "near_duplicate"}
    assert items[0]["score"] >= 0.9


def test_the_lexical_path_finds_a_paraphrase_without_the_extra(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic, "embedder", lambda: None)
    items = match(client, "More than three hundred people apply to join the Legion each day.")
    assert APPLICATIONS in [item["claim"]["id"] for item in items[:3]]
    assert {item["method"] for item in items} <= {"exact", "near_duplicate", "lexical"}


def test_similar_never_answers_the_claim_itself(client: TestClient) -> None:
    answer = client.get(f"/claims/{RESTATED_BY}/similar", params={"limit": 50})
    assert answer.status_code == 200, answer.text
    found = [item["claim"]["id"] for item in answer.json()["items"]]
    assert RESTATED_BY not in found
    assert WANT_TO_JOIN in found[:3]
    assert len(found) == len(set(found))


def test_min_score_and_limit_narrow_the_answer(client: TestClient) -> None:
    everything = client.get(f"/claims/{APPLICATIONS}/similar?limit=50").json()["items"]
    assert len(everything) > 3
    floor = everything[2]["score"]
    kept = client.get(f"/claims/{APPLICATIONS}/similar?min_score={floor}").json()["items"]
    assert kept
    assert all(item["score"] >= floor for item in kept)
    assert len(client.get(f"/claims/{APPLICATIONS}/similar?limit=2").json()["items"]) == 2


def test_a_retracted_claim_is_left_out_unless_asked_for(
    client: TestClient, writer: dict[str, str]
) -> None:
    words = client.get(f"/claims/{APPLICATIONS}").json()["quote"]["text"]
    etag = client.get(f"/claims/{APPLICATIONS}").headers["etag"]
    gone = client.delete(f"/claims/{APPLICATIONS}", headers={**writer, "If-Match": etag})
    assert gone.status_code == 200, gone.text
    assert APPLICATIONS not in [i["claim"]["id"] for i in match(client, words)]
    shown = match(client, words, include_retracted=True)
    assert shown[0]["claim"]["id"] == APPLICATIONS
    assert shown[0]["claim"]["retraction"] is not None
    similar = client.get(f"/claims/{RESTATED_BY}/similar?limit=50").json()["items"]
    assert APPLICATIONS not in [i["claim"]["id"] for i in similar]


def test_filters_narrow_a_match(client: TestClient) -> None:
    words = "many people want to join the legion"
    for item in match(client, words, claimant="legion-representatives"):
        assert item["claim"]["claimant"]["slug"] == "legion-representatives"
    for item in match(client, words, entity="freedom-of-russia-legion"):
        assert "freedom-of-russia-legion" in {e["slug"] for e in item["claim"]["entities"]}
    for item in match(client, words, since="2022-06"):
        assert item["claim"]["claimed_on"] is not None
        assert item["claim"]["claimed_on"] >= "2022-06"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x" * 5001}, "text"),
        ({"text": ""}, "text"),
        ({"text": "legion", "limit": 0}, "limit"),
        ({"text": "legion", "limit": 51}, "limit"),
        ({"text": "legion", "min_score": 2}, "min_score"),
        ({"text": "legion", "since": "June"}, "since"),
        ({"text": "legion", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_match_request_is_a_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    answer = client.post("/claims:match", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def test_unknown_names_and_claims_are_404s(client: TestClient) -> None:
    answer = client.post("/claims:match", json={"text": "legion", "claimant": "nobody-at-all"})
    assert answer.status_code == 404
    assert answer.json()["field"] == "claimant"
    assert client.get("/claims/no-such-claim/similar").status_code == 404
    assert client.get(f"/claims/{APPLICATIONS}/similar?min_score=x").status_code == 422


# --- what the matcher proposes ----------------------------------------------------------------


def test_a_negation_is_proposed_as_a_contradiction(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    words = "There are not more than 300 applications to join the legion every day"
    claim_from_wire(client, writer, "wire-not-300", words, claimant="volobuyev")
    proposed = matcher_proposals(client, "wire-not-300")
    contradicting = [p for p in proposed if p["payload"]["type"] == "contradicts"]
    assert [p["payload"]["to"]["claim"] for p in contradicting] == [APPLICATIONS]
    [proposal] = contradicting
    assert proposal["payload"]["from"]["claim"] == "wire-not-300"
    assert proposal["proposed_by"]["rule"] == "contradicts-negation"
    assert proposal["proposed_by"]["version"]
    assert proposal["payload"]["method"] in {"lexical", "semantic", "near_duplicate"}
    assert 0 < proposal["confidence"] <= 1
    assert proposal["state"] == "pending"
    # Proposed, not linked: the claims stand as they were until someone accepts it.
    assert client.get(f"/claims/{APPLICATIONS}").json()["status"] == "reported"


def test_a_different_quantity_is_proposed_as_a_contradiction(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    words = "There are only a few applications to join the legion every day"
    quantity = {"low": 0, "high": 20, "unit": "applications per day", "qualifier": "a few"}
    claim_from_wire(client, writer, "wire-few", words, claimant="volobuyev", quantity=quantity)
    proposed = matcher_proposals(client, "wire-few")
    [proposal] = [p for p in proposed if p["payload"]["to"]["claim"] == APPLICATIONS]
    assert proposal["payload"]["type"] == "contradicts"
    assert proposal["proposed_by"]["rule"] == "contradicts-quantity"


def test_a_restatement_is_proposed_and_nothing_twice(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    words = "More than 300 people apply to join the legion every day"
    claim_from_wire(client, writer, "wire-paraphrase", words, claimant="volobuyev")
    proposed = matcher_proposals(client, "wire-paraphrase")
    [restates] = [p for p in proposed if p["payload"]["to"]["claim"] == APPLICATIONS]
    assert restates["payload"]["type"] == "restates"
    assert restates["proposed_by"]["rule"].startswith("restates-")
    # Accepting it links the two; the pair is never proposed again.
    etag = client.get(f"/proposals/{restates['id']}").headers["etag"]
    done = client.post(f"/proposals/{restates['id']}/accept", headers={**writer, "If-Match": etag})
    assert done.status_code == 201, done.text
    cluster = client.get("/claims/wire-paraphrase").json()["cluster"]
    assert cluster["size"] == 2
    assert cluster == client.get(f"/claims/{APPLICATIONS}").json()["cluster"]


def test_a_proposal_raced_by_an_edit_is_refused_cleanly(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    words = "There are not more than 300 applications to join the legion every day"
    claim_from_wire(client, writer, "wire-not-300", words, claimant="volobuyev")
    [proposal] = [
        p
        for p in matcher_proposals(client, "wire-not-300")
        if p["payload"]["type"] == "contradicts"
    ]
    url = f"/proposals/{proposal['id']}"
    etag = client.get(url).headers["etag"]
    # Meanwhile the claim it would link is retracted: accepting is a conflict, not a 500.
    held = client.get(f"/claims/{APPLICATIONS}")
    gone = client.delete(
        f"/claims/{APPLICATIONS}", headers={**writer, "If-Match": held.headers["etag"]}
    )
    assert gone.status_code == 200
    late = client.post(f"{url}/accept", headers={**writer, "If-Match": etag})
    assert late.status_code == 409, late.text
    # And another reviewer rejecting it first makes the first reviewer's tag stale.
    rejected = client.post(
        f"{url}/reject", headers={**writer, "If-Match": etag}, json={"reason": "not the same"}
    )
    assert rejected.status_code == 200, rejected.text
    stale = client.post(f"{url}/accept", headers={**writer, "If-Match": etag})
    assert stale.status_code == 412, stale.text


# --- thresholds ------------------------------------------------------------------------------


def test_thresholds_are_read_and_set_with_suggest_never_above_link(
    client: TestClient, writer: dict[str, str]
) -> None:
    read = client.get("/matching/thresholds")
    assert read.status_code == 200
    assert read.json()["suggest"] <= read.json()["link"]
    assert read.json()["link_across_claimants"] is False
    url = "/matching/thresholds"
    guarded = {**writer, "If-Match": read.headers["etag"]}
    assert client.patch(url, json={"suggest": 0.5}, headers=writer).status_code == 428
    refused = client.patch(url, json={"suggest": 0.9, "link": 0.8}, headers=guarded)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "body.suggest"
    too_low = client.patch(url, json={"link": 0.01}, headers=guarded)
    assert too_low.status_code == 422
    assert too_low.json()["field"] == "body.link"
    assert client.patch(url, json={}, headers=guarded).status_code == 422
    changed = client.patch(url, json={"suggest": 0.5, "link": 0.9}, headers=guarded)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"suggest": 0.5, "link": 0.9, "link_across_claimants": False}
    assert client.get(url).json() == changed.json()
    stale = client.patch(url, json={"link": 0.95}, headers=guarded)
    assert stale.status_code == 412
    assert client.patch(url, json={"link": 0.95}).status_code == 401


def test_above_link_a_restatement_is_linked_at_once_within_one_claimant(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    read = client.get("/matching/thresholds")
    guarded = {**writer, "If-Match": read.headers["etag"]}
    assert (
        client.patch("/matching/thresholds", json={"link": 0.9}, headers=guarded).status_code == 200
    )
    words = "There are more than 300 applications to join the legion every day"
    claim_from_wire(client, writer, "wire-same-words", words)  # the same claimant
    relations = client.get("/claims/wire-same-words/relations").json()["items"]
    [linked] = [r for r in relations if r["type"] == "restates"]
    assert linked["to"] == APPLICATIONS
    assert linked["asserted_by"]["analyst"] == "matcher"
    assert client.get("/claims/wire-same-words").json()["cluster"]["size"] == 2
    # Another claimant's same words wait for review, by default.
    claim_from_wire(client, writer, "wire-same-words-2", words, claimant="volobuyev")
    relations = client.get("/claims/wire-same-words-2/relations").json()["items"]
    assert relations == []
    assert any(
        p["payload"]["type"] == "restates" for p in matcher_proposals(client, "wire-same-words-2")
    )


# --- the review queue ------------------------------------------------------------------------


def test_reingesting_the_article_proposes_restatements_and_accepting_joins_clusters(
    client: TestClient, writer: dict[str, str]
) -> None:
    text = (ROOT / "seeds" / "000_7eec1dc745a9adda.txt").read_text(encoding="utf-8")
    source = {"slug": "legion-again", "name": "The article again", "kind": "article", "text": text}
    assert client.post("/sources", json=source, headers=writer).status_code == 201
    assert client.post("/sources/legion-again/extract", headers=writer).status_code == 201
    candidates = client.get("/candidates?source=legion-again&limit=200").json()["items"]
    held = client.get("/claims?source=legion-article-2022&limit=200").json()["items"]
    relations = [
        p for p in client.get("/proposals?kind=relation&limit=200").json()["items"]
        if p["proposed_by"]["agent"] == "matcher"
    ]  # fmt: skip
    proposed = {
        (p["payload"]["from"]["proposal"], p["payload"]["to"]["claim"])
        for p in relations
        if p["payload"]["type"] == "restates"
    }
    restating = 0
    for candidate in candidates:
        # The same words, or some of them: the extractor's span and the held claim's
        # can differ by a clause.
        words = candidate["quote"]["text"].strip(' .,”“"')
        same = [
            c["id"] for c in held
            if c["quote"]["text"].strip(" .,”“\"") in words
            or words in c["quote"]["text"].strip(" .,”“\"")
        ]  # fmt: skip
        if same:
            restating += 1
            assert (candidate["id"], same[0]) in proposed, candidate["quote"]["text"]
            assert same[0] in [m["claim"]["id"] for m in candidate["matches"]]
            assert all(m["score"] >= 0.65 for m in candidate["matches"])
    assert restating >= 5
    # Accepting one with `restates` joins the claim's cluster; no second cluster appears.
    target = next(
        c for c in candidates if any(m["claim"]["id"] == RESTATED_BY for m in c["matches"])
    )
    before = client.get(f"/claims/{RESTATED_BY}").json()["cluster"]
    etag = client.get(f"/candidates/{target['id']}").headers["etag"]
    accepted = client.post(
        f"/candidates/{target['id']}/accept",
        headers={**writer, "If-Match": etag},
        json={"restates": RESTATED_BY, "create_entities": True},
    )
    assert accepted.status_code == 201, accepted.text
    claim = accepted.json()
    assert claim["cluster"] == {**before, "size": before["size"] + 1}
    assert accepted.headers["etag"] == client.get(f"/claims/{claim['id']}").headers["etag"]
    members = client.get(f"/claims?cluster={before['id']}").json()["items"]
    assert claim["id"] in {m["id"] for m in members}
    assert len(members) == before["size"] + 1
    # The matcher's restates proposal of that pair was accepted with it.
    pair = [
        p for p in client.get("/proposals?kind=relation&limit=200").json()["items"]
        if p["payload"]["from"].get("proposal") == target["id"]
        and p["payload"]["to"]["claim"] == RESTATED_BY
    ]  # fmt: skip
    assert all(p["state"] == "accepted" for p in pair)


def test_accepting_with_restates_a_claim_that_is_not_there_is_a_422(
    client: TestClient, writer: dict[str, str]
) -> None:
    text = (ROOT / "seeds" / "000_7eec1dc745a9adda.txt").read_text(encoding="utf-8")
    source = {"slug": "legion-again", "name": "The article again", "kind": "article", "text": text}
    assert client.post("/sources", json=source, headers=writer).status_code == 201
    assert client.post("/sources/legion-again/extract", headers=writer).status_code == 201
    candidate = client.get("/candidates?source=legion-again&limit=1").json()["items"][0]
    etag = client.get(f"/candidates/{candidate['id']}").headers["etag"]
    refused = client.post(
        f"/candidates/{candidate['id']}/accept",
        headers={**writer, "If-Match": etag},
        json={"restates": "no-such-claim", "create_entities": True},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "body.restates"
    assert client.get(f"/candidates/{candidate['id']}").json()["state"] == "pending"


# --- clusters ---------------------------------------------------------------------------------


def test_restatements_form_a_cluster_that_lists_and_links(client: TestClient) -> None:
    shown = client.get(f"/claims/{RESTATED_BY}").json()["cluster"]
    assert shown == client.get(f"/claims/{WANT_TO_JOIN}").json()["cluster"]
    assert shown["size"] == 2
    assert shown["first"] in {RESTATED_BY, WANT_TO_JOIN}
    listed = client.get(f"/claims?cluster={shown['id']}").json()["items"]
    assert {c["id"] for c in listed} == {RESTATED_BY, WANT_TO_JOIN}
    by_member = client.get(f"/claims?cluster={RESTATED_BY}").json()["items"]
    assert by_member == listed
    assert client.get(f"/claims/{APPLICATIONS}").json()["cluster"] is None
    lonely = client.get(f"/claims?cluster={APPLICATIONS}")
    assert lonely.status_code == 404
    assert lonely.json()["field"] == "cluster"
    assert client.get("/claims?cluster=no-such-claim").status_code == 404


def test_a_retracted_link_splits_the_cluster(client: TestClient, writer: dict[str, str]) -> None:
    [link] = [
        r for r in client.get(f"/claims/{RESTATED_BY}/relations").json()["items"]
        if r["type"] == "restates"
    ]  # fmt: skip
    etag = client.get(f"/relations/{link['id']}").headers["etag"]
    gone = client.delete(f"/relations/{link['id']}", headers={**writer, "If-Match": etag})
    assert gone.status_code == 200, gone.text
    assert client.get(f"/claims/{RESTATED_BY}").json()["cluster"] is None
    assert client.get(f"/claims/{WANT_TO_JOIN}").json()["cluster"] is None


def test_linked_data_names_the_first_appearance_and_every_other(client: TestClient) -> None:
    shown = client.get(f"/claims/{RESTATED_BY}").json()
    first = client.get(f"/claims/{shown['cluster']['first']}").json()
    other = client.get(f"/claims/{WANT_TO_JOIN}").json()
    document = client.get(
        f"/claims/{RESTATED_BY}", headers={"Accept": "application/ld+json"}
    ).json()
    node = (
        document
        if document.get("@type") == "Claim"
        else next(n for n in document["@graph"] if n.get("@type") == "Claim")
    )
    assert node["firstAppearance"]["@id"].endswith(f"/sources/{first['quote']['source']}")
    appearances = {a["@id"].rsplit("/", 1)[-1] for a in node["appearance"]}
    assert {shown["quote"]["source"], other["quote"]["source"]} <= appearances


# --- the semantic re-ranker -----------------------------------------------------------------------


@pytest.mark.skipif(semantic.embedder() is None, reason="the [match] extra is not installed")
def test_the_semantic_reranker_runs_on_its_pinned_model(client: TestClient) -> None:
    assert semantic.status().startswith("semantic re-ranking")
    same, other = semantic.similarities(
        "Obama founded ISIS", ["Barack Obama is the founder of the Islamic State", "Wheat rose"]
    ) or (0.0, 0.0)
    assert same > 0.5 > other
    items = match(client, "Hundreds of people sign up every day to join the Legion.")
    assert items
    assert all(item["method"] in {"lexical", "semantic"} for item in items)
    assert "semantic" in {item["method"] for item in items}


def test_claims_created_in_a_batch_are_matched_too(
    client: TestClient, writer: dict[str, str], wire: str
) -> None:
    words = "There are not more than 300 applications to join the legion every day"
    line = {
        "id": "wire-batch-not-300",
        "statement": f"A defector says: {words}",
        "quote": {"source": WIRE, "text": words},
        "claimant": "volobuyev",
        "attribution": [{"source": WIRE, "verb": "reported"}],
        "status": "reported",
        "speech": "indirect",
    }
    sent = client.post(
        "/claims:batch",
        content=json.dumps(line) + "\n",
        headers={**writer, "Content-Type": "application/x-ndjson"},
    )
    assert sent.status_code == 201, sent.text
    proposed = matcher_proposals(client, "wire-batch-not-300")
    assert APPLICATIONS in [p["payload"]["to"]["claim"] for p in proposed]


def test_the_client_matches_and_sets_thresholds(client: TestClient, writer: dict[str, str]) -> None:
    from api.client import ClaimsClient

    reader = ClaimsClient(http=client)
    found = reader.match_claims({"text": "many people want to join the legion", "limit": 3})
    assert {m.claim.id for m in found.items} >= {WANT_TO_JOIN, RESTATED_BY}
    assert all(m.claim.id != APPLICATIONS or m.score < 1 for m in found.items)
    similar = reader.similar_claims(RESTATED_BY, limit=2)
    assert similar.items[0].claim.id == WANT_TO_JOIN
    client.headers.update(writer)
    current = reader.get_thresholds_with_etag()
    changed = reader.set_thresholds({"suggest": 0.7}, if_match=current.etag)
    assert changed.suggest == 0.7
    assert changed.link == current.value.link
