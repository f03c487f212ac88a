"""Hostile input against every endpoint: a clear 4xx problem each time, and nothing written.

An attacker, or a badly broken client, sends SQL injection in every path and query
parameter and in write bodies, bodies over the size limit (declared or streamed),
malformed, deeply nested or non-UTF-8 JSON, absurd numbers and wrong content types.
Each request must get a 4xx `application/problem+json` answer naming what is wrong, and
the store must read exactly as before: every claim (retracted ones included), entity and
source, and the revision history of what was edited.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api import Store
from api.writes.keys import create_key
from models.base import Scope
from models.claim import CLAIM_CREATE_EXAMPLE

CLAIM = "legion-300-applications-a-day"
RELATION = "pr-project-undermines-300-applications"  # a fixture relation of CLAIM
ENTITY = "freedom-of-russia-legion"
SOURCE = "legion-article-2022"
LIMIT = 1_048_576  # Settings.max_body_bytes, the default the app runs with

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
NDJSON = "application/x-ndjson"
JSON_PATCH = "application/json-patch+json"  # RFC 6902: not what PATCH here takes

# Every operation of /openapi.json, as (method, path template);
# test_every_operation_and_parameter_is_attacked_here keeps this list complete.
READS = [
    ("GET", "/claims"),
    ("GET", "/claims/{claim_id}"),
    ("GET", "/claims/{claim_id}/history"),
    ("GET", "/claims/{claim_id}/relations"),
    ("GET", "/relations"),
    ("GET", "/relations/{relation_id}"),
    ("GET", "/relations/{relation_id}/history"),
    ("GET", "/entities"),
    ("GET", "/entities/{slug}"),
    ("GET", "/entities/{slug}/claims"),
    ("GET", "/entities/{slug}/history"),
    ("GET", "/entities/{slug}/disputes"),
    ("GET", "/entities/{slug}/timeline"),
    ("GET", "/sources"),
    ("GET", "/sources/{slug}"),
    ("GET", "/sources/{slug}/claims"),
    ("GET", "/sources/{slug}/text"),
    ("GET", "/sources/{slug}/history"),
    ("GET", "/candidates"),
    ("GET", "/candidates/{candidate_id}"),
    ("GET", "/candidates/{candidate_id}/history"),
    ("GET", "/proposals"),
    ("GET", "/proposals/{proposal_id}"),
    ("GET", "/proposals/{proposal_id}/history"),
    ("GET", "/health"),
    ("GET", "/changes"),
    ("GET", "/claims/{claim_id}/similar"),
    ("GET", "/matching/thresholds"),
]
# Writes that read a body, with the media type they take and a body they would accept:
# each hostile test below changes one thing about a request that would otherwise land.
BODY_WRITES: dict[tuple[str, str], tuple[str, bytes]] = {
    ("POST", "/claims"): (JSON, json.dumps(CLAIM_CREATE_EXAMPLE).encode()),
    ("POST", "/claims:batch"): (
        NDJSON,
        json.dumps(CLAIM_CREATE_EXAMPLE | {"id": "batch-restated"}).encode() + b"\n",
    ),
    ("PATCH", "/claims/{claim_id}"): (MERGE_PATCH, b'{"status": "speculative"}'),
    ("POST", "/entities"): (
        JSON,
        b'{"slug": "hostile-test-entity", "name": "Hostile Test Entity", "kind": "person"}',
    ),
    ("PATCH", "/entities/{slug}"): (MERGE_PATCH, b'{"description": "Changed."}'),
    ("POST", "/sources"): (
        JSON,
        b'{"slug": "hostile-test-source", "name": "Hostile Test Source", "kind": "article"}',
    ),
    ("PATCH", "/sources/{slug}"): (MERGE_PATCH, b'{"title": "Changed"}'),
    ("POST", "/relations"): (
        JSON,
        json.dumps(
            {
                "type": "supports",
                "from": CLAIM,
                "to": "legion-two-fully-manned-battalions",
                "note": "Many applications would fill battalions.",
            }
        ).encode(),
    ),
    ("PATCH", "/relations/{relation_id}"): (MERGE_PATCH, b'{"note": "Changed."}'),
    ("POST", "/candidates/{candidate_id}/accept"): (JSON, b'{"create_entities": true}'),
    ("POST", "/candidates/{candidate_id}/reject"): (JSON, b'{"reason": "Not a claim."}'),
    ("POST", "/candidates:accept"): (
        JSON,
        b'[{"id": 5, "etag": "*", "changes": {"create_entities": true}}]',
    ),
    ("POST", "/proposals"): (
        JSON,
        json.dumps(
            {
                "kind": "relation",
                "payload": {
                    "type": "supports",
                    "from": {"claim": CLAIM},
                    "to": {"proposal": 1},
                    "note": "Proposed for review.",
                },
            }
        ).encode(),
    ),
    ("POST", "/proposals/{proposal_id}/accept"): (JSON, b'{"create_entities": true}'),
    ("POST", "/proposals/{proposal_id}/reject"): (JSON, b'{"reason": "Not a claim."}'),
    ("POST", "/proposals:accept"): (
        JSON,
        b'[{"id": 6, "etag": "*", "changes": {"create_entities": true}}]',
    ),
}
# Writes that read no body.
DELETES = [
    ("DELETE", "/claims/{claim_id}"),
    ("DELETE", "/entities/{slug}"),
    ("DELETE", "/sources/{slug}"),
    ("POST", "/claims/{claim_id}/restore"),
    ("DELETE", "/relations/{relation_id}"),
    ("POST", "/relations/{relation_id}/restore"),
    ("POST", "/sources/{slug}/extract"),
]
WRITES = list(BODY_WRITES) + DELETES
# The reads that take query parameters (writes take only a free-text `reason`).
QUERIED = [
    ("GET", "/claims"),
    ("GET", "/entities/{slug}/claims"),
    ("GET", "/sources/{slug}/claims"),
    ("GET", "/entities"),
    ("GET", "/sources"),
    ("GET", "/sources/{slug}/text"),
    ("GET", "/candidates"),
    ("GET", "/proposals"),
    ("GET", "/relations"),
    ("GET", "/claims/{claim_id}/relations"),
    ("GET", "/entities/{slug}/disputes"),
    ("GET", "/entities/{slug}/timeline"),
    ("GET", "/changes"),
    ("GET", "/claims/{claim_id}/similar"),
]
OPERATIONS = READS + WRITES
WITH_PATH_PARAMETERS = [(method, template) for method, template in OPERATIONS if "{" in template]

# Each carries a word found nowhere in the store, so a search for it must find nothing.
INJECTIONS = [
    "xyzzy' OR '1'='1",
    "xyzzy' OR 1=1 --",
    "xyzzy'; DROP TABLE claim; --",
    'xyzzy" OR ""="',
    "xyzzy') UNION SELECT slug, name FROM entity --",
    "xyzzy%' OR slug LIKE '%",
    "xyzzy'; SELECT pg_sleep(5); --",
    "xyzzy\\'; DELETE FROM source; --",
    "xyzzy$$; DROP TABLE revision; $$",
    "xyzzy' AND 1=CAST((SELECT sqlite_version()) AS INT) --",
]
# Query values as they arrive on the wire: percent-encoded injections, then bytes that
# are not UTF-8 (a stray byte, a bad continuation, an encoded surrogate, an overlong
# slash) and a NUL.
WIRE_VALUES = [quote(value, safe="") for value in INJECTIONS] + [
    "xyzzy%FF%FE",
    "xyzzy%C3%28",
    "xyzzy%ED%A0%80",
    "xyzzy%C0%AF",
    "xyzzy%00",
]
# Words searched for, or a figure's unit: a value found nowhere finds nothing.
FREE_TEXT = {"q", "quantity_unit"}
# Query parameters naming an entity, source or claim answer 404 (no such thing) when the value
# is merely unknown; `q` searches words; every other parameter has a closed format.
REFERENCES = {"entity", "claimant", "source", "publisher", "claim", "cluster"}


def labels(operations: list[tuple[str, str]]) -> list[str]:
    return [f"{method} {template}" for method, template in operations]


def concrete(template: str, wire: str | None = None) -> str:
    """`template` with its path parameter filled: by `wire` (sent as is), or a real id."""
    if wire is not None:
        filler = wire
    elif "{claim_id}" in template:
        filler = CLAIM
    elif "{relation_id}" in template:
        filler = RELATION
    elif "{candidate_id}" in template:
        # Two of the candidates the `admin` fixture has extracted: one to accept, one to
        # reject, so the control requests of both can land.
        filler = "2" if template.endswith("/reject") else "1"
    elif "{proposal_id}" in template:
        # Two more of them, for the same requests through the whole queue's paths.
        filler = "4" if template.endswith("/reject") else "3"
    else:
        filler = ENTITY if template.startswith("/entities") else SOURCE
    return (
        template.replace("{claim_id}", filler)
        .replace("{slug}", filler)
        .replace("{candidate_id}", filler)
        .replace("{proposal_id}", filler)
        .replace("{relation_id}", filler)
    )


def key_for(store: Store, scope: Scope) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, f"hostile-{scope.value}", scope)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin(store: Store, client: TestClient) -> dict[str, str]:
    """An admin key, after one ordinary edit so a claim has a revision history to guard."""
    headers = key_for(store, Scope.admin)
    etag = client.get(f"/claims/{CLAIM}").headers["ETag"]
    edited = client.patch(
        f"/claims/{CLAIM}?reason=baseline",
        content=b'{"status": "speculative"}',
        headers=headers | {"Content-Type": MERGE_PATCH, "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    extracted = client.post(f"/sources/{SOURCE}/extract", headers=headers)
    assert extracted.status_code == 201, extracted.text
    assert extracted.json()["candidates"] >= 6
    return headers


def snapshot(client: TestClient) -> dict[str, Any]:
    """What a reader sees of the whole store, and of the edited claim's history."""
    views = {}
    for url in (
        "/claims?limit=200&include=retracted",
        "/entities?limit=200",
        "/sources?limit=200",
        f"/claims/{CLAIM}/history",
        f"/entities/{ENTITY}/history",
        f"/sources/{SOURCE}/history",
        "/candidates?limit=200",
        "/proposals?limit=200",
        "/relations?limit=200&include=retracted",
        f"/relations/{RELATION}/history",
    ):
        response = client.get(url)
        assert response.status_code == 200, response.text
        assert response.json()["next"] is None, f"{url} no longer fits one page"
        views[url] = response.json()
    return views


