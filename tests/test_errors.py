"""Nothing a client can send produces a 500; every error is problem+json."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

HOSTILE = [
    "' OR 1=1 --",
    "legion'; DROP TABLE claim; --",
    "%",
    "_",
    "\\",
    "\u0000",
    "\U0001f600",
    "x" * 200,
    "-1",
    "99999999999999999999999",
    "../../etc/passwd",
]
LISTS = ["/claims", "/entities", "/sources"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "param",
    ["entity", "claimant", "source", "q", "since", "until", "cursor", "limit", "role", "status"],
)
def test_hostile_claim_parameters_get_a_clear_4xx(
    client: TestClient, param: str, value: str
) -> None:
    response = client.get("/claims", params={param: value})
    assert response.status_code in (200, 404, 422), response.text
    if response.status_code != 200:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == param


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "path", ["/claims/{}", "/entities/{}", "/sources/{}", "/entities/{}/claims", "/sources/{}/text"]
)
def test_hostile_path_ids_are_404(client: TestClient, path: str, value: str) -> None:
    response = client.get(path.format(quote(value, safe="")))
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"


def test_the_store_survives_injection_attempts(client: TestClient) -> None:
    before = client.get("/claims?limit=200").json()
    for value in HOSTILE:
        client.get("/claims", params={"q": value, "entity": value})
    assert client.get("/claims?limit=200").json() == before


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
    }
    wrong = client.put("/claims", json={})
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "allow" in wrong.headers


def test_invalid_utf8_in_the_query_is_a_4xx(client: TestClient) -> None:
    response = client.get("/claims?entity=%ff%fe")
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"
