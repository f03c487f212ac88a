"""The change feed tells the store's whole story, whatever the write.

After every kind of write (each a step of `STEPS`, made through the public HTTP API, or
the fixture loader's Python API), a reader that replays `/changes` from the start must
hold exactly what the store serves: the same documents as the lists give, the same ETag
(so the same version) as a GET of each resource sends, and a history that numbers each
change as the feed does. A write that changes a document without telling the feed (an
entity renamed: every claim and source that shows its name) fails here.

To cover a new kind of write, add a step to `STEPS`: the check runs after each one.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from candidate_texts import HARBOUR_FIRE
from fastapi.testclient import TestClient
from helpers import walk

from api import Store
from api.ingest.fixtures import load, read_and_verify
from api.writes.keys import create_key
from models.base import Scope

ARTICLE = "legion-article-2022"
QUOTE = "No one knows just how big it is and on what fronts it has fought."
MERGE = "application/merge-patch+json"
LISTS = {
    "claim": "/claims?include=retracted&limit=200",
    "entity": "/entities?limit=200",
    "source": "/sources?limit=200",
    "relation": "/relations?include=retracted&limit=200",
}
# Revision actions the feed shows; the others (a source read for candidates) are history
# only, and the feed's revision numbers skip them.
FED_ACTIONS = {"create", "update", "retract", "restore", "delete", "reshow"}
Key = tuple[str, str]


@dataclass
class Writer:
    """A client with a key, making writes the way an API user does."""

    client: TestClient
    store: Store
    fixtures: Path  # a private copy of fixtures/ the loader steps edit
    headers: dict[str, str]
    noted: dict[str, Any] = field(default_factory=dict)  # what one step leaves the next

    def send(self, method: str, url: str, *, body: Any = None, guard: bool = False) -> Any:
        headers = dict(self.headers)
        if guard:
            current = self.client.get(url.removesuffix("/restore"))
            headers["If-Match"] = current.headers["etag"]
        if method == "PATCH":
            headers["Content-Type"] = MERGE
        content = None if body is None else json.dumps(body)
        if content is not None and method != "PATCH":
            headers["Content-Type"] = "application/json"
        answer = self.client.request(method, url, content=content, headers=headers)
        assert answer.status_code < 300, f"{method} {url}: {answer.status_code} {answer.text}"
        return answer

    def post(self, url: str, body: Any = None, *, guard: bool = False) -> Any:
        return self.send("POST", url, body=body, guard=guard)

    def patch(self, url: str, body: Any) -> Any:
        return self.send("PATCH", url, body=body, guard=True)

    def delete(self, url: str) -> Any:
        return self.send("DELETE", url, guard=True)

    def reload_fixtures(self, edits: dict[str, list[tuple[str, str]]]) -> None:
        """Edit the fixture files (each edit must apply) and load them again."""
        for name, replacements in edits.items():
            path = self.fixtures / name
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert old in text, f"{name} has no {old!r}"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        report = load(self.store, read_and_verify(self.fixtures))
        assert report.changed, report.summary()


def claim(claim_id: str, claimant: str = ARTICLE, **more: Any) -> dict[str, Any]:
    """A claim quoting the held article, asserted by `claimant` as the article reports."""
    attribution: list[dict[str, Any]] = [{"source": ARTICLE, "verb": "reported"}]
    if claimant != ARTICLE:
        attribution.append({"entity": claimant, "verb": "said"})
    else:
        attribution[0]["entity"] = ARTICLE
    return {
        "id": claim_id,
        "statement": "Nobody knows how big the Legion is or where it has fought.",
        "quote": {"source": ARTICLE, "text": QUOTE},
        "claimant": claimant,
        "attribution": attribution,
        "status": "reported",
        "speech": "indirect",
        **more,
    }


# --- the writes: one step per kind, in an order where each has what it needs ----------


def create_entity(w: Writer) -> None:
    for slug, name in (("replay-speaker", "Replay Speaker"), ("replay-press", "Replay Press")):
        w.post("/entities", {"slug": slug, "name": name, "kind": "person"})


def create_source(w: Writer) -> None:
    w.post(
        "/sources",
        {"slug": "replay-source", "name": "Replay", "kind": "article", "publisher": "replay-press"},
    )


def create_claims(w: Writer) -> None:
    w.post("/claims", claim("replay-one", "replay-speaker"))
    w.post("/claims", claim("replay-two", entities=[{"slug": "replay-press", "role": "about"}]))


def patch_claim(w: Writer) -> None:
    w.patch("/claims/replay-one", {"statement": "Nobody can say how big the Legion is."})


def create_contradiction(w: Writer) -> None:
    """Two claimants contradicting each other: both claims become `disputed`."""
    w.post(
        "/relations",
        {
            "id": "replay-rel",
            "type": "contradicts",
            "from": "replay-one",
            "to": "replay-two",
            "note": "They cannot both be right.",
        },
    )


def patch_relation(w: Writer) -> None:
    """No longer a contradiction: both claims stand as stated again."""
    w.patch("/relations/replay-rel", {"type": "qualifies"})
    w.patch("/relations/replay-rel", {"type": "contradicts", "note": "Back again."})


def retract_relation(w: Writer) -> None:
    w.delete("/relations/replay-rel")


def restore_relation(w: Writer) -> None:
    w.post("/relations/replay-rel/restore", guard=True)


def retract_claim(w: Writer) -> None:
    """A retracted claim contradicts nothing: the other one stands as stated."""
    w.delete("/claims/replay-two")


def restore_claim(w: Writer) -> None:
    w.post("/claims/replay-two/restore", guard=True)


def rename_entity(w: Writer) -> None:
    """Shown by claims (as claimant and as a subject) and by a source (as publisher)."""
    w.patch("/entities/replay-press", {"name": "Replay Press (renamed)"})
    w.patch("/entities/replay-speaker", {"name": "Replay Speaker (renamed)"})


def change_entity_kind(w: Writer) -> None:
    w.patch("/entities/replay-press", {"kind": "publication"})


def rename_fixture_publisher(w: Writer) -> None:
    """A fixture entity that publishes sources and figures in claims, renamed by the API."""
    w.patch("/entities/moscow-times", {"name": "The Moscow Times (Riga)"})


def edit_entity_aliases(w: Writer) -> None:
    """Only the entity shows its aliases and description."""
    w.patch("/entities/replay-press", {"aliases": ["RPress"], "description": "A probe."})


def patch_source(w: Writer) -> None:
    w.patch("/sources/replay-source", {"title": "Replayed", "publisher": "replay-speaker"})


def batch_of_claims(w: Writer) -> None:
    lines = [claim(f"replay-batch-{n}", "replay-speaker") for n in range(3)]
    answer = w.client.post(
        "/claims:batch",
        content="\n".join(json.dumps(line) for line in lines),
        headers={**w.headers, "Content-Type": "application/x-ndjson"},
    )
    assert answer.status_code == 201, answer.text


def accept_candidate(w: Writer) -> None:
    """A held text, read for candidates; one accepted with the entities it names, one
    rejected (candidates are not fed, the claim and entities are)."""
    w.post(
        "/sources",
        {
            "slug": "replay-harbour",
            "name": "Harbour",
            "kind": "article",
            "date": "2024-03-06",
            "publisher": "replay-press",
            "text": HARBOUR_FIRE,
        },
    )
    w.post("/sources/replay-harbour/extract")
    pending = w.client.get("/candidates?source=replay-harbour&state=pending").json()["items"]
    assert len(pending) >= 2, pending
    first, second = pending[0], pending[1]
    for candidate, action, body in (
        (first, "accept", {"create_entities": True}),
        (second, "reject", {"reason": "Not a claim."}),
    ):
        url = f"/candidates/{candidate['id']}"
        tag = w.client.get(url).headers["etag"]
        answer = w.client.post(f"{url}/{action}", json=body, headers={**w.headers, "If-Match": tag})
        assert answer.status_code < 300, answer.text


def delete_source_and_entity(w: Writer) -> None:
    w.post("/entities", {"slug": "replay-gone", "name": "Gone", "kind": "person"})
    w.post(
        "/sources",
        {"slug": "replay-gone", "name": "Gone", "kind": "article", "publisher": "replay-gone"},
    )
    w.delete("/sources/replay-gone")
    w.delete("/entities/replay-gone")


def reload_fixtures_with_a_rename(w: Writer) -> None:
    """The loader renames a publisher that fixture sources and claims show, and changes
    one of those sources and claims too: each change, and each document that shows the
    new name, is fed."""
    w.reload_fixtures(
        {
            "entities.yaml": [
                ("name: The Wall Street Journal\n", "name: The Wall Street Journal (US)\n")
            ],
            "sources.yaml": [
                ('name: "Wall Street Journal: Albert', 'name: "WSJ: Albert'),
            ],
            "claims.yaml": [
                ("their phones confiscated.", "their mobile phones confiscated."),
            ],
        }
    )


def reload_fixtures_renaming_a_publisher_edited_through_the_api(w: Writer) -> None:
    """A source edited through the API is kept as it is by a load; it still shows its
    publisher's new name."""
    w.patch("/sources/guardian-volobuyev-interview", {"date_note": "Edited by hand."})
    w.reload_fixtures({"entities.yaml": [("name: The Guardian\n", "name: Guardian News\n")]})


