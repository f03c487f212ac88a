"""HTTP as clients and caches expect it: preconditions on every change, weak validators on
reads, HEAD and OPTIONS, complete Allow headers, and a document that says all of it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Store
from api.writes.keys import create_key
from models.base import Scope

CLAIM = "legion-300-applications-a-day"


@pytest.fixture
def admin(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "root", Scope.admin)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("DELETE", f"/claims/{CLAIM}"),
        ("DELETE", "/entities/freedom-of-russia-legion"),
        ("DELETE", "/sources/legion-article-2022"),
        ("PATCH", f"/claims/{CLAIM}"),
        ("POST", f"/claims/{CLAIM}/restore"),
    ],
)
def test_every_change_to_an_existing_resource_needs_if_match(
    client: TestClient, admin: dict[str, str], method: str, url: str
) -> None:
    before = client.get(url.removesuffix("/restore")).text
    answer = client.request(method, url, json={} if method == "PATCH" else None, headers=admin)
    assert answer.status_code == 428, answer.text
    assert answer.json()["field"] == "If-Match"
    assert answer.headers["content-type"] == "application/problem+json"
    assert client.get(url.removesuffix("/restore")).text == before


def test_if_none_match_compares_weakly(client: TestClient) -> None:
    url = f"/claims/{CLAIM}"
    tag = client.get(url).headers["etag"]
    for held in (tag, f"W/{tag}", f'"0-nothing", W/{tag}', "*"):
        answer = client.get(url, headers={"If-None-Match": held})
        assert answer.status_code == 304, held
        assert answer.headers["etag"] == tag
    assert client.get(url, headers={"If-None-Match": 'W/"1-other"'}).status_code == 200


def test_if_match_compares_strongly(client: TestClient, admin: dict[str, str]) -> None:
    url = f"/claims/{CLAIM}"
    tag = client.get(url).headers["etag"]
    weak = client.patch(url, json={"status": "reported"}, headers={**admin, "If-Match": f"W/{tag}"})
    assert weak.status_code == 412


@pytest.mark.parametrize(
    "url",
    [
        "/claims?entity=legion&limit=2",
        f"/claims/{CLAIM}",
        "/entities/Legion",
        "/sources/legion-article-2022/text",
        "/health",
    ],
)
def test_head_answers_wherever_get_does(client: TestClient, url: str) -> None:
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("etag", "link", "content-type", "content-length"):
        assert head.headers.get(name) == got.headers.get(name), name


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/claims", "GET, HEAD, OPTIONS, POST"),
        (f"/claims/{CLAIM}", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/entities/legion", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/claims:batch", "OPTIONS, POST"),
        ("/health", "GET, HEAD, OPTIONS"),
    ],
)
def test_a_405_and_options_list_every_method_of_the_path(
    client: TestClient, url: str, allowed: str
) -> None:
    refused = client.put(url, content=b"{}")
    assert refused.status_code == 405
    assert refused.headers["allow"] == allowed
    assert refused.headers["content-type"] == "application/problem+json"
    options = client.options(url)
    assert options.status_code == 204
    assert options.headers["allow"] == allowed


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][path][method]
    return found


READING_POSTS = {("post", "/claims:match")}


def test_the_document_declares_how_to_authenticate_and_when(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"]["type"] == "http"
    assert schemes["ApiKey"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            secured = op.get("security") == [{"ApiKey": []}]
            # A POST that only reads (a statement to match is too long for a URL) is
            # as open as a GET.
            reads = method == "get" or (method, path) in READING_POSTS
            assert secured == (not reads), (method, path)
            if method in ("patch", "delete") or path.endswith("/restore"):
                if_match = [p for p in op["parameters"] if p["name"].lower() == "if-match"]
                assert if_match, (method, path)
                assert if_match[0]["required"] is True
                assert "428" in op["responses"]


def test_the_document_gives_real_examples_and_body_rules(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    # No free-form objects, which Swagger UI fills with `{"additionalProp1": {}}`.
    patched = schemas["ClaimUpdate"]["properties"]
    assert patched["quote"]["anyOf"][0] == {"$ref": "#/components/schemas/QuotePatch"}
    assert patched["quantity"]["anyOf"][0] == {"$ref": "#/components/schemas/QuantityPatch"}
    patch_example = schemas["ClaimUpdate"]["examples"][0]
    assert set(patch_example) <= set(schemas["ClaimUpdate"]["properties"])
    assert schemas["QuotePatch"]["properties"]["text"]["anyOf"][0]["minLength"] == 1
    alias = schemas["EntityCreate"]["properties"]["aliases"]["items"]
    assert (alias["minLength"], alias["maxLength"]) == (1, 300)
    date = schemas["ClaimCreate"]["properties"]["claimed_on"]["anyOf"][0]
    assert date["pattern"] == "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
    url = schemas["SourceCreate"]["properties"]["url"]["anyOf"][0]
    assert url["pattern"].startswith("^https?://")
    for name in ("ClaimUpdate", "EntityUpdate", "SourceUpdate"):
        example = schemas[name]["examples"][0]
        assert example
        assert set(example) <= set(schemas[name]["properties"]), name
