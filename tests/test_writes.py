"""An editor's session: keys, verified creates, guarded edits, retractions, history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import url_of
from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, ids
from typer.testing import CliRunner

from api import Store
from api.cli import cli
from api.writes.keys import create_key
from models.base import Scope

QUOTE = "No one knows just how big it is and on what fronts it has fought."
ANY = {"If-Match": "*"}  # whatever version is current


def key_for(store: Store, name: str, scope: Scope) -> dict[str, str]:
    with store.write_session() as session:
        key = create_key(session, name, scope)
        session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    return key_for(store, "alice", Scope.write)


@pytest.fixture
def admin(store: Store) -> dict[str, str]:
    return key_for(store, "root", Scope.admin)


def new_claim(**changes: Any) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "id": "legion-size-unknown-restated",
        "statement": "The size of the Freedom of Russia Legion is unknown.",
        "quote": {"source": "legion-article-2022", "text": QUOTE},
        "claimant": "moscow-times",
        "entities": [{"slug": "freedom-of-russia-legion", "role": "about"}],
        "attribution": [
            {"source": "legion-article-2022", "verb": "reported"},
            {
                "source": "moscow-times-switching-sides",
                "entity": "moscow-times",
                "verb": "reported",
            },
        ],
        "claimed_on": "2022",
        "status": "reported",
        "speech": "indirect",
    }
    claim.update(changes)
    return claim


def test_reads_are_public_writes_need_a_key_with_the_scope(
    client: TestClient, store: Store
) -> None:
    assert client.post("/claims", json=new_claim()).status_code == 401
    bad = client.post("/claims", json=new_claim(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"
    reader = client.post("/claims", json=new_claim(), headers=key_for(store, "r", Scope.read))
    assert reader.status_code == 403
    assert "read scope" in reader.json()["detail"]
    assert client.get("/claims/legion-size-unknown-restated").status_code == 404


def test_a_created_claim_is_verified_readable_searchable_and_has_history(
    client: TestClient, writer: dict[str, str]
) -> None:
    created = client.post("/claims?reason=restating", json=new_claim(), headers=writer)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert created.headers["location"] == "/claims/legion-size-unknown-restated"
    start = client.get("/sources/legion-article-2022/text").text.index(QUOTE)
    assert (claim["quote"]["start"], claim["quote"]["end"]) == (start, start + len(QUOTE))
    read = client.get("/claims/legion-size-unknown-restated")
    assert read.json() == claim
    assert read.headers["etag"] == created.headers["etag"]
    assert "legion-size-unknown-restated" in ids(client.get("/claims?q=fronts fought"))
    assert "legion-size-unknown-restated" in ids(client.get("/claims?entity=legion&limit=200"))
    history = client.get("/claims/legion-size-unknown-restated/history").json()["items"]
    assert [(r["number"], r["action"], r["actor"], r["reason"]) for r in history] == [
        (1, "create", "alice", "restating")
    ]
    assert history[0]["changes"]["statement"] == {"from": None, "to": claim["statement"]}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"quote": {"source": "legion-article-2022", "text": "No one knows how big it is."}},
            "body.quote.text",
            "nearest match at",
        ),
        (
            {"quote": {"source": "legion-article-2022", "text": QUOTE, "start": 5, "end": 71}},
            "body.quote",
            "nearest match at",
        ),
        (
            {"quote": {"source": "legion-article-2022", "text": "Legion"}},
            "body.quote.text",
            "more than once",
        ),
        (
            {
                "quote": {"source": "time-legion-report", "text": "Legion"},
                "attribution": [{"source": "time-legion-report", "verb": "reported"}],
            },
            "body.quote.source",
            "does not hold the text",
        ),
        (
            {
                "quote": {"source": "legion-article", "text": "Legion"},
                "attribution": [{"source": "legion-article", "verb": "reported"}],
            },
            "body.quote.source",
            "legion-article-2022",
        ),
        ({"claimant": "moscow-tims"}, "body.claimant", "moscow-times"),
        (
            {
                "attribution": [
                    {"source": "legion-article-2022", "verb": "reported"},
                    {"source": "interfax-reprot", "verb": "reported"},
                ]
            },
            "body.attribution.1.source",
            "interfax-legion-report",
        ),
        ({"status": "rumoured"}, "body.status", ""),
        ({"claimed_on": "2022-02-30"}, "body.claimed_on", ""),
        (
            {"attribution": [{"source": "moscow-times-switching-sides", "verb": "reported"}]},
            "body",
            "first attribution hop",
        ),
    ],
)
def test_bad_claims_are_422_naming_the_field(
    client: TestClient, writer: dict[str, str], changes: dict[str, Any], field: str, words: str
) -> None:
    response = client.post("/claims", json=new_claim(**changes), headers=writer)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert words in problem["detail"]
    assert client.get("/claims/legion-size-unknown-restated").status_code == 404


def test_an_id_is_taken_once(client: TestClient, writer: dict[str, str]) -> None:
    taken = client.post("/claims", json=new_claim(id="legion-stated-goals"), headers=writer)
    assert taken.status_code == 409


def test_edits_are_merge_patches_guarded_by_etags(
    client: TestClient, writer: dict[str, str]
) -> None:
    url = "/claims/legion-formed-from-surrendered-soldiers"
    tag = client.get(url).headers["etag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    patch = {"status": "speculative", "quantity": None}
    merge = {**writer, "Content-Type": "application/merge-patch+json"}
    assert client.patch(url, content=json.dumps(patch), headers=merge).status_code == 428
    stale = {**merge, "If-Match": '"1-0000000000000000"'}
    assert client.patch(url, content=json.dumps(patch), headers=stale).status_code == 412
    done = client.patch(
        url + "?reason=contested", content=json.dumps(patch), headers={**merge, "If-Match": tag}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "speculative"
    assert done.json()["quantity"] is None
    assert done.headers["etag"] != tag
    again = client.patch(
        url, content=json.dumps({"status": "reported"}), headers={**merge, "If-Match": tag}
    )
    assert again.status_code == 412
    history = client.get(url + "/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [
        ("create", "fixtures"),
        ("update", "alice"),
    ]
    assert history[1]["changes"]["status"] == {"from": "reported", "to": "speculative"}
    assert history[1]["reason"] == "contested"


def test_a_patched_quote_is_verified_again(client: TestClient, writer: dict[str, str]) -> None:
    url = "/claims/legion-size-and-fronts-unknown"
    tag = client.get(url).headers["etag"]
    headers = {**writer, "If-Match": tag, "Content-Type": "application/merge-patch+json"}
    moved = client.patch(
        url, json={"quote": {"text": "on what fronts it has fought."}}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    quote = moved.json()["quote"]
    text = client.get("/sources/legion-article-2022/text").text
    assert text[quote["start"] : quote["end"]] == "on what fronts it has fought."
    renamed = client.patch(
        url, json={"id": "other"}, headers={**headers, "If-Match": moved.headers["etag"]}
    )
    assert renamed.status_code == 422


def test_a_retracted_claim_leaves_lists_and_answers_410(
    client: TestClient, writer: dict[str, str]
) -> None:
    url = "/claims/legion-ukrainian-pr-project"
    gone = client.delete(url + "?reason=unsourced", headers={**writer, "If-Match": "*"})
    assert gone.status_code == 200
    assert gone.json()["by"] == "alice"
    answer = client.get(url)
    assert answer.status_code == 410
    assert answer.json()["retraction"]["reason"] == "unsourced"
    assert "legion-ukrainian-pr-project" not in ids(client.get("/claims?limit=200"))
    assert "legion-ukrainian-pr-project" in ids(client.get("/claims?limit=200&include=retracted"))
    assert client.get("/claims?count=exact").json()["count"] == FIXTURE_CLAIMS - 1
    assert client.delete(url, headers={**writer, "If-Match": "*"}).status_code == 410
    actions = [r["action"] for r in client.get(url + "/history").json()["items"]]
    assert actions == ["create", "retract"]


def test_entities_and_sources_are_written_and_guarded(
    client: TestClient, writer: dict[str, str], admin: dict[str, str]
) -> None:
    entity = {
        "slug": "kyiv-independent",
        "name": "The Kyiv Independent",
        "kind": "publication",
        "aliases": ["Kyiv Independent"],
    }
    assert client.post("/entities", json=entity, headers=writer).status_code == 201
    clash = client.post(
        "/entities", json={**entity, "slug": "other", "aliases": ["legion"]}, headers=writer
    )
    assert clash.status_code == 422
    assert "freedom-of-russia-legion" in clash.json()["detail"]
    source = {
        "slug": "ki-report",
        "name": "Kyiv Independent report",
        "kind": "news_report",
        "publisher": "kyiv-independent",
        "text": "The Legion fought near Bakhmut.",
    }
    made = client.post("/sources", json=source, headers=writer)
    assert made.status_code == 201
    assert made.json()["text_held"] is True
    claim = new_claim(
        id="legion-fought-near-bakhmut",
        claimant="kyiv-independent",
        quote={"source": "ki-report", "text": "The Legion fought near Bakhmut."},
        attribution=[{"source": "ki-report", "entity": "kyiv-independent", "verb": "reported"}],
    )
    assert client.post("/claims", json=claim, headers=writer).status_code == 201
    assert client.delete("/entities/kyiv-independent", headers=writer | ANY).status_code == 403
    in_use = client.delete("/entities/kyiv-independent", headers=admin | ANY)
    assert in_use.status_code == 409
    assert client.delete("/sources/ki-report", headers=admin | ANY).status_code == 409
    assert client.get("/entities/kyiv-independent").status_code == 200
    loose = client.post(
        "/entities", json={"slug": "nobody", "name": "Nobody", "kind": "person"}, headers=writer
    )
    assert loose.status_code == 201
    assert client.delete("/entities/nobody", headers=admin | ANY).status_code == 204
    assert client.get("/entities/nobody").status_code == 404
    assert [
        r["action"] for r in client.get("/entities/kyiv-independent/history").json()["items"]
    ] == ["create"]


def test_a_source_that_draws_a_relation_is_not_deleted(
    client: TestClient, writer: dict[str, str], admin: dict[str, str]
) -> None:
    """A 409 that says why, in the catalogue's words, not the store's foreign key."""
    made = client.post(
        "/sources", json={"slug": "drawer", "name": "Drawer", "kind": "article"}, headers=writer
    )
    assert made.status_code == 201
    relation = client.get("/relations?limit=1").json()["items"][0]["id"]
    moved = client.patch(
        f"/relations/{relation}",
        json={"asserted_by": {"source": "drawer"}},
        headers=writer | ANY | {"Content-Type": "application/merge-patch+json"},
    )
    assert moved.status_code == 200, moved.text
    refused = client.delete("/sources/drawer", headers=admin | ANY)
    assert refused.status_code == 409
    assert "still draws 1 relation(s)" in refused.json()["detail"]
    assert "FOREIGN" not in refused.text.upper()
    assert client.get("/sources/drawer").status_code == 200


def test_a_batch_is_all_or_nothing_and_replayable(
    client: TestClient, writer: dict[str, str]
) -> None:
    text = client.get("/sources/legion-article-2022/text").text
    spans = [
        "No one knows just how big it is",
        "on what fronts it has fought",
        "shrouded in secrecy",
    ]
    lines = [
        json.dumps(
            new_claim(id=f"batch-{n}", quote={"source": "legion-article-2022", "text": span})
        )
        for n, span in enumerate(spans)
    ]
    assert all(text.count(span) == 1 for span in spans)
    ndjson = {**writer, "Content-Type": "application/x-ndjson", "Idempotency-Key": "k-1"}
    broken = [*lines[:2], json.dumps(new_claim(id="batch-x", claimant="nobody-at-all"))]
    failed = client.post(
        "/claims:batch", content="\n".join(broken), headers={**ndjson, "Idempotency-Key": "k-0"}
    )
    assert failed.status_code == 422
    assert failed.json()["field"] == "line 3.claimant"
    assert client.get("/claims/batch-0").status_code == 404
    first = client.post("/claims:batch", content="\n".join(lines), headers=ndjson)
    assert first.status_code == 201, first.text
    assert first.json() == {"created": ["batch-0", "batch-1", "batch-2"], "count": 3}
    replay = client.post("/claims:batch", content="\n".join(lines), headers=ndjson)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert client.get("/claims?count=exact").json()["count"] == FIXTURE_CLAIMS + 3
    reused = client.post("/claims:batch", content=lines[0], headers=ndjson)
    assert reused.status_code == 422
    assert client.post("/claims:batch", content=lines[0], headers=writer).status_code == 415


def test_bodies_over_the_limit_are_413(client: TestClient, writer: dict[str, str]) -> None:
    huge = new_claim(statement="x" * 2_000_000)
    response = client.post("/claims", json=huge, headers=writer)
    assert response.status_code == 413
    assert response.json()["field"] == "body"


def test_keys_from_the_cli_write_and_revoked_keys_do_not(client: TestClient, store: Store) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "--name", "bob", "--database-url", url_of(store)])
    assert made.exit_code == 0, made.output
    headers = {"Authorization": f"Bearer {made.output.strip()}"}
    assert client.post("/claims", json=new_claim(), headers=headers).status_code == 201
    listed = runner.invoke(cli, ["keys", "list", "--database-url", url_of(store)])
    assert "bob\twrite\tlive" in listed.output
    assert made.output.strip() not in listed.output
    assert (
        runner.invoke(cli, ["keys", "revoke", "bob", "--database-url", url_of(store)]).exit_code
        == 0
    )
    again = client.post("/claims", json=new_claim(id="another-one"), headers=headers)
    assert again.status_code == 401
