"""Helpers shared by tests that read lists, and edit, the way a client does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

# How many claims the fixtures hold (the tests count against the data, not a number).
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_CLAIMS = len(yaml.safe_load((FIXTURES / "claims.yaml").read_text(encoding="utf-8")))
FIXTURE_RELATIONS = len(yaml.safe_load((FIXTURES / "relations.yaml").read_text(encoding="utf-8")))


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [claim["id"] for claim in response.json()["items"]]


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a list, following `next` links."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["next"]:
            assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        else:
            assert "link" not in response.headers
        next_url = body["next"]
    return items


def merge_patch(
    client: TestClient, url: str, patch: dict[str, Any], headers: dict[str, str]
) -> Any:
    """PATCH `url` with a JSON Merge Patch, guarded by the ETag it answers with now."""
    current = client.get(url)
    assert current.status_code == 200, current.text
    return client.patch(
        url,
        content=json.dumps(patch),
        headers={
            **headers,
            "Content-Type": "application/merge-patch+json",
            "If-Match": current.headers["etag"],
        },
    )
