"""Every field of every request body is what it says: text a database can hold, booleans
that are JSON booleans. One rule for all input models (`models.input.InputModel`).

Each body endpoint is sent a complete, valid body with one text field spoiled at a time
(a NUL character, a lone surrogate escape), or one boolean field given as a string or a
number: each is a 422 naming that field, and nothing is written. An alias with a NUL used
to be a 500 on PostgreSQL and, on SQLite, an alias stored that no lookup could find; an
alias list was the one text field nobody checked. `"create_entities": "yes"` used to be
read as true.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from candidate_texts import HARBOUR_FIRE
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api import Store
from api.writes.keys import create_key
from models.base import Scope
from models.candidate import AcceptCandidate, RejectCandidate
from models.claim import ClaimCreate, ClaimUpdate
from models.entity import EntityCreate, EntityUpdate
from models.relation import RelationCreate, RelationUpdate
from models.source import SourceCreate, SourceUpdate

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
NDJSON = "application/x-ndjson"
NUL = "Cut\x00here"
LONE = "\\ud800"  # as written in JSON: a surrogate with no partner, no character at all

CLAIM = {
    "id": "strictly-made-claim",
    "statement": "Legion representatives said more than 300 people apply every day.",
    "quote": {
        "source": "legion-article-2022",
        "text": "there are more than 300 applications to join the legion every day.",
        "start": 2641,
        "end": 2707,
    },
    "claimant": "legion-representatives",
    "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
    "attribution": [
        {"source": "legion-article-2022", "verb": "reported"},
        {"source": "interfax-legion-report", "entity": "interfax-ukraine", "verb": "reported"},
    ],
    "claimed_on": "2022-03-04",
    "claimed_on_inferred": False,
    "event_date": "2022-03",
    "event_date_inferred": True,
    "status": "reported",
    "speech": "direct",
    "quantity": {
        "value": 300,
        "low": 301,
        "high": None,
        "unit": "applications per day",
        "qualifier": "more than",
        "text": "more than 300",
    },
}
ENTITY = {
    "slug": "strictly-made-entity",
    "name": "Strictly Made Entity",
    "kind": "group",
    "aliases": ["Strict One", "The Strict"],
    "description": "An entity of the strict input tests.",
}
SOURCE = {
    "slug": "strictly-made-source",
    "name": "Strictly Made Source",
    "title": "A source of the strict input tests",
    "publisher": "moscow-times",
    "kind": "article",
    "date": "2022-07",
    "date_inferred": True,
    "date_note": "Read off the page.",
    "url": "https://example.org/strict",
    "text": "A short text that is held.",
}
RELATION = {
    "id": "strictly-made-relation",
    "type": "supports",
    "from": "legion-stated-goals",
    "to": "legion-first-volunteers-began-training",
    "note": "Many applications would fill battalions.",
    "asserted_by": {"source": "legion-article-2022"},
}
CLAIM_PATCH = {k: v for k, v in CLAIM.items() if k != "id"}
ACCEPT = CLAIM_PATCH | {"id": "strictly-accepted-claim", "create_entities": True}

# Every body endpoint: method, path, media type, a complete valid body, and its model
# (the bodies must name every field of their models, nested ones included).
BODIES: dict[str, tuple[str, str, str, dict[str, Any], type[BaseModel]]] = {
    "create claim": ("POST", "/claims", JSON, CLAIM, ClaimCreate),
    "batch": ("POST", "/claims:batch", NDJSON, CLAIM | {"id": "strictly-batched"}, ClaimCreate),
    "patch claim": (
        "PATCH",
        "/claims/legion-stated-goals",
        MERGE_PATCH,
        CLAIM_PATCH,
        ClaimUpdate,
    ),
    "create entity": ("POST", "/entities", JSON, ENTITY, EntityCreate),
    "patch entity": (
        "PATCH",
        "/entities/moscow-times",
        MERGE_PATCH,
        {
            "name": "The Moscow Times Daily",
            "kind": "publication",
            "aliases": ["MT Daily"],
            "description": "A newspaper.",
        },
        EntityUpdate,
    ),
    "create source": ("POST", "/sources", JSON, SOURCE, SourceCreate),
    "patch source": (
        "PATCH",
        "/sources/legion-article-2022",
        MERGE_PATCH,
        {k: v for k, v in SOURCE.items() if k not in {"slug", "text"}},
        SourceUpdate,
    ),
    "create relation": ("POST", "/relations", JSON, RELATION, RelationCreate),
    "patch relation": (
        "PATCH",
        "/relations/few-hundred-contradicts-two-battalions",
        MERGE_PATCH,
        {k: v for k, v in RELATION.items() if k not in {"id", "from", "to"}},
        RelationUpdate,
    ),
    "accept candidate": ("POST", "/candidates/{candidate}/accept", JSON, ACCEPT, AcceptCandidate),
    "accept naming a claimant": (
        "POST",
        "/candidates/{candidate}/accept",
        JSON,
        ACCEPT | {"claimant": {"name": "Strict Claimant", "kind": "person"}},
        AcceptCandidate,
    ),
    "reject candidate": (
        "POST",
        "/candidates/{candidate}/reject",
        JSON,
        {"reason": "Not a claim."},
        RejectCandidate,
    ),
}


@pytest.fixture
def key(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        made = create_key(session, "strict", Scope.admin)
        session.commit()
    return {"Authorization": f"Bearer {made}"}


@pytest.fixture
def candidate(client: TestClient, key: dict[str, str]) -> int:
    """A pending candidate of the review queue."""
    held = {"slug": "harbour-fire", "name": "Harbour fire", "kind": "article"}
    assert client.post("/sources", json=held | {"text": HARBOUR_FIRE}, headers=key).is_success
    assert client.post("/sources/harbour-fire/extract", headers=key).status_code == 201
    listed = client.get("/candidates", params={"state": "pending"}).json()["items"]
    return int(listed[0]["id"])


def leaves(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every scalar in a JSON value."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from leaves(item, (*path, name))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from leaves(item, (*path, number))
    else:
        yield path


def replaced(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    spoiled = copy.deepcopy(body)
    target: Any = spoiled
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return spoiled


def named(path: tuple[str | int, ...]) -> str:
    """The field a refusal names: a list of texts is named as a whole (the message says
    which item), a list of objects down to the object's field."""
    parts = list(path)
    if isinstance(parts[-1], int):
        parts.pop()
    return ".".join(str(part) for part in parts)


