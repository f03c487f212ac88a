"""The stored claim documents are always the claims as the tables say they are.

Readers get the stored JSON as it is, so each way a claim's content can change (a load,
a create, a patch, an entity renamed, a bulk load) must leave every document equal to
`ClaimPublic` rendered afresh from the tables.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from helpers import FIXTURE_CLAIMS, merge_patch
from sqlalchemy import event
from test_bulk import claims as bulk_claims
from test_bulk import load as bulk_load_claims
from test_writes import key_for, new_claim

from api import Store, create_app
from api.ingest.fixtures import VerifiedFixtures, load
from api.store import documents
from models import ClaimPublic
from models.base import Scope
from models.page import ClaimPage


def stored(store: Store) -> dict[int, str]:
    with store.engine.connect() as connection:
        return {
            row.claim_id: row.body
            for row in connection.exec_driver_sql("SELECT claim_id, body FROM claim_document")
        }


def assert_documents_current(store: Store) -> dict[int, str]:
    """Every claim has a document, and it is ClaimPublic's JSON of the tables' claim."""
    held = stored(store)
    with store.engine.connect() as connection:
        ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM claim")]
        fresh = documents.load(connection, ids)
    assert set(held) == set(ids)
    for claim_id, data in fresh.items():
        assert held[claim_id] == ClaimPublic.model_validate(data).model_dump_json(), claim_id
    return held


def test_every_fixture_claim_is_served_as_its_document(store: Store, client: TestClient) -> None:
    held = assert_documents_current(store)
    assert len(held) == FIXTURE_CLAIMS
    served = {claim["id"] for claim in client.get("/claims?limit=200").json()["items"]}
    for body in held.values():
        claim = ClaimPublic.model_validate_json(body)
        assert claim.id in served
        assert client.get(f"/claims/{claim.id}").text == body


def test_a_page_is_exactly_what_claim_page_would_serialise(client: TestClient) -> None:
    for query in ("entity=legion&limit=3", "facet=status&facet=entity&count=exact&limit=2"):
        body = client.get(f"/claims?{query}").text
        page = ClaimPage.model_validate_json(body)
        assert body == page.model_dump_json(exclude_unset=True), query


def test_loading_the_fixtures_again_writes_no_document(
    store: Store, verified: VerifiedFixtures
) -> None:
    before = stored(store)
    writes: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "claim_document" in statement and not statement.lstrip().startswith("SELECT"):
            writes.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        load(store, verified)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert writes == []
    assert stored(store) == before


def test_writes_keep_documents_current(store: Store, client: TestClient) -> None:
    writer = key_for(store, "alice", Scope.write)
    created = client.post("/claims", json=new_claim(), headers=writer)
    assert created.status_code == 201, created.text
    assert client.get("/claims/legion-size-unknown-restated").text == created.text
    patched = merge_patch(
        client,
        "/claims/legion-size-unknown-restated",
        {"status": "speculative", "entities": []},
        writer,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == "speculative"
    assert client.get("/claims/legion-size-unknown-restated").text == patched.text
    assert_documents_current(store)


def test_renaming_an_entity_rewrites_every_claim_it_figures_in(
    store: Store, client: TestClient
) -> None:
    writer = key_for(store, "alice", Scope.write)
    renamed = merge_patch(
        client, "/entities/moscow-times", {"name": "The Moscow Times (Amsterdam)"}, writer
    )
    assert renamed.status_code == 200, renamed.text
    listed = client.get("/claims?entity=moscow-times&limit=200").json()["items"]
    assert listed
    for claim in listed:
        shown = [e for e in [claim["claimant"], *claim["entities"]] if e["slug"] == "moscow-times"]
        assert shown
        assert {e["name"] for e in shown} == {"The Moscow Times (Amsterdam)"}
    assert_documents_current(store)


def test_a_bulk_load_renders_documents_as_the_tables_would(empty_store: Store) -> None:
    items: list[dict[str, Any]] = bulk_claims(30)
    items[3]["quantity"] = {"value": 300, "unit": "people", "qualifier": "about", "text": "300"}
    bulk_load_claims(empty_store, items)
    held = assert_documents_current(empty_store)
    assert len(held) == 30
    app = create_app(store=empty_store)
    with TestClient(app) as client:
        claim = client.get("/claims/bulk-3").json()
    assert claim["quantity"]["value"] == 300.0


def test_a_claim_is_deleted_with_its_document(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "DELETE FROM claim WHERE public_id = 'legion-300-applications-a-day'"
        )
    assert len(assert_documents_current(store)) == FIXTURE_CLAIMS - 1
