"""Migrations: they build the models' schema, keep data across upgrades, and guard serving."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from api import Settings, Store, create_app
from api.cli import cli
from api.store.migrate import SchemaBehindError, current, head, upgrade
from api.writes.keys import create_key
from models.base import Scope
from models.tables.types import UTCDateTime

SEARCH_OBJECTS = {"search", "ix_claim_search", "claim_term", "claim_term_pending"}


def _not_search_index(obj: Any, name: str | None, kind: str, *_: Any) -> bool:
    """The search index lives outside the models (FTS5 tables, a generated column)."""
    return not (name or "").startswith("claim_fts") and name not in SEARCH_OBJECTS


def test_migrations_build_exactly_the_models_schema(empty_store: Store) -> None:
    upgrade(empty_store)
    with empty_store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _not_search_index, "compare_type": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_an_old_store_is_refused_until_migrated(empty_store: Store) -> None:
    upgrade(empty_store, "0001")
    with pytest.raises(SchemaBehindError, match=r"revision 0001.*run `claims migrate"):
        create_app(store=empty_store)
    result = CliRunner().invoke(cli, ["migrate", "--database-url", str(empty_store.url)])
    assert result.exit_code == 0, result.output
    assert f"from revision 0001 to {head()}" in result.output
    again = CliRunner().invoke(cli, ["migrate", "--database-url", str(empty_store.url)])
    assert f"already at revision {head()}" in again.output


def test_data_made_at_the_first_revision_survives_the_upgrade(empty_store: Store) -> None:
    upgrade(empty_store, "0001")
    with empty_store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entity (id, slug, name, kind) VALUES (1, 'moscow-times', "
                "'The Moscow Times', 'publication')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO entity_name (entity_id, text, folded, is_alias) VALUES "
                "(1, 'moscow-times', 'moscow-times', false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO source (id, slug, name, kind, date_inferred) VALUES "
                "(1, 'mt', 'Moscow Times', 'article', false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO claim (id, public_id, statement, quote_source_id, quote_start, "
                "quote_end, quote_text, claimant_id, claimed_on, claimed_from, claimed_to, "
                "status, speech) VALUES (1, 'old-claim', 'Volunteers trained on anti-tank "
                "missiles.', 1, 0, 10, 'some words', 1, '2022-03', :lo, :hi, 'reported', "
                "'indirect')"
            ),
            {"lo": date(2022, 3, 1), "hi": date(2022, 3, 31)},
        )
        connection.execute(
            text("INSERT INTO claim_entity (claim_id, entity_id, role) VALUES (1, 1, 'claimant')")
        )
        connection.execute(
            text(
                "INSERT INTO attribution_hop (claim_id, position, source_id, entity_id, verb) "
                "VALUES (1, 0, 1, 1, 'reported')"
            )
        )
    assert upgrade(empty_store) == ("0001", head())
    assert current(empty_store) == head()
    client = TestClient(create_app(Settings(database_url="sqlite://"), store=empty_store))
    claim = client.get("/claims/old-claim").json()
    assert claim["claimed_on"] == "2022-03"
    assert claim["attribution"] == [{"source": "mt", "entity": "moscow-times", "verb": "reported"}]
    assert [c["id"] for c in client.get("/claims?q=missile").json()["items"]] == ["old-claim"]
    assert [c["id"] for c in client.get("/claims?sort=claimed_on").json()["items"]] == ["old-claim"]
    with empty_store.engine.connect() as connection:
        key = connection.execute(text("SELECT claimed_key FROM claim")).scalar_one()
    assert key == date(2022, 3, 1).toordinal()


def test_an_upgraded_store_feeds_its_history_and_says_when_things_changed(
    empty_store: Store,
) -> None:
    """0008 fills the change feed from the revision log and `updated_at` from each
    resource's latest revision (the upgrade's time where there is none)."""
    started = datetime.now(UTC)
    upgrade(empty_store, "0007")
    revision = text(
        "INSERT INTO revision (resource, resource_key, action, at, actor, changes) "
        "VALUES (:resource, :key, :action, :at, 'fixtures', '{}')"
    ).bindparams(bindparam("at", type_=UTCDateTime()))
    with empty_store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entity (slug, name, kind, version) "
                "VALUES ('moscow-times', 'The Moscow Times', 'publication', 2)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO entity_name (entity_id, text, folded, is_alias) SELECT id, "
                "'moscow-times', 'moscow-times', false FROM entity"
            )
        )
        connection.execute(
            text(
                "INSERT INTO source (slug, name, kind, date_inferred, version) "
                "VALUES ('mt', 'Moscow Times', 'article', false, 1)"
            )
        )
        for resource, key, action, at in [
            ("entity", "moscow-times", "create", datetime(2024, 1, 2, 10, tzinfo=UTC)),
            ("source", "mt", "extract", datetime(2024, 1, 3, 10, tzinfo=UTC)),
            ("entity", "moscow-times", "update", datetime(2024, 2, 3, 10, tzinfo=UTC)),
        ]:
            connection.execute(
                revision, {"resource": resource, "key": key, "action": action, "at": at}
            )
    upgrade(empty_store)
    client = TestClient(create_app(Settings(database_url="sqlite://"), store=empty_store))
    assert client.get("/entities/moscow-times").json()["updated_at"] == "2024-02-03T10:00:00Z"
    # A source read for candidates is still the same source, changed at its revision.
    source_at = client.get("/sources/mt").json()["updated_at"]
    assert source_at == "2024-01-03T10:00:00Z"
    changes = client.get("/changes").json()
    shown = [(c["kind"], c["resource"], c["id"], c["revision"]) for c in changes["items"]]
    assert shown == [
        ("created", "entity", "moscow-times", 1),
        ("updated", "entity", "moscow-times", 2),
    ]
    # Before the feed, revisions kept no documents: a reader fetches `href`.
    assert all(c["document"] is None and c["etag"] is None for c in changes["items"])
    assert changes["items"][1]["href"] == "http://testserver/entities/moscow-times"

    with empty_store.write_session() as session:
        key = create_key(session, "upgrader", Scope.write)
        session.commit()
    made = client.post(
        "/entities",
        json={"slug": "after-upgrade", "name": "After", "kind": "person"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert made.status_code == 201
    assert made.json()["updated_at"] >= started.isoformat().replace("+00:00", "Z")
    (new,) = client.get(changes["next"]).json()["items"]
    assert (new["id"], new["etag"]) == ("after-upgrade", made.headers["ETag"])


def test_candidates_become_claim_proposals_with_their_ids_and_history(
    empty_store: Store,
) -> None:
    """0010 moves the review queue into `proposal`: ids, states, reviews and revisions
    kept, URLs of `/candidates` still answering, and no id ever given twice."""
    upgrade(empty_store, "0009")
    at = datetime(2024, 3, 6, 9, tzinfo=UTC)
    stamp = bindparam("at", type_=UTCDateTime())
    with empty_store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entity (id, slug, name, kind) VALUES (1, 'okafor', 'Maria Okafor', "
                "'person')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO entity_name (entity_id, text, folded, is_alias) VALUES "
                "(1, 'Maria Okafor', 'maria okafor', false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO source (id, slug, name, kind, date_inferred, text_sha256) VALUES "
                "(1, 'fire', 'Fire', 'article', false, 'x')"
            )
        )
        candidate = text(
            "INSERT INTO candidate (source_id, state, quote_start, quote_end, quote_text, "
            "claimant, claimant_kind, cue, cue_start, speech, status, claimed_on, "
            "attribution, entities, confidence, version, extracted_at, reviewed_at, "
            "reviewed_by, reason) VALUES (1, :state, 0, 9, 'the words', 'Maria Okafor', "
            "'person', 'said', 12, 'direct', 'reported', '2024-03-05', "
            '\'[{"name": "Maria Okafor", "verb": "said", "kind": "person"}]\', '
            "'[]', 0.9, :version, :at, :reviewed, :by, :reason)"
        ).bindparams(stamp, bindparam("reviewed", type_=UTCDateTime()))
        connection.execute(
            candidate,
            {
                "state": "pending",
                "version": 1,
                "at": at,
                "reviewed": None,
                "by": None,
                "reason": None,
            },
        )
        connection.execute(
            candidate,
            {
                "state": "rejected",
                "version": 2,
                "at": at,
                "reviewed": at,
                "by": "alice",
                "reason": "vague",
            },
        )
        # A candidate replaced before the upgrade: its id is spent.
        connection.execute(
            candidate,
            {
                "state": "pending",
                "version": 1,
                "at": at,
                "reviewed": None,
                "by": None,
                "reason": None,
            },
        )
        connection.execute(text("DELETE FROM candidate WHERE id = 3"))
        connection.execute(
            text(
                "INSERT INTO revision (resource, resource_key, action, at, actor, reason, changes) "
                "VALUES ('candidate', '2', 'reject', :at, 'alice', 'vague', "
                '\'{"state": {"from": "pending", "to": "rejected"}}\')'
            ).bindparams(stamp),
            {"at": at},
        )
    upgrade(empty_store)
    client = TestClient(create_app(Settings(database_url="sqlite://"), store=empty_store))
    pending = client.get("/candidates/1").json()
    assert (pending["state"], pending["claimant"], pending["quote"]["source"]) == (
        "pending",
        {
            "name": "Maria Okafor",
            "kind": "person",
            "entity": "okafor",
            "known_as": None,
            "link": None,
        },
        "fire",
    )
    assert pending["attribution"][0]["entity"] == "okafor"
    proposal = client.get("/proposals/2").json()
    assert (proposal["kind"], proposal["state"], proposal["reason"]) == (
        "claim",
        "rejected",
        "vague",
    )
    assert proposal["evidence"]["spans"] == [
        {"start": 0, "end": 9, "text": "the words", "role": "quote"}
    ]
    assert proposal["proposed_by"] == {"agent": "extractor", "rule": None, "version": None}
    history = client.get("/candidates/2/history").json()["items"]
    assert [(r["action"], r["actor"]) for r in history] == [("reject", "alice")]
    assert client.get("/proposals/2/history").json()["items"] == history
    assert [p["id"] for p in client.get("/proposals?state=pending").json()["items"]] == [1]
    with empty_store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO proposal (kind, state, spans, payload, confidence, agent, version, "
                "proposed_at) VALUES ('relation', 'pending', '[]', '{}', 1, 'x', 1, :at)"
            ).bindparams(stamp),
            {"at": at},
        )
        newest = connection.execute(text("SELECT max(id) FROM proposal")).scalar_one()
    assert newest > 3
