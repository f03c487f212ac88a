"""A body in a media type an endpoint does not take is a 415 naming the ones it does.

PATCH takes a JSON Merge Patch (`application/merge-patch+json`, or plain JSON); a JSON
Patch (`application/json-patch+json`, RFC 6902) used to be read as JSON and failed with
a confusing 422 about a list not being an object. Every endpoint with a body, found in
the OpenAPI document so that a new one is covered too, answers the same way from one
place (`api.http.routing.ServiceRoute`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.routes
from api import Store
from api.http.routing import ServiceRoute
from api.writes.keys import create_key
from models.base import Scope

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
JSON = "application/json"
# A concrete path for each path parameter the body endpoints take.
EXAMPLES = {
    "claim_id": "legion-two-fully-manned-battalions",
    "relation_id": "few-hundred-contradicts-two-battalions",
    "slug": "moscow-times",
    "candidate_id": "1",
    "proposal_id": "2",
}


@pytest.fixture
def admin(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "media", Scope.admin)
        session.commit()
    return {"Authorization": f"Bearer {key}", "If-Match": "*"}


def body_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(method, concrete path, media types documented) of every operation with a body."""
    found = []
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body is None:
                continue
            path = re.sub(r"\{([a-z_]+)\}", lambda m: EXAMPLES[m.group(1)], template)
            found.append((method.upper(), path, list(body["content"])))
    return found


def test_every_patch_takes_merge_patches_and_refuses_json_patch(
    client: TestClient, admin: dict[str, str]
) -> None:
    patches = [(m, p) for m, p, _ in body_operations(client) if m == "PATCH"]
    assert len(patches) == 4  # claims, entities, sources, relations
    document = b'[{"op": "replace", "path": "/note", "value": "Changed."}]'
    for method, path in patches:
        before = client.get(path).json()
        answer = client.request(
            method, path, content=document, headers=admin | {"Content-Type": JSON_PATCH}
        )
        assert answer.status_code == 415, (path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["accept-patch"] == f"{MERGE_PATCH}, {JSON}"
        problem = answer.json()
        assert problem["field"] == "Content-Type"
        assert problem["accepted"] == [MERGE_PATCH, JSON]
        assert JSON_PATCH in problem["detail"]
        assert MERGE_PATCH in problem["detail"]
        assert client.get(path).json() == before


@pytest.mark.parametrize("sent", ["text/plain", JSON_PATCH, "application/xml", None])
def test_every_body_endpoint_refuses_other_media_types_alike(
    client: TestClient, admin: dict[str, str], sent: str | None
) -> None:
    operations = body_operations(client)
    assert len(operations) >= 10
    for method, path, documented in operations:
        headers = dict(admin)
        if sent is not None:
            headers["Content-Type"] = sent
        answer = client.request(method, path, content=b'{"a": 1}', headers=headers)
        assert answer.status_code == 415, (method, path, sent, answer.text)
        problem: dict[str, Any] = answer.json()
        assert problem["field"] == "Content-Type"
        assert set(documented) <= set(problem["accepted"]), (path, problem)


def test_the_accepted_types_still_reach_the_endpoint(
    client: TestClient, admin: dict[str, str]
) -> None:
    path = "/relations/few-hundred-contradicts-two-battalions"
    for media_type in (MERGE_PATCH, JSON, f"{JSON}; charset=utf-8"):
        answer = client.patch(
            path,
            content=f'{{"note": "Noted as {media_type}."}}'.encode(),
            headers=admin | {"Content-Type": media_type},
        )
        assert answer.status_code == 200, (media_type, answer.text)
        assert answer.json()["note"] == f"Noted as {media_type}."


def test_every_route_runs_as_a_service_route() -> None:
    """The rules above (and writes run again after a lost race) live in the route class:
    a resource module whose router forgot it would lose them without a sound."""
    checked = 0
    for found in pkgutil.iter_modules(api.routes.__path__):
        module = importlib.import_module(f"api.routes.{found.name}")
        router = getattr(module, "router", None)
        if router is None:
            continue
        for route in router.routes:
            assert isinstance(route, ServiceRoute), (found.name, route)
            checked += 1
    assert checked >= 30
