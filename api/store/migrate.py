"""Schema migrations (Alembic), run on a store's own connection for both engines."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from api.store import documents, entity_keys
from api.store.db import Store

# Tables of the schema before migrations existed; a store with them but no version
# table was made by `create_all` and is at the first revision.
_CORE_TABLES = {"entity", "source", "claim"}


class SchemaBehindError(RuntimeError):
    """The store's schema is older than this code; serving it would fail on queries."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "api.store:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(store: Store) -> str | None:
    """The store's revision; None for an empty store."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(store: Store) -> bool:
    with store.engine.connect() as connection:
        return not (_CORE_TABLES & set(inspect(connection).get_table_names()))


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Bring the store to `revision`, then render the claim documents and the entities'
    resolver keys a migration left out; returns (from, to)."""
    before = current(store)
    with store.engine.begin() as connection:
        command.upgrade(_config(connection), revision)
        if revision == "head":
            documents.fill_missing(connection)
            entity_keys.fill_missing(connection)
    after = current(store)
    assert after is not None
    return before, after


def ensure_current(store: Store) -> None:
    """Create an empty store's schema; refuse one whose schema is behind the code's."""
    if is_empty(store):
        upgrade(store)
        return
    found, wanted = current(store), head()
    if found != wanted:
        raise SchemaBehindError(
            f"the store's schema is at revision {found or 'none'}, this code needs {wanted}: "
            f"run `claims migrate --database-url ...` to upgrade it"
        )