Step = Callable[[Writer], None]
STEPS: list[Step] = [
    create_entity,
    create_source,
    create_claims,
    patch_claim,
    create_contradiction,
    patch_relation,
    retract_relation,
    restore_relation,
    retract_claim,
    restore_claim,
    rename_entity,
    change_entity_kind,
    rename_fixture_publisher,
    edit_entity_aliases,
    patch_source,
    batch_of_claims,
    accept_candidate,
    delete_source_and_entity,
    reload_fixtures_with_a_rename,
    reload_fixtures_renaming_a_publisher_edited_through_the_api,
]


# --- the check --------------------------------------------------------------------------


def feed(client: TestClient) -> list[dict[str, Any]]:
    """Every change, from the first."""
    changes: list[dict[str, Any]] = []
    url = "/changes?limit=1000"
    while True:
        page = client.get(url).json()
        if not page["items"]:
            return changes
        changes += page["items"]
        url = page["next"]


def listed(client: TestClient) -> dict[Key, Any]:
    """Every resource the store holds (retracted claims and relations too), as listed."""
    held: dict[Key, Any] = {}
    for resource, url in LISTS.items():
        next_url: str | None = url
        while next_url:
            page = client.get(next_url).json()
            held |= {(resource, item.get("id") or item["slug"]): item for item in page["items"]}
            next_url = page["next"]
    return held


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != "updated_at"}