def encoded(body: dict[str, Any], media_type: str, lone: str | None = None) -> bytes:
    """The body as sent; `lone` marks where a lone surrogate escape goes in the JSON."""
    text = json.dumps(body)
    if lone is not None:
        text = text.replace(json.dumps(lone), f'"{LONE}"')
    return (text + "\n" if media_type == NDJSON else text).encode()


def send(
    client: TestClient,
    case: str,
    content: bytes,
    key: dict[str, str],
    candidate: int,
) -> Any:
    method, path, media_type, _, _ = BODIES[case]
    headers = key | {"Content-Type": media_type, "If-Match": "*"}
    url = path.format(candidate=candidate)
    return client.request(method, url, content=content, headers=headers)


def assert_refused(answer: Any, case: str, field: str, says: str) -> None:
    prefix = "line 1" if BODIES[case][2] == NDJSON else "body"
    assert answer.status_code == 422, (case, field, answer.text)
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["field"] == f"{prefix}.{field}", (case, problem)
    assert says in problem["detail"], (case, problem)


def state(client: TestClient) -> list[Any]:
    """What a write could have changed, as readers see it."""
    return [
        client.get(url).json()
        for url in (
            "/changes?limit=500",
            "/entities?limit=200",
            "/sources?limit=200",
            "/candidates?limit=200",
        )
    ]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (alone, in a list, or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def test_the_bodies_name_every_field_of_their_models() -> None:
    def check(model: type[BaseModel], body: dict[str, Any], where: str) -> None:
        for name, field in model.model_fields.items():
            spelled = field.alias or name
            assert spelled in body, f"{where}: the body leaves out {spelled!r}"
            inner, sub = body[spelled], _model_in(field.annotation)
            if sub is None or inner is None or isinstance(inner, str):
                continue  # absent, or given in its other form (a slug for an object)
            # A list of objects names each field in one of its items at least.
            merged: dict[str, Any] = {}
            for item in inner if isinstance(inner, list) else [inner]:
                merged |= item
            check(sub, merged, f"{where}.{spelled}")

    for case, (_, _, _, body, model) in BODIES.items():
        check(model, body, case)


def test_the_valid_bodies_are_accepted(
    client: TestClient, key: dict[str, str], candidate: int
) -> None:
    """The control: every refusal below spoils exactly one field of these."""
    for case, (_, _, media_type, body, _) in BODIES.items():
        if case.startswith("accept"):
            continue  # the reject takes the candidate; accepting is checked on its own
        answer = send(client, case, encoded(body, media_type), key, candidate)
        assert answer.status_code in {200, 201}, (case, answer.text)


@pytest.mark.parametrize("case", list(BODIES))
def test_text_with_a_nul_or_a_lone_surrogate_is_a_422_naming_the_field(
    client: TestClient, key: dict[str, str], candidate: int, case: str
) -> None:
    _, _, media_type, body, _ = BODIES[case]
    texts = [path for path in leaves(body) if isinstance(_at(body, path), str)]
    assert texts
    before = state(client)
    for path in texts:
        spoiled = replaced(body, path, NUL)
        answer = send(client, case, encoded(spoiled, media_type), key, candidate)
        assert_refused(answer, case, named(path), "NUL character")
        marker = "\x01marker\x01"
        answer = send(
            client, case, encoded(replaced(body, path, marker), media_type, marker), key, candidate
        )
        assert_refused(answer, case, named(path), "lone surrogate")
    assert state(client) == before


def _at(body: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        body = body[part]
    return body


def test_an_alias_with_a_nul_is_refused_and_never_stored(
    client: TestClient, key: dict[str, str]
) -> None:
    """The defect as a user met it: a 500 on PostgreSQL; on SQLite, a 201 for an alias
    that no lookup could ever find."""
    made = client.post(
        "/entities", json=ENTITY | {"aliases": ["Fine", "Bad\x00Alias"]}, headers=key
    )
    assert made.status_code == 422, made.text
    assert made.json()["field"] == "body.aliases"
    assert "item 1" in made.json()["detail"]
    assert client.get(f"/entities/{ENTITY['slug']}").status_code == 404
    aliases = client.get("/entities/moscow-times").json()["aliases"]
    patched = client.patch(
        "/entities/moscow-times",
        json={"aliases": ["Bad\x00Alias"]},
        headers=key | {"If-Match": "*"},
    )
    assert patched.status_code == 422, patched.text
    assert client.get("/entities/moscow-times").json()["aliases"] == aliases


BOOLEANS = ["yes", "no", "true", "false", "1", "0", "", 1, 0, 1.0, [], {}]


@pytest.mark.parametrize("case", list(BODIES))
def test_a_boolean_is_true_or_false_and_nothing_else(
    client: TestClient, key: dict[str, str], candidate: int, case: str
) -> None:
    _, _, media_type, body, _ = BODIES[case]
    flags = [path for path in leaves(body) if isinstance(_at(body, path), bool)]
    before = state(client)
    for path in flags:
        for value in BOOLEANS:
            spoiled = replaced(body, path, value)
            answer = send(client, case, encoded(spoiled, media_type), key, candidate)
            assert_refused(answer, case, named(path), "true or false")
    assert state(client) == before


def test_an_accept_with_every_field_is_accepted(
    client: TestClient, key: dict[str, str], candidate: int
) -> None:
    answer = send(client, "accept candidate", encoded(ACCEPT, JSON), key, candidate)
    assert answer.status_code == 201, answer.text


def test_create_entities_yes_creates_nothing(
    client: TestClient, key: dict[str, str], candidate: int
) -> None:
    """The defect as a user met it: "yes" was read as true, and entities were made."""
    entities = client.get("/entities?limit=200").json()["items"]
    url = f"/candidates/{candidate}/accept"
    answer = client.post(url, json={"create_entities": "yes"}, headers=key | {"If-Match": "*"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "body.create_entities"
    assert client.get("/entities?limit=200").json()["items"] == entities
    assert client.get(f"/candidates/{candidate}").json()["state"] == "pending"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/claims?count=true", "count"),
        ("/claims?count=1", "count"),
        ("/claims?count=yes", "count"),
        ("/claims?include=true", "include"),
        ("/relations?include=1", "include"),
        ("/entities/legion/disputes?include=yes", "include"),
    ],
)
def test_query_flags_take_their_documented_spelling_only(
    client: TestClient, url: str, parameter: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == parameter


def test_query_flags_in_their_documented_spelling_work(client: TestClient) -> None:
    assert client.get("/claims?count=exact").json()["count"] >= 1
    assert client.get("/claims?include=retracted").status_code == 200
    assert client.get("/relations?include=retracted").status_code == 200
