"""`If-Match` is `*` alone or a list of ETags; a list that mixes the two matches nothing.

RFC 9110 (13.1.1) gives If-Match two forms: `*`, true for any current version, and a
list of entity-tags, true when one of them is current; anything else is false. So
`If-Match: "stale", *` is a 412 (it used to pass as if it matched), and so is
`"<current>", *`: a `*` only counts standing alone. The same rule reads If-None-Match,
where a mixed list names nothing and gets the full answer, not a 304. Every endpoint that
takes If-Match is checked, candidates' accept and reject included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from candidate_texts import HARBOUR_FIRE
from fastapi.testclient import TestClient

from api import Store
from api.writes.keys import create_key
from models.base import Scope

STALE = '"1-0000000000000000"'
CLAIM = "legion-two-fully-manned-battalions"
RELATION = "few-hundred-contradicts-two-battalions"


@pytest.fixture
def admin(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "guard", Scope.admin)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def etag(client: TestClient, url: str) -> str:
    """The current ETag of what `url` serves (a retracted one's comes with its 410)."""
    answer = client.get(url)
    assert answer.status_code in {200, 410}, answer.text
    return str(answer.headers["etag"])


def candidate(client: TestClient, admin: dict[str, str]) -> str:
    source = {"slug": "harbour-fire", "name": "Harbour fire", "kind": "article"}
    assert client.post("/sources", json=source | {"text": HARBOUR_FIRE}, headers=admin).is_success
    assert client.post("/sources/harbour-fire/extract", headers=admin).status_code == 201
    return f"/candidates/{client.get('/candidates').json()['items'][0]['id']}"


def unused_entity(client: TestClient, admin: dict[str, str]) -> str:
    entity = {"slug": "guarded-entity", "name": "Guarded entity", "kind": "group"}
    assert client.post("/entities", json=entity, headers=admin).status_code == 201
    return "/entities/guarded-entity"


def retracted(client: TestClient, admin: dict[str, str], url: str) -> str:
    gone = client.delete(url, headers=admin | {"If-Match": "*"})
    assert gone.status_code == 200, gone.text
    return url


# name -> (how to make the target, returning the URL whose ETag guards it; the request)
Setup = Callable[[TestClient, dict[str, str]], str]
GUARDED: dict[str, tuple[Setup, str, str, dict[str, Any] | None]] = {
    "patch claim": (lambda c, a: f"/claims/{CLAIM}", "PATCH", "", {"statement": "Edited."}),
    "patch entity": (lambda c, a: "/entities/moscow-times", "PATCH", "", {"description": "X."}),
    "patch source": (lambda c, a: "/sources/legion-article-2022", "PATCH", "", {"title": "X"}),
    "patch relation": (lambda c, a: f"/relations/{RELATION}", "PATCH", "", {"note": "Edited."}),
    "retract claim": (lambda c, a: f"/claims/{CLAIM}", "DELETE", "", None),
    "retract relation": (lambda c, a: f"/relations/{RELATION}", "DELETE", "", None),
    "delete entity": (unused_entity, "DELETE", "", None),
    "restore claim": (
        lambda c, a: retracted(c, a, f"/claims/{CLAIM}"),
        "POST",
        "/restore",
        None,
    ),
    "restore relation": (
        lambda c, a: retracted(c, a, f"/relations/{RELATION}"),
        "POST",
        "/restore",
        None,
    ),
    "accept candidate": (candidate, "POST", "/accept", {"create_entities": True}),
    "reject candidate": (candidate, "POST", "/reject", {"reason": "Not a claim."}),
}


def attempt(
    client: TestClient, admin: dict[str, str], case: str, target: str, if_match: str
) -> Any:
    _, method, suffix, body = GUARDED[case]
    headers = admin | {"If-Match": if_match}
    if method == "PATCH":
        headers["Content-Type"] = "application/merge-patch+json"
    return client.request(method, target + suffix, json=body, headers=headers)


@pytest.mark.parametrize("case", list(GUARDED))
def test_a_star_among_tags_matches_nothing(
    client: TestClient, admin: dict[str, str], case: str
) -> None:
    target = GUARDED[case][0](client, admin)
    current = etag(client, target)
    history = client.get(f"{target}/history").json()
    for header in (
        f"{STALE}, *",
        f"*, {STALE}",
        f"{current}, *",
        f"*, {current}",
        "*, *",
        f"{current}, not-a-tag",
    ):
        answer = attempt(client, admin, case, target, header)
        assert answer.status_code == 412, (case, header, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == "If-Match"
        assert etag(client, target) == current  # nothing changed
        assert client.get(f"{target}/history").json() == history


@pytest.mark.parametrize("case", list(GUARDED))
def test_a_list_of_tags_passes_when_one_is_current(
    client: TestClient, admin: dict[str, str], case: str
) -> None:
    target = GUARDED[case][0](client, admin)
    answer = attempt(client, admin, case, target, f'{STALE}, W/"x", {etag(client, target)}')
    assert answer.status_code in {200, 201, 204}, (case, answer.text)


@pytest.mark.parametrize("case", ["patch claim", "accept candidate"])
def test_star_alone_still_passes(client: TestClient, admin: dict[str, str], case: str) -> None:
    target = GUARDED[case][0](client, admin)
    assert attempt(client, admin, case, target, "*").status_code in {200, 201}


def test_if_none_match_reads_lists_the_same_way(client: TestClient) -> None:
    url = f"/claims/{CLAIM}"
    current = etag(client, url)
    assert client.get(url, headers={"If-None-Match": current}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f"{STALE}, {current}"}).status_code == 304
    for mixed in (f"{current}, *", f"*, {STALE}"):
        answer = client.get(url, headers={"If-None-Match": mixed})
        assert answer.status_code == 200, mixed
        assert answer.headers["etag"] == current
