"""Merging two entities into one, undoing it, and telling entities by external ids.

The fixtures hold Vladimir Putin (Q7747, with aliases "Putin" and "President Putin") and
claims made by Oleksiy Arestovych; these tests make a second Putin, as a careless
ingest would, and merge it back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import url_of
from fastapi.testclient import TestClient
from helpers import walk
from live_server import LiveServer
from typer.testing import CliRunner

from api import Store
from api.cli import cli
from api.client import ClaimsClient
from api.writes.keys import create_key
from models.base import Scope

SOURCE = "legion-article-2022"
QUOTE = "No one knows just how big it is and on what fronts it has fought."


@pytest.fixture
def alice(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def tag(client: TestClient, slug: str) -> str:
    answer = client.get(f"/entities/{slug}")
    assert answer.status_code == 200, answer.text
    return str(answer.headers["etag"])


def twin(client: TestClient, key: dict[str, str]) -> None:
    """A second Putin, with a claim of his own."""
    body = {
        "slug": "v-putin",
        "name": "V. V. Putin",
        "kind": "person",
        "aliases": ["Vladimir Vladimirovich Putin"],
    }
    assert client.post("/entities", json=body, headers=key).status_code == 201
    claim = {
        "id": "twin-claim",
        "statement": "V. V. Putin said no one knows how big the Legion is.",
        "quote": {"source": SOURCE, "text": QUOTE},
        "claimant": "v-putin",
        "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
        "attribution": [
            {"source": SOURCE, "verb": "reported"},
            {"entity": "v-putin", "verb": "said"},
        ],
        "status": "reported",
        "speech": "indirect",
    }
    made = client.post("/claims", json=claim, headers=key)
    assert made.status_code == 201, made.text


def changes(client: TestClient) -> list[dict[str, Any]]:
    """The change feed so far (its `next` link is always there: it is where to poll)."""
    items: list[dict[str, Any]] = client.get("/changes?limit=1000").json()["items"]
    return items


def merge(client: TestClient, key: dict[str, str], slug: str, into: str, tags: str) -> Any:
    return client.post(
        f"/entities/{slug}/merge", json={"into": into}, headers={**key, "If-Match": tags}
    )


def test_a_merge_moves_everything_and_the_old_slug_redirects(
    client: TestClient, alice: dict[str, str]
) -> None:
    twin(client, alice)
    both = f"{tag(client, 'v-putin')}, {tag(client, 'vladimir-putin')}"
    done = merge(client, alice, "v-putin", "vladimir-putin", both)
    assert done.status_code == 200, done.text
    kept = done.json()
    assert kept["slug"] == "vladimir-putin"
    assert {"V. V. Putin", "Vladimir Vladimirovich Putin"} <= set(kept["aliases"])
    assert done.headers["etag"] == tag(client, "vladimir-putin")
    # Every GET of the old slug, or under it, redirects for good to the one kept.
    moved = client.get("/entities/v-putin", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (308, "/entities/vladimir-putin")
    listed = client.get("/entities/v-putin/claims?limit=5", follow_redirects=False)
    assert listed.status_code == 308
    assert listed.headers["location"] == "/entities/vladimir-putin/claims?limit=5"
    assert client.get("/entities/v-putin").json() == client.get("/entities/vladimir-putin").json()
    # Writes are refused, naming the entity kept.
    patch = client.patch(
        "/entities/v-putin",
        json={"description": "x"},
        headers={**alice, "If-Match": "*", "Content-Type": "application/merge-patch+json"},
    )
    assert patch.status_code == 409
    assert patch.json()["type"].endswith(":entity-merged")
    assert patch.json()["merged_into"] == "vladimir-putin"
    assert "'vladimir-putin'" in patch.json()["detail"]
    # The claims moved, and the names: the old name is an alias of the one kept.
    claim = client.get("/claims/twin-claim").json()
    assert claim["claimant"]["slug"] == "vladimir-putin"
    assert claim["attribution"][1]["entity"] == "vladimir-putin"
    ids = [c["id"] for c in walk(client, "/claims?claimant=vladimir-putin&limit=50")]
    assert "twin-claim" in ids
    assert client.get("/entities/V. V. Putin").json()["slug"] == "vladimir-putin"
    assert client.get("/claims?entity=v-putin").status_code == 200  # a name in a filter follows
    assert "v-putin" not in [e["slug"] for e in walk(client, "/entities?q=putin")]
    # Both histories record it; the change feed carries it.
    old = client.get("/entities/v-putin/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in old] == [("create", "alice"), ("merge", "alice")]
    assert old[-1]["changes"]["merged_into"] == {"from": None, "to": "vladimir-putin"}
    new = client.get("/entities/vladimir-putin/history").json()["items"]
    assert (new[-1]["action"], new[-1]["reason"]) == (
        "update",
        "merged v-putin into vladimir-putin",
    )
    kinds = [(c["resource"], c["id"], c["kind"]) for c in changes(client)[-6:]]
    assert ("entity", "v-putin", "merged") in kinds
    assert ("entity", "vladimir-putin", "updated") in kinds
    assert ("claim", "twin-claim", "updated") in kinds


def test_a_merge_needs_both_etags_a_write_key_and_another_entity(
    client: TestClient, alice: dict[str, str], store: Store
) -> None:
    twin(client, alice)
    url = "/entities/v-putin/merge"
    body = {"into": "vladimir-putin"}
    assert client.post(url, json=body).status_code == 401
    with store.write_session() as session:
        reader = create_key(session, "reader", Scope.read)
        session.commit()
    denied = client.post(url, json=body, headers={"Authorization": f"Bearer {reader}"})
    assert denied.status_code == 403
    assert client.post(url, json=body, headers=alice).status_code == 428
    one = merge(client, alice, "v-putin", "vladimir-putin", tag(client, "v-putin"))
    assert one.status_code == 412  # the kept entity's ETag is missing
    itself = merge(client, alice, "v-putin", "v-putin", "*")
    assert (itself.status_code, itself.json()["field"]) == (422, "body.into")
    nowhere = merge(client, alice, "v-putin", "nobody-at-all", "*")
    assert (nowhere.status_code, nowhere.json()["field"]) == (422, "body.into")
    assert client.get("/entities/v-putin").status_code == 200  # nothing happened


def test_restoring_undoes_a_merge(client: TestClient, alice: dict[str, str]) -> None:
    twin(client, alice)
    before = client.get("/entities/v-putin").json()
    kept_before = client.get("/entities/vladimir-putin").json()
    assert merge(client, alice, "v-putin", "vladimir-putin", "*").status_code == 200
    # The kept entity's ETag (what a GET of either slug answers with) guards the restore.
    url = "/entities/v-putin/restore"
    assert client.post(url, headers=alice).status_code == 428
    stale = client.post(url, headers={**alice, "If-Match": '"1-0000000000000000"'})
    assert stale.status_code == 412
    done = client.post(url, headers={**alice, "If-Match": tag(client, "v-putin")})
    assert done.status_code == 200, done.text
    restored = client.get("/entities/v-putin")
    assert restored.status_code == 200
    assert _steady(restored.json()) == _steady(before)
    assert _steady(client.get("/entities/vladimir-putin").json()) == _steady(kept_before)
    claim = client.get("/claims/twin-claim").json()
    assert claim["claimant"]["slug"] == "v-putin"
    assert client.get("/entities/V. V. Putin").json()["slug"] == "v-putin"
    again = client.post(url, headers={**alice, "If-Match": "*"})
    assert again.status_code == 409  # nothing to restore
    history = client.get("/entities/v-putin/history").json()["items"]
    assert [r["action"] for r in history] == ["create", "merge", "restore"]
    kinds = [(c["id"], c["kind"]) for c in changes(client)[-6:]]
    assert ("v-putin", "restored") in kinds


def _steady(entity: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entity.items() if key != "updated_at"}


def test_a_likely_duplicate_is_proposed_for_a_merge(
    client: TestClient, alice: dict[str, str]
) -> None:
    body = {"slug": "putin-vladimir-b", "name": "Vladimir B. Putin", "kind": "person"}
    assert client.post("/entities", json=body, headers=alice).status_code == 201
    (proposal,) = client.get("/proposals?kind=entity_merge").json()["items"]
    assert proposal["payload"] == {
        "entity": "putin-vladimir-b",
        "into": "vladimir-putin",
        "score": 0.97,
        "basis": "same name",
    }
    assert proposal["proposed_by"]["agent"] == "resolver"
    named = client.get("/proposals?entity=vladimir-putin&kind=entity_merge").json()["items"]
    assert [p["id"] for p in named] == [proposal["id"]]
    # Another kind is never proposed: a place named like a person is no duplicate.
    place = {"slug": "vladimir-putin-square", "name": "Vladimir Putin", "kind": "place"}
    assert client.post("/entities", json=place, headers=alice).status_code == 422  # name taken
    etag = client.get(f"/proposals/{proposal['id']}").headers["etag"]
    url = f"/proposals/{proposal['id']}/accept"
    done = client.post(url, headers={**alice, "If-Match": etag})
    assert done.status_code == 201, done.text
    assert done.json()["slug"] == "vladimir-putin"
    assert done.headers["location"] == "/entities/vladimir-putin"
    moved = client.get("/entities/putin-vladimir-b", follow_redirects=False)
    assert moved.status_code == 308


def test_entities_are_found_by_their_wikidata_ids(
    client: TestClient, alice: dict[str, str]
) -> None:
    putin = client.get("/entities/Q7747")
    assert putin.status_code == 200
    assert putin.json()["slug"] == "vladimir-putin"
    assert putin.json()["same_as"] == ["http://www.wikidata.org/entity/Q7747"]
    uri = "http://www.wikidata.org/entity/Q7747"
    assert [c["id"] for c in walk(client, f"/claims?entity={uri}")] == [
        c["id"] for c in walk(client, "/claims?entity=vladimir-putin")
    ]
    involved = [c["id"] for c in walk(client, "/claims?entity=vladimir-putin")]
    assert involved
    assert [c["id"] for c in walk(client, "/claims?entity=Q7747")] == involved
    # A made-up claimant gets an id by hand (any URL form of it is kept as the concept
    # URI); then `claimant=` finds its claims by it.
    twin(client, alice)
    url = "/entities/v-putin"
    patch = {"same_as": ["https://www.wikidata.org/wiki/Q987654321", "https://example.org/vvp"]}
    headers = {**alice, "If-Match": tag(client, "v-putin")}
    headers["Content-Type"] = "application/merge-patch+json"
    done = client.patch(url, json=patch, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["same_as"] == [
        "http://www.wikidata.org/entity/Q987654321",
        "https://example.org/vvp",
    ]
    assert [c["id"] for c in walk(client, "/claims?claimant=Q987654321")] == ["twin-claim"]
    by_page = walk(client, "/claims?claimant=https://example.org/vvp")
    assert [c["id"] for c in by_page] == ["twin-claim"]
    # JSON-LD carries them as schema:sameAs.
    linked = client.get("/claims/twin-claim", headers={"Accept": "application/ld+json"}).json()
    assert linked["@context"]["sameAs"] == {"@id": "schema:sameAs", "@type": "@id"}
    assert linked["@graph"][0]["author"]["sameAs"] == [
        "http://www.wikidata.org/entity/Q987654321",
        "https://example.org/vvp",
    ]
    # Checked by form, never looked up; one identifier names one entity.
    headers["If-Match"] = tag(client, "v-putin")
    for wrong in (["Q42"], ["ftp://example.org/x"], ["not a uri"]):
        refused = client.patch(url, json={"same_as": wrong}, headers=headers)
        assert refused.status_code == 422, wrong
        assert refused.json()["errors"][0]["field"].startswith("body.same_as")
    taken = client.patch(
        url, json={"same_as": ["http://www.wikidata.org/entity/Q7747"]}, headers=headers
    )
    assert (taken.status_code, taken.json()["field"]) == (422, "body.same_as")
    assert client.get("/claims?entity=Q99999999").status_code == 404


def test_the_client_follows_a_merged_entity(
    client: TestClient, alice: dict[str, str], store: Store
) -> None:
    twin(client, alice)
    with store.write_session() as session:
        key = create_key(session, "bob", Scope.write)
        session.commit()
    typed = ClaimsClient(http=client, api_key=key)
    both = f"{typed.get_entity_with_etag('v-putin').etag}, "
    both += typed.get_entity_with_etag("vladimir-putin").etag
    kept = typed.merge_entity("v-putin", "vladimir-putin", if_match=both)
    assert kept.slug == "vladimir-putin"
    assert typed.get_entity("v-putin").slug == "vladimir-putin"
    assert [c.id for c in typed.iter_entity_claims("v-putin", limit=100)] == [
        c.id for c in typed.iter_entity_claims("vladimir-putin", limit=100)
    ]
    etag = typed.get_entity_with_etag("v-putin").etag
    assert typed.restore_entity("v-putin", if_match=etag).slug == "v-putin"


def test_the_command_line_lists_shows_and_merges(
    store: Store, client: TestClient, alice: dict[str, str]
) -> None:
    twin(client, alice)
    runner = CliRunner()
    url = url_of(store)
    listed = runner.invoke(cli, ["entities", "list", "--q", "putin", "--database-url", url])
    assert listed.exit_code == 0, listed.output
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == [
        "putin-regime",
        "russian-armed-forces",  # "President Putin's army"
        "v-putin",
        "vladimir-putin",
    ]
    shown = runner.invoke(cli, ["entities", "show", "Q7747", "--database-url", url])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["slug"] == "vladimir-putin"
    merged = runner.invoke(
        cli,
        [
            *("entities", "merge", "v-putin", "--into", "vladimir-putin"),
            *("--reason", "one man", "--database-url", url),
        ],
    )
    assert merged.exit_code == 0, merged.output
    assert merged.output.strip() == "merged v-putin into vladimir-putin"
    assert client.get("/entities/v-putin", follow_redirects=False).status_code == 308
    history = client.get("/entities/v-putin/history").json()["items"]
    assert (history[-1]["action"], history[-1]["actor"], history[-1]["reason"]) == (
        "merge",
        "cli",
        "one man",
    )
    again = runner.invoke(
        cli, ["entities", "merge", "v-putin", "--into", "russia", "--database-url", url]
    )
    assert again.exit_code == 1
    assert "merged into 'vladimir-putin'" in again.output
    restored = runner.invoke(cli, ["entities", "restore", "v-putin", "--database-url", url])
    assert restored.exit_code == 0, restored.output
    assert client.get("/entities/v-putin").status_code == 200


@pytest.fixture
def live(store: Store, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real server on loopback (transactions truly overlap on PostgreSQL)."""
    with store.write_session() as session:
        key = create_key(session, "racer", Scope.write)
        session.commit()
    store.dispose()
    with LiveServer(url_of(store), tmp_path, name="merges") as server:
        yield server.base_url, {"Authorization": f"Bearer {key}"}
        output = server.output()
    assert "Traceback" not in output, output


