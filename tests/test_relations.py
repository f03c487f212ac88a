"""Does anyone contradict it? Relations between claims, the disputes over an entity, and a
status that follows from them.

A fact-checker's session: read what the article sets against what, link two claims,
watch both become disputed, change and withdraw the link, and find that no claim's
status ever disagrees with the relations that stand.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import FIXTURE_RELATIONS, walk

from api import Store
from api.writes.keys import create_key
from models.base import DISPUTING, Scope

FEW_HUNDRED = "arestovych-legion-few-hundred-members"
BATTALIONS = "legion-two-fully-manned-battalions"
OVER_1000 = "legion-two-battalions-over-1000-fighters"
VESTS = "sakhibgareev-unit-told-wear-vests"
WENT_INTO_HIDING = "sakhibgareev-went-into-hiding"
STATED_GOALS = "legion-stated-goals"  # the Legion's, like BATTALIONS
SECRECY = "legion-shrouded-in-secrecy"  # Moscow Times'


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "analyst-ann", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def standing(client: TestClient) -> None:
    """No status and relation disagree: a claim is disputed exactly while a standing
    contradicts relation links it to a standing claim by another claimant."""
    claims = {c["id"]: c for c in walk(client, "/claims?include=retracted&limit=200")}
    contradicted: set[str] = set()
    for relation in walk(client, "/relations?type=contradicts&limit=200"):
        a, b = claims[relation["from"]], claims[relation["to"]]
        standing_pair = a["retraction"] is None and b["retraction"] is None
        if standing_pair and a["claimant"]["slug"] != b["claimant"]["slug"]:
            contradicted |= {a["id"], b["id"]}
    for claim in claims.values():
        expected = "disputed" if claim["id"] in contradicted else claim["stated_status"]
        assert claim["status"] == expected, claim["id"]


def test_the_articles_relations_are_loaded_and_checked(client: TestClient) -> None:
    listed = walk(client, "/relations?limit=7")
    assert len(listed) == FIXTURE_RELATIONS
    assert {r["type"] for r in listed} == {
        "contradicts",
        "undermines",
        "qualifies",
        "supports",
        "restates",
        "derived_from",
    }
    derived = client.get("/relations", params={"type": "derived_from", "claim": OVER_1000})
    [inference] = derived.json()["items"]
    assert (inference["from"], inference["to"]) == (OVER_1000, BATTALIONS)
    assert inference["asserted_by"] == {"source": "moscow-times-switching-sides", "analyst": None}
    assert [c["id"] for c in walk(client, "/claims?status=disputed")] == [
        FEW_HUNDRED,
        BATTALIONS,
        OVER_1000,
    ]
    standing(client)


def test_a_claims_relations_come_with_the_other_claim(client: TestClient) -> None:
    items = walk(client, f"/claims/{BATTALIONS}/relations?limit=1")
    assert len(items) >= 3
    for item in items:
        assert BATTALIONS in (item["from"], item["to"])
        other = item["from"] if item["to"] == BATTALIONS else item["to"]
        assert item["claim"] == client.get(f"/claims/{other}").json()
        assert set(item) == {
            "id", "type", "from", "to", "note", "asserted_by", "retraction", "updated_at",
            "claim",
        }  # fmt: skip
    assert client.get("/claims/no-such-claim/relations").status_code == 404


def test_the_disputes_over_an_entity_in_one_request(client: TestClient) -> None:
    disputes = walk(client, "/entities/Legion/disputes?limit=2")
    assert disputes
    for dispute in disputes:
        assert dispute["type"] in {kind.value for kind in DISPUTING}
        for end in ("from_claim", "to_claim"):
            assert dispute[end] == client.get(f"/claims/{dispute[end]['id']}").json()
        involved = {
            e["slug"] for end in ("from_claim", "to_claim") for e in dispute[end]["entities"]
        }
        assert "freedom-of-russia-legion" in involved
    ids = {d["id"] for d in disputes}
    assert "few-hundred-contradicts-two-battalions" in ids
    assert "pr-project-undermines-300-applications" in ids
    # Supports and restatements are agreements, not disputes.
    assert "applications-support-many-want-to-join" not in ids
    assert client.get("/entities/nobody-at-all/disputes").status_code == 404


def link(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"type": "contradicts", "note": "They cannot both be right.", **fields}
    return client.post("/relations", json=body, headers=headers)


def test_a_contradiction_disputes_both_claims_until_it_is_withdrawn(
    client: TestClient, writer: dict[str, str]
) -> None:
    before = {cid: client.get(f"/claims/{cid}") for cid in (SECRECY, STATED_GOALS)}
    made = link(client, writer, **{"from": SECRECY, "to": STATED_GOALS})
    assert made.status_code == 201, made.text
    relation = made.json()
    assert relation["asserted_by"] == {"source": None, "analyst": "analyst-ann"}
    assert relation["id"].startswith("rel-")
    assert made.headers["location"] == f"/relations/{relation['id']}"
    for claim_id, old in before.items():
        now = client.get(f"/claims/{claim_id}")
        assert now.json()["status"] == "disputed"
        assert now.headers["etag"] != old.headers["etag"]
        last = client.get(f"/claims/{claim_id}/history").json()["items"][-1]
        assert (last["action"], last["actor"]) == ("update", "analyst-ann")
        assert last["changes"]["status"] == {"from": "reported", "to": "disputed"}
    standing(client)

    url = f"/relations/{relation['id']}"
    softer = client.patch(
        url, json={"type": "undermines"}, headers={**writer, "If-Match": made.headers["etag"]}
    )
    assert softer.status_code == 200, softer.text
    assert client.get(f"/claims/{SECRECY}").json()["status"] == "reported"
    standing(client)
    harder = client.patch(
        url, json={"type": "contradicts"}, headers={**writer, "If-Match": softer.headers["etag"]}
    )
    assert client.get(f"/claims/{SECRECY}").json()["status"] == "disputed"

    gone = client.delete(url, headers={**writer, "If-Match": harder.headers["etag"]})
    assert gone.status_code == 200, gone.text
    assert gone.json()["relation"] == relation["id"]
    refused = client.get(url)
    assert refused.status_code == 410
    for claim_id in (SECRECY, STATED_GOALS):
        assert client.get(f"/claims/{claim_id}").json()["status"] == "reported"
    assert relation["id"] not in {r["id"] for r in walk(client, "/relations?limit=200")}
    retracted = walk(client, "/relations?include=retracted&limit=200")
    assert relation["id"] in {r["id"] for r in retracted}
    standing(client)

    back = client.post(f"{url}/restore", headers={**writer, "If-Match": refused.headers["etag"]})
    assert back.status_code == 200, back.text
    assert client.get(f"/claims/{SECRECY}").json()["status"] == "disputed"
    actions = [r["action"] for r in client.get(f"{url}/history").json()["items"]]
    assert actions == ["create", "update", "update", "retract", "restore"]
    standing(client)


def last_reason(client: TestClient, claim_id: str) -> tuple[str, str | None]:
    last = client.get(f"/claims/{claim_id}/history").json()["items"][-1]
    return last["action"], last["reason"]


def test_a_revision_of_standing_names_what_changed_it(
    client: TestClient, writer: dict[str, str]
) -> None:
    """A claim that becomes disputed (or stops being) was not edited: its revision says
    which relation, or which claim, changed its standing, and why the writer did it."""
    made = client.post(
        "/relations?reason=the+article+sets+them+apart",
        json={"type": "contradicts", "from": SECRECY, "to": STATED_GOALS, "note": "Not both."},
        headers=writer,
    )
    assert made.status_code == 201, made.text
    rel = made.json()["id"]
    for claim_id in (SECRECY, STATED_GOALS):
        assert last_reason(client, claim_id) == (
            "update",
            f"standing changed by relation {rel} (contradicts): the article sets them apart",
        )
    url = f"/relations/{rel}"
    softer = client.patch(
        url, json={"type": "undermines"}, headers={**writer, "If-Match": made.headers["etag"]}
    )
    assert softer.status_code == 200, softer.text
    assert last_reason(client, SECRECY) == (
        "update",
        f"standing changed by relation {rel} (undermines)",
    )
    harder = client.patch(
        url, json={"type": "contradicts"}, headers={**writer, "If-Match": softer.headers["etag"]}
    )
    gone = client.delete(url, headers={**writer, "If-Match": harder.headers["etag"]})
    assert gone.status_code == 200, gone.text
    assert last_reason(client, STATED_GOALS) == (
        "update",
        f"standing changed by relation {rel} (contradicts, retracted)",
    )
    # A claim's own change settles the claims it contradicts, and they say so.
    for claim_id in (OVER_1000, BATTALIONS):
        tag = client.get(f"/claims/{claim_id}").headers["etag"]
        assert client.delete(f"/claims/{claim_id}", headers={**writer, "If-Match": tag}).is_success
    assert client.get(f"/claims/{FEW_HUNDRED}").json()["status"] == "reported"
    assert last_reason(client, FEW_HUNDRED) == ("update", f"standing changed by claim {BATTALIONS}")


def test_one_claimant_does_not_dispute_itself(client: TestClient, writer: dict[str, str]) -> None:
    made = link(client, writer, **{"from": VESTS, "to": WENT_INTO_HIDING})
    assert made.status_code == 201
    for claim_id in (VESTS, WENT_INTO_HIDING):
        assert client.get(f"/claims/{claim_id}").json()["status"] == "reported"
    standing(client)


def test_retracting_a_claim_settles_the_claims_it_contradicted(
    client: TestClient, writer: dict[str, str]
) -> None:
    tag = client.get(f"/claims/{OVER_1000}").headers["etag"]
    assert client.delete(f"/claims/{OVER_1000}", headers={**writer, "If-Match": tag}).is_success
    # BATTALIONS is still contradicted by FEW_HUNDRED; OVER_1000 stands as stated.
    assert client.get(f"/claims/{BATTALIONS}").json()["status"] == "disputed"
    tag = client.get(f"/claims/{BATTALIONS}").headers["etag"]
    assert client.delete(f"/claims/{BATTALIONS}", headers={**writer, "If-Match": tag}).is_success
    assert client.get(f"/claims/{FEW_HUNDRED}").json()["status"] == "reported"
    standing(client)


def test_a_claimant_change_can_end_a_dispute(client: TestClient, writer: dict[str, str]) -> None:
    tag = client.get(f"/claims/{OVER_1000}").headers["etag"]
    moved = client.patch(
        f"/claims/{OVER_1000}",
        json={
            "claimant": "oleksiy-arestovych",
            "attribution": [
                {"source": "legion-article-2022", "verb": "reported"},
                {"entity": "oleksiy-arestovych", "verb": "said"},
            ],
        },
        headers={**writer, "If-Match": tag},
    )
    assert moved.status_code == 200, moved.text
    # Arestovych does not dispute himself; the Legion's claim is still contradicted.
    assert moved.json()["status"] == "speculative"
    assert client.get(f"/claims/{FEW_HUNDRED}").json()["status"] == "disputed"
    standing(client)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": BATTALIONS, "to": BATTALIONS}, "body"),
        ({"from": BATTALIONS, "to": "no-such-claim"}, "body.to"),
        ({"from": "no-such-claim", "to": BATTALIONS}, "body.from"),
        ({"from": SECRECY, "to": BATTALIONS, "type": "refutes"}, "body.type"),
        ({"from": SECRECY, "to": BATTALIONS, "asserted_by": {"source": "nowhere"}}, "body"),
    ],
)
def test_a_bad_relation_is_refused_naming_the_field(
    client: TestClient, writer: dict[str, str], body: dict[str, Any], field: str
) -> None:
    refused = link(client, writer, **body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"].startswith(field)
    assert len(walk(client, "/relations?limit=200")) == FIXTURE_RELATIONS


def test_a_link_made_twice_is_a_conflict(client: TestClient, writer: dict[str, str]) -> None:
    again = link(client, writer, **{"from": FEW_HUNDRED, "to": BATTALIONS})
    assert again.status_code == 409
    assert "few-hundred-contradicts-two-battalions" in again.json()["detail"]


def test_a_relation_to_a_retracted_claim_is_refused(
    client: TestClient, writer: dict[str, str]
) -> None:
    tag = client.get(f"/claims/{SECRECY}").headers["etag"]
    client.delete(f"/claims/{SECRECY}", headers={**writer, "If-Match": tag})
    refused = link(client, writer, **{"from": SECRECY, "to": STATED_GOALS})
    assert refused.status_code == 422
    assert refused.json()["field"] == "body.from"


def test_relations_by_entity_and_claim(client: TestClient) -> None:
    by_claim = walk(client, f"/relations?claim={OVER_1000}")
    assert {r["id"] for r in by_claim} == {
        "few-hundred-contradicts-over-1000-fighters",
        "over-1000-fighters-derived-from-two-battalions",
    }
    volobuyev = walk(client, "/relations?entity=igor-volobuyev")
    assert volobuyev == []
    assert client.get("/relations?entity=nobody-at-all").status_code == 404
    assert client.get("/relations?claim=no-such-claim").status_code == 404


def test_an_entitys_disputes_follow_the_claims_entities_as_they_are_edited(
    client: TestClient, writer: dict[str, str]
) -> None:
    bystander = next(
        e["slug"]
        for e in walk(client, "/entities?limit=100")
        if not walk(client, f"/entities/{e['slug']}/disputes")
    )
    claim = client.get(f"/claims/{BATTALIONS}")
    entities = [{"slug": e["slug"], "role": e["role"]} for e in claim.json()["entities"]]
    entities = [e for e in entities if e["role"] != "claimant"]
    mentioned = [*entities, {"slug": bystander, "role": "mentioned"}]
    edited = client.patch(
        f"/claims/{BATTALIONS}",
        json={"entities": mentioned},
        headers={**writer, "If-Match": claim.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    of_battalions = {r["id"] for r in walk(client, f"/claims/{BATTALIONS}/relations")}
    disputes = walk(client, f"/entities/{bystander}/disputes")
    assert "few-hundred-contradicts-two-battalions" in {d["id"] for d in disputes}
    assert {d["id"] for d in disputes} <= of_battalions
    assert {r["id"] for r in walk(client, f"/relations?entity={bystander}")} == of_battalions

    restored = client.patch(
        f"/claims/{BATTALIONS}",
        json={"entities": entities},
        headers={**writer, "If-Match": edited.headers["etag"]},
    )
    assert restored.status_code == 200, restored.text
    assert walk(client, f"/entities/{bystander}/disputes") == []
    assert walk(client, f"/relations?entity={bystander}") == []
