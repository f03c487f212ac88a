"""`claims bulk-load FILE`: a batch-format NDJSON file into a store that then serves it,
with its quotes checked, a revision per claim, and a second run that carries on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import url_of
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS
from typer.testing import CliRunner

from api import Store, create_app
from api.cli import cli

runner = CliRunner()


def variants(client: TestClient, count: int, *, offsets: bool = True) -> list[dict[str, Any]]:
    """New claims in the batch format, each quoting the article as a fixture claim does."""
    template = client.get("/claims/legion-two-fully-manned-battalions").json()
    quote = dict(template["quote"])
    if not offsets:
        del quote["start"], quote["end"]
    return [
        {
            "id": f"bulk-variant-{n}",
            "statement": f"Variant {n}: the Legion says it has two battalions.",
            "quote": quote,
            "claimant": template["claimant"]["slug"],
            "entities": [
                {"slug": e["slug"], "role": e["role"]}
                for e in template["entities"]
                if e["role"] != "claimant"
            ],
            "attribution": [
                {k: v for k, v in hop.items() if v is not None} for hop in template["attribution"]
            ],
            "claimed_on": template["claimed_on"],
            "status": template["stated_status"],
            "speech": template["speech"],
        }
        for n in range(count)
    ]


def walk_changes(client: TestClient) -> list[dict[str, Any]]:
    """The whole change feed from its start, page by page."""
    changes: list[dict[str, Any]] = []
    url: str | None = "/changes?limit=200"
    while url:
        page = client.get(url).json()
        changes += page["items"]
        url = page["next"] if page["items"] else None
    return changes


def write(path: Path, items: list[Any], *, extra: str = "") -> Path:
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n" + extra, "utf-8")
    return path


def bulk_load(store: Store, *args: str) -> Any:
    return runner.invoke(cli, ["bulk-load", *args, "--database-url", url_of(store)])


def test_a_file_of_claims_is_served_with_a_revision_each(store: Store, tmp_path: Path) -> None:
    with TestClient(create_app(store=store)) as client:
        items = variants(client, 50)
        items[7] = variants(client, 8, offsets=False)[7]  # offsets found, as POST /claims does
        result = bulk_load(store, str(write(tmp_path / "claims.ndjson", items)), "--workers", "0")
        assert result.exit_code == 0, result.output
        assert "loaded 50 claims" in result.output
        assert "(0 already in the store, skipped)" in result.output

        listed = client.get("/claims", params={"limit": 200}).json()["items"]
        assert len(listed) == FIXTURE_CLAIMS + 50
        seven = client.get("/claims/bulk-variant-7").json()
        assert (
            seven["quote"]
            == client.get("/claims/legion-two-fully-manned-battalions").json()["quote"]
        )
        found = client.get("/claims", params={"q": "Variant", "limit": 200}).json()["items"]
        assert len(found) == 50, "the search index covers the loaded claims"

        history = client.get("/claims/bulk-variant-3/history").json()["items"]
        assert [(r["action"], r["actor"]) for r in history] == [("create", "bulk-load")]
        changes = history[0]["changes"]
        served = client.get("/claims/bulk-variant-3")
        # The revision speaks the public shape: every field a GET shows, from nothing (but
        # `updated_at`: a revision has its own time).
        shown = {
            name: value
            for name, value in served.json().items()
            if value is not None and name != "updated_at"
        }
        assert changes == {name: {"from": None, "to": value} for name, value in shown.items()}
        assert served.headers["etag"].startswith('"1-')

        # The change feed has each one, created, with the document a GET sends.
        changes = walk_changes(client)
        loaded = [c for c in changes if c["id"].startswith("bulk-variant-")]
        assert [c["id"] for c in loaded] == [item["id"] for item in items]
        assert {c["kind"] for c in loaded} == {"created"}
        three = next(c for c in loaded if c["id"] == "bulk-variant-3")
        assert three["document"] == served.json()
        assert three["etag"] == served.headers["etag"]


def test_a_bad_line_stops_the_load_and_a_second_run_carries_on(
    store: Store, tmp_path: Path
) -> None:
    with TestClient(create_app(store=store)) as client:
        items = variants(client, 30)
        wrong = dict(items[25], quote=dict(items[25]["quote"], text="words the article lacks"))
        broken = write(tmp_path / "broken.ndjson", [*items[:25], wrong, *items[26:]])
        result = bulk_load(store, str(broken), "--batch-size", "10", "--workers", "0")
        assert result.exit_code == 1
        assert "bulk-variant-25" in result.output
        assert "quote" in result.output
        assert "run the same command again" in result.output
        kept = client.get("/claims", params={"q": "Variant", "limit": 200}).json()["items"]
        assert len(kept) == 20, "the two batches before the bad one were kept"

        fixed = write(tmp_path / "fixed.ndjson", items)
        again = bulk_load(store, str(fixed), "--batch-size", "10", "--workers", "0")
        assert again.exit_code == 0, again.output
        assert "loaded 10 claims" in again.output
        assert "(20 already in the store, skipped)" in again.output
        found = client.get("/claims", params={"q": "Variant", "limit": 200}).json()["items"]
        assert sorted(c["id"] for c in found) == sorted(i["id"] for i in items)


def test_unknown_names_and_broken_json_are_named(store: Store, tmp_path: Path) -> None:
    with TestClient(create_app(store=store)) as client:
        items = variants(client, 2)
    unknown = write(tmp_path / "unknown.ndjson", [dict(items[0], claimant="nobody-we-know")])
    result = bulk_load(store, str(unknown), "--workers", "0")
    assert result.exit_code == 1
    assert "unknown slug 'nobody-we-know'" in result.output

    garbled = write(tmp_path / "garbled.ndjson", items, extra="{not json\n")
    result = bulk_load(store, str(garbled), "--workers", "0")
    assert result.exit_code == 1
    assert "line 3: not JSON" in result.output

    result = bulk_load(store, str(tmp_path / "missing.ndjson"))
    assert result.exit_code == 2
    assert "no such file" in result.output