def check_replay(client: TestClient, step: str, new: int = 0) -> int:
    """Replay the feed from the start and compare it with the store: every document
    with the lists; the tag, body and history of each resource whose changes start at
    `new` or later with what a GET answers. Returns how many changes there are."""
    changes = feed(client)
    replayed: dict[Key, dict[str, Any]] = {}
    told: dict[Key, list[dict[str, Any]]] = {}
    for change in changes:
        key = (change["resource"], change["id"])
        told.setdefault(key, []).append(change)
        if change["kind"] == "deleted":
            replayed.pop(key, None)
        else:
            replayed[key] = change
    # The same resources, with the same documents, as the store lists.
    held = listed(client)
    assert {k: c["document"] for k, c in replayed.items()} == held, f"after {step}"
    fresh = {(c["resource"], c["id"]) for c in changes[new:]}
    for key, last in replayed.items():
        if key not in fresh:
            continue
        # The same version and bytes as a GET sends (a retracted claim answers 410, with
        # the tag of its current version).
        got = client.get(last["href"])
        assert got.status_code in (200, 410), f"after {step}: {key} {got.status_code}"
        assert got.headers["etag"] == last["etag"], f"after {step}: {key}"
        if got.status_code == 200:
            assert got.json() == last["document"], f"after {step}: {key}"
        # One change for each revision the history numbers, in the same order.
        history = client.get(f"{last['href']}/history").json()["items"]
        numbers = [r["number"] for r in history if r["action"] in FED_ACTIONS]
        assert [c["revision"] for c in told[key]] == numbers, f"after {step}: {key}"
        # `updated_at` moves whenever the document does.
        documents = [c["document"] for c in told[key]]
        for older, newer in itertools.pairwise(documents):
            if _without_time(older) != _without_time(newer):
                assert newer["updated_at"] > older["updated_at"], f"after {step}: {key}"
    return len(changes)


@pytest.fixture
def writer(store: Store, client: TestClient, fixtures_copy: Path) -> Writer:
    with store.write_session() as session:
        key = create_key(session, "replayer", Scope.admin)
        session.commit()
    return Writer(client, store, fixtures_copy, {"Authorization": f"Bearer {key}"})


def test_the_feed_replayed_from_the_start_is_the_store_after_every_kind_of_write(
    writer: Writer,
) -> None:
    seen = check_replay(writer.client, "the fixture load")
    for step in STEPS:
        step(writer)
        now = check_replay(writer.client, step.__name__, seen)
        assert now > seen, f"{step.__name__} changed nothing the feed follows"
        seen = now
    check_replay(writer.client, "every step")


def test_a_renamed_publisher_changes_its_sources_and_claims_with_their_history(
    writer: Writer,
) -> None:
    """The issue's case: the sources an entity publishes and the claims that show it take
    a new version, `updated_at` and ETag, say why in their history, and are found by
    `updated_since` (a sync that polls it misses nothing)."""
    client = writer.client
    source_before = client.get("/sources/moscow-times-switching-sides")
    claims = walk(client, "/claims?entity=moscow-times&limit=200")
    assert claims
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    assert not walk(client, f"/claims?updated_since={moment}&limit=200")
    writer.patch("/entities/moscow-times", {"name": "The Moscow Times (Riga)"})

    source = client.get("/sources/moscow-times-switching-sides")
    assert source.json()["publisher"]["name"] == "The Moscow Times (Riga)"
    assert source.headers["etag"] != source_before.headers["etag"]
    assert source.json()["updated_at"] > source_before.json()["updated_at"]
    last = client.get("/sources/moscow-times-switching-sides/history").json()["items"][-1]
    assert (last["action"], last["actor"]) == ("reshow", "replayer")
    assert "moscow-times" in last["reason"]
    assert last["changes"]["publisher"]["from"]["name"] == "The Moscow Times"
    assert last["changes"]["publisher"]["to"]["name"] == "The Moscow Times (Riga)"

    changed = {c["id"] for c in walk(client, f"/claims?updated_since={moment}&limit=200")}
    assert {claim["id"] for claim in claims} <= changed
    history = client.get(f"/claims/{claims[0]['id']}/history").json()["items"]
    assert history[-1]["action"] == "reshow"
    sources = walk(client, f"/sources?updated_since={moment}&limit=200")
    assert "moscow-times-switching-sides" in {s["slug"] for s in sources}