def test_a_merge_racing_an_edit_loses_nothing(live: tuple[str, dict[str, str]]) -> None:
    base, key = live
    rounds = 6
    with httpx.Client(base_url=base, timeout=30) as http:
        for n in range(rounds):
            body = {"slug": f"twin-{n}", "name": f"Twin {n}", "kind": "person"}
            assert http.post("/entities", json=body, headers=key).status_code == 201
    for n in range(rounds):
        start = threading.Barrier(2)

        def merging(
            http: httpx.Client, n: int = n, start: threading.Barrier = start
        ) -> httpx.Response:
            start.wait()
            return http.post(
                f"/entities/twin-{n}/merge",
                json={"into": "vladimir-putin"},
                headers={**key, "If-Match": "*"},
            )

        def editing(
            http: httpx.Client, n: int = n, start: threading.Barrier = start
        ) -> httpx.Response:
            start.wait()
            return http.patch(
                f"/entities/twin-{n}",
                json={"aliases": [f"Raced alias {n}"]},
                headers={**key, "If-Match": "*", "Content-Type": "application/merge-patch+json"},
            )

        def run(send: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
            with httpx.Client(base_url=base, timeout=30) as http:
                http.get("/health")
                return send(http)

        with ThreadPoolExecutor(2) as pool:
            merged, edited = pool.map(run, [merging, editing])
        assert merged.status_code in {200, 409, 412}, merged.text
        assert edited.status_code in {200, 409, 412}, edited.text
        with httpx.Client(base_url=base, timeout=30) as http:
            if edited.status_code == 200:
                # The edit landed: its alias is found, on the kept entity if merged since.
                found = http.get(f"/entities/Raced alias {n}").json()
                kept = "vladimir-putin" if merged.status_code == 200 else f"twin-{n}"
                assert found["slug"] == kept
            else:
                assert edited.json()["merged_into"] == "vladimir-putin"
            if merged.status_code == 200:
                moved = http.get(f"/entities/twin-{n}", follow_redirects=False)
                assert moved.status_code == 308
                assert http.get(f"/entities/Twin {n}").json()["slug"] == "vladimir-putin"
