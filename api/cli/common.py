"""What every command shares: the store options, and reading settings and the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.settings import Settings

if TYPE_CHECKING:
    from api.store.db import Store

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL of the store (default: $CLAIMS_DATABASE_URL, else a SQLite file).",
        show_default=False,
    ),
]
FixturesDir = Annotated[
    Path | None,
    typer.Option(
        "--fixtures",
        help="Folder of fixture files (default: $CLAIMS_FIXTURES_DIR, else ./fixtures).",
        show_default=False,
    ),
]


def settings_for(database_url: str | None, fixtures: Path | None = None) -> Settings:
    """The settings, from the environment and the options; a line per bad one, exit 2."""
    from pydantic import ValidationError

    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if fixtures:
        overrides["fixtures_dir"] = fixtures
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            name = "CLAIMS_" + "_".join(str(part) for part in error["loc"][:1]).upper()
            typer.echo(f"invalid setting {name}: {error['msg']}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def current_store(database_url: str | None, doing: str) -> Iterator[Store]:
    """The store, its schema brought up to date, disposed of afterwards; a store whose
    schema is newer than this code is one line (`cannot {doing}: ...`) and exit 1."""
    from api.store.migrate import SchemaBehindError, ensure_current

    store = open_store(settings_for(database_url))
    try:
        try:
            ensure_current(store)
        except SchemaBehindError as exc:
            typer.echo(f"cannot {doing}: {exc}", err=True)
            raise typer.Exit(1) from None
        yield store
    finally:
        store.dispose()


def open_store(settings: Settings) -> Store:
    """The store the settings name; a clear line and exit 1 when it cannot be opened."""
    from api.store.db import MissingDriverError, ReplicaConfigError, Store

    try:
        return Store.from_settings(settings)
    except (MissingDriverError, ReplicaConfigError) as exc:
        typer.echo(f"cannot open the store: {exc}", err=True)
        raise typer.Exit(1) from None