@contextmanager
def nothing_changes(client: TestClient) -> Iterator[None]:
    before = snapshot(client)
    assert before[f"/claims/{CLAIM}/history"]["items"], "the guarded history is empty"
    yield
    assert snapshot(client) == before


def assert_problem(
    response: Response, status: int | Collection[int], field: str | None = None
) -> dict[str, Any]:
    """A 4xx problem+json with `status`, naming `field` (or a part of it) when given."""
    statuses = {status} if isinstance(status, int) else set(status)
    request = f"{response.request.method} {response.request.url}"
    assert response.status_code in statuses, f"{request} -> {response.text[:400]}"
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json", request
    problem: dict[str, Any] = response.json()
    assert problem["status"] == response.status_code
    assert problem["type"]
    assert problem["title"]
    assert problem["detail"]
    if field is not None:
        named = str(problem.get("field"))
        assert named == field or named.startswith(f"{field}."), (request, problem)
    return problem


def send(
    client: TestClient,
    method: str,
    url: str,
    content: bytes | Iterator[bytes] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    response: Response = client.request(method, url, content=content, headers=headers or {})
    return response


# --- SQL injection -----------------------------------------------------------------------


def query_parameters(client: TestClient, method: str, template: str) -> list[str]:
    operation = client.get("/openapi.json").json()["paths"][template][method.lower()]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize(("method", "template"), QUERIED, ids=labels(QUERIED))
def test_injection_in_every_query_parameter_is_refused_or_finds_nothing(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    url = concrete(template)
    with nothing_changes(client):
        for name in query_parameters(client, method, template):
            for value in WIRE_VALUES:
                response = client.get(f"{url}?{name}={value}")
                if name in FREE_TEXT and response.status_code == 200:
                    assert response.json()["items"] == [], f"{name}={value} found claims"
                elif name in REFERENCES:
                    assert_problem(response, {404, 422}, field=name)
                else:
                    assert_problem(response, 422, field=name)


@pytest.mark.parametrize(("method", "template"), OPERATIONS, ids=labels(OPERATIONS))
def test_injection_as_an_unknown_parameter_is_refused_everywhere(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    with nothing_changes(client):
        for value in WIRE_VALUES[:3]:
            url = f"{concrete(template)}?{value}={value}"
            response = send(client, method, url, headers=admin | {"If-Match": "*"})
            assert_problem(response, 422)


@pytest.mark.parametrize(
    ("method", "template"), WITH_PATH_PARAMETERS, ids=labels(WITH_PATH_PARAMETERS)
)
def test_injection_in_every_path_parameter_is_a_404(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    media_type, body = BODY_WRITES.get((method, template), (JSON, None))
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    with nothing_changes(client):
        for value in WIRE_VALUES:
            response = send(client, method, concrete(template, value), body, headers)
            # Candidate ids are numbers: anything else is malformed, not unknown.
            malformed = (
                value.endswith("%00") or "{candidate_id}" in template or "{proposal_id}" in template
            )
            assert_problem(response, 422 if malformed else 404)


RELATION_BODY = json.loads(BODY_WRITES[("POST", "/relations")][1])


def claim_with(**changes: Any) -> dict[str, Any]:
    return CLAIM_CREATE_EXAMPLE | changes


# (method, path template, the body with INJECTION where the attack goes, field named)
BODY_INJECTIONS = [
    ("POST", "/claims", claim_with(id="INJECTION"), "body.id"),
    ("POST", "/claims", claim_with(claimant="INJECTION"), "body.claimant"),
    ("POST", "/claims", claim_with(status="INJECTION"), "body.status"),
    ("POST", "/claims", claim_with(claimed_on="INJECTION"), "body.claimed_on"),
    (
        "POST",
        "/claims",
        claim_with(quote={"source": "INJECTION", "text": "Legion"}),
        "body.quote.source",
    ),
    ("POST", "/claims", claim_with(quote={"source": SOURCE, "text": "INJECTION"}), "body.quote"),
    (
        "POST",
        "/claims",
        claim_with(entities=[{"slug": "INJECTION", "role": "about"}]),
        "body.entities",
    ),
    (
        "POST",
        "/claims",
        claim_with(attribution=[{"source": SOURCE, "entity": "INJECTION", "verb": "said"}]),
        "body.attribution",
    ),
    ("POST", "/claims:batch", claim_with(id="INJECTION"), "line 1"),
    ("PATCH", "/claims/{claim_id}", {"claimant": "INJECTION"}, "body.claimant"),
    ("PATCH", "/claims/{claim_id}", {"claimed_on": "INJECTION"}, "body.claimed_on"),
    ("PATCH", "/claims/{claim_id}", {"quote": {"source": "INJECTION"}}, "body.quote"),
    ("PATCH", "/claims/{claim_id}", {"id": "INJECTION"}, "body.id"),
    ("POST", "/entities", {"slug": "INJECTION", "name": "Someone", "kind": "person"}, "body.slug"),
    ("POST", "/entities", {"slug": "someone", "name": "Someone", "kind": "INJECTION"}, "body.kind"),
    ("PATCH", "/entities/{slug}", {"kind": "INJECTION"}, "body.kind"),
    ("PATCH", "/entities/{slug}", {"aliases": ["Legion"], "slug": "INJECTION"}, "body.slug"),
    ("POST", "/sources", {"slug": "INJECTION", "name": "A work", "kind": "article"}, "body.slug"),
    (
        "POST",
        "/sources",
        {"slug": "a-work", "name": "A work", "kind": "article", "publisher": "INJECTION"},
        "body.publisher",
    ),
    (
        "POST",
        "/sources",
        {"slug": "a-work", "name": "A work", "kind": "article", "date": "INJECTION"},
        "body.date",
    ),
    ("PATCH", "/sources/{slug}", {"publisher": "INJECTION"}, "body.publisher"),
    ("PATCH", "/sources/{slug}", {"date": "INJECTION"}, "body.date"),
    ("POST", "/relations", RELATION_BODY | {"from": "INJECTION"}, "body.from"),
    ("POST", "/relations", RELATION_BODY | {"type": "INJECTION"}, "body.type"),
    ("POST", "/relations", RELATION_BODY | {"id": "INJECTION"}, "body.id"),
    (
        "POST",
        "/relations",
        RELATION_BODY | {"asserted_by": {"source": "INJECTION"}},
        "body.asserted_by.source",
    ),
    ("PATCH", "/relations/{relation_id}", {"type": "INJECTION"}, "body.type"),
    ("PATCH", "/relations/{relation_id}", {"from": "INJECTION"}, "body"),
]


@pytest.mark.parametrize(
    ("method", "template", "body", "field"),
    BODY_INJECTIONS,
    ids=[f"{m} {t} {f}" for m, t, _, f in BODY_INJECTIONS],
)
def test_injection_in_a_write_body_is_a_422_naming_the_field(
    client: TestClient,
    admin: dict[str, str],
    method: str,
    template: str,
    body: dict[str, Any],
    field: str,
) -> None:
    media_type, _ = BODY_WRITES[(method, template)]
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    with nothing_changes(client):
        for value in INJECTIONS:
            attack = json.dumps(body).replace("INJECTION", json.dumps(value)[1:-1])
            response = send(client, method, concrete(template), attack.encode(), headers)
            assert_problem(response, 422, field=field)


def test_injection_in_credentials_preconditions_and_reasons_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    with nothing_changes(client):
        for value in INJECTIONS:
            forged = {"Authorization": f"Bearer {value}"}
            assert_problem(client.delete(f"/claims/{CLAIM}", headers=forged), 401)
            stale = admin | {"If-Match": value}
            assert_problem(client.delete(f"/claims/{CLAIM}", headers=stale), 412, "If-Match")
            in_use = client.delete(
                f"/entities/{ENTITY}", params={"reason": value}, headers=admin | {"If-Match": "*"}
            )
            assert_problem(in_use, 409)


def test_injection_in_free_text_is_kept_verbatim_and_touches_nothing_else(
    client: TestClient, admin: dict[str, str]
) -> None:
    """Names, descriptions and reasons are free text: an injection there is only text."""
    before = snapshot(client)
    name, description, reason = INJECTIONS[2], INJECTIONS[4], INJECTIONS[8]
    entity = {"slug": "robert-tables", "name": name, "kind": "person", "description": description}
    created = client.post("/entities", params={"reason": reason}, json=entity, headers=admin)
    assert created.status_code == 201, created.text

    assert client.get("/entities/robert-tables").json()["name"] == name
    assert client.get("/entities/robert-tables").json()["description"] == description
    assert client.get("/entities/robert-tables/history").json()["items"][0]["reason"] == reason
    after = snapshot(client)
    added = [e for e in after["/entities?limit=200"]["items"] if e["slug"] == "robert-tables"]
    assert len(added) == 1
    after["/entities?limit=200"]["items"].remove(added[0])
    assert after == before


# --- bodies over the limit -------------------------------------------------------------


def oversized(media_type: str, size: int) -> bytes:
    """A body of exactly `size` bytes that is well-formed for `media_type`."""
    if media_type == NDJSON:
        return (b'{"id": "%s"}\n' % (b"x" * (size - 11)))[:size]
    return b'{"statement": "' + b"x" * (size - 17) + b'"}'


@pytest.mark.parametrize(("method", "template"), WRITES, ids=labels(WRITES))
def test_a_declared_body_over_the_limit_is_a_413_naming_body(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    media_type, _ = BODY_WRITES.get((method, template), (JSON, b""))
    body = oversized(media_type, LIMIT + 1)
    assert len(body) == LIMIT + 1
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    with nothing_changes(client):
        response = send(client, method, concrete(template), body, headers)
        assert_problem(response, 413, field="body")
        assert response.request.headers["content-length"] == str(LIMIT + 1)


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A JSON string body sent in pieces, with no Content-Length up front."""
    yield b'{"statement": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


@pytest.mark.parametrize(("method", "template"), list(BODY_WRITES), ids=labels(list(BODY_WRITES)))
def test_a_streamed_body_over_the_limit_is_a_413_naming_body(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    media_type, _ = BODY_WRITES[(method, template)]
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    with nothing_changes(client):
        response = send(client, method, concrete(template), chunks(2 * LIMIT), headers)
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
        assert_problem(response, 413, field="body")


def test_the_limit_is_exact(client: TestClient, admin: dict[str, str]) -> None:
    headers = admin | {"Content-Type": JSON}
    with nothing_changes(client):
        at_limit = client.post("/entities", content=oversized(JSON, LIMIT), headers=headers)
        assert_problem(at_limit, 422)  # read, and refused for what it says
        over = client.post("/entities", content=oversized(JSON, LIMIT + 1), headers=headers)
        assert_problem(over, 413, field="body")


# --- malformed bodies --------------------------------------------------------------------

MALFORMED = [
    b"{",
    b"{'slug': 'x'}",
    b'{"slug": }',
    b"[1, 2",
    b'{"a": 1}}',
    b"tru",
    b"\x00",
    b'{"slug": "x",}',
    b"<claim/>",
]
NOT_UTF8 = [
    b'{"slug": "\xff\xfe"}',
    b'{"name": "\xc3\x28"}',
    b'{"name": "\xed\xa0\x80"}',  # an encoded surrogate
    b'{"name": "\xc0\xaf"}',  # an overlong "/"
]
DEEP = [
    b"[" * 100_000,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
    b'{"quote": ' + b'{"a": ' * 600 + b"1" + b"}" * 601,  # parseable, but not a quote
    b'{"quantity": {"value": ' + b"[" * 600 + b"]" * 600 + b"}}",
]


def assert_refused_body(response: Response, media_type: str) -> None:
    if media_type == NDJSON:  # a batch names the line at fault
        problem = assert_problem(response, 422)
        assert problem["field"] == "body" or problem["field"].startswith("line 1"), problem
    else:
        assert_problem(response, 422, field="body")


@pytest.mark.parametrize(("method", "template"), list(BODY_WRITES), ids=labels(list(BODY_WRITES)))
@pytest.mark.parametrize(
    "bodies", [MALFORMED, NOT_UTF8, DEEP], ids=["malformed", "not-utf8", "deeply-nested"]
)
def test_an_unreadable_body_is_a_422_naming_body(
    client: TestClient,
    admin: dict[str, str],
    method: str,
    template: str,
    bodies: list[bytes],
) -> None:
    media_type, _ = BODY_WRITES[(method, template)]
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    with nothing_changes(client):
        for body in bodies:
            response = send(client, method, concrete(template), body, headers)
            assert_refused_body(response, media_type)


# --- numbers -----------------------------------------------------------------------------

ABSURD_INTEGERS = ["-1", str(2**31 + 1), str(2**63), "9" * 5000, "1e3", "1.5", "NaN", "-inf"]
LISTS = [
    "/claims",
    f"/entities/{ENTITY}/claims",
    f"/sources/{SOURCE}/claims",
    "/entities",
    "/sources",
]


def test_absurd_numbers_in_parameters_are_a_422_naming_them(
    client: TestClient, admin: dict[str, str]
) -> None:
    text = f"/sources/{SOURCE}/text"
    with nothing_changes(client):
        for value in [*ABSURD_INTEGERS, "0", "-0", "201"]:
            for url in LISTS:
                assert_problem(client.get(f"{url}?limit={value}"), 422, field="limit")
        for value in ABSURD_INTEGERS:
            assert_problem(client.get(f"{text}?start={value}"), 422, field="start")
            assert_problem(client.get(f"{text}?end={value}"), 422, field="end")
        assert_problem(client.get(f"{text}?start=10&end=5"), 422, field="end")


ABSURD_OFFSETS = [
    b"-1",
    b"2147483649",
    b"9223372036854775808",
    b"1e308",
    b"NaN",
    b"1.5",
    b"9" * 5000,
]
ABSURD_VALUES = [
    b"1e16",
    b"-1e16",
    b"1e308",
    b"-1e308",
    b"1e400",
    b"NaN",
    b"Infinity",
    b"-Infinity",
]


def with_number(body: dict[str, Any], outer: str, fields: dict[str, Any], number: bytes) -> bytes:
    """`body` as JSON with `fields` set in its `outer` object; "N" there is the raw `number`."""
    part = dict(body.get(outer) or {}) | fields
    return json.dumps(body | {outer: part}).encode().replace(b'"N"', number)


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("POST", "/claims", CLAIM_CREATE_EXAMPLE),
        ("POST", "/claims:batch", CLAIM_CREATE_EXAMPLE),
        ("PATCH", "/claims/{claim_id}", {}),
    ],
    ids=["create", "batch", "patch"],
)
def test_absurd_numbers_in_claims_are_a_422(
    client: TestClient, admin: dict[str, str], method: str, template: str, body: dict[str, Any]
) -> None:
    media_type, _ = BODY_WRITES[(method, template)]
    headers = admin | {"If-Match": "*", "Content-Type": media_type}
    attacks = [with_number(body, "quote", {"start": "N", "end": 5}, n) for n in ABSURD_OFFSETS]
    attacks += [with_number(body, "quote", {"start": 0, "end": "N"}, n) for n in ABSURD_OFFSETS]
    attacks += [with_number(body, "quantity", {"value": "N"}, n) for n in ABSURD_VALUES]
    with nothing_changes(client):
        for attack in attacks:
            response = send(client, method, concrete(template), attack, headers)
            assert_refused_body(response, media_type)


# --- content types -----------------------------------------------------------------------

WRONG_TYPES = [
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyzzy",
    "application/octet-stream",
    "garbage",
    None,  # no Content-Type at all
]


@pytest.mark.parametrize(("method", "template"), list(BODY_WRITES), ids=labels(list(BODY_WRITES)))
def test_a_good_body_under_a_wrong_content_type_is_refused(
    client: TestClient, admin: dict[str, str], method: str, template: str
) -> None:
    """Every body endpoint alike: a 415 naming the media types it takes (the JSON ones
    no longer read a JSON body sent as something else and then fail it with a 422)."""
    right, body = BODY_WRITES[(method, template)]
    wrong_types = [*WRONG_TYPES, JSON if right == NDJSON else NDJSON, JSON_PATCH]
    accepted = {NDJSON: [NDJSON, "application/jsonl", "application/json-seq"]}.get(
        right, [right] if right == JSON else [right, JSON]
    )
    with nothing_changes(client):
        for media_type in wrong_types:
            headers = admin | {"If-Match": "*"}
            if media_type is not None:
                headers["Content-Type"] = media_type
            response = send(client, method, concrete(template), body, headers)
            problem = assert_problem(response, 415, field="Content-Type")
            assert problem["accepted"] == accepted, (media_type, problem)
            for listed in accepted:
                assert listed in problem["detail"]
            if method == "PATCH":
                assert response.headers["accept-patch"] == ", ".join(accepted)


def test_the_bodies_used_here_are_accepted_as_they_are(
    client: TestClient, admin: dict[str, str]
) -> None:
    """The control: every hostile request above spoils one thing about these."""
    for (method, template), (media_type, body) in BODY_WRITES.items():
        headers = admin | {"If-Match": "*", "Content-Type": media_type}
        response = send(client, method, concrete(template), body, headers)
        assert response.status_code in {200, 201}, (method, template, response.text)


# --- coverage and regressions ------------------------------------------------------------


def test_every_operation_and_parameter_is_attacked_here(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    listed = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert listed == set(OPERATIONS)
    queried = {
        (method, path)
        for method, path in OPERATIONS
        if set(query_parameters(client, method, path)) - {"reason"}
    }
    assert queried == set(QUERIED)


def test_a_blank_name_gets_a_404_without_an_empty_sql_filter(client: TestClient) -> None:
    """A name that folds to nothing leaves nothing to suggest from; it used to build an
    `or_()` with no clauses (deprecated by SQLAlchemy: a 500 under the test settings)."""
    for url in (
        "/claims?entity=%20",
        "/claims?claimant=%20",
        "/claims?source=%20",
        "/sources?publisher=%20",
        "/entities/%20",
        "/sources/%20",
    ):
        assert_problem(client.get(url), 404)
