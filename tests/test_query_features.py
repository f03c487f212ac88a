"""Sorting, facets and counts; and list requests whose SQL does not grow with the page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, merge_patch, walk
from sqlalchemy import event
from test_writes import QUOTE, key_for, new_claim

from api import Store
from models.base import Scope, date_keys


def test_sort_by_claimed_on_both_ways_with_stable_pages(client: TestClient) -> None:
    """Oldest first places a date by its last day, newest first by its first: a claim
    dated just 2022 comes after the March 4 claims either way, never as if it were
    January 1 (or December 31)."""
    oldest_first = [c["claimed_on"] for c in walk(client, "/claims?sort=claimed_on&limit=4")]
    assert oldest_first == sorted(oldest_first, key=lambda day: date_keys(day)[1])
    assert oldest_first.index("2022-03-04") < oldest_first.index("2022")
    newest_first = walk(client, "/claims?sort=-claimed_on&limit=4")
    assert newest_first[0]["id"] == "legion-two-fully-manned-battalions"
    newest = [c["claimed_on"] for c in newest_first]
    assert newest == sorted(newest, key=lambda day: date_keys(day)[0], reverse=True)
    assert newest.index("2022-03-04") < newest.index("2022")
    one_page = client.get("/claims?sort=-claimed_on&limit=200").json()["items"]
    assert [c["id"] for c in newest_first] == [c["id"] for c in one_page]
    assert len(one_page) == FIXTURE_CLAIMS


def test_relevance_ranks_the_best_match_first(client: TestClient) -> None:
    ranked = walk(client, "/claims?q=battalions&sort=relevance&limit=1")
    assert [c["id"] for c in ranked] == [
        "legion-two-fully-manned-battalions",
        "legion-two-battalions-over-1000-fighters",
    ]
    legion = [c["id"] for c in walk(client, "/claims?q=legion&sort=relevance&limit=3")]
    assert sorted(legion) == sorted(c["id"] for c in walk(client, "/claims?q=legion"))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=relevance", "sort"),
        ("sort=newest", "sort"),
        ("facet=colour", "facet"),
        ("count=roughly", "count"),
    ],
)
def test_bad_sort_facet_count(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/claims?{query}")
    assert response.status_code == 422
    assert response.json()["field"].startswith(field)


def test_a_cursor_only_works_with_its_own_sort(client: TestClient) -> None:
    cursor = client.get("/claims?sort=claimed_on&limit=2").json()["next"].split("cursor=")[1]
    response = client.get(f"/claims?limit=2&cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


def test_facets_count_the_whole_filtered_set(client: TestClient) -> None:
    body = client.get(
        "/claims?entity=legion&facet=status&facet=claimant&facet=source&facet=entity"
        "&count=exact&limit=2"
    ).json()
    everything = walk(client, "/claims?entity=legion&limit=50")
    assert body["count"] == len(everything)
    assert len(body["items"]) == 2

    def expected(values: Counter[str]) -> list[tuple[str, int]]:
        return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:10]

    def got(name: str) -> list[tuple[str, int]]:
        return [(f["value"], f["count"]) for f in body["facets"][name]]

    assert got("status") == expected(Counter(c["status"] for c in everything))
    assert got("claimant") == expected(Counter(c["claimant"]["slug"] for c in everything))
    assert got("entity") == expected(
        Counter(slug for c in everything for slug in {e["slug"] for e in c["entities"]})
    )
    assert got("source") == expected(
        Counter(s for c in everything for s in {h["source"] for h in c["attribution"]} if s)
    )
    assert body["facets"]["claimant"][0]["label"]


def test_without_extras_the_page_has_only_items_and_next(client: TestClient) -> None:
    assert set(client.get("/claims?limit=1").json()) == {"items", "next"}


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    def record_read(text: str) -> None:
        seen.append(text)

    # Statements through SQLAlchemy, and those the read path sends the driver directly.
    event.listen(store.engine, "before_cursor_execute", record)
    store.read_listeners.append(record_read)
    try:
        yield seen
    finally:
        store.read_listeners.remove(record_read)
        event.remove(store.engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "entity=legion",
        "entity=legion&role=about",
        "source=moscow-times",
        "claimant=legion-representatives",
        "q=legion",
        "q=legion&sort=relevance",
        "sort=-claimed_on",
        "status=reported&since=2022",
    ],
)
def test_sql_per_list_request_does_not_grow_with_the_page(
    client: TestClient, store: Store, query: str
) -> None:
    counts = set()
    for limit in (1, 5, FIXTURE_CLAIMS):
        with statements(store) as seen:
            assert client.get(f"/claims?{query}&limit={limit}").status_code == 200
        counts.add(len(seen))
    assert len(counts) == 1, counts
    assert 1 <= counts.pop() <= 8


MANY = [
    "russia",
    "ukraine",
    "georgia",
    "vladimir-putin",
    "putin-regime",
    "russian-armed-forces",
    "ukrainian-armed-forces",
    "international-legion",
]


@pytest.mark.parametrize(
    "query", ["entity=freedom-of-russia-legion", "facet=entity&count=exact", "q=size"]
)
def test_sql_per_list_request_does_not_grow_with_entities_per_claim(
    client: TestClient, store: Store, query: str
) -> None:
    """The same page before and after its claims gain eight entities each."""
    writer = key_for(store, "alice", Scope.write)
    for n in range(5):
        one = new_claim(
            id=f"sized-claim-{n}",
            statement=f"The size of the Legion is unknown, claim {n}.",
            quote={"source": "legion-article-2022", "text": QUOTE},
        )
        assert client.post("/claims", json=one, headers=writer).status_code == 201
    with statements(store) as before:
        narrow = client.get(f"/claims?{query}&limit=50").json()
    for n in range(5):
        patch = {
            "entities": [
                {"slug": "freedom-of-russia-legion", "role": "about"},
                *({"slug": slug, "role": "mentioned"} for slug in MANY),
            ]
        }
        changed = merge_patch(client, f"/claims/sized-claim-{n}", patch, writer)
        assert changed.status_code == 200, changed.text
    with statements(store) as after:
        wide = client.get(f"/claims?{query}&limit=50").json()
    sized = [c for c in wide["items"] if c["id"].startswith("sized-claim-")]
    assert sized, "the page holds the claims that changed"
    assert all(len(c["entities"]) >= 9 for c in sized)
    assert narrow["items"] != wide["items"]
    assert 1 <= len(after) == len(before)
