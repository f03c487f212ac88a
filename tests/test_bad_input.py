"""Bad input is a 422 naming what is wrong, the same on every route and on both engines;
and answers that look complete are complete."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, Store, create_app, create_router, install_error_handlers
from api.writes.keys import create_key
from models.base import Scope


def cursor(key: list[Any], scope: str = "") -> str:
    payload = json.dumps({"v": 1, "s": scope, "k": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field, response.json()


@pytest.mark.parametrize(
    "key",
    [
        [2**63],  # beyond a 64-bit integer
        [-(2**63) - 1],
        ["\udc80"],  # a lone surrogate
        ["a\x00b"],  # NUL
        [1e400],  # infinity, as Python's JSON parser reads it
        [[1]],
    ],
    ids=["int64+", "int64-", "surrogate", "nul", "infinity", "nested"],
)
@pytest.mark.parametrize("url", ["/claims", "/entities", "/sources", "/entities/legion/claims"])
def test_every_malformed_cursor_is_a_422_naming_cursor(
    client: TestClient, url: str, key: list[Any]
) -> None:
    assert_refused(client.get(url, params={"cursor": cursor(key)}), "cursor")


def test_a_cursor_with_the_largest_key_still_works(client: TestClient) -> None:
    """The largest id the claim table's INTEGER column holds (one past it: 422, see
    test_cursor_ranges.py)."""
    answer = client.get("/claims", params={"cursor": cursor([2**31 - 1])})
    assert answer.status_code == 200
    assert answer.json() == {"items": [], "next": None}


@pytest.mark.parametrize("date", ["\uff12\uff10\uff12\uff12-\uff10\uff16", "٢٠٢٢", "2022-06\n"])
def test_dates_take_ascii_digits_only(
    client: TestClient, writer: dict[str, str], date: str
) -> None:
    url = "/claims/legion-300-applications-a-day"
    assert_refused(
        client.patch(url, json={"claimed_on": date}, headers={**writer, "If-Match": "*"}),
        "body.claimed_on",
    )
    assert_refused(client.get("/claims", params={"since": date}), "since")
    source = {"slug": "odd-date", "name": "Odd date", "kind": "article", "date": date}
    assert_refused(client.post("/sources", json=source, headers=writer), "body.date")


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/x", "javascript:alert(1)", "//x"])
def test_a_source_url_is_http_or_https(
    client: TestClient, writer: dict[str, str], url: str
) -> None:
    source = {"slug": "bad-url", "name": "Bad URL", "kind": "article", "url": url}
    assert_refused(client.post("/sources", json=source, headers=writer), "body.url")
    good = {**source, "url": "https://example.org/story?id=1"}
    assert client.post("/sources", json=good, headers=writer).status_code == 201


def test_an_empty_window_and_empty_names_are_refused(client: TestClient) -> None:
    assert_refused(client.get("/claims", params={"since": "2023", "until": "2022-12"}), "until")
    assert client.get("/claims", params={"since": "2022-06", "until": "2022-06"}).status_code == 200
    for name in ("entity", "claimant", "source"):
        assert_refused(client.get("/claims", params={name: ""}), name)
    assert_refused(client.get("/sources", params={"publisher": ""}), "publisher")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/claims?status=reported&status=disputed", "status"),
        ("/entities?kind=person&kind=place", "kind"),
        ("/entities?limit=1&limit=2", "limit"),
        ("/sources?kind=article&kind=interview", "kind"),
        ("/sources/legion-article-2022/text?start=1&start=2", "start"),
        ("/entities/legion/claims?q=legion&q=battalions", "q"),
    ],
)
def test_a_repeated_parameter_is_refused_on_every_route(
    client: TestClient, url: str, name: str
) -> None:
    assert_refused(client.get(url), name)


def test_repeatable_parameters_still_repeat(client: TestClient) -> None:
    answer = client.get("/claims?facet=status&facet=claimant&limit=1")
    assert answer.status_code == 200
    assert set(answer.json()["facets"]) == {"status", "claimant"}


@pytest.mark.parametrize("q", ["the", "The and a", "of,   to"])
def test_stop_words_alone_search_for_nothing_on_either_engine(client: TestClient, q: str) -> None:
    assert_refused(client.get("/claims", params={"q": q}), "q")


def test_stop_words_beside_a_word_are_ignored(client: TestClient) -> None:
    plain = client.get("/claims", params={"q": "battalions", "limit": 200}).json()["items"]
    worded = client.get("/claims", params={"q": "the battalions", "limit": 200}).json()["items"]
    assert plain
    assert worded == plain


def test_facets_say_what_they_leave_out(client: TestClient) -> None:
    everything = client.get("/claims", params={"facet": "entity", "facet_size": 500}).json()
    entities = everything["facets"]["entity"]
    assert len(entities) > 10
    assert everything["facets_omitted"] == {"entity": 0}
    few = client.get("/claims", params={"facet": ["entity", "status"], "facet_size": 3}).json()
    assert few["facets"]["entity"] == entities[:3]
    assert few["facets_omitted"]["entity"] == len(entities) - 3
    statuses = client.get("/claims", params={"facet": "status", "facet_size": 500}).json()
    assert few["facets_omitted"]["status"] == max(0, len(statuses["facets"]["status"]) - 3)
    total = client.get("/claims", params={"count": "exact", "limit": 1}).json()["count"]
    assert sum(v["count"] for v in statuses["facets"]["status"]) == total
    assert_refused(client.get("/claims", params={"facet": "status", "facet_size": 0}), "facet_size")


@pytest.mark.parametrize(
    ("raw", "origins"),
    [("", []), ("  ", []), ('["https://a.example"]', ["https://a.example"]), ("a, b", ["a", "b"])],
)
def test_cors_origins_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, origins: list[str]
) -> None:
    monkeypatch.setenv("CLAIMS_CORS_ORIGINS", raw)
    assert Settings().cors_origins == origins


def test_a_host_with_two_copies_links_each_to_itself(store: Store) -> None:
    """The README's embedding: the router under one prefix, the app mounted under another."""
    host = FastAPI()
    install_error_handlers(host)
    host.include_router(create_router(store), prefix="/claims-api")
    host.mount("/claims-service", create_app(store=store))
    client = TestClient(host)
    for prefix in ("/claims-api", "/claims-service"):
        answer = client.get(f"{prefix}/entities/Legion")
        assert answer.status_code == 200
        assert answer.headers["link"] == (
            f'<{prefix}/entities/freedom-of-russia-legion>; rel="canonical"'
        )
        history = client.get(f"{prefix}/entities/legion/history")
        assert history.headers["link"] == answer.headers["link"]
