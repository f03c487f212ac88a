"""A cursor's key is checked against the column it is compared with, on every list.

Cursors are opaque, but a client can write one: the base64 of `{"v": 1, "s": ..., "k":
[...]}`. A key part beyond its column's range (a row id above 2**31-1, a feed position
above 2**63-1) cannot name a row, and PostgreSQL refuses to bind it as the column's type
(`GET /candidates?cursor=...[2147483648]` was a 500). Every list takes a real `next`
link, spoils one part of its key at a time, and must answer 422 naming the parameter;
the largest value each column holds is still a cursor (an empty or short page).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from candidate_texts import HARBOUR_FIRE
from fastapi.testclient import TestClient

from api import Store
from api.writes.keys import create_key
from models.base import Scope

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# A first page of every list that pages (limit=1, so there is a `next`), and the name
# of its cursor parameter.
LISTS = {
    "/claims?limit=1": "cursor",
    "/claims?limit=1&sort=claimed_on": "cursor",
    "/claims?limit=1&sort=-claimed_on": "cursor",
    "/claims?limit=1&sort=event_date": "cursor",
    "/claims?limit=1&sort=-event_date": "cursor",
    "/claims?limit=1&sort=relevance&q=legion": "cursor",
    "/entities/legion/claims?limit=1": "cursor",
    "/entities/legion/claims?limit=1&sort=-claimed_on": "cursor",
    "/sources/legion-article-2022/claims?limit=1&sort=event_date": "cursor",
    "/relations?limit=1": "cursor",
    "/claims/arestovych-legion-few-hundred-members/relations?limit=1": "cursor",
    "/entities/legion/disputes?limit=1": "cursor",
    "/entities/legion/timeline?limit=1": "cursor",
    "/entities?limit=1": "cursor",
    "/sources?limit=1": "cursor",
    "/candidates?limit=1": "cursor",
    "/proposals?limit=1": "cursor",
    "/proposals?limit=1&kind=claim&min_confidence=0.5": "cursor",
    "/changes?limit=1": "since",
}


@pytest.fixture
def lists(client: TestClient, store: Store) -> TestClient:
    """The fixtures, plus a review queue, so that every list has a second page."""
    with store.write_session() as session:
        key = create_key(session, "pager", Scope.write)
        session.commit()
    auth = {"Authorization": f"Bearer {key}"}
    source = {"slug": "harbour-fire", "name": "Harbour fire", "kind": "article"}
    assert client.post("/sources", json=source | {"text": HARBOUR_FIRE}, headers=auth).is_success
    assert client.post("/sources/harbour-fire/extract", headers=auth).status_code == 201
    return client


def cursor_of(url: str, param: str) -> dict[str, Any]:
    raw = dict(parse_qsl(urlsplit(url).query))[param]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return decoded


def with_cursor(url: str, param: str, cursor: dict[str, Any]) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != param] + [(param, raw)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def spoiled(value: Any, param: str) -> tuple[list[Any], list[Any]]:
    """Values a key part's column cannot hold, and the extremes it can."""
    low, high = INT64 if param == "since" else INT32
    if isinstance(value, bool):
        raise AssertionError("no key part is a boolean")
    if isinstance(value, int):
        return [high + 1, low - 1, 2**64, float(high) * 4], [high, low]
    if isinstance(value, float):
        return [2.0**63 * 2, -(2.0**63) * 2, str(value)], [1e300 / 1e290, 0.0]
    assert isinstance(value, str)
    return ["a\x00b", "\ud800", 5], ["~~~", ""]


def test_every_paged_list_is_covered(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    paged = {
        path
        for path, operations in paths.items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and (parameter["name"] == "cursor" or (path == "/changes" and parameter["name"] == "since"))
    }
    covered = {
        template
        for template in paged
        for url in LISTS
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), urlsplit(url).path)
    }
    assert covered == paged


@pytest.mark.parametrize(("first", "param"), list(LISTS.items()))
def test_a_cursor_key_outside_its_column_is_a_422(
    lists: TestClient, first: str, param: str
) -> None:
    page = lists.get(first)
    assert page.status_code == 200, page.text
    following = page.json()["next"]
    assert following, f"{first} has one page only: nothing to resume"
    cursor = cursor_of(following, param)
    assert lists.get(following).status_code == 200
    for index, value in enumerate(cursor["k"]):
        bad, extremes = spoiled(value, param)
        for wrong in bad:
            key = [*cursor["k"][:index], wrong, *cursor["k"][index + 1 :]]
            answer = lists.get(with_cursor(following, param, cursor | {"k": key}))
            assert answer.status_code == 422, (first, key, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["field"] == param, answer.json()
        for edge in extremes:
            key = [*cursor["k"][:index], edge, *cursor["k"][index + 1 :]]
            answer = lists.get(with_cursor(following, param, cursor | {"k": key}))
            assert answer.status_code == 200, (first, key, answer.text)


def test_the_reported_candidate_cursor_is_a_422(lists: TestClient) -> None:
    answer = lists.get("/candidates?cursor=eyJ2IjogMSwgInMiOiAiIiwgImsiOiBbMjE0NzQ4MzY0OF19")
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "cursor"
