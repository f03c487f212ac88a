"""Migrations: they build the models' schema, keep data across upgrades, and guard serving."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from api import Settings, Store, create_app
from api.cli import cli
from api.store.migrate import SchemaBehindError, current, head, upgrade

SEARCH_OBJECTS = {"search", "ix_claim_search"}


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
