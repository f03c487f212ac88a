"""One way to name things: every endpoint that names an entity or a source takes the same
spellings (slug, name, alias, any case), on every verb, and answers under the slug."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import ids

from api import Store
from api.writes.keys import create_key
from models.base import Scope, normalize_name

LEGION = "freedom-of-russia-legion"
LEGION_SPELLINGS = [
    "freedom-of-russia-legion",
    "Legion",
    "LEGION",
    "Freedom of Russia",
    "russian legion",
]
MOSCOW_TIMES_PIECE = "moscow-times-switching-sides"
# Its slug, its name in another case, its title, and its publisher's name and slug.
PIECE_SPELLINGS = [
    MOSCOW_TIMES_PIECE,
    "MOSCOW TIMES: SWITCHING SIDES",
    "Switching Sides: The Elusive \u2018Russian Legion\u2019 Fighting with Ukraine",
    "The Moscow Times",
    "moscow-times",
]


def headers_for(store: Store, scope: Scope) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, f"key-{scope.value}", scope)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def canonical_link(kind: str, slug: str) -> str:
    return f'</{kind}/{slug}>; rel="canonical"'


@pytest.mark.parametrize("spelling", LEGION_SPELLINGS)
def test_an_entity_reads_the_same_under_every_spelling(client: TestClient, spelling: str) -> None:
    expected = client.get(f"/entities/{LEGION}").json()
    answer = client.get(f"/entities/{spelling}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected
    if spelling == LEGION:
        assert "link" not in answer.headers
    else:
        assert answer.headers["link"] == canonical_link("entities", LEGION)
    history = client.get(f"/entities/{spelling}/history")
    assert history.status_code == 200
    assert history.json() == client.get(f"/entities/{LEGION}/history").json()
    claims = ids(client.get(f"/entities/{spelling}/claims", params={"limit": 200}))
    assert claims == ids(client.get("/claims", params={"entity": spelling, "limit": 200}))
    assert claims


@pytest.mark.parametrize("spelling", ["Legion", "RUSSIAN LEGION"])
def test_an_entity_is_changed_and_deleted_under_any_spelling(
    client: TestClient, store: Store, spelling: str
) -> None:
    writer = headers_for(store, Scope.write)
    read = client.get(f"/entities/{spelling}")
    changed = client.patch(
        f"/entities/{spelling}",
        json={"description": "Changed through an alias."},
        headers={**writer, "If-Match": read.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["slug"] == LEGION
    assert changed.headers["link"] == canonical_link("entities", LEGION)
    assert client.get(f"/entities/{LEGION}").json()["description"] == "Changed through an alias."

    admin = headers_for(store, Scope.admin)
    new = {
        "slug": "spare-unit",
        "name": "Spare Unit",
        "kind": "military_unit",
        "aliases": ["Spare"],
    }
    assert client.post("/entities", json=new, headers=admin).status_code == 201
    etag = client.get("/entities/spare").headers["etag"]
    deleted = client.delete("/entities/SPARE", headers={**admin, "If-Match": etag})
    assert deleted.status_code == 204, deleted.text
    assert client.get("/entities/spare-unit").status_code == 404
    assert client.get("/entities/Spare/history").status_code == 404
    assert [r["action"] for r in client.get("/entities/spare-unit/history").json()["items"]] == [
        "create",
        "delete",
    ]


@pytest.mark.parametrize("spelling", PIECE_SPELLINGS)
def test_a_source_reads_the_same_under_every_spelling(client: TestClient, spelling: str) -> None:
    expected = client.get(f"/sources/{MOSCOW_TIMES_PIECE}").json()
    answer = client.get(f"/sources/{spelling}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected
    if spelling != MOSCOW_TIMES_PIECE:
        assert answer.headers["link"] == canonical_link("sources", MOSCOW_TIMES_PIECE)
    listed = ids(client.get(f"/sources/{spelling}/claims", params={"limit": 200}))
    assert listed == ids(client.get("/claims", params={"source": spelling, "limit": 200}))
    assert listed
    assert client.get(f"/sources/{spelling}/history").status_code == 200


def test_a_source_is_changed_under_its_publisher_name(client: TestClient, store: Store) -> None:
    writer = headers_for(store, Scope.write)
    read = client.get("/sources/The Moscow Times")
    changed = client.patch(
        "/sources/The Moscow Times",
        json={"url": "https://www.themoscowtimes.com/"},
        headers={**writer, "If-Match": read.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["slug"] == MOSCOW_TIMES_PIECE
    assert client.get(f"/sources/{MOSCOW_TIMES_PIECE}").json()["url"].startswith("https://")


def test_a_body_may_name_entities_and_sources_by_any_spelling(
    client: TestClient, store: Store
) -> None:
    writer = headers_for(store, Scope.write)
    claim: dict[str, Any] = {
        "id": "named-by-alias",
        "statement": "The Legion's size is unknown, the article says.",
        "quote": {
            "source": "legion-article-2022",
            "text": "No one knows just how big it is and on what fronts it has fought.",
        },
        "claimant": "legion-article-2022",
        "entities": [{"slug": "legion", "role": "about"}],
        "attribution": [{"source": "legion-article-2022", "verb": "reported"}],
        "status": "asserted",
        "speech": "own",
    }
    created = client.post("/claims", json=claim, headers=writer)
    assert created.status_code == 201, created.text
    assert created.json()["entities"][0]["slug"] == LEGION


@pytest.mark.parametrize(
    ("url", "failed"),
    [
        ("/entities/legoin", "legoin"),
        ("/entities/moscow-timez", "moscow-timez"),
        ("/sources/moscow-timez", "moscow-timez"),
        ("/sources/legion-article-2023", "legion-article-2023"),
        ("/claims?entity=Legion%20X", "Legion X"),
        ("/claims?source=guardian-volobuyev", "guardian-volobuyev"),
    ],
)
def test_a_name_that_fails_is_never_suggested_back(
    client: TestClient, url: str, failed: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == 404, answer.text
    suggestions = answer.json().get("suggestions") or []
    assert suggestions, "a near miss gets suggestions"
    assert normalize_name(failed) not in [normalize_name(s) for s in suggestions]
    for suggestion in suggestions:
        kind = "sources" if "source" in url else "entities"
        assert client.get(f"/{kind}/{suggestion}").status_code == 200, suggestion


def test_a_name_meaning_several_sources_asks_which(client: TestClient, store: Store) -> None:
    writer = headers_for(store, Scope.write)
    second = {
        "slug": "guardian-second-piece",
        "name": "The Guardian: another piece",
        "kind": "article",
        "publisher": "the-guardian",
    }
    assert client.post("/sources", json=second, headers=writer).status_code == 201
    answer = client.get("/sources/The Guardian")
    assert answer.status_code == 404
    assert sorted(answer.json()["suggestions"]) == [
        "guardian-second-piece",
        "guardian-volobuyev-interview",
    ]
    # As a filter it means every source of the publisher.
    assert client.get("/claims", params={"source": "The Guardian"}).status_code == 200
