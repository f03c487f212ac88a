"""History that never lies: one revision per version, in the shape readers get, and loads
that do not undo what editors did.

A fact-checker proves who changed what from a resource's history and its ETag, so the
two must always agree: the version an ETag names is the number of revisions, each
revision speaks the public shape (the field names `GET` answers with), a change that
changes nothing is no change, and a retraction is part of the claim and can be undone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import url_of
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS
from typer.testing import CliRunner

from api import Store
from api.cli import cli
from api.writes.keys import create_key
from models.base import Scope

CLAIM = "legion-two-fully-manned-battalions"
ENTITY = "freedom-of-russia-legion"
SOURCE = "moscow-times-switching-sides"
RESOURCES = [("claims", CLAIM), ("entities", ENTITY), ("sources", SOURCE)]
# Columns of the tables, never fields of an answer.
INTERNAL = {"claimant_id", "quote_source_id", "claimed_key", "claimed_from", "publisher_id"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, "alice", Scope.write)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def version(response: Any) -> int:
    match = re.fullmatch(r'"(\d+)-[0-9a-f]+"', response.headers["etag"])
    assert match, response.headers.get("etag")
    return int(match.group(1))


def history(client: TestClient, url: str) -> list[dict[str, Any]]:
    answer = client.get(f"{url}/history")
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def patch(
    client: TestClient, url: str, body: dict[str, Any], headers: dict[str, str], tag: str
) -> Any:
    return client.patch(url, json=body, headers={**headers, "If-Match": tag})


def assert_one_revision_per_version(client: TestClient, url: str) -> None:
    read = client.get(url)
    assert read.status_code == 200, read.text
    revisions = history(client, url)
    assert [r["number"] for r in revisions] == list(range(1, version(read) + 1))
    assert revisions[0]["action"] == "create"


@pytest.mark.parametrize(("kind", "key"), RESOURCES)
def test_every_resource_has_one_revision_per_version_from_its_creation(
    client: TestClient, writer: dict[str, str], kind: str, key: str
) -> None:
    url = f"/{kind}/{key}"
    assert_one_revision_per_version(client, url)  # as the fixture load made it
    change = {"claims": {"status": "speculative"}, "entities": {"description": "Edited."}}.get(
        kind, {"title": "Edited title"}
    )
    edited = patch(client, url, change, writer, client.get(url).headers["etag"])
    assert edited.status_code == 200, edited.text
    assert version(edited) == 2
    assert_one_revision_per_version(client, url)
    assert [r["actor"] for r in history(client, url)] == ["fixtures", "alice"]


@pytest.mark.parametrize(("kind", "key"), RESOURCES)
def test_a_patch_that_changes_nothing_is_no_change(
    client: TestClient, writer: dict[str, str], kind: str, key: str
) -> None:
    url = f"/{kind}/{key}"
    before = client.get(url)
    # A claim's writer gives its stated status (`status` may be a derived `disputed`).
    same = (
        {"status": before.json()["stated_status"]}
        if kind == "claims"
        else {"name": before.json()["name"]}
    )
    for tag in (before.headers["etag"], "*"):
        answer = patch(client, url, same, writer, tag)
        assert answer.status_code == 200, answer.text
        assert answer.headers["etag"] == before.headers["etag"]
        assert answer.json() == before.json()
    assert len(history(client, url)) == version(before) == 1


def test_revisions_speak_the_shape_readers_get(client: TestClient, writer: dict[str, str]) -> None:
    new = {
        "id": "size-unknown-again",
        "statement": "No one knows how big the Legion is.",
        "quote": {
            "source": "legion-article-2022",
            "text": "No one knows just how big it is and on what fronts it has fought.",
        },
        "claimant": "legion-article-2022",
        "attribution": [{"source": "legion-article-2022", "verb": "reported"}],
        "status": "asserted",
        "speech": "own",
    }
    assert client.post("/claims", json=new, headers=writer).status_code == 201
    for kind, key in [*RESOURCES, ("claims", "size-unknown-again")]:
        shown = set(client.get(f"/{kind}/{key}").json())
        for revision in history(client, f"/{kind}/{key}"):
            changed = set(revision["changes"])
            assert changed, revision
            assert changed <= shown, (kind, key, changed - shown)
            assert not changed & INTERNAL
    created = history(client, "/claims/size-unknown-again")[0]["changes"]
    assert created["claimant"]["to"] == client.get("/claims/size-unknown-again").json()["claimant"]
    assert created["claimant"]["to"]["slug"] == "legion-article-2022"


def test_a_retraction_is_shown_undone_and_recorded(
    client: TestClient, writer: dict[str, str]
) -> None:
    url = f"/claims/{CLAIM}"
    live = client.get(url)
    assert live.json()["retraction"] is None
    gone = client.delete(
        f"{url}?reason=duplicate", headers={**writer, "If-Match": live.headers["etag"]}
    )
    assert gone.status_code == 200, gone.text
    assert TIMESTAMP.match(gone.json()["at"])

    refused = client.get(url)
    assert refused.status_code == 410
    assert refused.json()["retraction"] == gone.json()
    listed = client.get("/claims", params={"include": "retracted", "limit": 200}).json()["items"]
    shown = next(claim for claim in listed if claim["id"] == CLAIM)["retraction"]
    assert shown == {"at": gone.json()["at"], "by": "alice", "reason": "duplicate"}
    assert all(claim["retraction"] is None for claim in listed if claim["id"] != CLAIM)

    assert client.post(f"{url}/restore", headers=writer).status_code == 428
    stale = client.post(f"{url}/restore", headers={**writer, "If-Match": live.headers["etag"]})
    assert stale.status_code == 412
    back = client.post(f"{url}/restore", headers={**writer, "If-Match": refused.headers["etag"]})
    assert back.status_code == 200, back.text
    # As it was, but for when it last changed.
    restored = back.json()
    assert restored.pop("updated_at") > live.json()["updated_at"]
    assert restored == {k: v for k, v in live.json().items() if k != "updated_at"}
    assert version(back) == 3
    assert client.get(url).json() == back.json()
    assert CLAIM in [claim["id"] for claim in client.get("/claims?limit=200").json()["items"]]
    again = client.post(f"{url}/restore", headers={**writer, "If-Match": "*"})
    assert again.status_code == 409

    revisions = history(client, url)
    assert [r["action"] for r in revisions] == ["create", "retract", "restore"]
    # A withdrawn claim is no longer contradicted: it stands as stated until restored.
    assert revisions[1]["changes"] == {
        "retraction": {"from": None, "to": shown},
        "status": {"from": "disputed", "to": "reported"},
    }
    assert revisions[2]["changes"] == {
        "retraction": {"from": shown, "to": None},
        "status": {"from": "reported", "to": "disputed"},
    }
    assert_one_revision_per_version(client, url)


def test_every_timestamp_is_utc_with_a_z(client: TestClient, writer: dict[str, str]) -> None:
    url = f"/claims/{CLAIM}"
    client.delete(url, headers={**writer, "If-Match": "*"})
    gone = client.get(url).json()
    stamps = [gone["retraction"]["at"]]
    stamps += [r["at"] for kind, key in RESOURCES for r in history(client, f"/{kind}/{key}")]
    listed = client.get("/claims", params={"include": "retracted", "limit": 200}).json()
    stamps += [c["retraction"]["at"] for c in listed["items"] if c["retraction"]]
    assert len(stamps) >= 5
    assert all(TIMESTAMP.match(stamp) for stamp in stamps), stamps


def load(store: Store, *options: str) -> str:
    result = CliRunner().invoke(cli, ["load", "--database-url", url_of(store), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_load_keeps_what_editors_changed_unless_forced(
    client: TestClient, store: Store, writer: dict[str, str], tmp_path: Path
) -> None:
    url = f"/entities/{ENTITY}"
    edited = patch(
        client, url, {"description": "Edited by hand."}, writer, client.get(url).headers["etag"]
    )
    assert edited.status_code == 200
    output = load(store)
    assert "entity: 0 created, 0 updated, 28 unchanged, 1 kept as edited through the API" in output
    assert client.get(url).json()["description"] == "Edited by hand."
    assert [r["actor"] for r in history(client, url)] == ["fixtures", "alice"]
    assert_one_revision_per_version(client, url)

    output = load(store, "--force")
    assert "entity: 0 created, 1 updated, 28 unchanged" in output
    assert client.get(url).json()["description"] != "Edited by hand."
    revisions = history(client, url)
    assert [(r["actor"], r["reason"]) for r in revisions] == [
        ("fixtures", "claims load"),
        ("alice", None),
        ("fixtures", "claims load --force"),
    ]
    assert revisions[-1]["changes"]["description"]["from"] == "Edited by hand."
    assert_one_revision_per_version(client, url)
    assert "0 updated" in load(store).split("entity:")[1].split(";")[0]


def test_a_load_that_changes_a_claim_records_it(
    client: TestClient, store: Store, fixtures_copy: Path
) -> None:
    claims_file = fixtures_copy / "claims.yaml"
    text = claims_file.read_text(encoding="utf-8")
    assert "status: speculative" in text
    claims_file.write_text(text.replace("status: speculative", "status: reported", 1), "utf-8")
    result = CliRunner().invoke(
        cli, ["load", "--database-url", url_of(store), "--fixtures", str(fixtures_copy)]
    )
    assert result.exit_code == 0, result.output
    assert f"claim: 0 created, 1 updated, {FIXTURE_CLAIMS - 1} unchanged" in result.output
    changed = [
        claim["id"]
        for claim in client.get("/claims?limit=200").json()["items"]
        if len(history(client, f"/claims/{claim['id']}")) == 2
    ]
    assert len(changed) == 1
    last = history(client, f"/claims/{changed[0]}")[-1]
    assert last["changes"] == {
        "status": {"from": "speculative", "to": "reported"},
        "stated_status": {"from": "speculative", "to": "reported"},
    }
    assert_one_revision_per_version(client, f"/claims/{changed[0]}")
